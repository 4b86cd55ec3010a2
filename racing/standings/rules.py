"""Per-edition scales and rules (RULES.md sections 1-4), read from edition.toml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from racing.standings.model import StageInput

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
    the Giro 2023.
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

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object], year: int) -> Rules:
        """Build the rules of an edition from its ``edition.toml`` ``[rules]`` table.

        Keys: ``finish_bonus``, ``checkpoint_bonus``, ``sprint_bonus``,
        ``sprint_points`` (lists of integers), ``youth_born_on_or_after`` (a date
        or an ISO ``YYYY-MM-DD`` string; default 1 January of ``year`` - 25),
        ``points_scales.<scale>`` and ``climb_points.<category>`` (either nested
        tables or dotted keys; a named scale replaces the default of that name
        and new names are added). Any other key raises ``ValueError`` naming it.
        """
        scalars: dict[str, object] = {}
        tables: dict[str, dict[str, tuple[int, ...]]] = {
            "points_scales": dict(_default_points_scales()),
            "climb_points": dict(_default_climb_points()),
        }
        for key, value in overrides.items():
            head, _, tail = str(key).partition(".")
            if head in tables:
                items = {tail: value} if tail else value
                if not isinstance(items, Mapping):
                    raise ValueError(f"rules: {key} must be a table of scales")
                for name, scale in items.items():
                    if not str(name):
                        raise ValueError(f"rules: {key} has an empty scale name")
                    tables[head][str(name)] = _scale(f"{head}.{name}", scale)
            elif tail:
                raise ValueError(f"rules: unknown key {key!r}")
            elif head in ("finish_bonus", "checkpoint_bonus", "sprint_bonus"):
                scalars[head] = _scale(head, value)
            elif head == "sprint_points":
                scalars[head] = _scale(head, value)
            elif head == "youth_born_on_or_after":
                scalars[head] = _as_date(head, value)
            else:
                raise ValueError(f"rules: unknown key {key!r}")
        scalars.setdefault("youth_born_on_or_after", default_youth_cutoff(year))
        return cls(**scalars, **tables)  # type: ignore[arg-type]

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
        """Climb categories, hardest first: by first-place points, then as listed."""
        keys = list(self.climb_points)
        return tuple(
            sorted(
                keys,
                key=lambda c: (-(self.climb_points[c] or (0,))[0], keys.index(c)),
            )
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
