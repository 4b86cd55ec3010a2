"""Race packages in (RACE_PACKAGE.md): a read package written in one transaction.

Reading is the pure ``racing.parsing.package``; nothing is written unless the whole
package read without a problem, so a bad row saves nothing.
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from editions.models import Edition, Entry, Race, Rider, Team
from racing.parsing.package import CheckpointSpec, Package, read_package
from racing.parsing.results import ResultRow
from racing.standings import FINISHED_STATUSES
from racing.text import slugify
from stages.models import Checkpoint, CheckpointCrossing, RaceReport, Stage, StageResult
from stages.services.recompute import lock_edition, recompute_standings


def rider_for(given: str, family: str, nationality: str, born: date | None) -> Rider:
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


@transaction.atomic
def package_save(package: Package, *, replace: bool = False) -> tuple[Edition, bool]:
    """Write a read package in one transaction and store its standings (the engine
    once; the new edition's data version is bumped); returns (edition, created).
    Existing editions are left alone unless ``replace`` (so re-importing the same
    package changes nothing)."""
    race, _ = Race.objects.get_or_create(
        slug=package.slug, defaults={"name": package.race_name}
    )
    existing = Edition.objects.filter(race=race, year=package.year).first()
    if existing and not replace:
        return existing, False
    if existing:
        lock_edition(existing.pk)  # no save of the old edition may interleave
        existing.delete()
    edition = Edition.objects.create(
        race=race,
        year=package.year,
        rules=package.rules,
        youth_born_on_or_after=package.youth_born_on_or_after,
    )
    entry_ids = _save_start_list(edition, package)
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


def package_import(path: str | Path, *, replace: bool = False) -> tuple[Edition, bool]:
    """Read the package folder at ``path`` and save it (``PackageError`` lists every
    problem of a package that does not read)."""
    return package_save(read_package(path), replace=replace)


def _save_start_list(edition: Edition, package: Package) -> dict[int, int]:
    """Teams and entries; returns entry ids by bib."""
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
    return {bib: e.pk for bib, e in entries.items()}


def _save_stages(edition: Edition, package: Package) -> dict[int, Stage]:
    return {
        number: Stage.objects.create(
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
        for number, spec in sorted(package.stages.items())
    }


def _save_checkpoints(
    stages: Mapping[int, Stage], specs: list[CheckpointSpec]
) -> dict[tuple[int, str], Checkpoint]:
    return {
        (c.stage, c.name): Checkpoint.objects.create(
            stage=stages[c.stage],
            kind=c.kind,
            name=c.name,
            km=c.km,
            category=c.category,
            multiplier=c.multiplier,
        )
        for c in specs
    }


def _save_reports(stages: Mapping[int, Stage], package: Package) -> None:
    for number, (headline, body) in package.reports.items():
        RaceReport.objects.create(
            stage=stages[number],
            headline=headline,
            body=body,
            status=RaceReport.Status.PUBLISHED,
            published_at=report_time(stages[number].date),
        )
