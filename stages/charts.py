"""Geometry of the server-rendered SVG charts (pure Python, no Django).

The template draws what these functions compute: polylines, axis ticks and
end-of-line labels, all in SVG user units.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

# Lines are coloured by the stylesheet (``chart__series--1`` .. ``--10``, the
# ``--series-N`` tokens of each theme), so the chart follows light and dark mode.
SERIES_COLOURS = 10
TICK_STEPS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000)


@dataclass
class Line:
    label: str
    series: int  # 1..SERIES_COLOURS: its colour class
    points: str  # "x,y x,y ..." for <polyline points>
    dots: list[tuple[float, float]] = field(default_factory=list)
    end: tuple[float, float] = (0.0, 0.0)
    label_y: float = 0.0


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height


def gap_label(seconds: int) -> str:
    if seconds == 0:
        return "0"
    if seconds >= 3600:
        return f"+{seconds // 3600}h{seconds % 3600 // 60:02d}"
    if seconds % 60 == 0:
        return f"+{seconds // 60}′"
    return f"+{seconds // 60}:{seconds % 60:02d}"


def tick_step(maximum: int, most: int = 6) -> int:
    return next((s for s in TICK_STEPS if maximum / s <= most), TICK_STEPS[-1])


def _tick_stages(stages: Sequence[int], every: int) -> list[int]:
    shown = [n for i, n in enumerate(stages) if i == 0 or n % every == 0]
    far = stages and stages[-1] - shown[-1] > every // 2
    if stages and stages[-1] not in shown and (far or len(shown) == 1):
        shown.append(stages[-1])
    return shown


def spread(wanted: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions (kept in order) apart by at least ``gap``, inside
    [low, high], moving each as little as a simple two-pass sweep allows."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    previous = low - gap
    for i in order:
        placed[i] = max(wanted[i], previous + gap)
        previous = placed[i]
    following = high + gap
    for i in reversed(order):
        placed[i] = min(placed[i], following - gap)
        following = placed[i]
    return placed


def gap_chart(
    series: Sequence[tuple[str, dict[int, int]]],
    stages: Sequence[int],
    *,
    width: int = 760,
    height: int = 380,
    labels: bool = True,
    tick_every: int = 1,
) -> Chart:
    """Lines of each rider's gap to the leader (``series``: label -> stage ->
    seconds) over ``stages``; the leader's line runs along the top, losing time
    goes down. Stages where a rider has no value break nothing: the line joins
    the points it has. With ``labels`` each line ends in its rider's name (a right
    margin for them); without, the page shows a legend instead (a phone's chart).
    ``tick_every``: stage numbers on the axis are the first, the multiples of it
    and the last (unless too close to the one before)."""
    left, right_margin, top, bottom_margin = 52, 150 if labels else 12, 14, 34
    plot_w = width - left - right_margin
    plot_h = height - top - bottom_margin
    largest = max((g for _, gaps in series for g in gaps.values()), default=0)
    step = tick_step(max(largest, 1))
    y_max = max(step, -(-largest // step) * step)
    first, last = (stages[0], stages[-1]) if stages else (1, 1)
    span = max(last - first, 1)

    def x(number: int) -> float:
        return round(left + (number - first) * plot_w / span, 1)

    def y(seconds: int) -> float:
        return round(top + seconds * plot_h / y_max, 1)

    lines = []
    for i, (label, gaps) in enumerate(series):
        points = [(x(n), y(gaps[n])) for n in stages if n in gaps]
        lines.append(
            Line(
                label=label,
                series=i % SERIES_COLOURS + 1,
                points=" ".join(f"{px},{py}" for px, py in points),
                dots=points,
                end=points[-1] if points else (left, top),
            )
        )
    for line, label_y in zip(
        lines,
        spread([ln.end[1] for ln in lines], 13, top + 4, top + plot_h),
        strict=True,
    ):
        line.label_y = round(label_y + 4, 1)
    x_ticks = [Tick(x(n), str(n)) for n in _tick_stages(stages, tick_every)]
    y_ticks = [Tick(y(s), gap_label(s)) for s in range(0, y_max + 1, step)]
    return Chart(width, height, left, top, plot_w, plot_h, lines, x_ticks, y_ticks)
