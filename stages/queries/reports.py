"""Race reports for the pages: a stage's, the home page's latest and the feed's,
each in the page's language where it has one (``in_language``)."""

from dataclasses import dataclass, field

from django.conf import settings

from editions.models import Edition
from stages.models import RaceReport, Stage


def in_language(reports: list[RaceReport], language: str) -> list[RaceReport]:
    """What a page in ``language`` shows of ``reports``, in their order: of each
    stage, its reports in that language; of a stage with none, those in English
    (the site's source language), else all of them (the page names their
    language)."""
    by_stage: dict[int, list[RaceReport]] = {}
    for report in reports:
        by_stage.setdefault(report.stage_id, []).append(report)
    shown: set[int] = set()
    for written in by_stage.values():
        chosen = (
            [r for r in written if r.language == language]
            or [r for r in written if r.language == settings.LANGUAGE_CODE]
            or written
        )
        shown.update(id(r) for r in chosen)
    return [r for r in reports if id(r) in shown]


def latest_reports(language: str, limit: int = 5) -> list[RaceReport]:
    """Published race reports of published editions for a page in ``language``
    (``in_language``), newest first, with stage and race (1 query)."""
    reports = (
        RaceReport.objects.published()
        .filter(stage__edition__published=True)
        .select_related("stage__edition__race")
        .order_by("-published_at")
    )
    return in_language(list(reports[: limit * len(settings.LANGUAGES)]), language)[
        :limit
    ]


@dataclass(slots=True)
class ReportGroup:
    """The home page's race reports of one edition, under that edition's name."""

    edition: Edition
    reports: list[RaceReport] = field(default_factory=list)
    current: bool = False


def report_groups(current: Edition, language: str, limit: int = 4) -> list[ReportGroup]:
    """The ``limit`` newest published reports, grouped by edition: the current
    edition's group first (present even when empty), then the others by their
    newest report (1 query). A report always sits under its own edition's name:
    a Tour report never reads as news of the Vuelta."""
    groups = {current.pk: ReportGroup(current, current=True)}
    for report in latest_reports(language, limit):
        edition = report.stage.edition
        groups.setdefault(edition.pk, ReportGroup(edition)).reports.append(report)
    return list(groups.values())


def feed_reports(language: str, limit: int = 30) -> list[RaceReport]:
    """The published race reports of published editions for the feed in
    ``language`` (``in_language``), newest first, with stage, race and author (1
    query)."""
    reports = (
        RaceReport.objects.published()
        .filter(stage__edition__published=True)
        .select_related("stage__edition__race", "author")
        .order_by("-published_at", "-pk")
    )
    return in_language(list(reports[: limit * len(settings.LANGUAGES)]), language)[
        :limit
    ]


def stage_reports(
    stage: Stage, language: str, *, scheduled: bool = False
) -> list[RaceReport]:
    """The stage's published race reports for a page in ``language``
    (``in_language``), newest first (1 query); with ``scheduled`` (staff
    previewing), also those whose publication time is still to come
    (``RaceReport.is_scheduled``)."""
    reports = RaceReport.objects.filter(stage=stage)
    if scheduled:
        reports = reports.filter(status=RaceReport.Status.PUBLISHED)
    else:
        reports = reports.published()
    return in_language(list(reports.order_by("-published_at")), language)
