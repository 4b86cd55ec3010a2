"""Geometry of the server-rendered SVG charts (pure Python, no Django).

The template draws what these functions compute: polylines, markers, axis ticks
and end-of-line labels, all in SVG user units. ``gap_chart`` draws GC gaps (the
edition's top ten, and the head-to-head page's riders); the rider page's rank
chart (``riders.charts``) shares its ticks.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# Lines are coloured by the stylesheet (``chart__series--1`` .. ``--10``, the
# ``--series-N`` tokens of each theme), so the chart follows light and dark mode.
SERIES_COLOURS = 10
TICK_STEPS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000)
LEFT, TOP, BOTTOM = 52, 14, 34
# Right margin kept for the end-of-line labels, and without them.
LABEL_ROOM, NO_LABEL_ROOM = 150, 12
LABEL_GAP = 13  # label lines this far apart at least (about their height)


@dataclass(frozen=True)
class Mark:
    """A point of a line: where it is drawn and what it stands for."""

    x: float
    y: float
    stage: int
    seconds: int


@dataclass
class Line:
    label: str
    series: int  # 1..SERIES_COLOURS: its colour class (and marker, if drawn)
    marks: list[Mark]
    label_y: float = 0.0

    @property
    def points(self) -> str:
        """ "x,y x,y ..." for <polyline points>."""
        return " ".join(f"{m.x},{m.y}" for m in self.marks)


@dataclass(frozen=True)
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
    labels: bool = True  # each line ends in its label (else a legend names them)

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


def tick_stages(stages: Sequence[int], every: int) -> list[int]:
    """Stage numbers to write on an x axis: the first, the multiples of
    ``every`` and the last (unless too close to the one before)."""
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
    label_room: int = LABEL_ROOM,
    tick_every: int = 1,
) -> Chart:
    """Lines of each rider's gap to the best (``series``: label -> stage ->
    seconds) over ``stages``; the best runs along the top, losing time goes
    down. Stages where a rider has no value break nothing: the line joins the
    points it has (a rider who left ends at his last one). With ``labels`` each
    line ends in its label, in a right margin of ``label_room``; without, the
    page shows a legend instead (a phone's chart). ``tick_every``: stage numbers
    on the axis are the first, the multiples of it and the last."""
    plot_w = width - LEFT - (label_room if labels else NO_LABEL_ROOM)
    plot_h = height - TOP - BOTTOM
    largest = max((g for _, gaps in series for g in gaps.values()), default=0)
    step = tick_step(max(largest, 1))
    y_max = max(step, -(-largest // step) * step)
    first, last = (stages[0], stages[-1]) if stages else (1, 1)
    span = max(last - first, 1)

    def x(number: int) -> float:
        return round(LEFT + (number - first) * plot_w / span, 1)

    def y(seconds: int) -> float:
        return round(TOP + seconds * plot_h / y_max, 1)

    lines = [
        Line(
            label,
            i % SERIES_COLOURS + 1,
            [Mark(x(n), y(gaps[n]), n, gaps[n]) for n in stages if n in gaps],
        )
        for i, (label, gaps) in enumerate(series)
    ]
    ends = [ln.marks[-1].y if ln.marks else TOP for ln in lines]
    for line, label_y in zip(
        lines, spread(ends, LABEL_GAP, TOP + 4, TOP + plot_h), strict=True
    ):
        line.label_y = round(label_y + 4, 1)
    x_ticks = [Tick(x(n), str(n)) for n in tick_stages(stages, tick_every)]
    y_ticks = [Tick(y(s), gap_label(s)) for s in range(0, y_max + 1, step)]
    return Chart(
        width, height, LEFT, TOP, plot_w, plot_h, lines, x_ticks, y_ticks, labels
    )
