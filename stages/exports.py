"""CSV export of every table, in the columns of RACE_PACKAGE.md ("Export").

The header is the table's ``csv_columns`` in the registry; the cells come from
the builder of the table's kind (stage result, team, individual time, individual
points), which writes them in that order. The stage export is also a valid
results file: ``import_results`` reads it back unchanged (``time`` is absolute,
``rider`` carries the family name it checks).

Text cells (a rider's name, a team's code) are neutralised for spreadsheets by
defusedcsv, which the import undoes (``racing.parsing.csvrows.restore_cell``);
times, gaps and numbers are written as they are.
"""

import csv
import io
from collections.abc import Callable

from racing import registry
from racing.parsing.csvrows import write_neutralised
from racing.timefmt import format_gap, format_race_time
from stages import queries
from stages.models import Stage
from stages.queries import Row

# The header of each table by key, read from the registry.
COLUMNS: dict[str, tuple[str, ...]] = {
    key: table.csv_columns for key, table in registry.TABLES.items()
}


def _timed(row: Row) -> list:
    return [
        format_race_time(row.value, row.hundredths),
        format_gap(row.gap, full=True),
        row.value,
        row.gap,
    ]


def _rider_cells(row: Row) -> list:
    return [row.rank, row.bib, row.rider.display_name, row.team.code]


def _stage_result(stage: Stage, rows: list[Row]) -> list[list]:
    """Rider, time, status and the stage's awards; an award the editors left to
    be computed is computed from the rules (2 queries, only then)."""
    computed = {}
    if any(None in (r.bonus, r.points, r.kom_points) for r in rows):
        computed = queries.stage_awards(stage, rows)
    out = []
    for row in rows:
        award = computed.get(row.entry_id)
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
    return out


def _team_time(stage: Stage, rows: list[Row]) -> list[list]:
    return [[row.rank, row.team.code, *_timed(row)] for row in rows]


def _rider_time(stage: Stage, rows: list[Row]) -> list[list]:
    return [[*_rider_cells(row), *_timed(row)] for row in rows]


def _rider_points(stage: Stage, rows: list[Row]) -> list[list]:
    return [[*_rider_cells(row), row.value] for row in rows]


# The cells of a table by its kind (``registry.Table.kind``).
BUILDERS: dict[str, Callable[[Stage, list[Row]], list[list]]] = {
    registry.STAGE_RESULT: _stage_result,
    registry.TEAM: _team_time,
    registry.TIME: _rider_time,
    registry.POINTS: _rider_points,
}


def csv_rows(stage: Stage, table: str, rows: list[Row]) -> list[list]:
    """The table ``table`` (a key of the registry) as CSV rows, header first."""
    info = registry.TABLES[table]
    return [list(info.csv_columns), *BUILDERS[info.kind](stage, rows)]


# The columns of free text, which a spreadsheet could run as a formula.
TEXT_COLUMNS = ("rider", "team")


def neutralised(rows: list[list[str]]) -> list[list[str]]:
    """Rows of text cells as the export writes them (``write_neutralised``)."""
    buffer = io.StringIO()
    write_neutralised(buffer, rows)
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def csv_text(stage: Stage, table: str, rows: list[Row]) -> str:
    """The table as CSV text, its text cells neutralised (:func:`neutralised`)."""
    header, *body = csv_rows(stage, table, rows)
    text_at = [i for i, column in enumerate(header) if column in TEXT_COLUMNS]
    if text_at:
        safe = neutralised([[str(row[i]) for i in text_at] for row in body])
        for row, cells in zip(body, safe, strict=True):
            for i, cell in zip(text_at, cells, strict=True):
                row[i] = cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *body])
    return buffer.getvalue()
