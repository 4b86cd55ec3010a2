"""The race's own tables in a race package (RACE_PACKAGE.md): teams.csv,
riders.csv and checkpoints.csv, read into plain validated rows (stages.csv:
``racing.parsing.stagelist``)."""

import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from racing.parsing.csvrows import (
    CsvRow,
    package_rows,
    parse_int,
    problem,
)
from racing.parsing.results import StartListRider
from racing.parsing.sources import PackageFiles
from racing.parsing.stagelist import StageSpec
from racing.standings import (
    CHECKPOINT_KINDS,
    CLIMB_CATEGORIES,
)
from racing.text import fold

_RIDER_COLUMNS = ("bib", "first_name", "last_name", "nationality", "birth_date", "team")
_CHECKPOINT_COLUMNS = ("stage", "kind", "name", "km", "category", "multiplier")
# The highest pass a Grand Tour climbs is under 2,800 m; Everest is 8,849 m.
MAX_ALTITUDE_M = 9000


@dataclass
class CheckpointSpec:
    stage: int
    kind: str
    name: str
    km: Decimal | None
    category: str
    multiplier: int
    altitude_m: int | None = None  # the optional ``altitude`` column, in metres
    scale: str = ""  # the optional ``scale`` column: a climb's climb_points scale


# teams.csv, riders.csv --------------------------------------------------------------


def read_teams(files: PackageFiles, errors: list[str]) -> dict[str, tuple[str, str]]:
    """teams.csv: code (3 letters or digits, unique) -> (name, ISO country)."""
    teams: dict[str, tuple[str, str]] = {}
    for row in package_rows(files, "teams.csv", ("code", "name", "country"), errors):
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
    return teams


def read_riders(
    files: PackageFiles, teams: Mapping[str, tuple[str, str]], errors: list[str]
) -> dict[int, tuple[StartListRider, str, date | None]]:
    """riders.csv: bib (unique) -> (start-list rider, nationality, birth date or
    None); the team code must be in teams.csv."""
    riders: dict[int, tuple[StartListRider, str, date | None]] = {}
    for row in package_rows(files, "riders.csv", _RIDER_COLUMNS, errors):
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
        born = _birth_date(row, errors)
        if not row.get("last_name"):
            errors.append(problem("riders.csv", row.line, "last_name is missing"))
        riders[bib] = (
            StartListRider(bib, row.get("first_name"), row.get("last_name"), code),
            nat,
            born,
        )
    return riders


def _birth_date(row: CsvRow, errors: list[str]) -> date | None:
    """A rider's birth date (YYYY-MM-DD); None when blank or malformed."""
    if not row.get("birth_date"):
        return None
    try:
        return date.fromisoformat(row.get("birth_date"))
    except ValueError:
        errors.append(
            problem(
                "riders.csv",
                row.line,
                f"birth_date {row.get('birth_date')!r} is not YYYY-MM-DD",
            )
        )
        return None


# checkpoints.csv -------------------------------------------------------------------


def read_checkpoints(
    files: PackageFiles,
    stages: Mapping[int, StageSpec | None],
    errors: list[str],
    *,
    scales: Collection[str] | None = None,
    unique_names: bool = True,
) -> list[CheckpointSpec]:
    """checkpoints.csv (optional): the checkpoints of every stage. A ``scale``
    must be one of ``scales`` (the edition's climb_points; None: not checked).
    With ``unique_names``, names are unique on each stage, case and accents
    ignored (crossings find their checkpoint that way)."""
    checkpoints: list[CheckpointSpec] = []
    if "checkpoints.csv" not in files:
        return checkpoints
    named: list[tuple[tuple[int, int], str]] = []
    for row in package_rows(files, "checkpoints.csv", _CHECKPOINT_COLUMNS, errors):
        checkpoints.append(_checkpoint_spec(row, stages, errors, scales))
        named.append(((checkpoints[-1].stage, row.line), checkpoints[-1].name))
    if unique_names:
        for clash in name_clashes(named, stage_of=lambda label: label[0]):
            (stage, line), (_, first) = clash.label, clash.first
            where = f"line {first}, stage {stage}"
            errors.append(problem("checkpoints.csv", line, clash.message(where)))
    return checkpoints


def name_clash(name: str, other: str, where: str) -> str:
    """Why a checkpoint name is refused: ``other``, the name of ``where``, is the
    same without case and accents."""
    if name == other:
        return (
            f"{name!r} is already the name of {where}: checkpoint names must "
            "differ on a stage, case and accents ignored"
        )
    return (
        f"{name!r} is the same name as {other!r} ({where}) once case and accents "
        "are ignored: checkpoint names must differ on a stage"
    )


class NameClash(NamedTuple):
    """A name that repeats an earlier one of its stage, case and accents ignored:
    ``label`` and ``name`` the later, ``first`` and ``first_name`` the earlier."""

    label: Hashable
    name: str
    first: Hashable
    first_name: str

    def message(self, where: str) -> str:
        """Why the later name is refused, ``where`` saying what the earlier is."""
        return name_clash(self.name, self.first_name, where)


def name_clashes(
    named: Iterable[tuple[Hashable, str]],
    *,
    stage_of: Callable[[Hashable], Hashable] = lambda label: None,
    written: Collection[Hashable] | None = None,
) -> list[NameClash]:
    """The ONE check that checkpoint names differ on a stage: ``named`` are
    (label, name) in order (labels unique; ``stage_of`` a label's stage, by
    default all of one stage). Each name that is the same as an earlier one of
    its stage without case and accents clashes with the first of them.

    With ``written``, the labels a write adds or renames: the other names stand
    first, and only a written one is refused (two stored names that already
    clash, from before the rule, are not this write's to refuse)."""
    if written is not None:
        named = sorted(named, key=lambda item: item[0] in written)
    seen: dict[tuple[Hashable, str], tuple[Hashable, str]] = {}
    clashes = []
    for label, name in named:
        first = seen.setdefault((stage_of(label), fold(name)), (label, name))
        if first[0] != label and (written is None or label in written):
            clashes.append(NameClash(label, name, *first))
    return clashes


def _checkpoint_spec(
    row: CsvRow,
    stages: Mapping[int, StageSpec | None],
    errors: list[str],
    scales: Collection[str] | None,
) -> CheckpointSpec:
    """One checkpoint of checkpoints.csv. Only a climb has a category (HC, 1-4)
    and a scale; a blank multiplier is 1; a bad stage number stands as stage 0."""
    stage_no = parse_int(row, "stage", "checkpoints.csv", errors)
    if stage_no not in stages:
        errors.append(
            problem(
                "checkpoints.csv", row.line, f"stage {stage_no} is not in stages.csv"
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
            errors.append(problem("checkpoints.csv", row.line, "km is not a number"))
    multiplier = parse_int(row, "multiplier", "checkpoints.csv", errors, minimum=1) or 1
    altitude = parse_int(row, "altitude", "checkpoints.csv", errors, minimum=0)
    if altitude is not None and altitude > MAX_ALTITUDE_M:
        errors.append(
            problem("checkpoints.csv", row.line, f"altitude {altitude} m is too high")
        )
    scale = _scale(row, kind, scales, errors)
    name = row.get("name")
    return CheckpointSpec(
        stage_no or 0, kind, name, km, category, multiplier, altitude, scale
    )


def _scale(
    row: CsvRow, kind: str, scales: Collection[str] | None, errors: list[str]
) -> str:
    """The optional ``scale`` of a climb: a climb_points scale of the rules."""
    scale = row.get("scale")
    wrong = scale_problem(scale, kind, scales)
    if wrong:
        errors.append(problem("checkpoints.csv", row.line, wrong))
    return scale


def scale_problem(scale: str, kind: str, scales: Collection[str] | None) -> str:
    """What is wrong with a checkpoint's ``scale`` ("" when nothing): only a
    climb has one, and it is one of ``scales`` (None: not checked)."""
    if not scale:
        return ""
    if kind != "climb":
        return f"scale {scale!r}: only a climb has a scale (this is a {kind})"
    if scales is not None and scale not in scales:
        return (
            f"scale {scale!r} is not a climb_points scale of the rules "
            f"({', '.join(scales)})"
        )
    return ""
