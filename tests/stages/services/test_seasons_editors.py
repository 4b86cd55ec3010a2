"""Editors and the eleven editions: rows refused on a stage not raced, a stage
marked not raced ahead of time, and a rider's nationality per edition kept right
through entries, start-list pastes, drafts and the admin."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from editions.models import Edition, Entry, Rider
from stages.models import CheckpointCrossing, Stage, StageResult, Standing
from stages.queries.seasons import race_editions
from stages.services.corrections import result_save
from stages.services.recompute import recompute_standings
from stages.services.setup_paste_startlist import riders_paste_save, riders_preview
from stages.services.stage import stage_create
from stages.services.startlist import editions_publish, entry_save
from tests.factories import EditionFactory, EntryFactory, RiderFactory, TeamFactory
from tests.stages.admin.test_admin import editor, editor_client

__all__ = ["editor", "editor_client"]  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def vuelta25() -> Edition:
    return Edition.objects.get(race__slug="vuelta-a-espana", year=2025)


def gc_after(edition: Edition, number: int) -> list[tuple[int, int]]:
    return list(
        Standing.objects.filter(
            stage__edition=edition, stage__number=number, classification="gc"
        )
        .order_by("rank")
        .values_list("rank", "entry_id")
    )


# Rows on a stage not raced


def test_a_result_added_to_a_stage_not_raced_is_refused(vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    entry = Entry.objects.get(edition=vuelta25, bib=1)
    row = StageResult(stage=stage, entry=entry, rank=1, time_s=9000, status="OK")
    with pytest.raises(ValidationError, match="Stage 21 was not raced"):
        result_save(result=row)
    assert not StageResult.objects.filter(stage=stage).exists()


def test_the_admin_says_so_instead_of_failing(editor_client, vuelta25):
    stage = Stage.objects.get(edition=vuelta25, number=21)
    entry = Entry.objects.get(edition=vuelta25, bib=1)
    url = reverse("admin:stages_stageresult_add")
    response = editor_client.post(
        url,
        {"stage": stage.pk, "entry": entry.pk, "rank": 1, "time": "2:30:00"}
        | {"status": "OK", "bonus": 0, "penalty": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "Stage 21 was not raced" in response.content.decode()
    assert not StageResult.objects.filter(stage=stage).exists()
    assert not CheckpointCrossing.objects.filter(checkpoint__stage=stage).exists()


# A stage marked not raced before the stages ahead of it are raced


def test_a_stage_marked_not_raced_ahead_of_time_does_not_end_the_race(vuelta25):
    StageResult.objects.filter(
        stage__edition=vuelta25, stage__number__in=[19, 20]
    ).delete()
    Stage.objects.filter(edition=vuelta25, number__in=[19, 20]).update(
        status=Stage.Status.SCHEDULED
    )
    recompute_standings(vuelta25)
    assert gc_after(vuelta25, 21) == []
    assert gc_after(vuelta25, 18)
    edition = next(
        e for e in race_editions("vuelta-a-espana") if e.edition.year == 2025
    )
    assert (edition.after, edition.finished) == (18, False)


def test_a_stage_created_not_raced_gets_the_standings_before_it():
    edition = EditionFactory(year=2031)
    team = TeamFactory(edition=edition)
    entries = [EntryFactory(edition=edition, team=team) for _ in range(3)]
    first = Stage.objects.create(
        edition=edition,
        number=1,
        date=date(2031, 7, 1),
        start="A",
        finish="B",
        distance_km=100,
        type="flat",
        status=Stage.Status.FINISHED,
    )
    for rank, entry in enumerate(entries, start=1):
        result_save(
            result=StageResult(
                stage=first, entry=entry, rank=rank, time_s=9000 + rank, status="OK"
            )
        )
    stage_create(
        stage=Stage(
            edition=edition,
            number=2,
            date=date(2031, 7, 2),
            start="B",
            finish="C",
            distance_km=120,
            type="flat",
            status=Stage.Status.CANCELLED,
        )
    )
    assert gc_after(edition, 2) == gc_after(edition, 1)
    assert len(gc_after(edition, 2)) == 3


# Nationality


def test_another_rider_on_an_entry_rides_under_his_own_nationality(tour):
    entry = Entry.objects.get(edition=tour, bib=1)
    newcomer = RiderFactory(nationality="NO")
    entry.rider = newcomer
    entry_save(entry=entry, changed=["rider"])
    entry.refresh_from_db()
    assert entry.nationality == "NO"
    newcomer.refresh_from_db()
    assert newcomer.nationality == "NO"


def test_a_draft_edition_does_not_change_a_riders_public_nationality():
    sivakov = Rider.objects.get(slug="pavel-sivakov")
    draft = EditionFactory(year=2030, published=False)
    EntryFactory(edition=draft, rider=sivakov, nationality="IT")
    entry_save(entry=Entry.objects.get(edition=draft), changed=["nationality"])
    sivakov.refresh_from_db()
    assert sivakov.nationality == "FR"
    editions_publish(editions=[draft])
    sivakov.refresh_from_db()
    assert sivakov.nationality == "IT"


def test_a_pasted_start_list_corrects_a_nationality(tour):
    entry = Entry.objects.select_related("rider", "team").get(edition=tour, bib=1)
    rider = entry.rider
    born = rider.birth_date.isoformat()
    text = f"1,{rider.given_name},{rider.family_name},NO,{born},{entry.team.code}\n"
    preview = riders_preview(tour, text)
    assert preview.ok, preview.problems
    changes = [c for row in preview.rows for c in row.changes]
    assert [(c.field, c.old, c.new) for c in changes] == [("nationality", "DK", "NO")]
    riders_paste_save(edition=tour, text=text, expected_digest=preview.digest)
    entry.refresh_from_db()
    assert entry.nationality == "NO"


def test_the_rider_admin_sets_nationality_per_entry_not_per_rider(editor_client):
    rider = Rider.objects.get(slug="pavel-sivakov")
    page = editor_client.get(reverse("admin:editions_rider_change", args=[rider.pk]))
    form = page.context["adminform"].form
    assert "nationality" not in form.fields
    assert "FR" in page.content.decode()
