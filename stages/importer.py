"""Race packages in, database out (RACE_PACKAGE.md).

Reading (``read_package``, ``parse_results_table``) is pure: it turns files into
validated rows and collects every problem with its file and line. Writing
(``save_package``, ``save_stage_results``) happens in one transaction, after the
whole input has been read without error, so a bad row saves nothing.
"""

import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from riders.models import Entry, PersonName, Rider
from stages import services
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    Edition,
    Race,
    RaceReport,
    Stage,
    StageResult,
)
from stages.standings import Rules
from stages.timefmt import TimeFormatError, parse_time_cell

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
STATUSES = {"OK", "DNF", "DNS", "OTL", "DSQ"}
OUT_STATUSES = {"DNF", "DNS", "DSQ"}  # an OTL rider who rides on was reinstated
STAGE_TYPES = {c.value for c in Stage.Type}
STAGE_FILE = re.compile(r"^stage-(\d{2,3})\.(csv|md)$")


class PackageError(Exception):
    """One or more problems, each naming the file, the line and what is wrong."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def problem(file: str, line: int | None, message: str) -> str:
    return f"{file} line {line}: {message}" if line else f"{file}: {message}"


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() or c == " ").strip()


# CSV reading


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def decode(label: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PackageError(
            [problem(label, line, f"is not UTF-8 text (byte {data[exc.start]:#04x})")]
        ) from None


def read_csv(
    label: str,
    text: str,
    required: Iterable[str],
    *,
    default_header: tuple[str, ...] | None = None,
) -> list[CsvRow]:
    """Rows of a CSV (comma or tab separated) keyed by lower-case header names.

    With ``default_header``, a table whose first row is not a header is read as
    having those columns (pasted results without a header row).
    """
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = "\t" if "\t" in first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    start = 0
    while start < len(rows) and not any(c.strip() for c in rows[start]):
        start += 1
    if start == len(rows):
        raise PackageError([problem(label, None, "is empty")])
    header = [h.strip().lower() for h in rows[start]]
    body_start = start + 1
    if default_header and header and header[0] not in default_header:
        header, body_start = list(default_header), start
    missing = [c for c in required if c not in header]
    if missing:
        raise PackageError(
            [problem(label, start + 1, f"missing required column {', '.join(missing)}")]
        )
    out = []
    for index in range(body_start, len(rows)):
        cells = rows[index]
        if not any(c.strip() for c in cells):
            continue
        out.append(CsvRow(index + 1, dict(zip(header, cells, strict=False))))
    return out


def parse_int(
    row: CsvRow, key: str, label: str, errors: list[str], *, minimum: int | None = 0
) -> int | None:
    raw = row.get(key)
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.append(problem(label, row.line, f"{key} {raw!r} is not a whole number"))
        return None
    if minimum is not None and value < minimum:
        errors.append(problem(label, row.line, f"{key} {value} is below {minimum}"))
        return None
    return value


# Stage results (shared by import_race, import_results and the admin paste)


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
        finished = status in {"OK", "OTL"}
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


# Whole packages


CROSSING_COLUMNS = ("checkpoint", "rank", "bib")


@dataclass
class CrossingRow:
    line: int
    checkpoint: Any  # the stage's checkpoint named on the row, or None
    name: str
    rank: int | None
    bib: int | None
    problems: list[str]


def parse_crossings_table(
    label: str,
    text: str,
    checkpoints: Mapping[str, Any],
    start_list: Mapping[int, StartListRider],
    out_of_race: Mapping[int, str],
    *,
    header_optional: bool = False,
) -> tuple[list[CrossingRow], list[str]]:
    """Rows ``checkpoint,rank,bib`` of one stage (RACE_PACKAGE.md crossings).

    ``checkpoints`` maps folded names (case and accents ignored) to the stage's
    checkpoints (anything with a ``name``); ``out_of_race`` maps the bibs of riders
    out before this stage to why. The header row is optional with
    ``header_optional`` (pasted rows). Returns the rows and every problem, each
    naming ``label`` and its line; a row's own problems are also on the row.
    """
    try:
        csv_rows = read_csv(
            label,
            text,
            CROSSING_COLUMNS,
            default_header=CROSSING_COLUMNS if header_optional else None,
        )
    except PackageError as exc:
        return [], exc.problems
    rows: list[CrossingRow] = []
    seen: dict[tuple[str, str], int] = {}
    for csv_row in csv_rows:
        errs: list[str] = []
        rows.append(
            _crossing_row(label, csv_row, checkpoints, start_list, out_of_race, errs)
        )
        row = rows[-1]
        if row.checkpoint is not None:
            for key, what in (
                ((row.checkpoint.name, f"rank {row.rank}"), row.rank),
                ((row.checkpoint.name, f"bib {row.bib}"), row.bib),
            ):
                if what is None:
                    continue
                if key in seen:
                    errs.append(
                        problem(
                            label,
                            row.line,
                            f"duplicate {key[1]} at {row.checkpoint.name} "
                            f"(already on line {seen[key]})",
                        )
                    )
                else:
                    seen[key] = row.line
        row.problems = errs
    return rows, [p for r in rows for p in r.problems]


def _crossing_row(
    label: str,
    csv_row: CsvRow,
    checkpoints: Mapping[str, Any],
    start_list: Mapping[int, StartListRider],
    out_of_race: Mapping[int, str],
    errs: list[str],
) -> CrossingRow:
    name = csv_row.get("checkpoint")
    checkpoint = checkpoints.get(fold(name))
    if checkpoint is None:
        known = ", ".join(c.name for c in checkpoints.values()) or "none yet"
        errs.append(
            problem(
                label,
                csv_row.line,
                f"checkpoint {name!r} is not on this stage (checkpoints: {known})",
            )
        )
    rank = parse_int(csv_row, "rank", label, errs, minimum=1)
    bib = parse_int(csv_row, "bib", label, errs, minimum=1)
    if rank is None and not any("rank" in e for e in errs):
        errs.append(problem(label, csv_row.line, "rank is missing"))
    if bib is None and not any("bib" in e for e in errs):
        errs.append(problem(label, csv_row.line, "bib is missing"))
    if bib is not None:
        rider = start_list.get(bib)
        if rider is None:
            errs.append(
                problem(label, csv_row.line, f"bib {bib} is not on the start list")
            )
        elif bib in out_of_race:
            errs.append(
                problem(
                    label,
                    csv_row.line,
                    f"bib {bib} ({rider.family_name}) is already out of the race "
                    f"({out_of_race[bib]})",
                )
            )
    return CrossingRow(csv_row.line, checkpoint, name, rank, bib, errs)


@dataclass
class StageSpec:
    number: int
    date: date
    start: str
    finish: str
    distance_km: Decimal
    type: str
    points_scale: str
    team_times: str


@dataclass
class CheckpointSpec:
    stage: int
    kind: str
    name: str
    km: Decimal | None
    category: str
    multiplier: int


@dataclass
class Package:
    race_name: str
    slug: str
    year: int
    rules: dict
    youth_born_on_or_after: date
    teams: dict[str, tuple[str, str]]  # code -> (name, country)
    riders: dict[
        int, tuple[StartListRider, str, date | None]
    ]  # bib -> (..., nat, born)
    stages: dict[int, StageSpec]
    checkpoints: list[CheckpointSpec]
    results: dict[int, ResultsTable]
    crossings: dict[int, list[tuple[str, int, int]]]  # stage -> (checkpoint, rank, bib)
    reports: dict[int, tuple[str, str]]  # stage -> (headline, body)


def _read_text(root: Path, name: str) -> str:
    return decode(name, (root / name).read_bytes())


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def read_package(path: str | Path) -> Package:
    """Read and validate a whole package; raise PackageError listing every problem."""
    root = Path(path)
    if not root.is_dir():
        raise PackageError([f"{root.name}: not a folder"])
    errors: list[str] = []

    try:
        meta = tomllib.loads(_read_text(root, "edition.toml"))
    except FileNotFoundError:
        raise PackageError(["edition.toml: missing"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PackageError([f"edition.toml: {exc}"]) from None
    race_name = str(meta.get("race", "")).strip()
    year = meta.get("year")
    if not race_name:
        errors.append("edition.toml: 'race' is missing")
    if not isinstance(year, int) or not 1903 <= year <= 2100:
        errors.append(f"edition.toml: 'year' must be a year, not {year!r}")
        year = 2000
    rules = meta.get("rules", {}) or {}
    try:
        parsed_rules = Rules.from_overrides(rules, year)
    except (ValueError, TypeError) as exc:
        errors.append(f"edition.toml: [rules] {exc}")
        parsed_rules = None
    youth = (
        parsed_rules.youth_born_on_or_after
        if parsed_rules and parsed_rules.youth_born_on_or_after
        else Edition.default_youth_cutoff(year)
    )
    slug = str(meta.get("slug") or slugify(race_name))

    def rows_of(name: str, required: tuple[str, ...]) -> list[CsvRow]:
        try:
            return read_csv(name, _read_text(root, name), required)
        except FileNotFoundError:
            errors.append(f"{name}: missing")
        except PackageError as exc:
            errors.extend(exc.problems)
        return []

    teams: dict[str, tuple[str, str]] = {}
    for row in rows_of("teams.csv", ("code", "name", "country")):
        code = row.get("code").upper()
        if not re.fullmatch(r"[A-Z0-9]{3}", code):
            errors.append(
                problem("teams.csv", row.line, f"team code {code!r} is not 3 letters")
            )
        elif code in teams:
            errors.append(problem("teams.csv", row.line, f"duplicate team code {code}"))
        country = row.get("country").upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            errors.append(
                problem(
                    "teams.csv", row.line, f"country {country!r} is not ISO alpha-2"
                )
            )
        if not row.get("name"):
            errors.append(problem("teams.csv", row.line, "team name is missing"))
        teams[code] = (row.get("name"), country)

    riders: dict[int, tuple[StartListRider, str, date | None]] = {}
    for row in rows_of(
        "riders.csv",
        ("bib", "first_name", "last_name", "nationality", "birth_date", "team"),
    ):
        bib = parse_int(row, "bib", "riders.csv", errors, minimum=1)
        if bib is None:
            errors.append(problem("riders.csv", row.line, "bib is missing"))
            continue
        if bib in riders:
            errors.append(problem("riders.csv", row.line, f"duplicate bib {bib}"))
        code = row.get("team").upper()
        if code not in teams:
            errors.append(
                problem("riders.csv", row.line, f"unknown team code {code!r}")
            )
        nat = row.get("nationality").upper()
        if not re.fullmatch(r"[A-Z]{2}", nat):
            errors.append(
                problem(
                    "riders.csv", row.line, f"nationality {nat!r} is not ISO alpha-2"
                )
            )
        born = None
        if row.get("birth_date"):
            try:
                born = date.fromisoformat(row.get("birth_date"))
            except ValueError:
                errors.append(
                    problem(
                        "riders.csv",
                        row.line,
                        f"birth_date {row.get('birth_date')!r} is not YYYY-MM-DD",
                    )
                )
        if not row.get("last_name"):
            errors.append(problem("riders.csv", row.line, "last_name is missing"))
        riders[bib] = (
            StartListRider(bib, row.get("first_name"), row.get("last_name"), code),
            nat,
            born,
        )

    stages: dict[int, StageSpec] = {}
    for row in rows_of(
        "stages.csv", ("number", "date", "start", "finish", "distance_km", "type")
    ):
        number = parse_int(row, "number", "stages.csv", errors)
        if number is None:
            errors.append(problem("stages.csv", row.line, "number is missing"))
            continue
        if number in stages:
            errors.append(problem("stages.csv", row.line, f"duplicate stage {number}"))
        try:
            day = date.fromisoformat(row.get("date"))
        except ValueError:
            errors.append(
                problem(
                    "stages.csv",
                    row.line,
                    f"date {row.get('date')!r} is not YYYY-MM-DD",
                )
            )
            day = date(year, 1, 1)
        try:
            distance = Decimal(row.get("distance_km"))
            if distance < 0 or not distance.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                problem(
                    "stages.csv",
                    row.line,
                    f"distance_km {row.get('distance_km')!r} is not a distance",
                )
            )
            distance = Decimal(0)
        kind = row.get("type").lower()
        if kind not in STAGE_TYPES:
            errors.append(
                problem(
                    "stages.csv",
                    row.line,
                    f"type {kind!r} is not one of {', '.join(sorted(STAGE_TYPES))}",
                )
            )
        scale = row.get("points_scale").lower()
        if scale and scale not in {c.value for c in Stage.PointsScale}:
            errors.append(
                problem("stages.csv", row.line, f"unknown points_scale {scale!r}")
            )
        team_times = row.get("team_times").lower() or "finish"
        if team_times not in {"finish", "gc"}:
            errors.append(
                problem(
                    "stages.csv",
                    row.line,
                    f"team_times {team_times!r} is not finish or gc",
                )
            )
        stages[number] = StageSpec(
            number,
            day,
            row.get("start"),
            row.get("finish"),
            distance,
            kind,
            scale,
            team_times,
        )

    checkpoints: list[CheckpointSpec] = []
    if (root / "checkpoints.csv").exists():
        names: set[tuple[int, str]] = set()
        for row in rows_of(
            "checkpoints.csv", ("stage", "kind", "name", "km", "category", "multiplier")
        ):
            stage_no = parse_int(row, "stage", "checkpoints.csv", errors)
            if stage_no not in stages:
                errors.append(
                    problem(
                        "checkpoints.csv",
                        row.line,
                        f"stage {stage_no} is not in stages.csv",
                    )
                )
            kind = row.get("kind").lower()
            category = row.get("category").upper()
            if kind not in {"sprint", "climb", "bonus"}:
                errors.append(
                    problem(
                        "checkpoints.csv",
                        row.line,
                        f"kind {kind!r} is not sprint, climb or bonus",
                    )
                )
            if kind == "climb" and category not in {"HC", "1", "2", "3", "4"}:
                errors.append(
                    problem(
                        "checkpoints.csv",
                        row.line,
                        f"climb category {category!r} is not HC or 1-4",
                    )
                )
            if kind != "climb":
                category = ""
            km = None
            if row.get("km"):
                try:
                    km = Decimal(row.get("km"))
                except InvalidOperation:
                    errors.append(
                        problem("checkpoints.csv", row.line, "km is not a number")
                    )
            multiplier = (
                parse_int(row, "multiplier", "checkpoints.csv", errors, minimum=1) or 1
            )
            key = (stage_no or 0, row.get("name"))
            if key in names:
                errors.append(
                    problem("checkpoints.csv", row.line, "duplicate checkpoint name")
                )
            names.add(key)
            checkpoints.append(
                CheckpointSpec(
                    stage_no or 0, kind, row.get("name"), km, category, multiplier
                )
            )

    start_list = {bib: spec[0] for bib, spec in riders.items()}
    texts: dict[int, tuple[str, str]] = {}
    result_files = (
        sorted((root / "results").glob("*.csv")) if (root / "results").is_dir() else []
    )
    for file in sorted(result_files, key=lambda f: f.name):
        label = f"results/{file.name}"
        m = STAGE_FILE.match(file.name)
        if not m:
            errors.append(f"{label}: file name must be stage-NN.csv")
            continue
        number = int(m.group(1))
        if number not in stages:
            errors.append(f"{label}: stage {number} is not in stages.csv")
            continue
        try:
            text = decode(label, file.read_bytes())
        except PackageError as exc:
            errors.extend(exc.problems)
            continue
        texts[number] = (label, text)
    # In stage order, so that a row for a rider who already left is refused.
    results: dict[int, ResultsTable] = {}
    out_of_race: dict[int, str] = {}
    for number, (label, text) in sorted(texts.items()):
        table = parse_results_table(label, text, start_list, out_of_race=out_of_race)
        errors.extend(table.problems)
        results[number] = table
        for row in table.rows:
            if row.bib is not None and row.status in OUT_STATUSES:
                out_of_race.setdefault(row.bib, f"{row.status} on stage {number}")

    crossings: dict[int, list[tuple[str, int, int]]] = {}
    start = {bib: rider for bib, (rider, _, _) in riders.items()}
    if (root / "crossings").is_dir():
        for file in sorted((root / "crossings").glob("*.csv")):
            label = f"crossings/{file.name}"
            m = STAGE_FILE.match(file.name)
            if not m or int(m.group(1)) not in stages:
                errors.append(f"{label}: not a stage of stages.csv (stage-NN.csv)")
                continue
            number = int(m.group(1))
            on_stage = {fold(c.name): c for c in checkpoints if c.stage == number}
            try:
                text = decode(label, file.read_bytes())
            except PackageError as exc:
                errors.extend(exc.problems)
                continue
            rows, problems = parse_crossings_table(label, text, on_stage, start, {})
            errors.extend(problems)
            crossings[number] = [
                (r.checkpoint.name, r.rank, r.bib) for r in rows if not r.problems
            ]

    reports: dict[int, tuple[str, str]] = {}
    if (root / "reports").is_dir():
        for file in sorted((root / "reports").glob("*.md")):
            label = f"reports/{file.name}"
            m = STAGE_FILE.match(file.name)
            if not m or int(m.group(1)) not in stages:
                errors.append(f"{label}: not a stage of stages.csv (stage-NN.md)")
                continue
            try:
                text = decode(label, file.read_bytes())
            except PackageError as exc:
                errors.extend(exc.problems)
                continue
            first, _, body = text.strip().partition("\n")
            if not first.startswith("# ") or not first[2:].strip():
                errors.append(problem(label, 1, 'first line must be "# Headline"'))
                continue
            reports[int(m.group(1))] = (first[2:].strip(), body.strip())

    if errors:
        raise PackageError(errors)
    return Package(
        race_name=race_name,
        slug=slug,
        year=year,
        rules=_jsonable(rules),
        youth_born_on_or_after=youth,
        teams=teams,
        riders=riders,
        stages=stages,
        checkpoints=checkpoints,
        results=results,
        crossings=crossings,
        reports=reports,
    )


# Writing


def rider_for(given: str, family: str, nationality: str, born: date | None):
    """One identity across editions: same names and birth date, same rider."""

    rider = Rider.objects.filter(
        given_name=given, family_name=family, birth_date=born
    ).first()
    if rider:
        return rider
    base = slugify(f"{given} {family}") or "rider"
    slug = base
    if Rider.objects.filter(slug=slug).exists():
        slug = f"{base}-{born.year}" if born else f"{base}-2"
        n = 2
        while Rider.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
    return Rider.objects.create(
        given_name=given,
        family_name=family,
        nationality=nationality,
        birth_date=born,
        slug=slug,
    )


def result_objects(stage: Stage, rows: list[ResultRow], entry_ids: Mapping[int, int]):
    return [
        StageResult(
            stage=stage,
            entry_id=entry_ids[r.bib],
            rank=r.rank,
            time_s=r.time_s if r.status in {"OK", "OTL"} else None,
            hundredths=r.hundredths,
            status=r.status,
            bonus=r.bonus,
            penalty=r.penalty,
            gc_time_s=r.gc_time_s if r.status in {"OK", "OTL"} else None,
            points=r.points,
            kom_points=r.kom_points,
        )
        for r in rows
    ]


def report_time(day: date) -> datetime:
    """Demo reports appear the evening of their stage, race time."""
    return datetime.combine(day, time(19, 30), tzinfo=ZoneInfo("Europe/Paris"))


@transaction.atomic
def save_package(package: Package, *, replace: bool = False) -> tuple[Edition, bool]:
    """Write a read package; returns (edition, created). Existing editions are left
    alone unless ``replace`` (so re-importing the same package changes nothing)."""
    from teams.models import Team

    race, _ = Race.objects.get_or_create(
        slug=package.slug, defaults={"name": package.race_name}
    )
    existing = Edition.objects.filter(race=race, year=package.year).first()
    if existing and not replace:
        return existing, False
    if existing:
        existing.delete()
    edition = Edition.objects.create(
        race=race,
        year=package.year,
        rules=package.rules,
        youth_born_on_or_after=package.youth_born_on_or_after,
    )
    teams = {
        code: Team.objects.create(
            edition=edition, code=code, name=name, country=country
        )
        for code, (name, country) in package.teams.items()
    }
    entries = {}
    for bib, (spec, nationality, born) in sorted(package.riders.items()):
        rider = rider_for(spec.given_name, spec.family_name, nationality, born)
        entries[bib] = Entry(
            edition=edition, rider=rider, team=teams[spec.team_code], bib=bib
        )
    Entry.objects.bulk_create(entries.values())
    entry_ids = {bib: e.pk for bib, e in entries.items()}
    stages = {}
    for number, spec in sorted(package.stages.items()):
        stages[number] = Stage.objects.create(
            edition=edition,
            number=number,
            date=spec.date,
            start=spec.start,
            finish=spec.finish,
            distance_km=spec.distance_km,
            type=spec.type,
            points_scale=spec.points_scale,
            team_times=spec.team_times,
            status=Stage.Status.FINISHED
            if number in package.results
            else Stage.Status.SCHEDULED,
        )
    checkpoints = {}
    for c in package.checkpoints:
        checkpoints[(c.stage, c.name)] = Checkpoint.objects.create(
            stage=stages[c.stage],
            kind=c.kind,
            name=c.name,
            km=c.km,
            category=c.category,
            multiplier=c.multiplier,
        )
    StageResult.objects.bulk_create(
        [
            obj
            for number, table in sorted(package.results.items())
            for obj in result_objects(stages[number], table.rows, entry_ids)
        ]
    )
    CheckpointCrossing.objects.bulk_create(
        [
            CheckpointCrossing(
                checkpoint=checkpoints[(number, name)],
                rank=rank,
                entry_id=entry_ids[bib],
            )
            for number, rows in package.crossings.items()
            for name, rank, bib in rows
        ]
    )
    for number, (headline, body) in package.reports.items():
        RaceReport.objects.create(
            stage=stages[number],
            headline=headline,
            body=body,
            status=RaceReport.Status.PUBLISHED,
            published_at=report_time(stages[number].date),
        )
    services.recompute_standings(edition)
    return edition, True


def import_race(path: str | Path, *, replace: bool = False) -> tuple[Edition, bool]:
    return save_package(read_package(path), replace=replace)


def start_list_of(edition: Edition) -> dict[int, StartListRider]:

    return {
        bib: StartListRider(bib, given, family, code)
        for bib, given, family, code in Entry.objects.filter(
            edition=edition
        ).values_list("bib", "rider__given_name", "rider__family_name", "team__code")
    }


def out_of_race_before(stage: Stage) -> dict[int, str]:
    """Bibs of riders who left the race before ``stage`` (DNF, DNS, DSQ)."""
    out: dict[int, str] = {}
    for bib, status, number in (
        StageResult.objects.filter(
            stage__edition_id=stage.edition_id,
            stage__number__lt=stage.number,
            status__in=OUT_STATUSES,
        )
        .order_by("stage__number")
        .values_list("entry__bib", "status", "stage__number")
    ):
        out.setdefault(bib, f"{status} on stage {number}")
    return out


def read_stage_results(
    stage: Stage, label: str, data: bytes | str, *, header_optional: bool = False
) -> ResultsTable:
    text = decode(label, data) if isinstance(data, bytes) else data
    return parse_results_table(
        label,
        text,
        start_list_of(stage.edition),
        out_of_race=out_of_race_before(stage),
        header_optional=header_optional,
    )


@transaction.atomic
def save_stage_results(stage: Stage, table: ResultsTable) -> None:
    """Replace a stage's results with a validated table and recompute standings."""

    if not table.ok:
        raise PackageError(table.problems)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    entry_ids = dict(
        Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
    )
    StageResult.objects.filter(stage=stage).delete()
    StageResult.objects.bulk_create(result_objects(stage, table.rows, entry_ids))
    if stage.status == Stage.Status.SCHEDULED:
        stage.status = Stage.Status.FINISHED
        stage.save(update_fields=["status"])
    services.recompute_standings(stage.edition, from_stage=stage.number)
