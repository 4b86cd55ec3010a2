"""services.results: a stage's whole results or crossings replaced (a confirmed
paste, an imported file), validated again under the lock, the engine at most once."""

import pytest

from editions.models import Edition, Entry
from racing.parsing.csvrows import PackageError
from stages.models import CheckpointCrossing, Stage, StageResult, Standing
from stages.services import crossing_paste, paste, recompute, results
from tests.factories import TIMES, CheckpointFactory, paste_text, small_race


def gc_leader(stage: Stage) -> int:
    return Standing.objects.get(stage=stage, classification="gc", rank=1).entry.bib


def version(race) -> int:
    return Edition.objects.get(pk=race.edition.pk).version


def test_a_paste_saved_without_preview_computes_once(race, engine_runs):
    before = version(race)
    message = results.result_paste_save(
        stage=race.stage(2), text=paste_text({**TIMES[2], 1: 3700})
    )
    assert message.startswith(
        "Standings updated after stage 2: Dahl leads the GC by 0:20 (was Aalto)"
    )
    assert engine_runs.call_count == 1
    assert gc_leader(race.stage(3)) == 11
    assert version(race) == before + 1


def test_a_confirm_reuses_the_preview_standings(race, kept, engine_runs):
    text = paste_text({**TIMES[2], 1: 3700})
    preview = paste.result_preview(race.stage(2), text)
    assert engine_runs.call_count == 1
    message = results.result_paste_save(
        stage=race.stage(2), text=text, expected_digest=preview.digest
    )
    assert engine_runs.call_count == 1  # the preview's run, none for the confirm
    assert message == "Standings updated " + ". ".join(preview.changes) + "."
    fresh = recompute.compute(race.edition)
    gc = next(s for s in fresh if s.stage_number == 3).tables["gc"]
    stored = Standing.objects.filter(stage=race.stage(3), classification="gc")
    assert list(stored.order_by("rank").values_list("value", flat=True)) == [
        s.value for s in gc
    ]


def test_a_confirm_after_another_save_is_refused_with_a_fresh_preview(
    race, kept, engine_runs
):
    text = paste_text({**TIMES[2], 1: 3700})
    preview = paste.result_preview(race.stage(2), text)
    # Meanwhile another editor corrects stage 1.
    StageResult.objects.filter(stage=race.stage(1), entry=race.entry(11)).update(
        penalty=60
    )
    recompute.recompute_standings(race.edition)
    engine_runs.reset_mock()
    with pytest.raises(results.PasteRefused, match="changed since your preview") as no:
        results.result_paste_save(
            stage=race.stage(2), text=text, expected_digest=preview.digest
        )
    assert engine_runs.call_count == 1  # the fresh preview, computed once
    assert no.value.preview.digest == recompute.results_digest(race.edition)
    assert no.value.preview.digest != preview.digest
    assert StageResult.objects.get(stage=race.stage(2), entry=race.entry(1)).time_s == (
        3602
    )


def test_a_status_change_since_the_preview_does_not_refuse(race, kept):
    text = paste_text({**TIMES[2], 1: 3700})
    preview = paste.result_preview(race.stage(2), text)
    Stage.objects.filter(pk=race.stage(3).pk).update(status=Stage.Status.LIVE)
    results.result_paste_save(
        stage=race.stage(2), text=text, expected_digest=preview.digest
    )
    assert gc_leader(race.stage(2)) == 11


def test_bad_rows_are_refused_before_any_computation(race, engine_runs):
    text = paste_text(TIMES[2]).replace("\n2,1,", "\n2,99,")
    with pytest.raises(results.PasteRefused, match="Nothing was saved: 1 problem"):
        results.result_paste_save(stage=race.stage(2), text=text)
    assert engine_runs.call_count == 0
    assert StageResult.objects.filter(stage=race.stage(2)).count() == 6


def test_a_paste_finishes_a_scheduled_stage(db):
    race = small_race(stages=2)
    results.result_paste_save(stage=race.stage(3), text=paste_text(TIMES[3]))
    assert Stage.objects.get(pk=race.stage(3).pk).status == Stage.Status.FINISHED
    assert gc_leader(race.stage(3)) == 1


def test_crossings_saved_replace_only_their_checkpoints(race, kept, engine_runs):
    sprint = CheckpointFactory(stage=race.stage(3), name="Sprint of Testville")
    climb = CheckpointFactory(
        stage=race.stage(3), kind="climb", category="1", name="Col du Test"
    )
    results.crossing_paste_save(
        stage=race.stage(3), text="Sprint of Testville,1,13\nCol du Test,1,12\n"
    )
    text = "Sprint of Testville,1,12\n"
    preview = crossing_paste.crossing_preview(race.stage(3), text)
    engine_runs.reset_mock()
    message = results.crossing_paste_save(
        stage=race.stage(3), text=text, expected_digest=preview.digest
    )
    assert message.startswith("Standings updated after stage 3")
    assert engine_runs.call_count == 0
    assert list(
        CheckpointCrossing.objects.filter(checkpoint__in=[sprint, climb])
        .order_by("checkpoint__name")
        .values_list("checkpoint__name", "entry__bib")
    ) == [("Col du Test", 12), ("Sprint of Testville", 12)]
    mountains = Standing.objects.get(
        stage=race.stage(3), classification="mountains", rank=1
    )
    assert mountains.entry == race.entry(12)


def test_bad_crossings_are_refused(race):
    with pytest.raises(results.PasteRefused):
        results.crossing_paste_save(stage=race.stage(3), text="Nowhere,1,13\n")
    assert not CheckpointCrossing.objects.filter(
        checkpoint__stage=race.stage(3)
    ).exists()


def test_results_import_replaces_a_stage_from_a_file(race, engine_runs):
    data = paste_text({**TIMES[3], 1: 3700}).encode()
    table = results.results_import(stage=race.stage(3), label="stage-03.csv", data=data)
    assert len(table.rows) == 6
    assert engine_runs.call_count == 1
    assert gc_leader(race.stage(3)) == 11


def test_results_import_of_a_bad_file_saves_nothing(race):
    data = paste_text(TIMES[3]).replace("\n2,11,", "\n2,99,").encode()
    with pytest.raises(PackageError, match="bib 99 is not on the start list"):
        results.results_import(stage=race.stage(3), label="stage-03.csv", data=data)
    assert StageResult.objects.filter(stage=race.stage(3)).count() == 6
    assert Entry.objects.get(pk=race.entry(11).pk).exit is None
