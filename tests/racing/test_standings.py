"""Pure tests of the classification engine (no database, no Django)."""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from racing.standings import (
    CLASSIFICATIONS,
    STAGE_TYPES,
    Award,
    Checkpoint,
    Crossing,
    Result,
    RiderInfo,
    Rules,
    StageInput,
    StageStandings,
    awards,
    compute,
)

OLD = date(1990, 5, 5)
YOUNG = date(2001, 5, 5)
RULES = Rules(youth_born_on_or_after=date(1998, 1, 1))


def ok(rid: int, rank: int, time: int, **kw: object) -> Result:
    """A finisher; bonus, points and kom_points default to 0 (no awards step)."""
    values: dict[str, object] = {"bonus": 0, "points": 0, "kom_points": 0}
    values.update(kw)
    return Result(rid, "OK", rank, time, **values)  # type: ignore[arg-type]


def out(rid: int, status: str) -> Result:
    return Result(rid, status, bonus=0, points=0, kom_points=0)


def stage(n: int, *results: Result, type: str = "flat", **kw: object) -> StageInput:
    return StageInput(n, type, tuple(results), **kw)  # type: ignore[arg-type]


def field(
    teams: dict[int, list[int]], born: dict[int, date | None] | None = None
) -> dict[int, RiderInfo]:
    born = born or {}
    return {
        rid: RiderInfo(rid, tid, born.get(rid, OLD))
        for tid, rids in teams.items()
        for rid in rids
    }


def rows(ss: StageStandings, cls: str) -> list[tuple[int, int]]:
    """(rider or team id, value) in rank order."""
    return [
        (s.team_id if s.rider_id is None else s.rider_id, s.value)
        for s in ss.tables[cls]
    ]


def ids(ss: StageStandings, cls: str) -> list[int]:
    return [key for key, _ in rows(ss, cls)]


# --- General classification --------------------------------------------------


def test_gc_time_is_stage_times_minus_bonus_plus_penalty():
    riders = field({1: [1, 2, 3]})
    result = compute(
        [
            stage(1, ok(1, 1, 1000, bonus=10), ok(2, 2, 1000, bonus=6), ok(3, 3, 1005)),
            stage(2, ok(2, 1, 2000), ok(1, 2, 2000, penalty=20), ok(3, 3, 2001)),
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "gc") == [(1, 990), (2, 994), (3, 1005)]
    assert rows(result[1], "gc") == [(2, 2994), (3, 3006), (1, 3010)]
    assert [s.gap for s in result[1].tables["gc"]] == [0, 12, 16]


def test_gc_tie_first_goes_by_time_trial_hundredths():
    # Rider 9 is better on placings and on the latest stage: only the
    # hundredths of the time trial put rider 4 ahead.
    riders = field({1: [4, 9, 20, 21]})
    result = compute(
        [
            stage(
                1,
                ok(9, 1, 600, hundredths=75),
                ok(4, 2, 600, hundredths=10),
                ok(20, 3, 610),
                ok(21, 4, 620),
                type="itt",
            ),
            stage(
                2,
                # hundredths on a road stage are ignored
                ok(9, 1, 3000, hundredths=0),
                ok(4, 2, 3000, hundredths=99),
                ok(20, 3, 3000),
                ok(21, 4, 3000),
            ),
        ],
        riders,
        RULES,
    )
    assert ids(result[0], "gc") == [4, 9, 20, 21]
    assert ids(result[1], "gc") == [4, 9, 20, 21]
    assert result[1].tables["gc"][1].gap == 0


def test_gc_tie_then_lower_sum_of_placings_without_team_time_trials():
    # 7 and 3 have equal times. Placings without the TTT: 7 -> 2 + 6 = 8,
    # 3 -> 10 + 5 = 15; with the TTT ranks (20 vs 1) the order would flip, and
    # on the latest stage 3 (5th) beats 7 (6th).
    riders = field({1: [7, 8, 9], 2: [3, 4, 5]})
    result = compute(
        [
            stage(
                1,
                ok(3, 1, 900),
                ok(4, 2, 900),
                ok(5, 3, 900),
                ok(7, 20, 900),
                ok(8, 21, 900),
                ok(9, 22, 900),
                type="ttt",
            ),
            stage(
                2,
                ok(7, 2, 4000),
                ok(3, 10, 4000),
                ok(4, 1, 4000),
                ok(5, 3, 4000),
                ok(8, 4, 4000),
                ok(9, 5, 4000),
            ),
            stage(
                3,
                ok(3, 5, 4000),
                ok(7, 6, 4000),
                ok(4, 1, 4000),
                ok(5, 2, 4000),
                ok(8, 3, 4000),
                ok(9, 4, 4000),
            ),
        ],
        riders,
        RULES,
    )
    gc = ids(result[2], "gc")
    assert gc.index(7) < gc.index(3)
    assert gc == [4, 5, 8, 7, 9, 3]


def test_gc_tie_then_better_placing_on_latest_stage():
    # Equal times, equal placing sums (2 + 6 and 5 + 3): 8 was 3rd today.
    riders = field({1: [2, 8, 30]})
    result = compute(
        [
            stage(1, ok(2, 2, 500), ok(8, 5, 500), ok(30, 1, 500)),
            stage(2, ok(2, 6, 700), ok(8, 3, 700), ok(30, 1, 700)),
        ],
        riders,
        RULES,
    )
    assert ids(result[0], "gc") == [30, 2, 8]
    assert ids(result[1], "gc") == [30, 8, 2]


def test_gc_tie_on_everything_falls_back_to_rider_id():
    riders = field({1: [5, 6, 2]})
    result = compute(
        [stage(1, ok(6, 1, 100), ok(5, 1, 100), ok(2, 1, 100))], riders, RULES
    )
    assert ids(result[0], "gc") == [2, 5, 6]
    assert [s.rank for s in result[0].tables["gc"]] == [1, 2, 3]


# --- Points -----------------------------------------------------------------


def test_points_tie_goes_to_more_stage_wins_before_gc():
    # 5 and 6 both have 30 points; 6 won stage 2, 5 is better in the GC.
    riders = field({1: [5, 6, 7]})
    result = compute(
        [
            stage(1, ok(5, 2, 100, points=30), ok(6, 3, 160), ok(7, 1, 100, points=5)),
            stage(2, ok(6, 1, 100, points=30), ok(5, 2, 100), ok(7, 3, 100)),
        ],
        riders,
        RULES,
    )
    assert ids(result[1], "gc").index(5) < ids(result[1], "gc").index(6)
    assert rows(result[1], "points") == [(6, 30), (5, 30), (7, 5)]


def test_points_tie_then_more_intermediate_sprint_wins():
    # Equal points, no stage wins; 9 won the sprint, 4 is better in the GC.
    riders = field({1: [4, 9, 1]})
    sprint = Checkpoint(1, "sprint")
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100),
                ok(4, 2, 100, points=20),
                ok(9, 3, 130, points=20),
                checkpoints=(sprint,),
                crossings=(Crossing(1, 1, 9), Crossing(1, 2, 4)),
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "points") == [(9, 20), (4, 20)]


def test_points_tie_then_gc_position():
    riders = field({1: [4, 9, 1]})
    result = compute(
        [stage(1, ok(1, 1, 100), ok(9, 2, 100, points=7), ok(4, 3, 140, points=7))],
        riders,
        RULES,
    )
    assert rows(result[0], "points") == [(9, 7), (4, 7)]


# --- Mountains --------------------------------------------------------------

CLIMBS = (
    Checkpoint(1, "climb", "HC"),
    Checkpoint(2, "climb", "1"),
    Checkpoint(3, "climb", "1"),
    Checkpoint(4, "climb", "2"),
    Checkpoint(5, "climb", "3"),
)


def test_mountains_tie_goes_to_more_wins_on_the_hardest_category():
    # 8 won the HC climb, 3 won two cat. 1 climbs; equal points; 3 is better in GC.
    riders = field({1: [3, 8, 1]})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100),
                ok(3, 2, 100, kom_points=20),
                ok(8, 3, 150, kom_points=20),
                checkpoints=CLIMBS,
                crossings=(Crossing(1, 1, 8), Crossing(2, 1, 3), Crossing(3, 1, 3)),
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "mountains") == [(8, 20), (3, 20)]


def test_mountains_tie_then_lower_categories_in_order_then_gc():
    # One cat. 1 win each; 8 also won a cat. 2 climb, 3 a cat. 3 climb.
    # 5 and 6 won nothing: the GC decides between them.
    riders = field({1: [3, 8, 1, 5, 6]})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100),
                ok(3, 2, 100, kom_points=12),
                ok(8, 3, 150, kom_points=12),
                ok(6, 4, 160, kom_points=2),
                ok(5, 5, 170, kom_points=2),
                checkpoints=CLIMBS,
                crossings=(
                    Crossing(2, 1, 3),
                    Crossing(3, 1, 8),
                    Crossing(4, 1, 8),
                    Crossing(5, 1, 3),
                ),
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "mountains") == [(8, 12), (3, 12), (6, 2), (5, 2)]


# --- Teams ------------------------------------------------------------------


def test_team_time_is_sum_of_three_best_without_bonus_or_penalty():
    riders = field({1: [1, 2, 3, 4], 2: [5, 6, 7]})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100, bonus=10),
                ok(5, 2, 101),
                ok(2, 3, 102, penalty=20),
                ok(6, 4, 103),
                ok(3, 5, 104),
                ok(7, 6, 110),
                ok(4, 7, 200),
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "teams") == [(1, 306), (2, 314)]
    assert [s.gap for s in result[0].tables["teams"]] == [0, 8]
    assert all(s.rider_id is None for s in result[0].tables["teams"])


def test_team_daily_tie_goes_to_lower_sum_of_placings():
    # Equal day times; team 2 placings 2+3+4 = 9 beat team 1's 1+5+6 = 12.
    riders = field({1: [1, 5, 6], 2: [2, 3, 4]})
    result = compute([stage(1, *(ok(r, r, 100) for r in range(1, 7)))], riders, RULES)
    assert rows(result[0], "teams") == [(2, 300), (1, 300)]


def test_team_daily_tie_then_best_riders_placing():
    # Placing sums 1+5+6 = 2+3+7 = 12: team 2 has the stage winner.
    riders = field({1: [2, 3, 7], 2: [1, 5, 6]})
    result = compute(
        [stage(1, *(ok(r, r, 100) for r in range(1, 8) if r != 4))], riders, RULES
    )
    assert rows(result[0], "teams") == [(2, 300), (1, 300)]


def _team_stage(
    n: int, times: dict[int, int], order: list[int], bonus: int = 0
) -> StageInput:
    """Three riders per team (team t: riders 10t+1..10t+3), all on ``times[t]``.

    The stage winner gets ``bonus`` seconds (GC only).
    """
    results = []
    rank = 1
    for t in order:
        for r in range(1, 4):
            results.append(ok(10 * t + r, rank, times[t], bonus=bonus * (rank == 1)))
            rank += 1
    return stage(n, *results)


def test_team_overall_tie_goes_to_more_daily_wins_then_second_places():
    # Totals A = B = 3 * 301; one daily win each; A has two 2nd places, B one.
    # B's rider 11 leads the GC (bonus) and B has the lower team id.
    a, b, c = 3, 1, 2
    riders = field({t: [10 * t + 1, 10 * t + 2, 10 * t + 3] for t in (a, b, c)})
    result = compute(
        [
            _team_stage(1, {a: 100, b: 101, c: 102}, [a, b, c]),
            _team_stage(2, {b: 100, a: 101, c: 102}, [b, a, c], bonus=10),
            _team_stage(3, {c: 98, a: 100, b: 100}, [c, a, b]),
        ],
        riders,
        RULES,
    )
    assert ids(result[2], "gc")[0] == 11
    assert rows(result[2], "teams") == [(a, 903), (b, 903), (c, 906)]


def test_team_overall_tie_then_best_placed_rider_in_gc():
    # One win and one 2nd place each, equal totals; team 2's rider 21 leads
    # the GC thanks to a bonus (bonuses do not count for teams).
    riders = field({1: [11, 12, 13], 2: [21, 22, 23]})
    s1 = _team_stage(1, {1: 100, 2: 101}, [1, 2])
    s2 = _team_stage(2, {2: 100, 1: 101}, [2, 1], bonus=10)
    result = compute([s1, s2], riders, RULES)
    assert ids(result[1], "gc")[0] == 21
    assert rows(result[1], "teams") == [(2, 603), (1, 603)]


def test_team_below_three_finishers_drops_out_from_then_on():
    riders = field({1: [1, 2, 3, 4], 2: [5, 6, 7]})

    def day(n: int, *gone: int, status: str = "DNF") -> StageInput:
        return stage(
            n,
            *(out(r, status) if r in gone else ok(r, r, 100) for r in range(1, 8)),
        )

    result = compute(
        [day(1), day(2, 4), day(3, 3, 4), day(4, 3, 4)],
        riders,
        RULES,
    )
    assert ids(result[0], "teams") == [1, 2]
    assert ids(result[1], "teams") == [1, 2]  # three left: still classified
    assert rows(result[2], "teams") == [(2, 900)]
    assert ids(result[3], "teams") == [2]
    assert ids(result[3], "gc").count(1) == 1  # its riders stay in the GC


# --- Status codes -----------------------------------------------------------


@pytest.mark.parametrize("status", ["DNF", "DNS", "OTL", "DSQ"])
def test_rider_out_from_that_stage_on_and_points_not_reawarded(status):
    riders = field({1: [1, 2, 3], 2: [4, 5, 6]}, {2: YOUNG})
    stages = [
        stage(
            1,
            ok(2, 1, 100, points=50, kom_points=5, bonus=10),
            ok(1, 2, 100, points=30),
            *(ok(r, r, 100) for r in (3, 4, 5, 6)),
        ),
        stage(2, out(2, status), *(ok(r, r, 100, points=1) for r in (1, 3, 4, 5, 6))),
        # listed again by mistake: ignored, he stays out
        stage(
            3, ok(2, 1, 50, points=50), *(ok(r, r + 1, 100) for r in (1, 3, 4, 5, 6))
        ),
    ]
    result = compute(stages, riders, RULES)
    after1, after2, after3 = result
    for cls in ("gc", "points", "mountains", "youth"):
        assert 2 in ids(after1, cls)
    # he leads all four: the others' jerseys go to the next riders, if any
    assert after1.jerseys == {"gc": 2, "points": 1}
    for later in (after2, after3):
        for cls in ("gc", "points", "mountains", "youth"):
            assert 2 not in ids(later, cls)
        assert later.tables["youth"] == ()
        assert "mountains" not in later.jerseys
    # nobody inherits his 50 points: the others keep their own
    assert rows(after2, "points") == [(1, 31), (3, 1), (4, 1), (5, 1), (6, 1)]
    assert rows(after3, "points") == rows(after2, "points")
    # team 1 is down to two finishers
    assert ids(after2, "teams") == [2]


def test_rider_without_a_result_row_is_out():
    riders = field({1: [1, 2, 3, 4]})
    result = compute(
        [
            stage(1, *(ok(r, r, 100) for r in range(1, 5))),
            stage(2, *(ok(r, r, 100) for r in range(1, 4))),
        ],
        riders,
        RULES,
    )
    assert ids(result[1], "gc") == [1, 2, 3]


# --- Youth ------------------------------------------------------------------


def test_youth_cutoff_on_exact_birth_date_and_renumbered_ranks():
    born = {
        1: date(1997, 12, 31),  # turns 26 in 2023: not youth
        2: date(1998, 1, 1),  # born on the cut-off: youth
        3: None,  # unknown: not youth
        4: date(2002, 6, 30),
    }
    riders = field({1: [1, 2, 3, 4]}, born)
    result = compute(
        [stage(1, ok(1, 1, 100), ok(3, 2, 105), ok(4, 3, 110), ok(2, 4, 130))],
        riders,
        RULES,
    )
    youth = result[0].tables["youth"]
    assert [(s.rank, s.rider_id, s.value, s.gap) for s in youth] == [
        (1, 4, 110, 0),
        (2, 2, 130, 20),
    ]
    assert result[0].jerseys["youth"] == 4
    none = compute([stage(1, ok(1, 1, 100))], field({1: [1]}), Rules())
    assert none[0].tables["youth"] == ()


# --- Neutralised finishes and team time trials -------------------------------


@pytest.mark.parametrize(
    ("team_times", "expected"), [("finish", 3 * 4000 + 9), ("gc", 3 * 3900)]
)
def test_neutralised_finish(team_times, expected):
    # The GC takes the times at the neutralisation point (gc_time) either way.
    riders = field({1: [1, 2, 3]})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 4000, gc_time=3900, bonus=10),
                ok(2, 2, 4004, gc_time=3900),
                ok(3, 3, 4005, gc_time=3900),
                team_times=team_times,
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "gc") == [(1, 3890), (2, 3900), (3, 3900)]
    assert rows(result[0], "teams") == [(1, expected)]


def test_team_time_trial_counts_the_team_time_once():
    riders = field({1: [1, 2, 3, 4], 2: [5, 6, 7, 8]})
    ttt = stage(
        1,
        ok(1, 1, 1050),
        ok(2, 2, 1050),
        ok(3, 3, 1050),
        ok(4, 8, 1111),  # dropped: his own time
        ok(5, 4, 1060),
        ok(6, 5, 1060),
        ok(7, 6, 1060),
        ok(8, 7, 1060),
        type="ttt",
    )
    road = stage(2, *(ok(r, r, 3000) for r in range(1, 9)))
    result = compute([ttt, road], riders, RULES)
    assert rows(result[0], "teams") == [(1, 1050), (2, 1060)]
    assert rows(result[1], "teams") == [(1, 1050 + 9000), (2, 1060 + 9000)]
    assert dict(rows(result[0], "gc"))[4] == 1111


# --- Penalties --------------------------------------------------------------


def test_penalties_time_and_negative_points():
    riders = field({1: [1, 2, 3, 4]})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100, points=20, penalty=30),
                ok(2, 2, 100, points=-5),
                ok(3, 3, 100, points=0),
                ok(4, 4, 100, points=3),
            )
        ],
        riders,
        RULES,
    )
    assert rows(result[0], "gc")[-1] == (1, 130)
    # negative totals are listed, riders at zero are not
    assert rows(result[0], "points") == [(1, 20), (4, 3), (2, -5)]
    assert [s.gap for s in result[0].tables["points"]] == [0, 17, 25]


# --- Jerseys ----------------------------------------------------------------


def test_jersey_goes_to_next_rider_without_a_jersey():
    # 1 leads GC, points and mountains; 2 is second on points and mountains;
    # 3 leads youth and is third on mountains.
    riders = field({1: [1, 2, 3, 4, 5]}, {3: YOUNG, 4: YOUNG})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100, points=50, kom_points=10),
                ok(2, 2, 110, points=30, kom_points=8),
                ok(3, 3, 120, kom_points=6),
                ok(5, 4, 130, kom_points=4),
                ok(4, 5, 140),
            )
        ],
        riders,
        RULES,
    )
    assert result[0].jerseys == {"gc": 1, "points": 2, "mountains": 3, "youth": 4}


def test_jersey_leader_of_one_classification_only_wears_it():
    riders = field({1: [1, 2, 3]}, {3: YOUNG})
    result = compute(
        [
            stage(
                1,
                ok(1, 1, 100),
                ok(2, 2, 100, points=10),
                ok(3, 3, 100, kom_points=2),
            )
        ],
        riders,
        RULES,
    )
    assert result[0].jerseys == {"gc": 1, "points": 2, "mountains": 3}


# --- Awards and a Giro-rules edition ------------------------------------------


def test_awards_tour_defaults():
    cps = (
        Checkpoint(1, "sprint"),
        Checkpoint(2, "bonus"),
        Checkpoint(3, "climb", "HC", multiplier=2),
        Checkpoint(4, "climb", "4"),
    )
    results = tuple(Result(r, "OK", r, 1000 + r) for r in range(1, 5))
    road = StageInput(
        5,
        "hilly",
        results,
        checkpoints=cps,
        crossings=(
            Crossing(1, 1, 4),
            Crossing(1, 2, 3),
            Crossing(2, 1, 3),
            Crossing(3, 1, 2),
            Crossing(3, 2, 1),
            Crossing(4, 1, 1),
        ),
    )
    won = awards(road, Rules())
    assert won[1] == Award(bonus=10, points=30, kom_points=30 + 1)
    assert won[2] == Award(bonus=6, points=25, kom_points=40)
    assert won[3] == Award(bonus=4 + 8, points=22 + 17, kom_points=0)
    assert won[4] == Award(bonus=0, points=19 + 20, kom_points=0)
    itt = awards(StageInput(6, "itt", results), Rules())
    assert itt[1] == Award(bonus=0, points=20, kom_points=0)
    ttt = awards(StageInput(7, "ttt", results), Rules())
    assert ttt[1] == Award(0, 0, 0)
    flat_scale = awards(StageInput(8, "hilly", results, points_scale="flat"), Rules())
    assert flat_scale[1].points == 50


def test_awards_reject_unknown_scale_and_category():
    results = (Result(1, "OK", 1, 100),)
    with pytest.raises(ValueError, match="points scale 'B'"):
        awards(StageInput(1, "flat", results, points_scale="B"), Rules())
    with pytest.raises(ValueError, match="category '5'"):
        awards(
            StageInput(
                1,
                "flat",
                results,
                checkpoints=(Checkpoint(1, "climb", "5"),),
                crossings=(Crossing(1, 1, 1),),
            ),
            Rules(),
        )


GIRO_2023 = {
    "sprint_bonus": [3, 2, 1],
    "sprint_points": [12, 8, 6, 5, 4, 3, 2, 1],
    "points_scales": {
        "A": [50, 35, 25, 18, 14, 12, 10, 8, 7, 6, 5, 4, 3, 2, 1],
        "C": [25, 18, 12, 8, 6, 5, 4, 3, 2, 1],
    },
    "climb_points.1": [40, 18, 12, 9, 6, 4, 2, 1],
    "climb_points": {"Cima Coppi": [50, 30, 20, 14, 10, 6, 4, 2, 1]},
    # A category of its own breaks ties only where climb_order lists it.
    "climb_order": ["Cima Coppi", "1", "2", "3", "4"],
}


def test_giro_rules_edition_from_crossings():
    rules = Rules.from_overrides(GIRO_2023, 2023)
    assert rules.youth_born_on_or_after == date(1998, 1, 1)
    assert rules.climb_order[:2] == ("Cima Coppi", "1")
    riders = field({1: [1, 2, 3], 2: [4, 5, 6]}, {6: YOUNG})
    s1 = StageInput(
        1,
        "flat",
        tuple(Result(r, "OK", r, 10000) for r in range(1, 7)),
        points_scale="A",
        checkpoints=(
            Checkpoint(1, "sprint"),
            Checkpoint(2, "climb", "1"),
            Checkpoint(3, "climb", "Cima Coppi"),
        ),
        crossings=(
            Crossing(1, 1, 5),
            Crossing(1, 2, 6),
            Crossing(1, 3, 1),
            Crossing(2, 1, 6),
            Crossing(3, 1, 4),
            Crossing(3, 2, 6),
        ),
    )
    s2 = StageInput(
        2,
        "mountain",
        tuple(Result(r, "OK", 7 - r, 9000) for r in range(1, 7)),
        points_scale="C",
        checkpoints=(Checkpoint(4, "climb", "1"), Checkpoint(5, "climb", "3")),
        crossings=(Crossing(4, 1, 5), Crossing(4, 2, 4), Crossing(5, 1, 4)),
    )
    assert awards(s1, rules)[1] == Award(bonus=10 + 1, points=50 + 6, kom_points=0)
    after1, after2 = compute([s1, s2], riders, rules)
    # finish bonus 10/6/4 plus 3/2/1 at the intermediate sprint
    assert rows(after1, "gc") == [
        (1, 9989),
        (2, 9994),
        (3, 9996),
        (5, 9997),
        (6, 9998),
        (4, 10000),
    ]
    # scale A at the finish plus 12/8/6 at the sprint
    assert rows(after1, "points") == [
        (1, 56),
        (2, 35),
        (5, 26),
        (3, 25),
        (6, 20),
        (4, 18),
    ]
    assert rows(after1, "mountains") == [(6, 40 + 30), (4, 50)]
    # 4 ties 6 on 70 points: his Cima Coppi win beats 6's cat. 1 win,
    # although 6 leads the GC
    assert ids(after2, "gc") == [6, 1, 5, 2, 4, 3]
    assert rows(after2, "mountains") == [(4, 50 + 18 + 2), (6, 70), (5, 40)]
    assert rows(after2, "points")[:3] == [(1, 61), (6, 45), (5, 44)]
    assert after2.jerseys == {"gc": 6, "points": 1, "mountains": 4}


# --- Rules.from_overrides -----------------------------------------------------


def test_from_overrides_defaults_and_values():
    rules = Rules.from_overrides({}, 2024)
    assert rules.youth_born_on_or_after == date(1999, 1, 1)
    assert rules.finish_bonus == (10, 6, 4)
    assert rules.points_scales["flat"][:3] == (50, 30, 20)
    assert rules.climb_points["HC"] == (20, 15, 12, 10, 8, 6, 4, 2)
    assert rules.sprint_bonus == ()
    custom = Rules.from_overrides(
        {
            "finish_bonus": [10, 6, 4],
            "checkpoint_bonus": [6, 4, 2],
            "youth_born_on_or_after": "2000-01-01",
            "points_scales.flat": [25, 20],
            "climb_points": {"HC": [40, 30]},
        },
        2023,
    )
    assert custom.checkpoint_bonus == (6, 4, 2)
    assert custom.youth_born_on_or_after == date(2000, 1, 1)
    assert custom.points_scales["flat"] == (25, 20)
    assert custom.points_scales["hilly"][0] == 30
    assert custom.climb_points["HC"] == (40, 30)
    assert custom.climb_points["1"] == (10, 8, 6, 4, 2, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"finish_bonuses": [1]}, "finish_bonuses"),
        ({"points_scale.flat": [1]}, "points_scale.flat"),
        ({"sprint_points": "20,17"}, "sprint_points"),
        ({"youth_born_on_or_after": "1.1.1998"}, "youth_born_on_or_after"),
        ({"climb_points": {"HC": [20, -1]}}, "climb_points.HC"),
    ],
)
def test_from_overrides_rejects_bad_keys_and_values(overrides, message):
    with pytest.raises(ValueError, match=message):
        Rules.from_overrides(overrides, 2023)


# --- Input handling ------------------------------------------------------------


def test_stages_in_any_order_and_previous_rank():
    riders = field({1: [1, 2, 3]})
    s1 = stage(1, ok(1, 1, 100, points=5), ok(2, 2, 110), ok(3, 3, 120))
    s2 = stage(2, ok(3, 1, 50, points=9), ok(2, 2, 100), ok(1, 3, 100))
    result = compute([s2, s1], riders, RULES)
    assert [r.stage_number for r in result] == [1, 2]
    gc2 = result[1].tables["gc"]
    assert [(s.rider_id, s.rank, s.previous_rank) for s in gc2] == [
        (3, 1, 3),
        (1, 2, 1),
        (2, 3, 2),
    ]
    points2 = result[1].tables["points"]
    assert [(s.rider_id, s.previous_rank) for s in points2] == [(3, None), (1, 1)]
    assert [s.previous_rank for s in result[0].tables["teams"]] == [None]
    assert [s.previous_rank for s in result[1].tables["teams"]] == [1]


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([stage(1, ok(1, 1, 1)), stage(1, ok(1, 1, 1))], "stage 1 is given twice"),
        ([stage(1, ok(1, 1, 1), ok(1, 2, 1))], "rider 1 listed twice"),
        ([stage(1, ok(99, 1, 1))], "rider 99 is not on the start list"),
        ([stage(1, Result(1, "ABD"))], "unknown status 'ABD'"),
        ([stage(1, Result(1, "OK", None, 100))], "needs a rank and a time"),
        ([stage(1, ok(1, 1, 1), type="prologue")], "unknown stage type"),
        ([stage(1, ok(1, 1, 1), team_times="neutral")], "team_times"),
        ([stage(1, ok(1, 1, 1, hundredths=100), type="itt")], "hundredths"),
    ],
)
def test_invalid_input_is_refused(stages, message):
    with pytest.raises(ValueError, match=message):
        compute(stages, field({1: [1, 2]}), RULES)


def test_empty_race():
    assert compute([], field({1: [1]}), RULES) == []


# --- Properties -----------------------------------------------------------------


@st.composite
def races(draw: st.DrawFn) -> tuple[list[StageInput], dict[int, RiderInfo]]:
    n_teams = draw(st.integers(1, 3))
    per_team = draw(st.integers(3, 4))
    riders = {}
    for t in range(n_teams):
        for i in range(per_team):
            rid = t * 10 + i + 1
            born = draw(st.sampled_from([OLD, YOUNG, date(1998, 1, 1), None]))
            riders[rid] = RiderInfo(rid, 100 + t, born)
    stages = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        kind = draw(st.sampled_from(STAGE_TYPES))
        tt = kind in ("itt", "ttt")
        times = {rid: 1000 + draw(st.integers(0, 30)) for rid in riders}
        jitter = {rid: draw(st.integers(0, 3)) for rid in riders}
        order = sorted(riders, key=lambda r: (times[r], jitter[r], r))
        results = []
        for rank, rid in enumerate(order, start=1):
            if draw(st.integers(0, 12)) == 0:
                results.append(
                    Result(rid, draw(st.sampled_from(["DNF", "DNS", "OTL"])))
                )
                continue
            results.append(
                Result(
                    rid,
                    "OK",
                    rank,
                    times[rid],
                    hundredths=draw(st.integers(0, 99)) if tt else 0,
                    bonus=draw(st.none() | st.integers(0, 10)),
                    penalty=draw(st.sampled_from([0, 0, 0, 10])),
                    points=draw(st.none() | st.integers(-3, 30)),
                    kom_points=draw(st.none() | st.integers(0, 10)),
                )
            )
        stages.append(StageInput(n, kind, tuple(results)))
    return stages, riders


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(race=races(), seed=st.integers(0, 2**16))
def test_input_order_does_not_change_output(race, seed):
    stages, riders = race
    rnd = random.Random(seed)
    shuffled = []
    for s in stages:
        results = list(s.results)
        rnd.shuffle(results)
        shuffled.append(StageInput(s.number, s.type, tuple(results)))
    rnd.shuffle(shuffled)
    rider_items = list(riders.items())
    rnd.shuffle(rider_items)
    assert compute(shuffled, dict(rider_items), RULES) == compute(stages, riders, RULES)


@PROPERTY
@given(race=races())
def test_leader_gap_zero_and_gaps_never_decrease(race):
    stages, riders = race
    for ss in compute(stages, riders, RULES):
        for cls in CLASSIFICATIONS:
            table = ss.tables[cls]
            assert [s.rank for s in table] == list(range(1, len(table) + 1))
            if not table:
                continue
            assert table[0].gap == 0
            gaps = [s.gap for s in table]
            assert gaps == sorted(gaps)
            sign = 1 if cls in ("gc", "youth", "teams") else -1
            assert all(s.gap == sign * (s.value - table[0].value) for s in table)


@PROPERTY
@given(race=races())
def test_computing_twice_gives_the_same_result(race):
    stages, riders = race
    first = compute(stages, riders, RULES)
    assert compute(stages, riders, RULES) == first
    assert [ss.stage_number for ss in first] == [s.number for s in stages]


@PROPERTY
@given(race=races())
def test_removing_the_last_rider_changes_no_one_elses_time(race):
    stages, riders = race
    before = compute(stages, riders, RULES)
    final_gc = before[-1].tables["gc"]
    if not final_gc:
        return
    last = final_gc[-1].rider_id
    without = compute(
        [
            StageInput(
                s.number, s.type, tuple(r for r in s.results if r.rider_id != last)
            )
            for s in stages
        ],
        {rid: info for rid, info in riders.items() if rid != last},
        RULES,
    )
    for old, new in zip(before, without, strict=True):
        assert [x for x in rows(old, "gc") if x[0] != last] == rows(new, "gc")
