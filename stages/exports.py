"""CSV export of every table, in the columns of RACE_PACKAGE.md ("Export").

The stage export is also a valid results file: ``import_results`` reads it back
unchanged (``time`` is absolute, ``rider`` carries the family name it checks).
"""

import csv
import io

from racing.timefmt import format_gap, format_time
from stages import queries
from stages.models import Stage
from stages.queries import Row

COLUMNS: dict[str, tuple[str, ...]] = {
    "stage": (
        "rank",
        "bib",
        "rider",
        "team",
        "time",
        "gap",
        "time_seconds",
        "gap_seconds",
        "status",
        "bonus",
        "penalty",
        "points",
        "kom_points",
    ),
    "gc": (
        "rank",
        "bib",
        "rider",
        "team",
        "time",
        "gap",
        "time_seconds",
        "gap_seconds",
    ),
    "points": ("rank", "bib", "rider", "team", "points"),
    "teams": ("rank", "team", "time", "gap", "time_seconds", "gap_seconds"),
}
COLUMNS["youth"] = COLUMNS["gc"]
COLUMNS["mountains"] = COLUMNS["points"]


def _blank(value: object) -> object:
    return "" if value is None else value


def _time(row: Row) -> str:
    """``H:MM:SS``; with ``.hh`` only where hundredths were recorded (time trials),
    so that a re-import keeps the tie-break."""
    text = format_time(row.value)
    if text and row.hundredths is not None:
        text += f".{row.hundredths:02d}"
    return text


def _timed(row: Row) -> list:
    return [
        _time(row),
        format_gap(row.gap, full=True),
        _blank(row.value),
        _blank(row.gap),
    ]


def _rider_cells(row: Row) -> list:
    return [_blank(row.rank), row.bib, row.rider.display_name, row.team.code]


def csv_rows(stage: Stage, table: str, rows: list[Row]) -> list[list]:
    """The table as CSV rows, header first."""
    out: list[list] = [list(COLUMNS[table])]
    if table == "stage":
        computed = None
        if any(None in (r.bonus, r.points, r.kom_points) for r in rows):
            computed = queries.stage_awards(stage, rows)
        for row in rows:
            award = computed.get(row.entry_id) if computed else None
            out.append(
                [
                    *_rider_cells(row),
                    *_timed(row),
                    row.status,
                    row.bonus if row.bonus is not None else award.bonus,
                    row.penalty,
                    row.points if row.points is not None else award.points,
                    row.kom_points if row.kom_points is not None else award.kom_points,
                ]
            )
    elif table == "teams":
        out.extend([row.rank, row.team.code, *_timed(row)] for row in rows)
    elif table in queries.POINTS_TABLES:
        out.extend([*_rider_cells(row), row.value] for row in rows)
    else:
        out.extend([*_rider_cells(row), *_timed(row)] for row in rows)
    return out


def csv_text(stage: Stage, table: str, rows: list[Row]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(stage, table, rows))
    return buffer.getvalue()
