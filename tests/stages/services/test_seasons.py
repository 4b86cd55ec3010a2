"""The eleven editions of races/: a stage not raced (the Vuelta 2025's stage 21)
stored, shown and set by editors through the services, and each rider's
nationality in each edition (Sivakov: RU in 2021, FR later)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from editions.models import Edition, Entry, Rider
from racing.parsing.csvrows import PackageError
from stages.models import Jersey, Stage, StageResult, Standing
from stages.services.live import LiveRefused, stage_go_live
from stages.services.packages import package_import
from stages.services.paste import result_preview
from stages.services.stage import stage_update
from tests.stages.admin.test_admin import change_form_data, editor, editor_client
from tests.stages.services.test_import_race import db_fingerprint, edit

__all__ = ["editor", "editor_client"]  # fixtures

pytestmark = pytest.mark.django_db

VUELTA_2025 = Path(settings.BASE_DIR) / "races" / "vuelta-a-espana-2025"


@pytest.fixture
def vuelta25() -> Edition:
    return Edition.objects.get(race__slug="vuelta-a-espana", year=2025)


def tables(edition: Edition, number: int) -> dict[str, list[tuple]]:
    rows = Standing.objects.filter(stage__edition=edition, stage__number=number)
    out: dict[str, list[tuple]] = {}
    for cls, rank, entry, team, value, gap in rows.order_by("rank").values_list(
        "classification", "rank", "entry_id", "team_id", "value", "gap"
    ):
        out.setdefault(cls, []).append((rank, entry, team, value, gap))
    return out


def jerseys(edition: Edition, number: int) -> set[tuple[str, int]]:
    return set(
        Jersey.objects.filter(stage__edition=edition, stage__number=number).values_list(
            "classification", "entry_id"
        )
    )


# The Vuelta 2025's stage 21


def test_the_stage_not_raced_is_stored_without_results(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    assert stage.status == Stage.Status.CANCELLED
    assert (stage.start, stage.finish) == ("Alalpardo", "Madrid")
    assert not StageResult.objects.filter(stage=stage).exists()
    assert not Entry.objects.filter(edition=vuelta25, exit_stage=21).exists()
    # 153 riders finished the race: stage 20 is their last.
    assert (
        Entry.objects.filter(edition=vuelta25, exit_stage__isnull=True).count() == 153
    )


def test_its_classifications_are_those_after_stage_20(vuelta25):
    after_20, after_21 = tables(vuelta25, 20), tables(vuelta25, 21)
    assert set(after_21) == {"gc", "points", "mountains", "youth", "teams"}
    assert after_21 == after_20
    assert jerseys(vuelta25, 21) == jerseys(vuelta25, 20)
    leader = Standing.objects.get(
        stage__edition=vuelta25, stage__number=21, classification="gc", rank=1
    )
    assert leader.entry.rider.slug == "jonas-vingegaard"
    assert leader.previous_rank == 1


def test_a_package_with_another_status_saves_nothing(tmp_path):
    copy = tmp_path / "vuelta"
    shutil.copytree(VUELTA_2025, copy)
    edit(copy / "stages.csv", ",cancelled", ",postponed")
    before = db_fingerprint()
    with pytest.raises(PackageError) as caught:
        package_import(copy, replace=True)
    assert caught.value.problems == [
        "stages.csv line 22: status 'postponed' is not blank or 'cancelled' (a "
        "stage that was not raced)"
    ]
    assert db_fingerprint() == before


def test_a_package_with_results_for_the_stage_not_raced_saves_nothing(tmp_path):
    copy = tmp_path / "vuelta"
    shutil.copytree(VUELTA_2025, copy)
    shutil.copy(copy / "results/stage-20.csv", copy / "results/stage-21.csv")
    before = db_fingerprint()
    with pytest.raises(PackageError) as caught:
        package_import(copy, replace=True)
    assert caught.value.problems == [
        "results/stage-21.csv line 1: stage 21 was not raced (status cancelled, "
        "stages.csv line 22): a cancelled stage has no results or crossings"
    ]
    assert db_fingerprint() == before


# Editors


def test_an_editor_marks_a_stage_raced_again_then_not_raced(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    stage.status = Stage.Status.SCHEDULED
    stage_update(stage=stage, changed=["status"])
    assert tables(vuelta25, 21) == {}
    stage.status = Stage.Status.CANCELLED
    stage_update(stage=stage, changed=["status"])
    assert tables(vuelta25, 21) == tables(vuelta25, 20)


def test_a_stage_with_results_cannot_be_marked_not_raced(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=20)
    before = tables(vuelta25, 20)
    stage.status = Stage.Status.CANCELLED
    with pytest.raises(ValidationError, match="Stage 20 has results"):
        stage_update(stage=stage, changed=["status"])
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED
    assert tables(vuelta25, 20) == before


def test_the_admin_marks_a_stage_not_raced(editor_client, vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    Stage.objects.filter(pk=stage.pk).update(status=Stage.Status.SCHEDULED)
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = change_form_data(editor_client.get(url))
    data["status"] = Stage.Status.CANCELLED
    assert editor_client.post(url, data).status_code == 302
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.CANCELLED
    assert tables(vuelta25, 21) == tables(vuelta25, 20)


def test_the_admin_says_why_a_stage_with_results_stays_raced(editor_client, tour):
    stage = Stage.objects.get(edition=tour, number=12)
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = change_form_data(editor_client.get(url))
    data["status"] = Stage.Status.CANCELLED
    response = editor_client.post(url, data, follow=True)
    assert "Stage 12 has results" in response.content.decode()
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED


def test_a_paste_on_a_stage_not_raced_is_refused(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    preview = result_preview(stage, "rank,bib,time\n1,1,2:30:00\n")
    assert not preview.ok
    assert "Stage 21 was not raced" in preview.problems[0]


# Nationality per edition


def test_each_entry_keeps_the_nationality_of_its_edition():
    sivakov = Rider.objects.get(slug="pavel-sivakov")
    by_edition = dict(sivakov.entries.values_list("edition__year", "nationality"))
    assert by_edition == {2021: "RU", 2022: "FR", 2023: "FR", 2025: "FR"}
    assert sivakov.nationality == "FR"


def test_loading_an_older_edition_last_keeps_the_latest_nationality(tmp_path):
    package_import(
        Path(settings.BASE_DIR) / "races" / "giro-d-italia-2021", replace=True
    )
    sivakov = Rider.objects.get(slug="pavel-sivakov")
    assert sivakov.nationality == "FR"
    entry = sivakov.entries.get(edition__year=2021, edition__race__slug="giro-d-italia")
    assert entry.nationality == "RU"


@pytest.mark.parametrize(
    ("edition", "shown", "not_shown"),
    [("giro-d-italia/2021", "RU", "FR"), ("tour-de-france/2025", "FR", "RU")],
)
def test_the_stage_table_shows_the_flag_of_that_edition(
    client, edition, shown, not_shown
):
    page = client.get(f"/races/{edition}/stage-1/?q=sivakov").content.decode()
    assert f'">{shown}</abbr>' in page
    assert f'">{not_shown}</abbr>' not in page


def test_a_stage_not_raced_cannot_go_live(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    with pytest.raises(LiveRefused, match="Stage 21 is marked not raced"):
        stage_go_live(stage=stage)
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.CANCELLED
