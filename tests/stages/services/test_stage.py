"""services.stage: a stage with its checkpoints and results, its route, scoring and
status."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from editions.models import Edition, Entry
from stages.models import Checkpoint, Stage, StageResult, Standing
from stages.services.stage import (
    RowChanges,
    stage_create,
    stage_delete,
    stage_update,
    stages_delete,
)
from tests.factories import small_race


def version(race) -> int:
    return Edition.objects.get(pk=race.edition.pk).version


def standing_rows(race) -> set:
    return set(Standing.objects.filter(stage__edition=race.edition).values_list("pk"))


def new_stage(race, number: int = 4, **fields) -> Stage:
    return Stage(
        edition=race.edition,
        number=number,
        date=date(2030, 7, number),
        start="Testville",
        finish="Testberg",
        distance_km=120,
        type=Stage.Type.FLAT,
        **fields,
    )


def test_stage_create_without_results_moves_no_standings(race, engine_runs):
    before, rows = version(race), standing_rows(race)
    sprint = Checkpoint(kind="sprint", name="Sprint of Testberg", km=60)
    assert stage_create(stage=new_stage(race), checkpoints=[sprint]) == []
    assert engine_runs.call_count == 0
    assert Checkpoint.objects.get(name="Sprint of Testberg").stage.number == 4
    assert standing_rows(race) == rows
    assert version(race) == before + 1


def test_stage_create_with_results_computes_its_standings(race, engine_runs):
    rows = [
        StageResult(entry=race.entry(bib), rank=rank, time_s=3600 + rank, bonus=0)
        for rank, bib in enumerate([12, 1, 11, 2, 3, 13], start=1)
    ]
    lines = stage_create(stage=new_stage(race), results=rows)
    # No standings after stage 4 before: every leader is news.
    assert lines == [
        "Standings updated after stage 4: Aalto leads the GC by 0:05; "
        "Aalto leads the points classification by 30 points; "
        "Cruz leads the youth classification; "
        f"{race.teams[0].name} lead the team classification by 0:25."
    ]
    assert engine_runs.call_count == 1
    stage4 = Stage.objects.get(edition=race.edition, number=4)
    assert Standing.objects.filter(stage=stage4, classification="gc").count() == 6


def test_stage_create_refuses_a_taken_number(race):
    with pytest.raises(ValidationError):
        stage_create(stage=new_stage(race, number=2))
    assert Stage.objects.filter(edition=race.edition).count() == 3


def test_a_new_route_only_bumps_the_version(race, engine_runs):
    before, rows = version(race), standing_rows(race)
    stage = race.stage(2)
    stage.finish = "Col du Test"
    assert stage_update(stage=stage, changed=["finish"]) == []
    assert engine_runs.call_count == 0
    assert Stage.objects.get(pk=stage.pk).finish == "Col du Test"
    assert standing_rows(race) == rows
    assert version(race) == before + 1


def test_a_new_status_refreshes_the_exits_only(race, engine_runs):
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(12)).delete()
    stage_update(stage=race.stage(3), changed=["type"])  # stores the exit
    assert Entry.objects.get(pk=race.entry(12).pk).exit_stage == 3
    engine_runs.reset_mock()
    before, rows = version(race), standing_rows(race)
    stage = race.stage(3)
    stage.status = Stage.Status.LIVE
    assert stage_update(stage=stage, changed=["status"]) == []
    assert engine_runs.call_count == 0
    # Eklund's row is still to come on a live stage: he is in the race.
    assert Entry.objects.get(pk=race.entry(12).pk).exit is None
    assert standing_rows(race) == rows
    assert version(race) == before + 1


def test_a_new_scoring_recomputes_from_the_stage(race, engine_runs):
    first = set(Standing.objects.filter(stage=race.stage(1)).values_list("pk"))
    stage = race.stage(2)
    stage.type = Stage.Type.MOUNTAIN
    lines = stage_update(stage=stage, changed=["type"])
    assert lines[0].startswith("Standings updated after stage 2: Aalto leads the GC")
    assert engine_runs.call_count == 1
    assert set(Standing.objects.filter(stage=race.stage(1)).values_list("pk")) == first


def test_a_renumbered_stage_recomputes_from_the_earlier_number(race):
    stage = race.stage(3)
    stage.number = 5
    lines = stage_update(stage=stage, changed=["number"])
    assert lines[0].startswith("Standings updated after stage 3:")
    assert Standing.objects.filter(stage=stage, classification="gc").exists()


def test_results_changed_on_the_stage_page_recompute_once(race, engine_runs):
    slower = StageResult.objects.get(stage=race.stage(3), entry=race.entry(1))
    slower.time_s = 3700
    gone = StageResult.objects.get(stage=race.stage(3), entry=race.entry(13))
    lines = stage_update(
        stage=race.stage(3),
        results=RowChanges(saved=[slower], deleted=[gone]),
    )
    assert lines[0].startswith(
        "Standings updated after stage 3: Dahl leads the GC by 0:29 (was Aalto)"
    )
    assert engine_runs.call_count == 1
    assert Entry.objects.get(pk=race.entry(13).pk).exit_stage == 3


def test_a_bad_row_on_the_stage_page_saves_nothing(race):
    bad = StageResult.objects.get(stage=race.stage(3), entry=race.entry(1))
    bad.rank = 2  # Dahl's
    stage = race.stage(3)
    stage.finish = "Never saved"
    with pytest.raises(ValidationError):
        stage_update(stage=stage, changed=["finish"], results=RowChanges([bad]))
    assert Stage.objects.get(pk=stage.pk).finish == "Finish 3"


def test_stage_delete_recomputes_from_it(race):
    lines = stage_delete(stage=race.stage(3))
    assert lines == [
        "Standings updated after stage 3: nobody leads the GC; "
        "nobody leads the points classification; nobody leads the youth "
        "classification; nobody leads the team classification."
    ]
    assert not Standing.objects.filter(stage__number=3, stage__edition=race.edition)


def test_stages_delete_recomputes_each_race_once(race, engine_runs):
    other = small_race()
    engine_runs.reset_mock()
    stages_delete(stages=[race.stage(2), race.stage(3), other.stage(3)])
    assert engine_runs.call_count == 2
    assert list(race.edition.stages.values_list("number", flat=True)) == [1]
