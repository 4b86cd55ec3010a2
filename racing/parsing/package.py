"""A whole race package (RACE_PACKAGE.md) read into plain rows, from its folder,
its zip or its files (``racing.parsing.sources``).

edition.toml is read here (its ``[rules]`` on top of the race's preset,
``racing.standings.presets.with_preset``: the package's rules are the merged
ones); the race's tables (teams, riders, stages, checkpoints)
in ``racing.parsing.racefiles``, the files of each stage (results, crossings,
reports) in ``racing.parsing.stagefiles``.
"""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from racing.parsing.csvrows import PackageError, decode
from racing.parsing.racefiles import (
    CheckpointSpec,
    read_checkpoints,
    read_riders,
    read_teams,
)
from racing.parsing.results import ResultsTable, StartListRider
from racing.parsing.sources import PackageFiles, package_files
from racing.parsing.stagefiles import (
    STAGE_FILE,
    read_crossings,
    read_reports,
    read_results,
)
from racing.parsing.stagelist import StageSpec, read_stages
from racing.standings import Rules, default_youth_cutoff
from racing.standings.presets import with_preset
from racing.text import slugify

# A race's URL name, as the site's URLs and the Race model take it.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")

__all__ = ["STAGE_FILE", "CheckpointSpec", "Package", "StageSpec", "read_package"]


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
    # (stage, language) -> (headline, body)
    reports: dict[tuple[int, str], tuple[str, str]]


def read_package(source: str | Path | PackageFiles) -> Package:
    """Read and validate a whole package (a folder, a ``.zip`` file, or the
    mapping of its files); raise PackageError listing every problem.

    A missing or unreadable edition.toml stops the reading at once; otherwise
    every file is read, in the order of RACE_PACKAGE.md, and every problem of
    every file is listed.
    """
    files = source if isinstance(source, Mapping) else package_files(source)
    errors: list[str] = []
    edition = _read_meta(files, errors)
    teams = read_teams(files, errors)
    riders = read_riders(files, teams, errors)
    stages = read_stages(files, edition.year, errors)
    scales = edition.parsed_rules.climb_points if edition.parsed_rules else None
    checkpoints = read_checkpoints(files, stages, errors, scales=scales)
    start_list = {bib: spec[0] for bib, spec in riders.items()}
    results = read_results(files, stages, start_list, errors)
    crossings = read_crossings(files, stages, checkpoints, start_list, errors)
    reports = read_reports(files, stages, errors)
    if errors:
        raise PackageError(errors)
    return Package(
        race_name=edition.race_name,
        slug=edition.slug,
        year=edition.year,
        rules=_jsonable(edition.rules),
        youth_born_on_or_after=edition.youth,
        teams=teams,
        riders=riders,
        stages=stages,
        checkpoints=checkpoints,
        results=results,
        crossings=crossings,
        reports=reports,
    )


def _jsonable(value: object) -> object:
    """``value`` with dates as ISO text, so the rules can be stored as JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# edition.toml ---------------------------------------------------------------------


@dataclass
class _Edition:
    race_name: str
    slug: str
    year: int
    rules: dict
    youth: date
    parsed_rules: Rules | None  # None: the rules do not read (an error says why)


def _read_meta(files: PackageFiles, errors: list[str]) -> _Edition:
    """edition.toml: the race, the year (2000 stands in for a bad one, so that the
    other files can still be checked), the rules and the youth cut-off (the rules'
    own, else 1 January of year - 25). Raises PackageError when the file is
    missing or is not TOML."""
    if "edition.toml" not in files:
        raise PackageError(["edition.toml: missing"])
    try:
        meta = tomllib.loads(decode("edition.toml", files["edition.toml"]))
    except tomllib.TOMLDecodeError as exc:
        raise PackageError([f"edition.toml: {exc}"]) from None
    race_name = str(meta.get("race", "")).strip()
    year = meta.get("year")
    if not race_name:
        errors.append("edition.toml: 'race' is missing")
    if not isinstance(year, int) or not 1903 <= year <= 2100:
        errors.append(f"edition.toml: 'year' must be a year, not {year!r}")
        year = 2000
    slug = str(meta.get("slug") or slugify(race_name))
    if not SLUG.fullmatch(slug):
        errors.append(
            f"edition.toml: 'slug' {slug!r} must be 1 to 100 lower-case letters, "
            "digits and hyphens (the race's address: tour-de-france)"
        )
    if len(race_name) > 100:
        errors.append("edition.toml: 'race' is longer than 100 characters")
    rules = meta.get("rules", {}) or {}
    parsed_rules = None
    if not isinstance(rules, dict):
        errors.append("edition.toml: 'rules' must be a [rules] table")
        rules = {}
    else:
        # The race's preset, with the edition's own rules on top.
        rules = with_preset(slug, rules)
        try:
            parsed_rules = Rules.from_overrides(rules, year)
        except (ValueError, TypeError) as exc:
            errors.append(f"edition.toml: [rules] {exc}")
    youth = (
        parsed_rules.youth_born_on_or_after
        if parsed_rules and parsed_rules.youth_born_on_or_after
        else default_youth_cutoff(year)
    )
    return _Edition(race_name, slug, year, rules, youth, parsed_rules)
