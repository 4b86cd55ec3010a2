"""Geometry of the stage strip's two layouts (pure Python, no Django): where
each stop's marker, label lines and leader go, in SVG user units. ``stages.strip``
makes the stops. Positions along the line are proportional to km. There is no
elevation profile: the data has no altitudes along the road, only (sometimes) a
climb's summit, which its label prints.

- ``wide_layout``: the distance runs left to right; labels stand above the line
  in staggered rows, each joined to its marker by a vertical leader. Rows are
  assigned right to left so that no label overlaps another and no leader runs
  through a label (``_rows``).
- ``narrow_layout`` (phones): the distance runs top to bottom; labels sit right
  of the line, pushed apart where stops are close (``_spread``), each joined to
  its marker by a short leader.

Text widths are estimated (``text_width``) on the wide side of common
sans-serif fonts, so labels that do not overlap here do not overlap on screen.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

TICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


class StopLike(Protocol):
    km: Decimal
    kind: str  # start | finish | climb | sprint | bonus
    names: list[str]
    detail: str
    badge: str
    category: str

    def marker(self, x: float, y: float) -> str: ...


# Text ------------------------------------------------------------------------

# Advance widths in em, on the wide side (DejaVu Sans, the widest common
# fallback); bold adds BOLD.
_NARROW = set("ijlI.,:;'!|·") | {" "}
_SEMI = set("frt()[]/-")
_WIDE = set("mwMW×+=%◆")
BOLD = 1.1


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of ``text`` at font ``size`` (user units)."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.32
        elif ch in _SEMI:
            em += 0.42
        elif ch in _WIDE:
            em += 0.96
        elif ch.isupper():
            em += 0.76
        else:
            em += 0.64
    return em * size * (BOLD if bold else 1.0)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces (not at
    no-break spaces); a word longer than that is a line of its own."""
    lines: list[str] = []
    for word in filter(None, text.split(" ")):
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


# Layout ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float
    y: float  # baseline
    css: str  # strip__name | strip__detail
    badge: str = ""  # drawn after the text, as its own tspan
    anchor: str = "start"  # text-anchor
    size: int = 12  # font size (user units)


@dataclass
class Label:
    """A stop's label: its lines, its box (for the overlap checks) and the
    leader from the marker to it."""

    stop: StopLike
    mark_x: float
    mark_y: float
    lines: list[TextLine]
    box: tuple[float, float, float, float]  # left, top, right, bottom
    leader: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2
    shape: str = ""  # marker polygon points ("" for the start's circle)


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Layout:
    width: float
    height: float
    axis: tuple[float, float, float, float]  # x1, y1, x2, y2
    labels: list[Label]
    ticks: list[Tick] = field(default_factory=list)


def tick_step(distance: float, most: int) -> int:
    return next((s for s in TICK_STEPS if distance / s <= most), TICK_STEPS[-1])


# Wide: left to right, labels above in rows ---------------------------------

W_WIDTH, W_MARGIN = 1000, 20
W_NAME, W_DETAIL, W_LINE = 13, 12, 15
W_WRAP = 210  # a name longer than this wraps
W_GAP = 12  # between two labels of a row, and around a leader
W_ROW_GAP = 6
W_CLEAR = 20  # from row 0 to the line (room for the markers)
W_TICK = 11  # km ticks' font size (the template's too)


@dataclass(frozen=True)
class _Line:
    text: str
    css: str  # strip__name | strip__detail
    badge: str
    size: int

    @property
    def width(self) -> float:
        bold = self.css == "strip__name"
        extra = text_width(f" {self.badge}", self.size, True) if self.badge else 0
        return text_width(self.text, self.size, bold) + extra


_PARENS = re.compile(r"\([^)]*\)")


def _glue(found: re.Match) -> str:
    """ "(1st passage)" kept on one line."""
    return found.group(0).replace(" ", "\u00a0")


def _label_lines(stop: StopLike, name: int, detail: int, wrap_at: float) -> list:
    """A stop's label as lines: its names, then its detail and the merged bonus
    point's badge, each wrapped at ``wrap_at``."""
    lines = [
        _Line(line, "strip__name", "", name)
        for n in stop.names
        for line in wrap(_PARENS.sub(_glue, n), name, wrap_at, bold=True)
    ]
    more = wrap(f"{stop.detail} {stop.badge}".strip(), detail, wrap_at, bold=True)
    for i, text in enumerate(more):
        badge = stop.badge if stop.badge and i == len(more) - 1 else ""
        text = text.removesuffix(badge).rstrip() if badge else text
        lines.append(_Line(text, "strip__detail", badge, detail))
    return lines


def _lines_width(lines: list[_Line]) -> float:
    return max(line.width for line in lines)


def _text(lines: list[_Line], x: float, top: float, step: int, anchor: str) -> list:
    """The lines as drawn from ``top``, ``step`` apart."""
    return [
        TextLine(
            line.text,
            x,
            round(top + (j + 1) * step - step * 0.25, 1),
            line.css,
            line.badge,
            anchor,
            line.size,
        )
        for j, line in enumerate(lines)
    ]


def _rows(widths: list[float], xs: list[float], right: float) -> tuple[list, list]:
    """A row (0 next to the line) and a box span per label. Each label reads
    rightwards from its leader or leftwards (where that fits between 0 and
    ``right``); the sides are searched (every split "leftwards before label i,
    rightwards after", then single flips while they help) for the best stack:
    no leader through a label, then fewest rows."""
    n = len(xs)
    options = []
    for x, w in zip(xs, widths, strict=True):
        sides = [s for s in ((x - w, x), (x, x + w)) if s[0] >= 0 and s[1] <= right]
        options.append(sides or [(max(x - w, 0), x)])

    def score(choice: list[int]) -> tuple:
        spans = [options[i][c] for i, c in enumerate(choice)]
        rows, crossed = _stack(spans, xs)
        return (crossed, max(rows, default=0), rows, spans)

    splits = [
        [0 if i < split else len(options[i]) - 1 for i in range(n)]
        for split in range(n + 1)
    ]
    choice = min(splits, key=lambda c: score(c)[:2])
    best = score(choice)
    improved = True
    while improved:
        improved = False
        for i in range(n):
            if len(options[i]) == 2:
                trial = [*choice[:i], 1 - choice[i], *choice[i + 1 :]]
                found = score(trial)
                if found[:2] < best[:2]:
                    choice, best, improved = trial, found, True
    return best[2], best[3]


def _stack(spans: list, xs: list) -> tuple[list[int], int]:
    """Rows for labels of these spans: a label whose box spans another's leader
    goes in a higher row than that one (so no leader runs through a label), and
    labels whose boxes overlap go in different rows; each the lowest that works.
    Labels spanning each other's leaders (a cycle) only keep clear of each
    other's boxes, and count as crossed."""
    n = len(xs)
    below = [  # the labels whose leaders label i's box spans
        {k for k in range(n) if k != i and spans[i][0] - 2 <= xs[k] <= spans[i][1] + 2}
        for i in range(n)
    ]
    rows: dict[int, int] = {}
    crossed = 0
    while len(rows) < n:
        ready = [i for i in range(n) if i not in rows and below[i] <= rows.keys()]
        if not ready:
            ready = [min(i for i in range(n) if i not in rows)]
            crossed += 1
        for i in ready:
            r = max((rows[k] + 1 for k in below[i] if k in rows), default=0)
            while any(rows[k] == r and _clash(spans[i], spans[k]) for k in rows):
                r += 1
            rows[i] = r
    return [rows[i] for i in range(n)], crossed


def _clash(a: tuple, b: tuple) -> bool:
    return not (a[1] + W_GAP <= b[0] or b[1] + W_GAP <= a[0])


def wide_layout(stops: list[StopLike], distance: float) -> Layout:
    """The wide strip: km left to right, labels above in rows."""
    x0, x1 = W_MARGIN, W_WIDTH - W_MARGIN

    def x(km: Decimal) -> float:
        return round(x0 + float(km) / distance * (x1 - x0), 1)

    middle = stops[1:-1]
    texts = [_label_lines(s, W_NAME, W_DETAIL, W_WRAP) for s in middle]
    xs = [x(s.km) for s in middle]
    widths = [_lines_width(lines) + 5 for lines in texts]
    rows, spans = _rows(widths, xs, W_WIDTH - 2)
    anchors = [span[0] == mx for span, mx in zip(spans, xs, strict=True)]
    row_h = max((len(t) for t in texts), default=1) * W_LINE + W_ROW_GAP
    axis_y = 8 + (max(rows, default=-1) + 1) * row_h + W_CLEAR
    labels = []
    for stop, mx, lines, span, start, r in zip(
        middle, xs, texts, spans, anchors, rows, strict=True
    ):
        bottom = axis_y - W_CLEAR - r * row_h
        top = bottom - len(lines) * W_LINE
        tx = mx + 5 if start else mx - 5
        labels.append(
            Label(
                stop,
                mx,
                axis_y,
                _text(lines, tx, top, W_LINE, "start" if start else "end"),
                (span[0], top, span[1], bottom),
                (mx, axis_y - 8, mx, top + 2),
                stop.marker(mx, axis_y),
            )
        )
    return _wide_ends(stops, labels, axis_y, x, distance)


def _wide_ends(stops, labels, axis_y, x, distance) -> Layout:
    """The start and finish (labelled under the line at its ends) and km
    ticks between them where they fit."""
    base = axis_y + 32  # bottom of the first line under the line
    ends = []
    for stop, anchor in ((stops[0], "start"), (stops[-1], "end")):
        mx = x(stop.km)
        lines = _label_lines(stop, W_NAME, W_DETAIL, W_WRAP)
        w = _lines_width(lines) + 2
        left = mx - 2 if anchor == "start" else mx - w
        top = base - W_LINE
        ends.append(
            Label(
                stop,
                mx,
                axis_y,
                _text(lines, mx, top, W_LINE, anchor),
                (left, top, left + w + 2, top + len(lines) * W_LINE),
                None,
                stop.marker(mx, axis_y),
            )
        )
    step = tick_step(distance, 8)
    ticks = []
    for km in range(step, int(distance) + 1, step):
        tx = x(Decimal(km))
        half = text_width(str(km), W_TICK) / 2 + 6
        if all(tx + half <= e.box[0] or e.box[2] <= tx - half for e in ends):
            ticks.append(Tick(tx, base - 4, str(km)))
    return Layout(
        W_WIDTH,
        max(e.box[3] for e in ends) + 6,
        (x(Decimal(0)), axis_y, x(stops[-1].km), axis_y),
        [ends[0], *labels, ends[1]],
        ticks,
    )


# Narrow: top to bottom, labels right of the line ------------------------------

N_WIDTH, N_AXIS, N_TEXT = 340, 46, 76
N_NAME, N_DETAIL, N_LINE = 14, 13, 17
N_GAP, N_TOP, N_MIN_LENGTH = 8, 18, 400


def _spread(
    tops: list[float], heights: list[float], low: float, high: float
) -> list[float]:
    """Blocks' tops moved apart (kept in order) by at least N_GAP, inside
    [low, high], as little as a two-pass sweep allows."""
    placed, end = [], low - N_GAP
    for top, h in zip(tops, heights, strict=True):
        placed.append(max(top, end + N_GAP))
        end = placed[-1] + h
    following = high + N_GAP
    for i in reversed(range(len(placed))):
        placed[i] = min(placed[i], following - N_GAP - heights[i])
        following = placed[i]
    return placed


def narrow_layout(stops: list[StopLike], distance: float) -> Layout:
    """The narrow strip: km top to bottom, every label (start and finish too)
    right of the line, in km order."""
    texts = [_label_lines(s, N_NAME, N_DETAIL, N_WIDTH - N_TEXT - 6) for s in stops]
    heights = [len(t) * N_LINE for t in texts]
    length = max(N_MIN_LENGTH, round((sum(heights) + N_GAP * len(stops)) * 1.15))

    def y(km: Decimal) -> float:
        return round(N_TOP + float(km) / distance * length, 1)

    ys = [y(s.km) for s in stops]
    tops = _spread(
        [my - h / 2 for my, h in zip(ys, heights, strict=True)],
        heights,
        2,
        N_TOP + length + heights[-1],
    )
    labels = []
    for stop, my, lines, top, h in zip(stops, ys, texts, tops, heights, strict=True):
        right = N_TEXT + _lines_width(lines)
        labels.append(
            Label(
                stop,
                N_AXIS,
                my,
                _text(lines, N_TEXT, top, N_LINE, "start"),
                (N_TEXT, top, right, top + h),
                (N_AXIS + 13, my, N_TEXT - 6, round(top + h / 2, 1)),
                stop.marker(N_AXIS, my),
            )
        )
    step = tick_step(distance, 8)
    ticks = [
        Tick(N_AXIS - 16, y(Decimal(km)) + 4, str(km), "end")
        for km in range(step, int(distance) + 1, step)
        if distance - km > step / 3
    ]
    height = max(labels[-1].box[3], ys[-1] + 14) + 6
    return Layout(
        N_WIDTH, round(height), (N_AXIS, ys[0], N_AXIS, ys[-1]), labels, ticks
    )
