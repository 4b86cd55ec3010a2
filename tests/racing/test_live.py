"""The live stage's pure rules: groups as the desk enters them, and the virtual GC."""

from racing.live import (
    Arrival,
    Group,
    RoadGroup,
    clock,
    group_problems,
    head_gap,
    virtual_gc,
)

START_LIST = (1, 2, 3, 11, 12, 13)
# GC before the stage: (rider, GC time), in GC order.
GC = [(1, 7202), (11, 7205), (2, 7225), (12, 7230), (3, 7255), (13, 7260)]


def test_groups_from_the_head_backwards_are_accepted():
    groups = [Group("Break", 0, (11, 3)), Group("Peloton", 30, rest=True)]
    assert group_problems(groups, START_LIST, {}) == []


def test_each_bad_group_gets_its_own_message():
    groups = [
        Group("Break", 0, (11, 99)),
        Group("Chase", 40, (3, 11)),
        Group("Peloton", 20, rest=True),
        Group("", 50, rest=True),
        Group("Stragglers", 60, (2,)),
        Group("Empty", 70),
    ]
    problems = group_problems(groups, START_LIST, {2: "DNF on stage 1"}, arrived=[12])
    assert "Group 1 (Break): no rider has bib 99 in this race." in problems
    assert "Group 2 (Chase): bib 11 is already in Break." in problems
    assert any(
        p.startswith("Group 3 (Peloton): its gap (0:20) is smaller than the gap of "
                     "the group ahead of it, Chase (0:40)")
        for p in problems
    )  # fmt: skip
    assert "Group 4: give the group a name." in problems
    assert (
        "Group 5 (Stragglers): bib 2 is out of the race (DNF on stage 1)." in problems
    )
    assert any(p.startswith("Group 6 (Empty): no riders") for p in problems)
    assert "Only one group can be everyone else." in problems


def test_a_rider_over_the_line_is_on_the_road_no_more():
    problems = group_problems([Group("Break", 0, (12,))], START_LIST, {}, arrived=[12])
    assert problems == ["Group 1 (Break): bib 12 has already finished the stage."]


def test_virtual_gc_adds_the_gap_on_the_road_to_the_morning_gc():
    groups = [
        RoadGroup("Break", 0, frozenset({11, 3})),
        RoadGroup("Peloton", 30, rest=True),
    ]
    rows = virtual_gc(GC, groups, [])
    assert [r.rider for r in rows] == [11, 1, 2, 3, 12, 13]
    leader, jersey = rows[0], rows[1]
    assert (leader.time, leader.gap, leader.where, leader.gc_rank) == (
        7205, 0, "Break", 2
    )  # fmt: skip
    assert (jersey.time, jersey.gap, jersey.where) == (7232, 27, "Peloton")
    # Equal virtual times keep the morning's GC order: bib 2 (3rd) before bib 3.
    assert rows[2].time == rows[3].time == 7255
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5, 6]


def test_finishers_count_their_time_penalty_and_bonus():
    arrivals = [Arrival(11, 3600, bonus=10), Arrival(1, 3604, bonus=6, penalty=20)]
    rows = virtual_gc(GC, [RoadGroup("Peloton", 45, rest=True)], arrivals, out=[13])
    by_rider = {r.rider: r for r in rows}
    assert by_rider[11].deficit == -10
    assert by_rider[11].where == "finished"
    assert by_rider[1].deficit == 4 + 20 - 6
    assert by_rider[2].deficit == 45
    assert by_rider[2].where == "Peloton"
    assert 13 not in by_rider
    assert rows[0].rider == 11
    assert rows[0].time == 7195


def test_riders_in_no_group_are_at_least_as_far_back_as_the_last_one():
    groups = [
        RoadGroup("Break", 0, frozenset({3})),
        RoadGroup("Chase", 50, frozenset({2})),
    ]
    by_rider = {r.rider: r for r in virtual_gc(GC, groups, [])}
    assert by_rider[1].deficit == 50
    assert by_rider[1].where == ""
    assert by_rider[3].deficit == 0


def test_clock():
    assert [clock(s) for s in (45, 185, 3720, -5)] == [
        "0:45",
        "3:05",
        "1:02:00",
        "-0:05",
    ]


def test_the_head_of_the_race_is_at_0_whatever_was_typed():
    groups = [Group("Break", 30, (11,)), Group("Peloton", 20, rest=True)]
    assert group_problems(groups, START_LIST, {}) == []


def test_a_gap_longer_than_a_stage_is_a_typing_error():
    groups = [Group("Break", 0, (11,)), Group("Peloton", 9_999_999, rest=True)]
    (problem,) = group_problems(groups, START_LIST, {})
    assert problem.startswith("Group 2 (Peloton): a gap of 2777:46:39 is longer")


def test_once_someone_finished_the_first_group_keeps_its_gap():
    groups = [Group("Peloton", 60, rest=True)]
    assert group_problems(groups, START_LIST, {}, arrived=[11]) == []
    assert head_gap(groups[0], 0, someone_finished=True) == 60
    assert head_gap(groups[0], 0, someone_finished=False) == 0
