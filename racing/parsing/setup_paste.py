"""The tables that set an edition up, pasted into the admin: its stage list, its
teams, its start list and each stage's checkpoints, as comma- or tab-separated
text (a spreadsheet copy gives tabs).

Each paste is turned into the race package's own CSV (RACE_PACKAGE.md) and read by
the package's readers (``racefiles``), so that a paste and a package accept the
same rows and say the same about a bad one. The columns, in their documented order:

- stages: ``number,date,start,finish,distance_km,type[,points_scale,team_times]``;
- teams: ``code,name,country``;
- start list: ``bib,first_name,last_name,nationality,birth_date,team``;
- a stage's checkpoints: ``km,kind,name,category[,multiplier,altitude,scale]``
  (the altitude in metres; the scale a climb_points scale of the rules).

The header row may be left out when the columns are in that order; the first row
is the header when one of its cells names a column (``Distance km`` and
``distance_km`` alike). With a header, the columns may come in any order and other
columns are ignored. A column the paste leaves out (not in its header, or, without
a header, after the last cell of every row) is reported in
:attr:`PastedTable.columns`, so that a save can keep what it would overwrite.
Every problem names the pasted line: ``Pasted stages line 4: date '2024-13-01'
is not YYYY-MM-DD``.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from racing.parsing.csvrows import WHOLE_NUMBER, PackageError, problem, sniff
from racing.parsing.racefiles import (
    CheckpointSpec,
    name_clashes,
    read_checkpoints,
    read_riders,
    read_teams,
)
from racing.parsing.stagelist import StageSpec, read_stages

STAGE_COLUMNS = (
    *("number", "date", "start", "finish", "distance_km", "type"),
    *("points_scale", "team_times"),
)
TEAM_COLUMNS = ("code", "name", "country")
RIDER_COLUMNS = ("bib", "first_name", "last_name", "nationality", "birth_date", "team")
CHECKPOINT_COLUMNS = (
    *("km", "kind", "name", "category", "multiplier", "altitude", "scale"),
)


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    country: str


@dataclass(frozen=True)
class EntrySpec:
    """A start-list row: the rider as the list gives him, and his team's code."""

    bib: int
    given_name: str
    family_name: str
    nationality: str
    birth_date: date | None
    team_code: str


@dataclass
class PastedRow[Spec]:
    line: int
    cells: dict[str, str]  # by column, as pasted
    spec: Spec | None  # None: the row could not be read (its problems say why)
    problems: list[str] = field(default_factory=list)


@dataclass
class PastedTable[Spec]:
    rows: list[PastedRow[Spec]]
    columns: frozenset[str]  # the documented columns the paste gives
    problems: list[str]  # every problem, each naming its pasted line

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Grid:
    """The non-blank rows of a paste with their lines, and its header row."""

    rows: list[tuple[int, list[str]]]
    header: list[str] | None = None
    header_line: int | None = None


def _column_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _grid(
    label: str, text: str, names: Iterable[str]
) -> tuple[_Grid, list[tuple[int | None, str]]]:
    """The cells of every non-blank row (comma or tab separated, as the first
    non-blank line is) and the header row: the first row, when one of its cells
    names a column and none is a whole number (every data row but a team's has
    one)."""
    try:
        text, delimiter = sniff(label, text)
    except PackageError as exc:
        return _Grid([]), [(None, p) for p in exc.problems]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1
    except csv.Error as exc:  # a quote left open at the end
        line = reader.line_num or None
        return _Grid([]), [(line, problem(label, line, f"is not CSV text ({exc})"))]
    grid = _Grid(rows)
    first_cells = rows[0][1] if rows else []
    if set(map(_column_name, first_cells)) & set(names) and not any(
        WHOLE_NUMBER.fullmatch(c) for c in first_cells
    ):
        grid.header_line, header = rows.pop(0)
        grid.header = [_column_name(c) for c in header]
    return grid, []


def _width(cells: list[str]) -> int:
    return max((i + 1 for i, c in enumerate(cells) if c), default=0)


def _cells(
    label: str, grid: _Grid, columns: tuple[str, ...], required: int
) -> tuple[
    list[tuple[int, dict[str, str]]], frozenset[str], list[tuple[int | None, str]]
]:
    """Each row's cells by column, the documented columns given, and the
    problems of the layout: a header without a required column (the first
    ``required`` of ``columns``), a row wider than the columns without one."""
    if grid.header is not None:
        given = frozenset(grid.header) & set(columns)
        missing = [c for c in columns[:required] if c not in given]
        if missing:
            message = f"missing required column {', '.join(missing)}"
            line = grid.header_line
            return [], given, [(line, problem(label, line, message))]
        rows = [
            (line, dict(zip(grid.header, cells, strict=False)))
            for line, cells in grid.rows
        ]
        return rows, given, []
    problems = [
        (
            line,
            problem(
                label,
                line,
                f"{_width(cells)} cells, but without a header row the columns are "
                f"{','.join(columns)}: paste the header row first to add others",
            ),
        )
        for line, cells in grid.rows
        if _width(cells) > len(columns)
    ]
    width = max((_width(cells) for _, cells in grid.rows), default=0)
    rows = [
        (line, dict(zip(columns, cells, strict=False))) for line, cells in grid.rows
    ]
    return rows, frozenset(columns[: max(width, required)]), problems


def _as_package_file(
    written: tuple[str, ...],
    rows: list[tuple[int, dict[str, str]]],
    fill: Mapping[str, str],
) -> bytes:
    """The rows as the package's CSV: a header of ``written``, then each row
    with the cells of ``fill`` set."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(written)
    for _, cells in rows:
        cells = {**cells, **fill}
        writer.writerow([cells.get(c, "") for c in written])
    return out.getvalue().encode()


_PACKAGE_PROBLEM = re.compile(r"^[\w.]+\.csv(?: line (\d+))?: (.*)$", re.DOTALL)


def _pasted_lines(
    label: str,
    errors: list[str],
    header_line: int | None,
    rows: list[tuple[int, dict[str, str]]],
) -> list[tuple[int | None, str]]:
    """The readers' problems (``stages.csv line 3: …``, line 1 the header) as
    (pasted line, problem naming it)."""
    out = []
    for error in errors:
        match = _PACKAGE_PROBLEM.match(error)
        if match is None:
            out.append((None, problem(label, None, error)))
            continue
        number = int(match[1]) if match[1] else None
        line = None
        if number is not None:
            line = header_line if number == 1 else rows[number - 2][0]
        out.append((line, problem(label, line, match[2])))
    return out


def _read[Spec](
    label: str,
    text: str,
    columns: tuple[str, ...],
    required: int,
    read: Callable[[bytes, list[dict[str, str]], list[str]], list[Spec | None]],
    *,
    written: tuple[str, ...] = (),
    fill: Mapping[str, str] | None = None,
) -> PastedTable[Spec]:
    """Read a paste through a package reader: ``read(csv, cells, errors)`` gives
    each row's spec (None for a row it could not read, or a repeated key) from the
    package CSV of the rows (columns ``written``, by default ``columns``, with
    the cells of ``fill``) and their cells as pasted."""
    grid, problems = _grid(label, text, (*columns, *(fill or {})))
    rows, given, layout = _cells(label, grid, columns, required)
    problems += layout
    if problems:
        pasted = [PastedRow(line, cells, None) for line, cells in rows]
        return _with_problems(pasted, given, problems)
    errors: list[str] = []
    data = _as_package_file(written or columns, rows, fill or {})
    specs = read(data, [cells for _, cells in rows], errors)
    pasted = [
        PastedRow(line, cells, spec)
        for (line, cells), spec in zip(rows, specs, strict=True)
    ]
    found = _pasted_lines(label, errors, grid.header_line, rows)
    return _with_problems(pasted, given, found)


def _with_problems(
    rows: list[PastedRow], given: frozenset[str], found: list[tuple[int | None, str]]
) -> PastedTable:
    by_line = {row.line: row for row in rows}
    for line, message in found:
        if line in by_line:
            by_line[line].problems.append(message)
    return PastedTable(rows, given, [message for _, message in found])


def _each_row[Key, Spec](
    keys: list[Key | None], specs: Mapping[Key, Spec]
) -> list[Spec | None]:
    """The spec of each row from the reader's specs by key: None for a row whose
    key it did not take or that another row repeats (the reader keeps one of them
    and reports the repeat)."""
    counts = Counter(keys)
    return [specs.get(k) if k is not None and counts[k] == 1 else None for k in keys]


def _number(cell: str) -> int | None:
    """A whole number of a few digits (a key); a longer one is no key, and one of
    thousands of digits is more than ``int`` reads."""
    cell = cell.strip()
    return int(cell) if len(cell) <= 9 and WHOLE_NUMBER.fullmatch(cell) else None


# The four tables -------------------------------------------------------------------


def read_stage_list(label: str, text: str, year: int) -> PastedTable[StageSpec]:
    """A pasted stage list, read by the package's ``read_stages``."""

    def read(data, cells, errors) -> list[StageSpec | None]:
        stages = read_stages({"stages.csv": data}, year, errors)
        return _each_row([_number(c.get("number", "")) for c in cells], stages)

    return _read(label, text, STAGE_COLUMNS, 6, read)


def read_team_list(label: str, text: str) -> PastedTable[TeamSpec]:
    """Pasted teams, read by the package's ``read_teams``; codes in capitals."""

    def read(data, cells, errors) -> list[TeamSpec | None]:
        teams = read_teams({"teams.csv": data}, errors)
        specs = {code: TeamSpec(code, *team) for code, team in teams.items()}
        codes = [c.get("code", "").upper() or None for c in cells]
        return _each_row(codes, specs)

    return _read(label, text, TEAM_COLUMNS, 3, read)


def read_start_list(
    label: str, text: str, team_codes: Iterable[str]
) -> PastedTable[EntrySpec]:
    """A pasted start list, read by the package's ``read_riders``: each team code
    must be one of ``team_codes`` (the edition's teams)."""
    teams = dict.fromkeys(team_codes, ("", ""))

    def read(data, cells, errors) -> list[EntrySpec | None]:
        riders = read_riders({"riders.csv": data}, teams, errors)
        specs = {
            bib: EntrySpec(bib, r.given_name, r.family_name, nat, born, r.team_code)
            for bib, (r, nat, born) in riders.items()
        }
        return _each_row([_number(c.get("bib", "")) for c in cells], specs)

    return _read(label, text, RIDER_COLUMNS, 6, read)


def read_checkpoint_list(
    label: str, text: str, stage: int
) -> PastedTable[CheckpointSpec]:
    """A stage's pasted checkpoints, read by the package's ``read_checkpoints``
    (a ``scale`` only on a climb; the caller checks it against the edition's
    rules, ``racefiles.scale_problem``). Names are unique on the stage, case and
    accents ignored; a ``stage`` column, when the paste has one, must name this
    stage."""

    def read(data, cells, errors) -> list[CheckpointSpec | None]:
        # One checkpoint per row, in order: the reader keeps them all; the names
        # are compared below, by pasted line.
        files = {"checkpoints.csv": data}
        return list(read_checkpoints(files, {stage: None}, errors, unique_names=False))

    written = (
        *("stage", "kind", "name", "km", "category", "multiplier", "altitude"),
        "scale",
    )
    table = _read(
        label,
        text,
        CHECKPOINT_COLUMNS,
        4,
        read,
        written=written,
        fill={"stage": str(stage)},
    )
    _check_checkpoints(label, table, stage)
    return table


def _check_checkpoints(label: str, table: PastedTable, stage: int) -> None:
    """Names unique without case or accents; the ``stage`` column, if any, this
    stage's."""
    names = [(row.line, row.cells.get("name", "")) for row in table.rows]
    clashes = {c.label: c for c in name_clashes(n for n in names if n[1])}
    for row in table.rows:
        found = []
        named = row.cells.get("stage", "")
        if named and _number(named) != stage:
            found.append(f"stage {named!r} is not this stage ({stage})")
        clash = clashes.get(row.line)
        if clash:
            found.append(clash.message(f"line {clash.first}"))
        for message in found:
            row.problems.append(problem(label, row.line, message))
            table.problems.append(row.problems[-1])
