"""Race packages in (RACE_PACKAGE.md): a read package previewed, then written in
one transaction.

Reading is the pure ``racing.parsing.package`` (a folder, a zip or uploaded files);
nothing is written unless the whole package read without a problem, so a bad row
saves nothing. The start list's riders are matched with the stored ones
(``identity``): known riders are reused, namesakes with another birth date wait for
the editor's decision.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from editions.models import Edition, Entry, Race, Team
from racing.parsing.csvrows import PackageError
from racing.parsing.package import CheckpointSpec, Package, read_package
from racing.parsing.results import ResultRow
from racing.parsing.sources import PackageFiles
from racing.standings import FINISHED_STATUSES
from stages.models import Checkpoint, CheckpointCrossing, RaceReport, Stage, StageResult
from stages.services import package_checks as checks
from stages.services.identity import (
    DECIDE,
    KNOWN,
    NEW,
    Person,
    RiderMatch,
    match_riders,
    nationalities_refresh,
    riders_for,
    undecided,
)
from stages.services.recompute import lock_edition, recompute_standings
from stages.services.startlist import having_results


def result_objects(
    stage: Stage, rows: list[ResultRow], entry_ids: Mapping[int, int]
) -> list[StageResult]:
    """Unsaved results of ``stage`` from validated rows (bib -> entry id)."""
    return [
        StageResult(
            stage=stage,
            entry_id=entry_ids[r.bib],
            rank=r.rank,
            time_s=r.time_s if r.status in FINISHED_STATUSES else None,
            hundredths=r.hundredths,
            status=r.status,
            bonus=r.bonus,
            penalty=r.penalty,
            gc_time_s=r.gc_time_s if r.status in FINISHED_STATUSES else None,
            points=r.points,
            kom_points=r.kom_points,
        )
        for r in rows
    ]


def report_time(day: date) -> datetime:
    """Packaged reports appear the evening of their stage, race time."""
    return datetime.combine(day, time(19, 30), tzinfo=ZoneInfo("Europe/Paris"))


# What a package holds, in words, by key of ``PackagePreview.counts``.
COUNTED = {
    "stages": ngettext_lazy("%(count)s stage", "%(count)s stages", "count"),
    "teams": ngettext_lazy("%(count)s team", "%(count)s teams", "count"),
    "riders": ngettext_lazy("%(count)s rider", "%(count)s riders", "count"),
    "result rows": ngettext_lazy(
        "%(count)s result row", "%(count)s result rows", "count"
    ),
    "checkpoints": ngettext_lazy(
        "%(count)s checkpoint", "%(count)s checkpoints", "count"
    ),
    "crossings": ngettext_lazy("%(count)s crossing", "%(count)s crossings", "count"),
    "reports": ngettext_lazy("%(count)s report", "%(count)s reports", "count"),
}


@dataclass
class PackagePreview:
    """What a package would create, before anything is saved: its counts, its
    problems (file, line and field), the edition of the same race and year if
    there is one, and each rider's match with the stored riders."""

    package: Package | None
    problems: list[str] = field(default_factory=list)
    existing: Edition | None = None
    matches: dict[int, RiderMatch] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        p = self.package
        if p is None:
            return {}
        return {
            "stages": len(p.stages),
            "teams": len(p.teams),
            "riders": len(p.riders),
            "result rows": sum(len(t.rows) for t in p.results.values()),
            "checkpoints": len(p.checkpoints),
            "crossings": sum(len(rows) for rows in p.crossings.values()),
            "reports": len(p.reports),
        }

    @property
    def counted(self) -> list[str]:
        """:attr:`counts` in the editor's language: ``21 stages``, ``1 team``."""
        return [COUNTED[key] % {"count": n} for key, n in self.counts.items()]

    def riders(self, status: str) -> list[RiderMatch]:
        """The matches of one status (``KNOWN``, ``NEW``, ``DECIDE``), by bib."""
        return [m for _, m in sorted(self.matches.items()) if m.status == status]

    @property
    def known(self) -> list[RiderMatch]:
        return self.riders(KNOWN)

    @property
    def new(self) -> list[RiderMatch]:
        return self.riders(NEW)

    @property
    def to_decide(self) -> list[RiderMatch]:
        return self.riders(DECIDE)


class PackageRefused(Exception):
    """A package that cannot be saved as asked: every problem, and the preview."""

    def __init__(self, problems: list[str], preview: PackagePreview):
        self.problems = problems
        self.preview = preview
        super().__init__("\n".join(problems))


def people_of(package: Package) -> list[Person]:
    return [
        Person(bib, spec.given_name, spec.family_name, nationality, born)
        for bib, (spec, nationality, born) in sorted(package.riders.items())
    ]


def package_preview(source: PackageFiles | str | Path) -> PackagePreview:
    """Read a package, check it against the database's limits and match its
    riders; nothing is written (3 queries)."""
    try:
        package = read_package(source)
    except PackageError as exc:
        return PackagePreview(None, exc.problems)
    problems = checks.field_problems(package) + checks.race_problems(package)
    matches, _taken = match_riders(people_of(package))
    problems += checks.same_rider_problems(matches, {})
    existing = (
        Edition.objects.select_related("race")
        .filter(race__slug=package.slug, year=package.year)
        .first()
    )
    return PackagePreview(package, problems, existing, matches)


def package_upload_save(
    *,
    files: PackageFiles,
    replace: bool = False,
    draft: bool = True,
    decisions: Mapping[int, int | None] | None = None,
    protect_results: bool = False,
) -> Edition:
    """Save an uploaded package as the editor confirmed it: read again, refused
    with every problem (``PackageRefused``) if it does not read, if its edition
    exists and ``replace`` was not chosen (or, with ``protect_results``, the
    edition to replace is published with results: editors may not delete those),
    if a namesake is undecided, or if two bibs would be one rider."""
    preview = package_preview(files)
    problems = list(preview.problems)
    decisions = decisions or {}
    if preview.package is not None:
        problems += _replace_problems(preview.existing, replace, protect_results)
        problems += undecided(preview.matches, decisions)
        if not problems:
            problems += checks.same_rider_problems(preview.matches, decisions)
    if problems:
        raise PackageRefused(problems, preview)
    p = preview.package
    try:
        edition, created = package_save(
            p,
            replace=replace,
            draft=draft,
            decisions=decisions,
            protect_results=protect_results,
        )
    except ReplaceRefused as refused:
        raise PackageRefused([str(refused)], preview) from None
    except IntegrityError:
        # Another editor saved the same race and year, or the same new rider, in
        # between: a fresh preview shows it.
        raced = {"race": p.race_name, "year": p.year}
        raise PackageRefused(
            [
                _(
                    "%(race)s %(year)s: someone saved riders or this edition in the "
                    "meantime; nothing was saved: preview again"
                )
                % raced
            ],
            package_preview(files),
        ) from None
    if not created:  # saved by another editor since this preview
        saved = _("%(edition)s was just saved by someone else: preview again")
        raise PackageRefused([saved % {"edition": edition}], preview)
    return edition


def _replace_problems(
    existing: Edition | None, replace: bool, protect_results: bool
) -> list[str]:
    if existing is None:
        return []
    if not replace:
        exists = _(
            # Translators: file is edition.toml (not translated).
            "%(edition)s exists already: choose to replace it, or change the year in "
            "%(file)s"
        )
        return [exists % {"edition": existing, "file": "edition.toml"}]
    if protect_results and having_results([existing]):
        return [_protected(existing)]
    return []


def _protected(edition: Edition) -> str:
    return _(
        "%(edition)s is published with results: only an administrator can replace it"
    ) % {"edition": edition}


class ReplaceRefused(Exception):
    """The edition to replace has results an editor may not delete (checked again
    under its lock)."""


@transaction.atomic
def package_save(
    package: Package,
    *,
    replace: bool = False,
    draft: bool = False,
    decisions: Mapping[int, int | None] | None = None,
    protect_results: bool = False,
) -> tuple[Edition, bool]:
    """Write a read package in one transaction and store its standings (the engine
    once; the new edition's data version is bumped); returns (edition, created).
    Existing editions are left alone unless ``replace`` (so re-importing the same
    package changes nothing). A ``draft`` is seen by staff only until published;
    ``decisions`` say which stored rider a namesake is (None: a new rider); with
    ``protect_results``, a published edition with results is not replaced
    (``ReplaceRefused``)."""
    race, _created = Race.objects.get_or_create(
        slug=package.slug, defaults={"name": package.race_name}
    )
    existing = Edition.objects.filter(race=race, year=package.year).first()
    if existing and not replace:
        return existing, False
    if existing:
        lock_edition(existing.pk)  # no save of the old edition may interleave
        if protect_results and having_results([existing]):
            raise ReplaceRefused(_protected(existing))
        existing.delete()
    edition = Edition.objects.create(
        race=race,
        year=package.year,
        rules=package.rules,
        youth_born_on_or_after=package.youth_born_on_or_after,
        published=not draft,
    )
    entry_ids = _save_start_list(edition, package, decisions)
    stages = _save_stages(edition, package)
    checkpoints = _save_checkpoints(stages, package.checkpoints)
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
    _save_reports(stages, package)
    recompute_standings(edition)
    return edition, True


def package_import(
    path: str | Path, *, replace: bool = False, draft: bool = False
) -> tuple[Edition, bool]:
    """Read the package (folder or zip) at ``path`` and save it (``PackageError``
    lists every problem of a package that does not read; namesakes of known riders
    with another birth date become new riders, as they always did here)."""
    return package_save(read_package(path), replace=replace, draft=draft)


def _save_start_list(
    edition: Edition, package: Package, decisions: Mapping[int, int | None] | None
) -> dict[int, int]:
    """Teams and entries; returns entry ids by bib."""
    teams = {
        code: Team(edition=edition, code=code, name=name, country=country)
        for code, (name, country) in package.teams.items()
    }
    Team.objects.bulk_create(teams.values())
    matches, taken = match_riders(people_of(package))
    riders = riders_for(matches, taken, decisions)
    entries = {
        bib: Entry(
            edition=edition,
            rider=riders[bib],
            team=teams[spec.team_code],
            bib=bib,
            nationality=nationality,
        )
        for bib, (spec, nationality, _) in sorted(package.riders.items())
    }
    Entry.objects.bulk_create(entries.values())
    nationalities_refresh(e.rider_id for e in entries.values())
    return {bib: e.pk for bib, e in entries.items()}


def _save_stages(edition: Edition, package: Package) -> dict[int, Stage]:
    finished, scheduled = Stage.Status.FINISHED, Stage.Status.SCHEDULED
    stages = {
        number: checks.stage_of(
            number,
            spec,
            edition=edition,
            status=finished if number in package.results else scheduled,
        )
        for number, spec in sorted(package.stages.items())
    }
    Stage.objects.bulk_create(stages.values())
    return stages


def _save_checkpoints(
    stages: Mapping[int, Stage], specs: list[CheckpointSpec]
) -> dict[tuple[int, str], Checkpoint]:
    checkpoints = {
        (c.stage, c.name): checks.checkpoint_of(c, stage=stages[c.stage]) for c in specs
    }
    Checkpoint.objects.bulk_create(checkpoints.values())
    return checkpoints


def _save_reports(stages: Mapping[int, Stage], package: Package) -> None:
    for (number, language), (headline, body) in package.reports.items():
        RaceReport.objects.create(
            stage=stages[number],
            language=language,
            headline=headline,
            body=body,
            status=RaceReport.Status.PUBLISHED,
            published_at=report_time(stages[number].date),
        )
