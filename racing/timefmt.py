"""Race times as text: parsing what editors and packages write, formatting for fans.

Accepted (RACE_PACKAGE.md): ``H:MM:SS``, ``M:SS``, either with ``.hh`` hundredths;
a gap to the stage winner ``+M:SS`` / ``+H:MM:SS``; ``s.t.`` (same time as the row
above); blank for a rider who did not finish.
"""

import re
from dataclasses import dataclass

# At most 9999 hours: far above any race (a Grand Tour is under 100 h), and a
# value every database column of times can hold.
_TIME = re.compile(r"^(?:(\d{1,4}):(?=\d{2}:))?(\d{1,2}):(\d{2})(?:[.,](\d{1,2}))?$")


class TimeFormatError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedTime:
    """What one time cell says, before it is resolved against other rows."""

    kind: str  # "absolute" | "gap" | "same" | "blank"
    seconds: int = 0
    hundredths: int | None = None


def parse_clock(text: str) -> tuple[int, int | None]:
    """``'3:51:42'`` -> (13902, None); ``'17:30.25'`` -> (1050, 25)."""
    m = _TIME.match(text.strip())
    if not m:
        raise TimeFormatError(
            f"malformed time {text!r} (expected H:MM:SS, M:SS, +M:SS or s.t.)"
        )
    hours, minutes, seconds, frac = m.groups()
    h, mi, s = int(hours or 0), int(minutes), int(seconds)
    if s >= 60 or (hours is not None and mi >= 60):
        raise TimeFormatError(f"malformed time {text!r} (minutes and seconds < 60)")
    hundredths = None if frac is None else int(frac.ljust(2, "0"))
    return h * 3600 + mi * 60 + s, hundredths


def parse_time_cell(text: str) -> ParsedTime:
    text = (text or "").strip()
    if not text:
        return ParsedTime("blank")
    if text.lower().replace(" ", "") in {"s.t.", "st", "s.t", "st."}:
        return ParsedTime("same")
    if text.startswith("+"):
        seconds, hundredths = parse_clock(text[1:])
        return ParsedTime("gap", seconds, hundredths)
    seconds, hundredths = parse_clock(text)
    return ParsedTime("absolute", seconds, hundredths)


def format_time(seconds: int | None) -> str:
    """``13902`` -> ``'3:51:42'`` (always H:MM:SS, as the CSV exports)."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def format_race_time(seconds: int | None, hundredths: int | None) -> str:
    """``H:MM:SS``, with ``.hh`` only where hundredths were recorded (time trials),
    so that a re-import keeps the tie-break: how the exports and packages write a
    time."""
    text = format_time(seconds)
    if text and hundredths is not None:
        text += f".{hundredths:02d}"
    return text


def format_gap(seconds: int | None, *, full: bool = False) -> str:
    """Gap for fans: ``+0:17``, ``+1:02:03``; ``full`` gives ``+0:00:17`` (CSV)."""
    if seconds is None:
        return ""
    if full:
        return "+" + format_time(seconds)
    if seconds >= 3600:
        return "+" + format_time(seconds)
    return f"+{seconds // 60}:{seconds % 60:02d}"
