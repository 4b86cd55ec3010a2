"""services.corrections: one result, checkpoint or crossing at a time; each write
recomputes its race once and says what changed."""

import pytest
from django.core.exceptions import ValidationError

from editions.models import Edition, Entry
from stages.models import Checkpoint, CheckpointCrossing, StageResult, Standing
from stages.services import corrections
from tests.factories import (
    CheckpointCrossingFactory,
    CheckpointFactory,
    EntryFactory,
    small_race,
)


def gc_leader(stage) -> int:
    return Standing.objects.get(stage=stage, classification="gc", rank=1).entry.bib


def points(stage, bib: int) -> int:
    return Standing.objects.get(
        stage=stage, classification="points", entry__bib=bib
    ).value


def version(race) -> int:
    return Edition.objects.get(pk=race.edition.pk).version


def result(race, stage: int, bib: int) -> StageResult:
    return StageResult.objects.get(stage=race.stage(stage), entry=race.entry(bib))


def test_result_save_corrects_a_time_and_recomputes_once(race, engine_runs):
    correction = result(race, 3, 1)
    correction.time_s = 3610
    before = version(race)
    lines = corrections.result_save(result=correction)
    assert lines == [
        "Standings updated after stage 3: Dahl leads the GC by 0:06 (was Aalto); "
        "no other leader changed."
    ]
    assert engine_runs.call_count == 1
    assert gc_leader(race.stage(3)) == 11
    assert version(race) == before + 1


def test_result_save_adds_a_result(db):
    race = small_race(stages=2)
    new = StageResult(
        stage=race.stage(3), entry=race.entry(12), rank=1, time_s=3000, bonus=0
    )
    lines = corrections.result_save(result=new)
    assert lines[0].startswith("Standings updated after stage 3: Eklund leads the GC")
    assert gc_leader(race.stage(3)) == 12


def test_a_result_moved_to_an_earlier_stage_recomputes_from_there(race):
    # Bib 13's stage-3 row was really his stage-2 row: a mistake to correct.
    StageResult.objects.filter(stage=race.stage(2), entry=race.entry(13)).delete()
    moved = result(race, 3, 13)
    moved.stage = race.stage(2)
    moved.rank = 5
    lines = corrections.result_save(result=moved)
    assert lines[0].startswith("Standings updated after stage 2:")
    gc = Standing.objects.filter(classification="gc", entry=race.entry(13))
    assert gc.filter(stage=race.stage(2)).exists()
    # Without a stage-3 row he left the race on stage 3.
    assert not gc.filter(stage=race.stage(3)).exists()
    assert Entry.objects.get(pk=race.entry(13).pk).exit_stage == 3


def test_result_save_refuses_a_rider_of_another_race(race):
    stranger = EntryFactory(bib=99)
    wrong = result(race, 3, 13)
    wrong.entry = stranger
    rows = set(Standing.objects.filter(stage__edition=race.edition).values_list("pk"))
    with pytest.raises(ValidationError, match="not on this race's start list"):
        corrections.result_save(result=wrong)
    assert result(race, 3, 13).entry == race.entry(13)
    assert (
        set(Standing.objects.filter(stage__edition=race.edition).values_list("pk"))
        == rows
    )


def test_result_save_refuses_a_finisher_without_time(race):
    wrong = result(race, 3, 13)
    wrong.time_s = None
    with pytest.raises(ValidationError):
        corrections.result_save(result=wrong)
    assert result(race, 3, 13).time_s == 3630


def test_result_delete_puts_the_rider_out_of_the_race(race):
    lines = corrections.result_delete(result=result(race, 2, 1))
    assert lines[0].startswith(
        "Standings updated after stage 2: Dahl leads the GC by 0:20 (was Aalto)"
    )
    assert Entry.objects.get(pk=race.entry(1).pk).exit_stage == 2


def test_results_delete_recomputes_each_race_once(race, engine_runs):
    other = small_race()
    engine_runs.reset_mock()
    doomed = [result(race, 3, 13), result(race, 2, 13), result(other, 3, 12)]
    lines = corrections.results_delete(results=doomed)
    assert len(lines) == 2
    assert engine_runs.call_count == 2
    assert lines[0].startswith("Standings updated after stage 2:")
    assert lines[1].startswith("Standings updated after stage 3:")


def test_checkpoint_and_crossing_award_points(race, engine_runs):
    sprint = Checkpoint(stage=race.stage(3), kind="sprint", name="Sprint of Testville")
    corrections.checkpoint_save(checkpoint=sprint)
    before = points(race.stage(3), 13)
    crossing = CheckpointCrossing(checkpoint=sprint, rank=1, entry=race.entry(13))
    lines = corrections.crossing_save(crossing=crossing)
    assert lines[0].startswith("Standings updated after stage 3:")
    assert points(race.stage(3), 13) == before + 20
    assert engine_runs.call_count == 2  # one write, one run each
    corrections.crossing_delete(crossing=crossing)
    assert points(race.stage(3), 13) == before


def test_crossing_save_refuses_a_rider_of_another_race(race):
    sprint = CheckpointFactory(stage=race.stage(3))
    stranger = EntryFactory(bib=98)
    with pytest.raises(ValidationError, match="not on this race's start list"):
        corrections.crossing_save(
            crossing=CheckpointCrossing(checkpoint=sprint, rank=1, entry=stranger)
        )
    assert not CheckpointCrossing.objects.filter(checkpoint=sprint).exists()


def test_checkpoint_delete_takes_its_crossings_and_their_points(race):
    crossing = CheckpointCrossingFactory(
        checkpoint__stage=race.stage(2), entry=race.entry(12), rank=1
    )
    corrections.checkpoint_save(checkpoint=crossing.checkpoint)
    with_sprint = points(race.stage(2), 12)
    corrections.checkpoint_delete(checkpoint=crossing.checkpoint)
    assert not CheckpointCrossing.objects.filter(pk=crossing.pk).exists()
    assert points(race.stage(2), 12) == with_sprint - 20


def test_bulk_deletes_of_checkpoints_and_crossings(race):
    finish_points = points(race.stage(1), 3)
    sprints = CheckpointFactory.create_batch(2, stage=race.stage(1))
    CheckpointCrossingFactory(checkpoint=sprints[0], entry=race.entry(3), rank=1)
    corrections.checkpoint_save(checkpoint=sprints[0])
    crossing = CheckpointCrossingFactory(
        checkpoint=sprints[1], entry=race.entry(3), rank=1
    )
    lines = corrections.crossings_delete(crossings=[crossing])
    assert lines[0].startswith("Standings updated after stage 1:")
    corrections.checkpoints_delete(checkpoints=sprints)
    assert points(race.stage(1), 3) == finish_points
    assert not Checkpoint.objects.filter(stage=race.stage(1)).exists()


def test_rows_write_deletes_before_it_saves(race):
    # A rank taken over from a deleted row, in one write (an inline page).
    gone = result(race, 1, 13)
    moved_up = StageResult(
        stage=race.stage(1), entry=race.entry(13), rank=6, time_s=3700, bonus=0
    )
    corrections.rows_write(saved=[moved_up], deleted=[gone])
    assert result(race, 1, 13).time_s == 3700


def test_a_correction_of_a_row_replaced_meanwhile_is_refused(race):
    stale = result(race, 3, 13)
    StageResult.objects.filter(pk=stale.pk).delete()  # another editor's paste
    stale.time_s = 3700
    with pytest.raises(ValidationError, match="replaced or deleted by another save"):
        corrections.result_save(result=stale)
    assert not StageResult.objects.filter(pk=stale.pk).exists()
