"""Geometry of the rider charts, drawn as inline SVG by the templates: the rider
page's GC rank and the head-to-head page's GC gaps.

Pure Python: stage numbers and ranks (or seconds) in, SVG coordinates out. Rank 1
and the best of the compared riders are at the top, so a line that climbs is a
rider gaining.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from stages.charts import gap_label, spread, tick_step

WIDTH = 440
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 38, 12, 12, 30


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    stage: int
    rank: int


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class RankChart:
    width: int
    height: int
    points: list[Point]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _nice_ceiling(n: int) -> int:
    """The axis end: 10, 20, 50, 100, 150, 200… at or above ``n``."""
    for step in (10, 20, 50, 100, 150, 200):
        if n <= step:
            return step
    return ((n + 99) // 100) * 100


def _stage_ticks(first: int, last: int) -> list[int]:
    """Stages to label on the x axis: all of a short race; else the first and
    last, and every fifth unless it would crowd either."""
    every = 5 if last > 12 else 1
    return [
        n
        for n in range(first, last + 1)
        if n in (first, last) or (n % every == 0 and last - n >= 2 and n - first >= 2)
    ]


def rank_chart(points: list[tuple[int, int]], stage_count: int) -> RankChart | None:
    """Chart geometry for ``(stage, rank)`` points over stages 1..``stage_count``.

    None when there is nothing to draw.
    """
    if not points:
        return None
    last_stage = max(stage_count, max(s for s, _ in points), 2)
    first_stage = min(1, min(s for s, _ in points))
    bottom_rank = _nice_ceiling(max(r for _, r in points))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(stage: int) -> float:
        return LEFT + plot_w * (stage - first_stage) / (last_stage - first_stage)

    def y(rank: int) -> float:
        return TOP + plot_h * (rank - 1) / (bottom_rank - 1)

    x_ticks = [Tick(x(n), str(n)) for n in _stage_ticks(first_stage, last_stage)]
    step = bottom_rank // 5
    # Gridlines every fifth of the axis, plus rank 1 unless a line sits just below.
    ranks = [1] + [r for r in range(step, bottom_rank + 1, step) if r - 1 > step / 2]
    y_ticks = [Tick(y(r), str(r)) for r in ranks]
    return RankChart(
        width=WIDTH,
        height=HEIGHT,
        points=[Point(x(s), y(r), s, r) for s, r in sorted(points)],
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )


# Head-to-head: GC gaps to the best of the compared riders ----------------------

# About as wide as a phone's column, so the text stays near its size there.
DUEL_WIDTH = 340
DUEL_HEIGHT = 230
DUEL_LEFT, DUEL_RIGHT, DUEL_TOP, DUEL_BOTTOM = 42, 100, 10, 32
# Label lines this far apart at least (SVG units, about the labels' height).
LABEL_GAP = 14


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    stage: int
    seconds: int


@dataclass
class DuelLine:
    """One rider's line: its style number (1 to 4: the colour, dash pattern and
    marker the stylesheet gives ``chart-h2h__series--N``), his points, and where
    his end label goes."""

    label: str
    style: int
    marks: list[Mark] = field(default_factory=list)
    label_y: float = 0.0

    @property
    def polyline(self) -> str:
        return " ".join(f"{m.x:.1f},{m.y:.1f}" for m in self.marks)


@dataclass(frozen=True)
class DuelChart:
    width: int
    height: int
    lines: list[DuelLine]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int

    @property
    def label_x(self) -> int:
        return self.plot_right + 8


def duel_chart(
    series: Sequence[tuple[str, dict[int, int]]], stages: Sequence[int]
) -> DuelChart | None:
    """Lines of each rider's GC gap to the best of them (``series``: label ->
    stage -> seconds) over ``stages``; None with no stage to draw. A rider with
    no value on a stage (he left) ends his line at his last point."""
    if not stages:
        return None
    first, last = min(stages), max(max(stages), min(stages) + 1)
    largest = max((s for _, gaps in series for s in gaps.values()), default=0)
    step = tick_step(max(largest, 1), most=5)
    y_max = max(step, -(-largest // step) * step)
    plot_w = DUEL_WIDTH - DUEL_LEFT - DUEL_RIGHT
    plot_h = DUEL_HEIGHT - DUEL_TOP - DUEL_BOTTOM

    def x(stage: int) -> float:
        return DUEL_LEFT + plot_w * (stage - first) / (last - first)

    def y(seconds: int) -> float:
        return DUEL_TOP + plot_h * seconds / y_max

    lines = [
        DuelLine(label, i, [Mark(x(n), y(g[n]), n, g[n]) for n in stages if n in g])
        for i, (label, g) in enumerate(series, start=1)
    ]
    ends = [ln.marks[-1].y if ln.marks else DUEL_TOP for ln in lines]
    bottom = DUEL_TOP + plot_h
    for line, placed in zip(
        lines, spread(ends, LABEL_GAP, DUEL_TOP, bottom), strict=True
    ):
        line.label_y = round(placed, 1)
    return DuelChart(
        width=DUEL_WIDTH,
        height=DUEL_HEIGHT,
        lines=lines,
        x_ticks=[Tick(x(n), str(n)) for n in _stage_ticks(first, max(stages))],
        y_ticks=[Tick(y(s), gap_label(s)) for s in range(0, y_max + 1, step)],
        plot_left=DUEL_LEFT,
        plot_right=DUEL_WIDTH - DUEL_RIGHT,
        plot_top=DUEL_TOP,
        plot_bottom=bottom,
    )
