"""Geometry of the rider page's GC-rank chart, drawn as inline SVG by its
template (the head-to-head page's GC gaps are ``stages.charts.gap_chart``).

Pure Python: stage numbers and ranks in, SVG coordinates out. Rank 1 is at the
top, so a line that climbs is a rider gaining.
"""

from dataclasses import dataclass

from stages.charts import Tick, tick_stages

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

    # Every stage of a short race; else the first, every fifth and the last.
    numbers = range(first_stage, last_stage + 1)
    every = 5 if last_stage > 12 else 1
    x_ticks = [Tick(x(n), str(n)) for n in tick_stages(numbers, every)]
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
