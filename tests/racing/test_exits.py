"""Who left the race, and on which stage: the one rule (racing.standings.exits) and
the exits compute() attaches to each stage's standings. Pure: no database."""

import pytest

from racing.standings import (
    Exit,
    Result,
    RiderInfo,
    Rules,
    StageInput,
    compute,
    exits,
    stage_exits,
)


@pytest.mark.parametrize("status", ["DNF", "DNS", "DSQ"])
def test_the_first_dnf_dns_or_dsq_is_a_final_exit(status):
    rows = [(7, 1, "OK"), (7, 2, status), (7, 3, "DNS"), (8, 1, "OK"), (8, 2, "OK")]
    left = exits(rows, {1, 2, 3})
    assert left[7] == Exit(2, status)
    assert left[7].final


def test_a_rider_whose_results_stop_leaves_on_the_first_stage_without_his_row():
    rows = [(7, 1, "OK"), (7, 2, "OK"), (8, 1, "OK"), (8, 2, "OK"), (8, 3, "OK")]
    left = exits(rows, {1, 2, 3})
    assert left == {7: Exit(3, "")}
    # His row may still be coming: he is not refused on a later stage.
    assert not left[7].final


def test_a_stage_still_being_entered_is_not_a_missing_row():
    rows = [(7, 1, "OK"), (7, 2, "OK"), (8, 1, "OK"), (8, 2, "OK"), (8, 3, "OK")]
    assert exits(rows, {1, 2}) == {}


def test_stages_before_a_riders_first_result_are_not_missing_rows():
    assert exits([(7, 3, "OK"), (7, 4, "OK")], {1, 2, 3, 4}) == {}


def test_a_reinstated_otl_rider_stays_in_the_race():
    rows = [(7, 1, "OK"), (7, 2, "OTL"), (7, 3, "OK")]
    assert exits(rows, {1, 2, 3}) == {}


def test_an_otl_with_no_later_result_is_an_exit_but_not_a_final_one():
    left = exits([(7, 1, "OK"), (7, 2, "OTL")], {1, 2})
    assert left == {7: Exit(2, "OTL")}
    assert not left[7].final


def test_stage_exits_counts_only_complete_stages_as_finished():
    stages = [
        StageInput(1, "flat", (Result(7, "OK", 1, 100), Result(8, "OK", 2, 100))),
        StageInput(2, "flat", (Result(8, "OK", 1, 100),), complete=False),
    ]
    assert stage_exits(stages) == {}
    assert stage_exits([stages[0], StageInput(2, "flat", stages[1].results)]) == {
        7: Exit(2, "")
    }


def finisher(rider_id: int, rank: int) -> Result:
    return Result(rider_id, "OK", rank, 1000 + rank, bonus=0, points=0, kom_points=0)


def stopped(rider_id: int, status: str) -> Result:
    return Result(rider_id, status, bonus=0, points=0, kom_points=0)


def test_compute_attaches_each_exit_to_the_stage_the_rider_left_on():
    riders = {rid: RiderInfo(rid, 1, None) for rid in (1, 2, 3, 4)}
    stages = [
        StageInput(1, "flat", tuple(finisher(r, r) for r in (1, 2, 3, 4))),
        StageInput(2, "flat", (finisher(1, 1), finisher(3, 2), stopped(2, "DNF"))),
        # Rider 3 has no row on stage 3: he left there; rider 4 left on stage 2.
        StageInput(3, "flat", (finisher(1, 1), stopped(2, "DNS"))),
        # Stage 4 is live: rider 1's row is not in yet, so he has not left.
        StageInput(4, "flat", (), complete=False),
    ]
    after = compute(stages, riders, Rules())
    assert [s.exits for s in after] == [
        {},
        {2: Exit(2, "DNF"), 4: Exit(2, "")},
        {3: Exit(3, "")},
        {},
    ]
    # A rider who left appears in no table of that stage or later.
    gc_after_2 = [s.rider_id for s in after[1].tables["gc"]]
    assert gc_after_2 == [1, 3]
