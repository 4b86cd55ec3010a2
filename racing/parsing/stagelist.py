"""stages.csv of a race package (RACE_PACKAGE.md): each stage's route, type,
scoring and status (a stage not raced is ``cancelled``), read into plain
validated rows."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from racing.parsing.csvrows import CsvRow, package_rows, parse_int, problem
from racing.parsing.sources import PackageFiles
from racing.standings import POINTS_SCALES, STAGE_TYPES, TEAM_TIMES

_STAGE_COLUMNS = ("number", "date", "start", "finish", "distance_km", "type")

# stages.csv's ``status`` of a stage that was not raced (RACE_PACKAGE.md).
CANCELLED = "cancelled"


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
    status: str = ""  # the optional ``status`` column: "" or CANCELLED
    line: int = field(default=0, compare=False)  # its line in stages.csv

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED


def read_stages(
    files: PackageFiles, year: int, errors: list[str]
) -> dict[int, StageSpec]:
    """stages.csv: number (unique) -> the stage."""
    stages: dict[int, StageSpec] = {}
    for row in package_rows(files, "stages.csv", _STAGE_COLUMNS, errors):
        number = parse_int(row, "number", "stages.csv", errors)
        if number is None:
            errors.append(problem("stages.csv", row.line, "number is missing"))
            continue
        if number in stages:
            errors.append(problem("stages.csv", row.line, f"duplicate stage {number}"))
        stages[number] = _stage_spec(row, number, year, errors)
    return stages


def _stage_spec(row: CsvRow, number: int, year: int, errors: list[str]) -> StageSpec:
    """One stage of stages.csv. A bad date stands as 1 January of ``year``, a bad
    distance as 0; a blank ``team_times`` means ``finish``."""
    kind, scale, team_times, status = _choices(row, errors)
    return StageSpec(
        number,
        _day(row, year, errors),
        row.get("start"),
        row.get("finish"),
        _distance(row, errors),
        kind,
        scale,
        team_times,
        status,
        row.line,
    )


def _day(row: CsvRow, year: int, errors: list[str]) -> date:
    try:
        return date.fromisoformat(row.get("date"))
    except ValueError:
        errors.append(
            problem(
                "stages.csv", row.line, f"date {row.get('date')!r} is not YYYY-MM-DD"
            )
        )
        return date(year, 1, 1)


def _distance(row: CsvRow, errors: list[str]) -> Decimal:
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
        return Decimal(0)
    return distance


def _choices(row: CsvRow, errors: list[str]) -> tuple[str, str, str, str]:
    """The stage's type, points scale, team times and status, each checked."""

    def refuse(message: str) -> None:
        errors.append(problem("stages.csv", row.line, message))

    kind = row.get("type").lower()
    if kind not in STAGE_TYPES:
        refuse(f"type {kind!r} is not one of {', '.join(sorted(STAGE_TYPES))}")
    scale = row.get("points_scale").lower()
    if scale and scale not in POINTS_SCALES:
        refuse(f"unknown points_scale {scale!r}")
    team_times = row.get("team_times").lower() or "finish"
    if team_times not in TEAM_TIMES:
        refuse(f"team_times {team_times!r} is not finish or gc")
    status = row.get("status").lower()
    if status not in ("", CANCELLED):
        refuse(
            f"status {row.get('status')!r} is not blank or {CANCELLED!r} "
            "(a stage that was not raced)"
        )
        status = ""
    return kind, scale, team_times, status
