"""services.reports: a report is saved, published now or for later, deleted; its
race's pages follow."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from editions.models import Edition
from stages.models import RaceReport
from stages.services.reports import (
    report_delete,
    report_publish,
    report_save,
    reports_delete,
)
from tests.factories import RaceReportFactory


def version(race) -> int:
    return Edition.objects.get(pk=race.edition.pk).version


@pytest.fixture
def editor(db) -> User:
    return User.objects.create_user("writer", is_staff=True)


def test_a_new_report_is_signed_by_its_editor(race, editor):
    before = version(race)
    report = RaceReport(stage=race.stage(2), headline="Aalto holds", body="**Close**")
    report_save(report=report, editor=editor)
    assert RaceReport.objects.get(headline="Aalto holds").author == editor
    assert version(race) == before + 1
    # A draft by default: not on the site.
    assert report not in RaceReport.objects.published()


def test_an_author_chosen_is_kept(race, editor):
    other = User.objects.create_user("chief", is_staff=True)
    report = RaceReport(stage=race.stage(2), headline="h", body="b", author=other)
    report_save(report=report, editor=editor)
    assert RaceReport.objects.get(pk=report.pk).author == other


def test_a_report_without_headline_is_refused(race, editor):
    with pytest.raises(ValidationError):
        report_save(report=RaceReport(stage=race.stage(2), body="b"), editor=editor)
    assert not RaceReport.objects.filter(stage=race.stage(2)).exists()


def test_a_report_moved_to_another_race_bumps_both(race, editor):
    report = RaceReportFactory(stage=race.stage(1))
    other = RaceReportFactory().stage
    before = version(race), Edition.objects.get(pk=other.edition_id).version
    report.stage = other
    report_save(report=report)
    assert (version(race), Edition.objects.get(pk=other.edition_id).version) == (
        before[0] + 1,
        before[1] + 1,
    )


def test_report_publish_now_shows_it(race):
    report = RaceReportFactory(stage=race.stage(3), status=RaceReport.Status.DRAFT)
    before = version(race)
    report_publish(report=report)
    assert report in RaceReport.objects.published()
    assert version(race) == before + 1


def test_report_publish_later_schedules_it(race):
    report = RaceReportFactory(stage=race.stage(3), status=RaceReport.Status.DRAFT)
    at = timezone.now() + timedelta(hours=2)
    report_publish(report=report, at=at)
    stored = RaceReport.objects.get(pk=report.pk)
    assert (stored.status, stored.published_at) == (RaceReport.Status.PUBLISHED, at)
    assert report not in RaceReport.objects.published()


def test_deleted_reports_are_gone_and_their_races_bumped(race):
    one, two = RaceReportFactory.create_batch(2, stage=race.stage(1))
    before = version(race)
    report_delete(report=one)
    assert version(race) == before + 1
    reports_delete(reports=[two])
    assert not RaceReport.objects.filter(stage=race.stage(1)).exists()
    assert version(race) == before + 2
