"""The stage strip's stops: the stage's distance as a line with its start,
sprints, climbs, bonus points and finish, grouped by km. How they are drawn, in
a wide and a narrow layout, is ``stages.strip_layout``'s (its docstring says
how labels are placed).

A bonus point at the same km as a climb (or sprint) is that stop's badge
("+8/5/2 s"), not a label of its own. A climb's category reads as the stage
table prints it (``category_text`` of the checkpoint rows).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

from racing.standings import CLIMB_CATEGORIES
from stages.strip_layout import Layout, narrow_layout, wide_layout

KIND_ORDER = ("climb", "sprint", "bonus")  # a stop's marker: its first kind here
CATEGORY_ORDER = tuple(CLIMB_CATEGORIES)  # hardest first


class CheckpointLike(Protocol):
    name: str
    kind: str
    km: Decimal | None
    category: str
    category_label: str
    category_text: str  # "cat. 1", HC, Cima Coppi (stages.queries.checkpoints)
    multiplier: int
    altitude_m: int | None


# Text ------------------------------------------------------------------------


def km_text(km: Decimal | float) -> str:
    """165.7, 46 (no trailing .0), with the page language's decimal mark."""
    value = Decimal(str(km)).quantize(Decimal("0.1"))
    return number_format(value, 0 if value == value.to_integral_value() else 1)


# Stops -----------------------------------------------------------------------


@dataclass
class Stop:
    """A point of the line: the start, the finish, or the checkpoints at one km
    (a bonus point at a climb's summit is the climb's badge, not a stop)."""

    km: Decimal
    kind: str  # start | finish | climb | sprint | bonus: the marker drawn
    names: list[str]
    detail: str  # "km 159.1 · HC ×2"
    badge: str = ""  # "+8/5/2 s": a bonus point merged into this stop
    category: str = ""  # the climb's code, for its colour and size

    def marker(self, x: float, y: float) -> str:
        """The marker's polygon, centred on (x, y): a triangle for a climb
        (taller the harder), a square for a sprint, a diamond for a bonus point,
        a bar for the finish; "" for the start (a circle)."""
        if self.kind == "climb":
            h = {"HC": 11, "1": 10, "2": 9, "3": 8, "4": 7}.get(self.category, 8)
            return f"{x - h},{y + h * 0.6} {x + h},{y + h * 0.6} {x},{y - h * 1.2}"
        if self.kind == "sprint":
            return f"{x - 6},{y - 6} {x + 6},{y - 6} {x + 6},{y + 6} {x - 6},{y + 6}"
        if self.kind == "bonus":
            return f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"
        if self.kind == "finish":
            return (
                f"{x - 2},{y - 12} {x + 2},{y - 12} {x + 2},{y + 12} {x - 2},{y + 12}"
            )
        return ""

    @property
    def css(self) -> str:
        """The marker's classes: kind, and the category of a climb."""
        if self.kind == "climb" and self.category:
            return f"strip__mark strip__mark--climb strip__cat--{self.category.lower()}"
        return f"strip__mark strip__mark--{self.kind}"


def _item_text(cp: CheckpointLike) -> str:
    if cp.kind == "climb":
        text = cp.category_text
    else:
        text = gettext("sprint") if cp.kind == "sprint" else gettext("bonus point")
    if cp.multiplier and cp.multiplier > 1:
        text += f" ×{cp.multiplier}"
    if cp.altitude_m:
        text += f" · {number_format(cp.altitude_m, force_grouping=True)} m"
    return text


def _stop(km: Decimal, group: list[CheckpointLike], badge: str) -> Stop:
    """One stop from the checkpoints at ``km`` (in KIND_ORDER, hardest climb
    first); ``badge``: the seconds a bonus point gives ("" if unknown)."""
    main = [c for c in group if c.kind != "bonus"] or group
    first = main[0]
    merged = len(main) < len(group)
    parts = [f"km {km_text(km)}", *(_item_text(c) for c in main)]
    if merged:
        badge = badge or f"◆\u00a0{gettext('bonus point')}"
    return Stop(
        km=km,
        kind=first.kind,
        names=[c.name for c in main],
        detail=" · ".join(parts),
        badge=badge if merged or first.kind == "bonus" else "",
        category=first.category if first.kind == "climb" else "",
    )


def _rank(cp: CheckpointLike) -> tuple:
    kind = KIND_ORDER.index(cp.kind) if cp.kind in KIND_ORDER else len(KIND_ORDER)
    cat = CATEGORY_ORDER.index(cp.category) if cp.category in CATEGORY_ORDER else 9
    return (kind, cat, cp.name)


def stops_of(
    distance: Decimal, checkpoints: Sequence[CheckpointLike], badge: str
) -> list[Stop]:
    """Start, the checkpoints grouped by km (within the distance), finish."""
    groups: dict[Decimal, list[CheckpointLike]] = {}
    for cp in checkpoints:
        if cp.km is None:
            continue
        km = min(max(Decimal(str(cp.km)), Decimal(0)), distance)
        groups.setdefault(km.quantize(Decimal("0.1")), []).append(cp)
    start = pgettext("stage route", "Start")
    stops = [Stop(Decimal(0), "start", [start], "km 0")]
    for km in sorted(groups):
        stops.append(_stop(km, sorted(groups[km], key=_rank), badge))
    finish = pgettext("stage route", "Finish")
    stops.append(Stop(distance, "finish", [finish], f"km {km_text(distance)}"))
    return stops


# The strip -------------------------------------------------------------------


@dataclass
class Strip:
    distance_km: Decimal
    stops: list[Stop]
    wide: Layout
    narrow: Layout
    counts: dict[str, int]  # checkpoints drawn, by kind
    unplaced: int  # checkpoints without a km (not drawn)

    @property
    def layouts(self) -> list[tuple[str, Layout]]:
        return [("wide", self.wide), ("narrow", self.narrow)]

    @property
    def summary(self) -> str:
        """ "165.7 km, 1 sprint, 4 climbs, 1 bonus point"."""
        parts = [f"{km_text(self.distance_km)} km"]
        for kind in ("sprint", "climb", "bonus"):
            n = self.counts.get(kind, 0)
            if n:
                parts.append(_count_text(kind, n))
        if self.unplaced:
            parts.append(
                ngettext(
                    "%(count)s more without a km, not drawn",
                    "%(count)s more without a km, not drawn",
                    self.unplaced,
                )
                % {"count": self.unplaced}
            )
        return ", ".join(parts)


def _count_text(kind: str, n: int) -> str:
    """ "1 sprint", "4 climbs", "2 bonus points"."""
    if kind == "sprint":
        text = ngettext("%(count)s sprint", "%(count)s sprints", n)
    elif kind == "climb":
        text = ngettext("%(count)s climb", "%(count)s climbs", n)
    else:
        text = ngettext("%(count)s bonus point", "%(count)s bonus points", n)
    return text % {"count": n}


def stage_strip(
    distance_km: Decimal | float | None,
    checkpoints: Sequence[CheckpointLike],
    *,
    bonus_seconds: Sequence[int] = (),
) -> Strip | None:
    """The strip of a stage of ``distance_km`` with ``checkpoints``; None when
    there is nothing to draw (no distance, or no checkpoint with a km).
    ``bonus_seconds``: what the places at a bonus point give (the rules'
    ``checkpoint_bonus``), for its badge ("+8/5/2 s")."""
    if not distance_km or distance_km <= 0:
        return None
    placed = [c for c in checkpoints if c.km is not None]
    if not placed:
        return None
    distance = Decimal(str(distance_km))
    seconds = "/".join(map(str, bonus_seconds))
    badge = f"◆\u00a0+{seconds}\u00a0s" if seconds else ""
    stops = stops_of(distance, placed, badge)
    counts: dict[str, int] = {}
    for c in placed:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return Strip(
        distance,
        stops,
        wide_layout(stops, float(distance)),
        narrow_layout(stops, float(distance)),
        counts,
        len(checkpoints) - len(placed),
    )
