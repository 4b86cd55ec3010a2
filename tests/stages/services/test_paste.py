"""services.paste and services.crossing_paste: a paste read row by row, then its
preview, computed once and written nowhere."""

from unittest import mock

from stages.models import StageResult, Standing
from stages.services import crossing_paste, paste, recompute
from tests.factories import TIMES, CheckpointFactory, paste_text


def stored(race) -> tuple:
    return (
        list(StageResult.objects.filter(stage__edition=race.edition).values_list()),
        set(Standing.objects.filter(stage__edition=race.edition).values_list("pk")),
    )


def test_result_rows_reads_and_checks_without_the_engine(race, engine_runs):
    text = paste_text(TIMES[2]).replace("\n3,12,", "\n3,99,")
    rows = paste.result_rows(race.stage(2), text)
    assert [r.bib for r in rows.rows] == [11, 1, 99, 2, 13, 3]
    assert rows.rows[0].rider == "DAHL Test"
    assert rows.rows[2].problems == ("bib 99 is not on the start list",)
    assert not rows.ok
    assert engine_runs.call_count == 0


def test_result_preview_computes_once_and_writes_nothing(race, engine_runs):
    before, version = stored(race), race.edition.version
    times = {**TIMES[2], 1: 3700}
    preview = paste.result_preview(race.stage(2), paste_text(times))
    assert preview.ok
    assert engine_runs.call_count == 1
    assert preview.winner == "DAHL Test"
    assert preview.changes[0].startswith(
        "after stage 2: Dahl leads the GC by 0:20 (was Aalto)"
    )
    assert preview.digest == recompute.results_digest(race.edition)
    assert stored(race) == before
    race.edition.refresh_from_db()
    assert race.edition.version == version


def test_result_preview_of_the_same_result_changes_nothing(race):
    preview = paste.result_preview(race.stage(2), paste_text(TIMES[2]))
    assert preview.changes == [
        "after stage 2: Aalto leads the GC by 0:03; no other leader changed"
    ]
    assert preview.notes == []


def test_result_preview_warns_of_riders_left_out(race):
    times = {bib: t for bib, t in TIMES[3].items() if bib != 12}
    preview = paste.result_preview(race.stage(3), paste_text(times))
    assert preview.ok
    assert preview.notes[0].startswith(
        "1 rider still in the race has no row and would leave the race at this "
        "stage (bibs 12)."
    )


def test_a_preview_with_problems_runs_no_engine(race, engine_runs):
    preview = paste.result_preview(race.stage(2), "bib,time\n1,1:00:00\n")
    assert not preview.ok
    assert preview.general_problems == [
        "Pasted results line 1: missing required column rank"
    ]
    assert engine_runs.call_count == 0
    assert not paste.result_preview(race.stage(2), "  \n").ok


def test_crossing_preview_prices_each_place(race, engine_runs):
    CheckpointFactory(stage=race.stage(3), name="Sprint of Testville")
    rows = crossing_paste.crossing_rows(race.stage(3), "Sprint of Testville,1,13\n")
    assert [(r.checkpoint, r.bib, r.award) for r in rows.rows] == [
        ("Sprint of Testville", 13, "20 points")
    ]
    assert engine_runs.call_count == 0
    preview = crossing_paste.crossing_preview(
        race.stage(3), "Sprint of Testville,1,13\nSprint of Testville,2,12\n"
    )
    assert preview.ok
    assert engine_runs.call_count == 1
    assert preview.changes[0].startswith("after stage 3: Aalto leads the GC")


def test_crossing_preview_refuses_an_unknown_checkpoint(race, engine_runs):
    preview = crossing_paste.crossing_preview(race.stage(3), "Nowhere,1,13\n")
    assert "checkpoint 'Nowhere' is not on this stage" in preview.rows[0].problems[0]
    assert engine_runs.call_count == 0


def test_paste_standings_are_kept_for_the_same_input(race, kept, engine_runs):
    pasted = recompute.engine_input(race.edition)
    first = paste.paste_standings(pasted, reuse=True)
    again = paste.paste_standings(pasted, reuse=True)
    assert again == first
    assert engine_runs.call_count == 1
    paste.paste_standings(pasted, reuse=False)  # a preview always computes
    assert engine_runs.call_count == 2


def test_paste_standings_without_a_working_cache_compute(race, engine_runs):
    pasted = recompute.engine_input(race.edition)
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with mock.patch.object(paste.cache, "get", broken):
        with mock.patch.object(paste.cache, "set", broken):
            computed = paste.paste_standings(pasted, reuse=True)
    assert engine_runs.call_count == 1
    assert [s.stage_number for s in computed] == [1, 2, 3]
