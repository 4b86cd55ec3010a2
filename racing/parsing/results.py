"""Stage result tables (RACE_PACKAGE.md results), shared by the package reader and
the admin paste: text in, validated rows out, every problem naming its line."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from racing.parsing.csvrows import PackageError, parse_int, problem, read_csv
from racing.standings import FINISHED_STATUSES, STATUSES
from racing.text import PersonName, fold
from racing.timefmt import TimeFormatError, parse_time_cell

RESULT_COLUMNS = (
    "rank",
    "bib",
    "time",
    "status",
    "bonus",
    "penalty",
    "gc_time",
    "points",
    "kom_points",
)


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
) -> ResultsTable:
    """Validate a stage result table; every problem names ``label`` and the line.

    ``out_of_race`` maps bibs of riders who left the race on an earlier stage to a
    description ("DNF on stage 9"), so a row for them is refused.
    """
    try:
        csv_rows = read_csv(
            label,
            text,
            ("rank", "bib", "time"),
            default_header=RESULT_COLUMNS if header_optional else None,
        )
    except PackageError as exc:
        return ResultsTable([], exc.problems, frozenset())
    columns = frozenset(csv_rows[0].values) if csv_rows else frozenset()
    out_of_race = out_of_race or {}
    rows: list[ResultRow] = []
    seen_bibs: dict[int, int] = {}
    seen_ranks: dict[int, int] = {}
    parsed_times = []
    for csv_row in csv_rows:
        errs: list[str] = []
        bib = parse_int(csv_row, "bib", label, errs, minimum=1)
        if bib is None and not errs:
            errs.append(problem(label, csv_row.line, "bib is missing"))
        row = ResultRow(line=csv_row.line, bib=bib)
        if bib is not None:
            rider = start_list.get(bib)
            if rider is None:
                errs.append(
                    problem(label, csv_row.line, f"bib {bib} is not on the start list")
                )
            else:
                name = csv_row.get("rider")
                if (
                    "rider" in columns
                    and name
                    and fold(rider.family_name) not in fold(name)
                ):
                    errs.append(
                        problem(
                            label,
                            csv_row.line,
                            f"rider {name!r} does not match bib {bib} "
                            f"({rider.given_name} {rider.family_name})",
                        )
                    )
                if bib in out_of_race:
                    errs.append(
                        problem(
                            label,
                            csv_row.line,
                            f"bib {bib} ({rider.family_name}) is already out of "
                            f"the race ({out_of_race[bib]})",
                        )
                    )
            if bib in seen_bibs:
                errs.append(
                    problem(
                        label,
                        csv_row.line,
                        f"duplicate bib {bib} (already on line {seen_bibs[bib]})",
                    )
                )
            else:
                seen_bibs[bib] = csv_row.line
        row.rank = parse_int(csv_row, "rank", label, errs, minimum=1)
        if row.rank is not None:
            if row.rank in seen_ranks:
                errs.append(
                    problem(
                        label,
                        csv_row.line,
                        f"duplicate rank {row.rank} "
                        f"(already on line {seen_ranks[row.rank]})",
                    )
                )
            else:
                seen_ranks[row.rank] = csv_row.line
        status = csv_row.get("status").upper() or "OK"
        if status not in STATUSES:
            errs.append(
                problem(
                    label,
                    csv_row.line,
                    f"unknown status {status!r} (use OK, DNF, DNS, OTL or DSQ)",
                )
            )
        row.status = status
        try:
            t = parse_time_cell(csv_row.get("time"))
            g = parse_time_cell(csv_row.get("gc_time"))
        except TimeFormatError as exc:
            errs.append(problem(label, csv_row.line, str(exc)))
            t = g = None
        finished = status in FINISHED_STATUSES
        if finished and row.rank is None:
            errs.append(problem(label, csv_row.line, "a finisher needs a rank"))
        if finished and t is not None and t.kind == "blank":
            errs.append(problem(label, csv_row.line, "a finisher needs a time"))
        if not finished and row.rank is not None:
            errs.append(
                problem(
                    label, csv_row.line, f"a rider with status {status} has no rank"
                )
            )
        if row.rank == 1 and t is not None and t.kind != "absolute":
            errs.append(
                problem(
                    label,
                    csv_row.line,
                    "the rank-1 row needs an absolute time, not a gap or s.t.",
                )
            )
        row.bonus = parse_int(csv_row, "bonus", label, errs)
        row.penalty = parse_int(csv_row, "penalty", label, errs) or 0
        row.points = parse_int(csv_row, "points", label, errs, minimum=None)
        row.kom_points = parse_int(csv_row, "kom_points", label, errs, minimum=None)
        # A column that is present is taken as published: blank means 0 there.
        for key in ("bonus", "points", "kom_points"):
            if key in columns and getattr(row, key) is None:
                setattr(row, key, 0)
        row.problems = errs
        rows.append(row)
        parsed_times.append((t, g))

    # Resolve gaps and s.t. once every row is known: gaps count from the rank-1 row.
    winner = next(
        (
            (t, g)
            for r, (t, g) in zip(rows, parsed_times, strict=True)
            if r.rank == 1 and t is not None and t.kind == "absolute"
        ),
        None,
    )
    previous: tuple[int | None, int | None] = (None, None)
    for row, (t, g) in zip(rows, parsed_times, strict=True):
        if t is None:
            continue
        for kind, cell in (("time", t), ("gc_time", g)):
            base = None
            if cell.kind == "gap":
                if winner is None:
                    row.problems.append(
                        problem(label, row.line, f"a {kind} gap needs a rank-1 row")
                    )
                    continue
                wt, wg = winner
                base = (
                    wt.seconds if kind == "time" or wg.kind == "blank" else wg.seconds
                )
                value = base + cell.seconds
            elif cell.kind == "same":
                value = previous[0] if kind == "time" else previous[1]
                if value is None:
                    row.problems.append(
                        problem(
                            label, row.line, f"s.t. in {kind} with no time above it"
                        )
                    )
                    continue
            elif cell.kind == "absolute":
                value = cell.seconds
            else:
                value = None
            if kind == "time":
                row.time_s = value
                row.hundredths = cell.hundredths
            else:
                row.gc_time_s = value
        if row.time_s is not None:
            previous = (row.time_s, row.gc_time_s if g.kind != "blank" else previous[1])
    problems = [p for r in rows for p in r.problems]
    return ResultsTable(rows, problems, columns)
