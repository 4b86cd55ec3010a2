"""The race as it stands after each stage: the running totals of the riders still
in the race and of the teams still in the team classification, which the
rankings of ``racing.standings.compute`` read."""

from __future__ import annotations

from collections.abc import Mapping

from racing.standings.awards import awards, check_stage
from racing.standings.model import (
    TIME_TRIAL_TYPES,
    Award,
    Result,
    RiderInfo,
    StageInput,
    team_time_trial_time,
)
from racing.standings.rules import Rules


class RiderTotals:
    """Running totals of one rider still in the race."""

    __slots__ = (
        "info",
        "time",
        "hundredths",
        "placings",
        "last_rank",
        "stage_wins",
        "sprint_wins",
        "climb_wins",
        "points",
        "kom",
    )

    def __init__(self, info: RiderInfo, n_categories: int) -> None:
        self.info = info
        self.time = 0
        self.hundredths = 0
        self.placings = 0
        self.last_rank = 0
        self.stage_wins = 0
        self.sprint_wins = 0
        self.climb_wins = [0] * n_categories
        self.points = 0
        self.kom = 0


class TeamTotals:
    """Running totals of one team still in the team classification."""

    __slots__ = ("team_id", "time", "daily_places")

    def __init__(self, team_id: int) -> None:
        self.team_id = team_id
        self.time = 0
        self.daily_places: dict[int, int] = {}


class Race:
    """The race as it stands after the stages ridden so far: what every ranking
    function reads.

    ``riders`` is the start list, ``rules`` the edition's rules, ``stage`` the
    last stage ridden, ``in_race`` the riders still in the race,
    ``teams`` the teams still in the team classification, ``finished`` the last
    stage's finishers (rider_id -> (rank, time counted for the team
    classification)), ``gc_order`` and ``gc_rank`` the general classification
    after the last stage.
    """

    def __init__(self, riders: Mapping[int, RiderInfo], rules: Rules) -> None:
        self.rules = rules
        self.riders = riders
        # The classes of climbs whose first places break mountains ties.
        self.climb_index = {c: i for i, c in enumerate(rules.climb_order)}
        self.in_race: dict[int, RiderTotals] = {
            rid: RiderTotals(info, len(rules.climb_order))
            for rid, info in riders.items()
        }
        self.teams: dict[int, TeamTotals] = {
            info.team_id: TeamTotals(info.team_id) for info in riders.values()
        }
        self.stage: StageInput | None = None
        self.finished: dict[int, tuple[int, int]] = {}
        self.gc_order: list[RiderTotals] = []
        self.gc_rank: dict[int, int] = {}

    def ride(self, stage: StageInput) -> None:
        """Add ``stage`` to the totals: riders who did not finish it leave the race,
        teams with fewer than three finishers leave the team classification."""
        check_stage(stage)
        for r in stage.results:
            if r.rider_id not in self.riders:
                raise ValueError(
                    f"stage {stage.number}: rider {r.rider_id} is not on the start list"
                )
        self.stage = stage
        self.finished = _score_finishers(stage, self.in_race, self._awards(stage))
        for rid in [rid for rid in self.in_race if rid not in self.finished]:
            del self.in_race[rid]
        _count_checkpoint_wins(stage, self.in_race, self.rules, self.climb_index)
        self.gc_order = sorted(self.in_race.values(), key=gc_key)
        self.gc_rank = {p.info.rider_id: i for i, p in enumerate(self.gc_order, 1)}
        _score_teams(stage, self.finished, self.teams, self.riders)

    def _awards(self, stage: StageInput) -> dict[int, Award]:
        """What the rules give for the fields the stage leaves at None (nothing to
        compute when every field is published)."""
        needs_awards = any(
            r.bonus is None or r.points is None or r.kom_points is None
            for r in stage.results
        )
        return awards(stage, self.rules) if needs_awards else {}


def _score_finishers(
    stage: StageInput, in_race: Mapping[int, RiderTotals], won: Mapping[int, Award]
) -> dict[int, tuple[int, int]]:
    """Add each finisher's stage to his totals; return the finishers (rider_id ->
    (rank, time for the team classification)). Only riders still in the race with
    status OK, a rank and a time finish."""
    ttt = stage.type == "ttt"
    tt = stage.type in TIME_TRIAL_TYPES
    use_gc = stage.team_times == "gc"
    finished: dict[int, tuple[int, int]] = {}
    for r in stage.results:
        rider = in_race.get(r.rider_id)
        if rider is None or r.status != "OK" or r.rank is None or r.time is None:
            continue
        team_time = r.gc_time if use_gc and r.gc_time is not None else r.time
        finished[r.rider_id] = (r.rank, team_time)
        _add_result(rider, r, won.get(r.rider_id), tt=tt, ttt=ttt)
    return finished


def _add_result(
    rider: RiderTotals, r: Result, award: Award | None, *, tt: bool, ttt: bool
) -> None:
    """A finisher's stage (``r`` has a rank and a time) in his totals: fields the
    result sets are taken as published, the others come from ``award``."""
    bonus = r.bonus if r.bonus is not None else (award.bonus if award else 0)
    rider.time += (r.gc_time if r.gc_time is not None else r.time) - bonus
    rider.time += r.penalty
    if tt:
        rider.hundredths += r.hundredths
    if not ttt:
        rider.placings += r.rank
        rider.stage_wins += r.rank == 1
    rider.last_rank = r.rank
    rider.points += r.points if r.points is not None else (award.points if award else 0)
    rider.kom += (
        r.kom_points if r.kom_points is not None else (award.kom_points if award else 0)
    )


def _count_checkpoint_wins(
    stage: StageInput,
    in_race: Mapping[int, RiderTotals],
    rules: Rules,
    climb_index: Mapping[str, int],
) -> None:
    """First places at sprints and climbs, for the points and mountains ties
    (riders who left the race on this stage no longer count). A climb's first
    place counts in its class of ``Rules.climb_order`` (``Rules.climb_class``:
    its scale if listed, else its category), or nowhere when neither is listed."""
    kinds = {c.checkpoint_id: c for c in stage.checkpoints}
    for x in stage.crossings:
        rider = in_race.get(x.rider_id)
        cp = kinds.get(x.checkpoint_id)
        if rider is None or cp is None or x.rank != 1:
            continue
        if cp.kind == "sprint":
            rider.sprint_wins += 1
        elif cp.kind == "climb":
            climb_class = rules.climb_class(cp.category, cp.scale)
            if climb_class is not None:
                rider.climb_wins[climb_index[climb_class]] += 1


def _score_teams(
    stage: StageInput,
    finished: Mapping[int, tuple[int, int]],
    teams: dict[int, TeamTotals],
    riders: Mapping[int, RiderInfo],
) -> None:
    """Add the stage's team times and daily places to ``teams``, dropping the teams
    below three finishers."""
    by_team: dict[int, list[tuple[int, int]]] = {tid: [] for tid in teams}
    for rid, (rank, team_time) in finished.items():
        tid = riders[rid].team_id
        if tid in by_team:
            by_team[tid].append((team_time, rank))
    daily: list[tuple[int, int, int, int]] = []
    for tid, rows in by_team.items():
        if len(rows) < 3:
            del teams[tid]
            continue
        best = sorted(rows)[:3]
        times = [t for t, _ in best]
        day_time = team_time_trial_time(times) if stage.type == "ttt" else sum(times)
        placings = [rank for _, rank in best]
        daily.append((day_time, sum(placings), min(placings), tid))
    daily.sort()
    for place, (day_time, _, _, tid) in enumerate(daily, start=1):
        team = teams[tid]
        team.time += day_time
        team.daily_places[place] = team.daily_places.get(place, 0) + 1


def gc_key(p: RiderTotals) -> tuple[int, int, int, int, int]:
    """GC order: total time, then the time trials' hundredths, the sum of stage
    placings, the placing on the latest stage, and the rider_id."""
    return (p.time, p.hundredths, p.placings, p.last_rank, p.info.rider_id)
