"""A whole race package (RACE_PACKAGE.md) read from its folder into plain rows."""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from racing.parsing.crossings import parse_crossings_table
from racing.parsing.csvrows import (
    CsvRow,
    PackageError,
    decode,
    parse_int,
    problem,
    read_csv,
)
from racing.parsing.results import ResultsTable, StartListRider, parse_results_table
from racing.standings import (
    CHECKPOINT_KINDS,
    CLIMB_CATEGORIES,
    OUT_STATUSES,
    POINTS_SCALES,
    STAGE_TYPES,
    TEAM_TIMES,
    Rules,
    default_youth_cutoff,
)
from racing.text import fold, slugify

STAGE_FILE = re.compile(r"^stage-(\d{2,3})\.(csv|md)$")


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
        else default_youth_cutoff(year)
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
        if scale and scale not in POINTS_SCALES:
            errors.append(
                problem("stages.csv", row.line, f"unknown points_scale {scale!r}")
            )
        team_times = row.get("team_times").lower() or "finish"
        if team_times not in TEAM_TIMES:
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
            if kind not in CHECKPOINT_KINDS:
                errors.append(
                    problem(
                        "checkpoints.csv",
                        row.line,
                        f"kind {kind!r} is not sprint, climb or bonus",
                    )
                )
            if kind == "climb" and category not in CLIMB_CATEGORIES:
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
