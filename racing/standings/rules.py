"""Per-edition scales and rules (RULES.md sections 1-4), read from edition.toml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from racing.standings.model import CLIMB_CATEGORIES, StageInput

_MOUNTAIN_SCALE = (20, 17, 15, 13, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def _default_points_scales() -> dict[str, tuple[int, ...]]:
    return {
        "flat": (50, 30, 20, 18, 16, 14, 12, 10, 8, 7, 6, 5, 4, 3, 2),
        "hilly": (30, 25, 22, 19, 17, 15, 13, 11, 9, 7, 6, 5, 4, 3, 2),
        "mountain": _MOUNTAIN_SCALE,
        "itt": _MOUNTAIN_SCALE,
    }


def _default_climb_points() -> dict[str, tuple[int, ...]]:
    return {
        "HC": (20, 15, 12, 10, 8, 6, 4, 2),
        "1": (10, 8, 6, 4, 2, 1),
        "2": (5, 3, 2, 1),
        "3": (2, 1),
        "4": (1,),
    }


@dataclass(frozen=True)
class Rules:
    """Per-edition scales. Defaults are the Tour de France 2023 (RULES.md §1-4).

    ``points_scales`` maps a scale name to finish points by rank; a stage uses
    ``StageInput.points_scale`` or, when that is empty, the scale named after its
    type (a ``ttt`` stage then gives no finish points). ``sprint_bonus`` (empty
    in the Tour) gives time bonuses at intermediate sprints, e.g. (3, 2, 1) in
    the Giro 2023. ``climb_points`` maps a climb category (``HC``, ``1``-``4``)
    or another scale a climb may name (``Checkpoint.scale``) to its points.

    ``climb_order`` names the classes of climbs whose first places break a
    mountains tie, hardest first: a climb counts in its scale's class when its
    scale is listed, else in its category's. Default: the categories HC, 1-4
    that have a scale, by first-place points. ``category_names`` are display
    labels of categories and scales (``{"HC": "Cima Coppi"}``).
    """

    finish_bonus: tuple[int, ...] = (10, 6, 4)
    checkpoint_bonus: tuple[int, ...] = (8, 5, 2)
    points_scales: dict[str, tuple[int, ...]] = field(
        default_factory=_default_points_scales, hash=False
    )
    sprint_points: tuple[int, ...] = _MOUNTAIN_SCALE
    climb_points: dict[str, tuple[int, ...]] = field(
        default_factory=_default_climb_points, hash=False
    )
    youth_born_on_or_after: date | None = None
    sprint_bonus: tuple[int, ...] = ()
    # Empty: the default, set by __post_init__ (see ``default_climb_order``).
    climb_order: tuple[str, ...] = ()
    category_names: dict[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.climb_order:
            order = default_climb_order(self.climb_points)
            object.__setattr__(self, "climb_order", order)

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object], year: int) -> Rules:
        """Build the rules of an edition from its ``edition.toml`` ``[rules]`` table.

        Keys: ``finish_bonus``, ``checkpoint_bonus``, ``sprint_bonus``,
        ``sprint_points`` (lists of integers), ``youth_born_on_or_after`` (a date
        or an ISO ``YYYY-MM-DD`` string; default 1 January of ``year`` - 25),
        ``points_scales.<scale>``, ``climb_points.<category or scale>`` and
        ``category_names.<category or scale>`` (either nested tables or dotted
        keys; a named entry replaces the default of that name and new names are
        added), ``climb_order`` (a list of ``climb_points`` names, hardest first).
        Any other key, or a bad value, raises ``ValueError`` naming it.
        """
        scalars: dict[str, object] = {}
        tables: dict[str, dict[str, tuple[int, ...]]] = {
            "points_scales": dict(_default_points_scales()),
            "climb_points": dict(_default_climb_points()),
        }
        names: dict[str, str] = {}
        for key, value in overrides.items():
            head, _, tail = str(key).partition(".")
            if head in tables:
                for name, scale in _entries(key, tail, value).items():
                    tables[head][name] = _scale(f"{head}.{name}", scale)
            elif head == "category_names":
                for name, label in _entries(key, tail, value).items():
                    names[name] = _label(name, label)
            elif tail:
                raise ValueError(f"rules: unknown key {key!r}")
            elif head in ("finish_bonus", "checkpoint_bonus", "sprint_bonus"):
                scalars[head] = _scale(head, value)
            elif head == "sprint_points":
                scalars[head] = _scale(head, value)
            elif head == "youth_born_on_or_after":
                scalars[head] = _as_date(head, value)
            elif head == "climb_order":
                scalars[head] = _climb_order(value)
            else:
                raise ValueError(f"rules: unknown key {key!r}")
        order = scalars.get("climb_order", ())
        _check_references(names, order, tables["climb_points"])  # type: ignore[arg-type]
        scalars.setdefault("youth_born_on_or_after", default_youth_cutoff(year))
        return cls(**scalars, **tables, category_names=names)  # type: ignore[arg-type]

    def category_label(self, category: str, scale: str = "") -> str:
        """How the race names a climb of ``category`` scored on ``scale``: the
        scale's name if the rules give one, else the category's, else the
        category itself (``"HC"``, ``"1"``)."""
        if scale and scale in self.category_names:
            return self.category_names[scale]
        return self.category_names.get(category, category)

    def climb_class(self, category: str, scale: str = "") -> str | None:
        """The class of ``climb_order`` a climb's first places count in: its
        scale when listed, else its category when listed, else None."""
        if scale and scale in self.climb_order:
            return scale
        return category if category in self.climb_order else None

    def scale_for(self, stage: StageInput) -> tuple[int, ...]:
        """Finish points of ``stage`` by rank (empty for a TTT without a scale)."""
        name = stage.points_scale or ("" if stage.type == "ttt" else stage.type)
        if not name:
            return ()
        try:
            return self.points_scales[name]
        except KeyError:
            raise ValueError(
                f"stage {stage.number}: unknown points scale {name!r}"
            ) from None

    def category_order(self) -> tuple[str, ...]:
        """Every climb scale, hardest first: by first-place points, then as listed."""
        return _by_first_place(self.climb_points, list(self.climb_points))


def _by_first_place(
    climb_points: Mapping[str, tuple[int, ...]], keys: list[str]
) -> tuple[str, ...]:
    return tuple(
        sorted(keys, key=lambda c: (-(climb_points[c] or (0,))[0], keys.index(c)))
    )


def default_climb_order(climb_points: Mapping[str, tuple[int, ...]]) -> tuple[str, ...]:
    """The categories HC, 1, 2, 3, 4 that have a scale, by first-place points
    (then in that order): other scales count as their climbs' categories."""
    return _by_first_place(
        climb_points, [c for c in CLIMB_CATEGORIES if c in climb_points]
    )


def _entries(key: object, tail: str, value: object) -> dict[str, object]:
    """The entries of a table key (``climb_points = {...}``) or of a dotted one
    (``climb_points.1 = [...]``)."""
    items = {tail: value} if tail else value
    if not isinstance(items, Mapping):
        raise ValueError(f"rules: {key} must be a table")
    for name in items:
        if not str(name).strip():
            raise ValueError(f"rules: {key} has an empty name")
    return {str(name): v for name, v in items.items()}


def _label(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"rules: category_names.{name} must be a name (text)")
    if len(value.strip()) > 40:
        raise ValueError(f"rules: category_names.{name} is longer than 40 characters")
    return value.strip()


def _climb_order(value: object) -> tuple[str, ...]:
    """A list of names, each once (``_check_references`` checks them against the
    complete climb_points)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError("rules: climb_order must be a list of climb_points names")
    order = tuple(value)
    if not order or not all(isinstance(v, str) and v for v in order):
        raise ValueError("rules: climb_order must be a list of climb_points names")
    if len(set(order)) != len(order):
        twice = sorted({v for v in order if order.count(v) > 1})
        raise ValueError(f"rules: climb_order lists {', '.join(twice)} twice")
    return order


def _check_references(
    names: Mapping[str, str],
    order: tuple[str, ...],
    climb_points: Mapping[str, object],
) -> None:
    """climb_order names only climb_points scales; category_names only those or
    categories."""
    missing = [n for n in order if n not in climb_points]
    if missing:
        raise ValueError(
            f"rules: climb_order names {', '.join(map(repr, missing))}, which "
            f"climb_points does not have (it has {', '.join(climb_points)})"
        )
    known = {*CLIMB_CATEGORIES, *climb_points}
    unknown = sorted(n for n in names if n not in known)
    if unknown:
        raise ValueError(
            f"rules: category_names names {', '.join(map(repr, unknown))}, neither a "
            "category (HC, 1-4) nor a climb_points scale"
        )


def _scale(name: str, value: object) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"rules: {name} must be a list of integers")
    scale = tuple(value)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in scale):
        raise ValueError(f"rules: {name} must be a list of integers")
    if any(v < 0 for v in scale):
        raise ValueError(f"rules: {name} must not contain negative values")
    return scale


def _as_date(name: str, value: object) -> date:
    if isinstance(value, date):
        # datetime is a date subclass: keep the calendar day only
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"rules: {name} must be a date (YYYY-MM-DD), not {value!r}")


def default_youth_cutoff(year: int) -> date:
    """Riders who do not turn 26 in the race year (RULES.md section 4)."""
    return date(year - 25, 1, 1)
