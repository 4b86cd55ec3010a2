"""The engine's tables follow the registry: one ranking per classification, every
table after every stage, gaps counted the way the classification's unit says.
Pure: no database."""

from datetime import date

import pytest

from racing import registry
from racing.standings import (
    Result,
    RiderInfo,
    Rules,
    StageInput,
    compute,
)
from racing.standings.compute import RANKINGS, check_rankings

YOUNG = date(2002, 1, 1)
RULES = Rules(youth_born_on_or_after=date(2000, 1, 1))


def race() -> tuple[list[StageInput], dict[int, RiderInfo]]:
    """Two teams of three; rider 6 abandons on stage 2."""
    riders = {
        rid: RiderInfo(rid, 1 if rid <= 3 else 2, YOUNG if rid % 2 else None)
        for rid in range(1, 7)
    }

    def ok(rid: int, rank: int, time: int, points: int) -> Result:
        return Result(rid, "OK", rank, time, bonus=0, points=points, kom_points=rid)

    stages = [
        StageInput(
            1,
            "flat",
            tuple(ok(r, r, 1000 + 10 * r, 20 - r) for r in range(1, 7)),
        ),
        StageInput(
            2,
            "hilly",
            (
                *(ok(r, 6 - r, 900 - 10 * r, r) for r in range(1, 6)),
                Result(6, "DNF", bonus=0, points=0, kom_points=0),
            ),
        ),
    ]
    return stages, riders


def test_every_registry_classification_is_a_table_after_every_stage():
    stages, riders = race()
    for after in compute(stages, riders, RULES):
        assert tuple(after.tables) == registry.CLASSIFICATION_KEYS


def test_there_is_one_ranking_per_registry_classification():
    assert set(RANKINGS) == set(registry.CLASSIFICATION_KEYS)


def test_a_registry_classification_without_a_ranking_is_refused():
    keys = (*registry.CLASSIFICATION_KEYS, "combativity")
    with pytest.raises(LookupError, match="no ranking function .* combativity"):
        check_rankings(keys, RANKINGS)


def test_a_ranking_the_registry_does_not_list_is_refused():
    with pytest.raises(LookupError, match="RANKINGS ranks teams, which"):
        check_rankings(("gc", "points", "mountains", "youth"), RANKINGS)


def test_gaps_follow_the_unit_of_the_classification():
    stages, riders = race()
    after = compute(stages, riders, RULES)[-1]
    for table in registry.CLASSIFICATIONS:
        rows = after.tables[table.key]
        assert rows, table.key
        lead = rows[0].value
        sign = -1 if table.unit == registry.POINTS else 1
        assert [s.gap for s in rows] == [sign * (s.value - lead) for s in rows]
        assert all(s.gap >= 0 for s in rows)
        assert (rows[0].rider_id is None) == (not table.individual)


def test_tables_after_the_last_stage():
    stages, riders = race()
    after = compute(stages, riders, RULES)
    last = after[-1].tables
    # Every rider on 1900 s and 6 in placings: the latest stage decides.
    assert [(s.rider_id, s.value) for s in last["gc"]] == [
        (5, 1900),
        (4, 1900),
        (3, 1900),
        (2, 1900),
        (1, 1900),
    ]
    assert [s.previous_rank for s in last["gc"]] == [5, 4, 3, 2, 1]
    # Odd riders are young; rider 6 abandoned.
    assert [s.rider_id for s in last["youth"]] == [5, 3, 1]
    # Everyone on 20 points: riders 5 and 1 won a stage, then the GC decides.
    assert [(s.rider_id, s.value) for s in last["points"]] == [
        (5, 20),
        (1, 20),
        (4, 20),
        (3, 20),
        (2, 20),
    ]
    assert [(s.rider_id, s.value) for s in last["mountains"]] == [
        (5, 10),
        (4, 8),
        (3, 6),
        (2, 4),
        (1, 2),
    ]
    # Team 2 lost rider 6 on stage 2: below three finishers, it leaves.
    assert [(s.team_id, s.rider_id) for s in last["teams"]] == [(1, None)]


def test_jerseys_go_down_the_registry_order():
    stages, riders = race()
    after = compute(stages, riders, RULES)[-1]
    assert tuple(after.jerseys) == tuple(
        k for k in registry.JERSEY_ORDER if k in after.jerseys
    )
    wearers = list(after.jerseys.values())
    assert len(wearers) == len(set(wearers))
    assert after.jerseys["gc"] == after.tables["gc"][0].rider_id
