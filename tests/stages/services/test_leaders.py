"""services.leaders: who leads, and what a change did at the top, in editors'
words."""

from racing import standings
from stages.models import Stage, StageResult
from stages.services import leaders, recompute
from tests.factories import EntryFactory, RiderFactory, StageFactory


def test_current_standings_are_the_stored_results_computed(race, engine_runs):
    computed = leaders.current_standings(race.edition)
    assert engine_runs.call_count == 1
    assert [s.stage_number for s in computed] == [1, 2, 3]


def test_stored_leaders_equal_the_computed_ones(race):
    computed = leaders.current_standings(race.edition)
    stored = leaders.stored_leaders(race.edition)
    assert stored == {n: leaders.leaders_after(computed, n) for n in (1, 2, 3)}
    assert stored[3]["gc"] == leaders.Leader(race.entry(1).pk, 4)
    assert stored[3]["youth"] == leaders.Leader(race.entry(3).pk, None)  # alone
    assert set(leaders.stored_leaders(race.edition, 3)) == {3}


def test_with_paste_swaps_one_stage_and_keeps_the_rest(race):
    stored = recompute.engine_input(race.edition)
    alone = [standings.Result(race.entry(11).pk, rank=1, time=3000, bonus=0)]
    pasted = leaders.with_paste(stored, race.stage(2), results=alone)
    assert [s.number for s in pasted.stages] == [1, 2, 3]
    assert pasted.stages[1].results == tuple(alone)
    assert pasted.stages[0] == stored.stages[0]
    assert pasted.riders == stored.riders
    # Nothing written: the stored race is unchanged.
    assert recompute.engine_input(race.edition) == stored


def test_with_paste_adds_a_stage_without_results(race):
    stage4 = StageFactory(edition=race.edition, number=4, status="scheduled")
    stored = recompute.engine_input(race.edition)
    row = standings.Result(race.entry(1).pk, rank=1, time=3600, bonus=0)
    pasted = leaders.with_paste(stored, stage4, results=[row])
    assert [s.number for s in pasted.stages] == [1, 2, 3, 4]
    assert pasted.stages[-1].complete  # the save finishes a scheduled stage
    Stage.objects.filter(pk=stage4.pk).update(status=Stage.Status.LIVE)
    stage4.refresh_from_db()
    assert not leaders.with_paste(stored, stage4, results=[row]).stages[-1].complete


def test_describe_changes_names_the_new_leader_and_the_old(race):
    before = leaders.stored_leaders(race.edition, 3)
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(1)).update(
        time_s=3610
    )
    after = leaders.current_standings(race.edition)
    # Ranks kept: Aalto still wins the stage's points.
    assert leaders.describe_changes(race.edition, before, after, 3) == [
        "after stage 3: Dahl leads the GC by 0:06 (was Aalto); no other leader changed"
    ]


def test_describe_changes_of_an_unchanged_race(race):
    before = leaders.stored_leaders(race.edition, 2)
    after = leaders.current_standings(race.edition)
    assert leaders.describe_changes(race.edition, before, after, 2) == [
        "after stage 2: Aalto leads the GC by 0:03; no other leader changed"
    ]


def test_summary_is_the_admin_message():
    assert leaders.summary(["after stage 2: A leads the GC by 0:03"]) == (
        "Standings updated after stage 2: A leads the GC by 0:03."
    )
    assert leaders.summary([]) == "Standings updated: no stage has results."


def test_rider_names_tell_namesakes_apart(race):
    twin = RiderFactory(
        given_name="Other", family_name="Aalto", slug="other-aalto-test"
    )
    entry = EntryFactory(edition=race.edition, team=race.teams[1], rider=twin, bib=21)
    names = leaders.rider_names(race.edition, [race.entry(1).pk, race.entry(11).pk])
    assert names == {race.entry(1).pk: "Test Aalto", race.entry(11).pk: "Dahl"}
    assert leaders.rider_names(race.edition, [entry.pk]) == {entry.pk: "Other Aalto"}
