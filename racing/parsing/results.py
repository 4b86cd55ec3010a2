"""Stage result tables (RACE_PACKAGE.md results), shared by the package reader and
the admin paste: text in, validated rows out, every problem naming its line."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from racing.parsing.csvrows import CsvRow, PackageError, parse_int, problem, read_csv
from racing.parsing.layouts import result_columns
from racing.standings import FINISHED_STATUSES, STATUSES
from racing.text import PersonName, fold
from racing.timefmt import ParsedTime, TimeFormatError, parse_time_cell


@dataclass(frozen=True)
class StartListRider(PersonName):
    bib: int
    given_name: str
    family_name: str
    team_code: str


@dataclass
class ResultRow:
    line: int
    bib: int | None
    rank: int | None = None
    time_s: int | None = None
    hundredths: int | None = None
    status: str = "OK"
    bonus: int | None = None
    penalty: int = 0
    gc_time_s: int | None = None
    points: int | None = None
    kom_points: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ResultsTable:
    rows: list[ResultRow]
    problems: list[str]
    columns: frozenset[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_results_table(
    label: str,
    text: str,
    start_list: Mapping[int, StartListRider],
    *,
    out_of_race: Mapping[int, str] | None = None,
    header_optional: bool = False,
    first_time: int | None = None,
) -> ResultsTable:
    """Validate a stage result table; every problem names ``label`` and the line.

    ``out_of_race`` maps bibs of riders who left the race on an earlier stage to a
    description ("DNF on stage 9"), so a row for them is refused. Gaps (``+M:SS``)
    count from the rank-1 row's time, ``s.t.`` repeats the time of the row above.
    With ``header_optional`` (pasted rows) the header line may be left out when
    the columns are in a known order (``racing.parsing.layouts``). ``first_time``
    is the winner's time when the table continues a result already stored (the
    arrivals of a live stage): gaps count from it when no row has rank 1.
    """
    try:
        csv_rows = read_csv(
            label,
            text,
            ("rank", "bib", "time"),
            headerless=result_columns if header_optional else None,
        )
    except PackageError as exc:
        return ResultsTable([], exc.problems, frozenset())
    columns = frozenset(csv_rows[0].values) if csv_rows else frozenset()
    table = _Table(label, columns, start_list, out_of_race or {})
    rows: list[ResultRow] = []
    parsed_times: list[_Cells] = []
    for csv_row in csv_rows:
        row, cells = _result_row(table, csv_row)
        rows.append(row)
        parsed_times.append(cells)
    _resolve_times(label, rows, parsed_times, first_time)
    problems = [p for r in rows for p in r.problems]
    return ResultsTable(rows, problems, columns)


# A row's time and gc_time cells as written (None when a cell is malformed).
_Cells = tuple[ParsedTime | None, ParsedTime | None]


@dataclass
class _Table:
    """What checking one row needs to know of the table: its file, its columns,
    the start list, the riders already out, and the bibs and ranks seen so far
    (each mapped to its line)."""

    label: str
    columns: frozenset[str]
    start_list: Mapping[int, StartListRider]
    out_of_race: Mapping[int, str]
    seen_bibs: dict[int, int] = field(default_factory=dict)
    seen_ranks: dict[int, int] = field(default_factory=dict)


def _result_row(table: _Table, csv_row: CsvRow) -> tuple[ResultRow, _Cells]:
    """One row, checked on its own and against the rows above it; its time cells
    are returned unresolved (gaps and s.t. need the whole table)."""
    label, line = table.label, csv_row.line
    errs: list[str] = []
    bib = parse_int(csv_row, "bib", label, errs, minimum=1)
    if bib is None and not errs:
        errs.append(problem(label, line, "bib is missing"))
    row = ResultRow(line=line, bib=bib)
    if bib is not None:
        _check_bib(table, csv_row, bib, errs)
    row.rank = _parse_rank(table, csv_row, errs)
    row.status = csv_row.get("status").upper() or "OK"
    if row.status not in STATUSES:
        errs.append(
            problem(
                label,
                line,
                f"unknown status {row.status!r} (use OK, DNF, DNS, OTL or DSQ)",
            )
        )
    try:
        t = parse_time_cell(csv_row.get("time"))
        g = parse_time_cell(csv_row.get("gc_time"))
    except TimeFormatError as exc:
        errs.append(problem(label, line, str(exc)))
        t = g = None
    errs.extend(_finish_problems(label, line, row.status, row.rank, t))
    _parse_awards(table, csv_row, row, errs)
    row.problems = errs
    return row, (t, g)


def _check_bib(table: _Table, csv_row: CsvRow, bib: int, errs: list[str]) -> None:
    """The bib is on the start list, matches the rider's name when the table has a
    ``rider`` column, belongs to a rider still in the race, and is not repeated."""
    label, line = table.label, csv_row.line
    rider = table.start_list.get(bib)
    if rider is None:
        errs.append(problem(label, line, f"bib {bib} is not on the start list"))
    else:
        name = csv_row.get("rider")
        named = "rider" in table.columns and name
        if named and fold(rider.family_name) not in fold(name):
            errs.append(
                problem(
                    label,
                    line,
                    f"rider {name!r} does not match bib {bib} "
                    f"({rider.given_name} {rider.family_name})",
                )
            )
        if bib in table.out_of_race:
            errs.append(
                problem(
                    label,
                    line,
                    f"bib {bib} ({rider.family_name}) is already out of "
                    f"the race ({table.out_of_race[bib]})",
                )
            )
    if bib in table.seen_bibs:
        errs.append(
            problem(
                label,
                line,
                f"duplicate bib {bib} (already on line {table.seen_bibs[bib]})",
            )
        )
    else:
        table.seen_bibs[bib] = line


def _parse_rank(table: _Table, csv_row: CsvRow, errs: list[str]) -> int | None:
    """The row's rank (1 or more), refused when an earlier row has it."""
    rank = parse_int(csv_row, "rank", table.label, errs, minimum=1)
    if rank is not None:
        if rank in table.seen_ranks:
            errs.append(
                problem(
                    table.label,
                    csv_row.line,
                    f"duplicate rank {rank} (already on line {table.seen_ranks[rank]})",
                )
            )
        else:
            table.seen_ranks[rank] = csv_row.line
    return rank


def _finish_problems(
    label: str, line: int, status: str, rank: int | None, t: ParsedTime | None
) -> list[str]:
    """A finisher (OK) has a rank and a time; a rider outside the time limit (OTL)
    may come with or without either (sources often list him as ``,4,,OTL``): what
    is given is kept. A rider who did not finish has no rank, and the rank-1 row's
    time is absolute (the gaps count from it). An unknown status is a problem of
    its own, so it asks nothing more here."""
    out: list[str] = []
    if status == "OK" and rank is None:
        out.append(problem(label, line, "a finisher needs a rank"))
    if status == "OK" and t is not None and t.kind == "blank":
        out.append(problem(label, line, "a finisher needs a time"))
    out_of_race = status in STATUSES and status not in FINISHED_STATUSES
    if out_of_race and rank is not None:
        out.append(problem(label, line, f"a rider with status {status} has no rank"))
    if rank == 1 and t is not None and t.kind != "absolute":
        out.append(
            problem(
                label,
                line,
                "the rank-1 row needs an absolute time, not a gap or s.t.",
            )
        )
    return out


def _parse_awards(
    table: _Table, csv_row: CsvRow, row: ResultRow, errs: list[str]
) -> None:
    """Bonus, penalty, points and mountains points of the row; left at None (for
    the engine to compute) only when the table has no such column."""
    label = table.label
    row.bonus = parse_int(csv_row, "bonus", label, errs)
    row.penalty = parse_int(csv_row, "penalty", label, errs) or 0
    row.points = parse_int(csv_row, "points", label, errs, minimum=None)
    row.kom_points = parse_int(csv_row, "kom_points", label, errs, minimum=None)
    # A column that is present is taken as published: blank means 0 there.
    for key in ("bonus", "points", "kom_points"):
        if key in table.columns and getattr(row, key) is None:
            setattr(row, key, 0)


class _Unresolved(Exception):
    """A gap or s.t. cell with nothing to count from; the message says why."""


def _resolve_times(
    label: str,
    rows: list[ResultRow],
    parsed_times: list[_Cells],
    first_time: int | None = None,
) -> None:
    """Set each row's ``time_s``, ``hundredths`` and ``gc_time_s`` once every row
    is known: gaps count from the rank-1 row (or ``first_time``), s.t. repeats the
    last time above."""
    winner = next(
        (
            (t, g)
            for r, (t, g) in zip(rows, parsed_times, strict=True)
            if r.rank == 1 and t is not None and t.kind == "absolute"
        ),
        None,
    )
    if winner is None and first_time is not None:
        winner = (ParsedTime("absolute", first_time), ParsedTime("blank"))
    previous: tuple[int | None, int | None] = (None, None)
    for row, (t, g) in zip(rows, parsed_times, strict=True):
        if t is None or g is None:
            continue
        for kind, cell in (("time", t), ("gc_time", g)):
            try:
                value = _resolve_cell(kind, cell, winner, previous)
            except _Unresolved as exc:
                row.problems.append(problem(label, row.line, str(exc)))
                continue
            if kind == "time":
                row.time_s = value
                row.hundredths = cell.hundredths
            else:
                row.gc_time_s = value
        if row.time_s is not None:
            previous = (row.time_s, row.gc_time_s if g.kind != "blank" else previous[1])


def _resolve_cell(
    kind: str,
    cell: ParsedTime,
    winner: tuple[ParsedTime, ParsedTime] | None,
    previous: tuple[int | None, int | None],
) -> int | None:
    """Seconds of one ``time`` or ``gc_time`` cell (None when blank). A gc_time
    gap counts from the winner's gc_time, or from his time when he has none."""
    if cell.kind == "gap":
        if winner is None:
            raise _Unresolved(f"a {kind} gap needs a rank-1 row")
        wt, wg = winner
        base = wt.seconds if kind == "time" or wg.kind == "blank" else wg.seconds
        return base + cell.seconds
    if cell.kind == "same":
        value = previous[0] if kind == "time" else previous[1]
        if value is None:
            raise _Unresolved(f"s.t. in {kind} with no time above it")
        return value
    if cell.kind == "absolute":
        return cell.seconds
    return None
