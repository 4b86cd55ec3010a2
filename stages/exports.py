"""CSV and JSON of every table, in the columns of RACE_PACKAGE.md ("Export").

The header is the table's ``csv_columns`` in the registry (the JSON's field
names too); the builder of the table's kind (stage result, team, individual time,
individual points) gives each row's cells by column name, and the header picks
them in its order. The stage export is also a valid results file:
``import_results`` reads it back unchanged (``time`` is absolute, ``rider``
carries the family name it checks; it ignores ``team`` and ``team_name``).

The CSV starts with a UTF-8 byte-order mark, so that a spreadsheet (Excel) reads
it as UTF-8; Python's csv module (``encoding="utf-8-sig"``) and the importer
skip it. Text cells (names and codes) are neutralised for spreadsheets by
defusedcsv, which the import undoes (``racing.parsing.csvrows.restore_cell``);
times, gaps and numbers are written as they are. The JSON has the cells as they
are, numbers as numbers and an empty cell as null.
"""

import csv
import io
from collections.abc import Callable

from racing import registry
from racing.parsing.csvrows import write_neutralised
from racing.timefmt import format_gap, format_race_time
from stages import queries
from stages.models import Stage
from stages.queries import Crossing, Row

# The header of each table by key, read from the registry.
COLUMNS: dict[str, tuple[str, ...]] = {
    key: table.csv_columns for key, table in registry.TABLES.items()
}
# Written first in every CSV: spreadsheets then read the file as UTF-8.
BOM = "\ufeff"

Cells = dict[str, object]


def _timed(row: Row) -> Cells:
    return {
        "time": format_race_time(row.value, row.hundredths),
        "gap": format_gap(row.gap, full=True),
        "time_seconds": row.value,
        "gap_seconds": row.gap,
    }


def _team(row: Row | Crossing) -> Cells:
    return {"team": row.team.code, "team_name": row.team.name}


def _rider(row: Row | Crossing) -> Cells:
    name = row.rider.display_name if row.rider is not None else None
    return {"rank": row.rank, "bib": row.bib, "rider": name, **_team(row)}


def _stage_result(stage: Stage, rows: list[Row]) -> list[Cells]:
    """Rider, time, status and the stage's awards; an award the editors left to
    be computed is computed from the rules (2 queries, only then)."""
    computed = {}
    if any(None in (r.bonus, r.points, r.kom_points) for r in rows):
        computed = queries.stage_awards(stage, rows)
    out = []
    for row in rows:
        award = computed.get(row.entry_id)
        out.append(
            _rider(row)
            | _timed(row)
            | {
                "status": row.status,
                "bonus": row.bonus if row.bonus is not None else award.bonus,
                "penalty": row.penalty,
                "points": row.points if row.points is not None else award.points,
                "kom_points": (
                    row.kom_points if row.kom_points is not None else award.kom_points
                ),
            }
        )
    return out


def _team_time(stage: Stage, rows: list[Row]) -> list[Cells]:
    return [{"rank": row.rank, **_team(row), **_timed(row)} for row in rows]


def _rider_time(stage: Stage, rows: list[Row]) -> list[Cells]:
    return [_rider(row) | _timed(row) for row in rows]


def _rider_points(stage: Stage, rows: list[Row]) -> list[Cells]:
    return [_rider(row) | {"points": row.value} for row in rows]


def _crossings(stage: Stage, rows: list[Crossing]) -> list[Cells]:
    """A crossing: its checkpoint (category by the race's name for it, km as a
    number), the rider's place and what it won."""
    out = []
    for row in rows:
        cp = row.checkpoint
        out.append(
            {
                "checkpoint": cp.name,
                "kind": cp.kind,
                "category": cp.category_label,
                "km": None if cp.km is None else float(cp.km),
                **_rider(row),
                "points": row.points,
                "bonus_seconds": row.bonus,
            }
        )
    return out


# The cells of a table's rows by its kind (``registry.Table.kind``), one dict of
# cells by column name per row.
BUILDERS: dict[str, Callable[[Stage, list], list[Cells]]] = {
    registry.STAGE_RESULT: _stage_result,
    registry.CHECKPOINTS: _crossings,
    registry.TEAM: _team_time,
    registry.TIME: _rider_time,
    registry.POINTS: _rider_points,
}


def records(
    stage: Stage, table: str, rows: list[Row], *, team: str = "", q: str = ""
) -> list[Cells]:
    """The table ``table`` (a key of the registry) as one dict per row, keyed by
    its ``csv_columns`` in order; with ``team`` or ``q``, only the rows that
    ``queries.filter_rows`` keeps (awards are computed from the whole table)."""
    columns = registry.TABLES[table].csv_columns
    built = BUILDERS[registry.TABLES[table].kind](stage, rows)
    if team or q:
        kept = {id(r) for r in queries.filter_rows(rows, team=team, q=q)}
        built = [c for r, c in zip(rows, built, strict=True) if id(r) in kept]
    return [{column: cells[column] for column in columns} for cells in built]


def csv_rows(
    stage: Stage, table: str, rows: list[Row], *, team: str = "", q: str = ""
) -> list[list]:
    """The table as CSV rows, header first (:func:`records` as lists)."""
    columns = registry.TABLES[table].csv_columns
    body = records(stage, table, rows, team=team, q=q)
    return [list(columns), *([r[c] for c in columns] for r in body)]


# The columns of free text, which a spreadsheet could run as a formula.
TEXT_COLUMNS = ("rider", "team", "team_name", "checkpoint", "category")


def neutralised(rows: list[list[str]]) -> list[list[str]]:
    """Rows of text cells as the export writes them (``write_neutralised``)."""
    buffer = io.StringIO()
    write_neutralised(buffer, rows)
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def csv_text(
    stage: Stage, table: str, rows: list[Row], *, team: str = "", q: str = ""
) -> str:
    """The table as CSV text after a byte-order mark (:data:`BOM`), its text
    cells neutralised (:func:`neutralised`)."""
    header, *body = csv_rows(stage, table, rows, team=team, q=q)
    text_at = [i for i, column in enumerate(header) if column in TEXT_COLUMNS]
    if text_at and body:
        safe = neutralised([[str(row[i] or "") for i in text_at] for row in body])
        for row, cells in zip(body, safe, strict=True):
            for i, cell in zip(text_at, cells, strict=True):
                row[i] = cell
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, lineterminator="\n").writerows([header, *body])
    return buffer.getvalue()
