"""Race reports: written, published now or scheduled for later, deleted. A report
moves no standings; its race's pages show it from its publication time on (the
pages' data version holds the latest publication time that has passed, so a
scheduled report appears without any write)."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from stages.models import RaceReport
from stages.services.writes import Touched, write


def report_save(*, report: RaceReport, editor: AbstractBaseUser | None = None) -> None:
    """Save a report (a draft, published, or published for a later time); a new
    report without an author is signed by ``editor``, who writes it."""
    if report.pk is None and report.author_id is None and editor is not None:
        report.author = editor
    report.full_clean()
    touched = Touched()
    touched.shows(report.stage.edition_id, *_stored_editions([report]))
    write(report.save, touched)


def report_publish(*, report: RaceReport, at: datetime | None = None) -> None:
    """Publish a report now, or schedule it for ``at`` (shown from then on)."""
    report.status = RaceReport.Status.PUBLISHED
    report.published_at = at or timezone.now()
    report_save(report=report)


def report_delete(*, report: RaceReport) -> None:
    """Delete a report: it disappears from its stage page and the feed."""
    reports_delete(reports=[report])


def reports_delete(*, reports: Iterable[RaceReport]) -> None:
    """Delete reports of any races at once."""
    reports = list(reports)
    touched = Touched()
    touched.shows(*_stored_editions(reports))

    def change() -> None:
        for report in reports:
            report.delete()

    write(change, touched)


def _stored_editions(reports: list[RaceReport]) -> list[int]:
    """The editions of the reports as stored (a report may move to another race's
    stage: both races show the change)."""
    pks = [r.pk for r in reports if r.pk is not None]
    if not pks:
        return []
    return list(
        RaceReport.objects.filter(pk__in=pks).values_list(
            "stage__edition_id", flat=True
        )
    )
