"""Standings after every stage: the running totals and the tie-breaks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from racing.registry import CLASSIFICATION_KEYS as CLASSIFICATIONS
from racing.registry import JERSEY_ORDER
from racing.standings.awards import awards, check_stage
from racing.standings.exits import Exit, stage_exits
from racing.standings.model import (
    TIME_TRIAL_TYPES,
    RiderInfo,
    StageInput,
    StageStandings,
    Standing,
)
from racing.standings.rules import Rules


class _Rider:
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


class _Team:
    __slots__ = ("team_id", "time", "daily_places")

    def __init__(self, team_id: int) -> None:
        self.team_id = team_id
        self.time = 0
        self.daily_places: dict[int, int] = {}


def _table(
    ordered: Sequence[tuple[int | None, int, int]],
    previous: Mapping[int, int],
    lower_is_better: bool,
) -> tuple[Standing, ...]:
    """Number rows ``(rider_id, team_id, value)`` already in order."""
    if not ordered:
        return ()
    lead = ordered[0][2]
    out = []
    for i, (rid, tid, value) in enumerate(ordered, start=1):
        gap = value - lead if lower_is_better else lead - value
        key = tid if rid is None else rid
        out.append(Standing(i, rid, tid, value, gap, previous.get(key)))
    return tuple(out)


def _previous(table: tuple[Standing, ...]) -> dict[int, int]:
    return {(s.team_id if s.rider_id is None else s.rider_id): s.rank for s in table}


def _jerseys(tables: Mapping[str, tuple[Standing, ...]]) -> dict[str, int]:
    worn: dict[str, int] = {}
    wearers: set[int] = set()
    for cls in JERSEY_ORDER:
        for s in tables[cls]:
            if s.rider_id is not None and s.rider_id not in wearers:
                worn[cls] = s.rider_id
                wearers.add(s.rider_id)
                break
    return worn


def compute(
    stages: Sequence[StageInput],
    riders: Mapping[int, RiderInfo],
    rules: Rules,
) -> list[StageStandings]:
    """Standings after every stage, in stage order (the input may be in any order).

    ``riders`` is the start list: every rider who may appear in a result, keyed
    by ``rider_id``. Raises ``ValueError`` for inconsistent input (two stages
    with one number, a result for a rider not on the start list, a finisher
    without rank or time, an unknown status, stage type or checkpoint).
    """
    ordered = sorted(stages, key=lambda s: s.number)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.number == b.number:
            raise ValueError(f"stage {a.number} is given twice")
    categories = rules.category_order()
    cat_index = {c: i for i, c in enumerate(categories)}
    in_race: dict[int, _Rider] = {
        rid: _Rider(info, len(categories)) for rid, info in riders.items()
    }
    teams: dict[int, _Team] = {
        info.team_id: _Team(info.team_id) for info in riders.values()
    }
    cutoff = rules.youth_born_on_or_after
    previous: dict[str, dict[int, int]] = {c: {} for c in CLASSIFICATIONS}
    out: list[StageStandings] = []

    for stage in ordered:
        check_stage(stage)
        for r in stage.results:
            if r.rider_id not in riders:
                raise ValueError(
                    f"stage {stage.number}: rider {r.rider_id} is not on the start list"
                )
        needs_awards = any(
            r.bonus is None or r.points is None or r.kom_points is None
            for r in stage.results
        )
        won = awards(stage, rules) if needs_awards else {}
        ttt = stage.type == "ttt"
        tt = stage.type in TIME_TRIAL_TYPES
        # rider_id -> (rank, time for the team classification), finishers only
        finished: dict[int, tuple[int, int]] = {}
        use_gc = stage.team_times == "gc"
        for r in stage.results:
            rider = in_race.get(r.rider_id)
            if rider is None or r.status != "OK" or r.rank is None or r.time is None:
                continue
            team_time = r.gc_time if use_gc and r.gc_time is not None else r.time
            finished[r.rider_id] = (r.rank, team_time)
            a = won.get(r.rider_id)
            bonus = r.bonus if r.bonus is not None else (a.bonus if a else 0)
            rider.time += (r.gc_time if r.gc_time is not None else r.time) - bonus
            rider.time += r.penalty
            if tt:
                rider.hundredths += r.hundredths
            if not ttt:
                rider.placings += r.rank
                rider.stage_wins += r.rank == 1
            rider.last_rank = r.rank
            rider.points += r.points if r.points is not None else (a.points if a else 0)
            rider.kom += (
                r.kom_points if r.kom_points is not None else (a.kom_points if a else 0)
            )
        for rid in [rid for rid in in_race if rid not in finished]:
            del in_race[rid]
        kinds = {c.checkpoint_id: c for c in stage.checkpoints}
        for x in stage.crossings:
            rider = in_race.get(x.rider_id)
            cp = kinds.get(x.checkpoint_id)
            if rider is None or cp is None or x.rank != 1:
                continue
            if cp.kind == "sprint":
                rider.sprint_wins += 1
            elif cp.kind == "climb" and cp.category in cat_index:
                rider.climb_wins[cat_index[cp.category]] += 1

        # GC and youth
        gc_order = sorted(
            in_race.values(),
            key=lambda p: (
                p.time,
                p.hundredths,
                p.placings,
                p.last_rank,
                p.info.rider_id,
            ),
        )
        gc_rank = {p.info.rider_id: i for i, p in enumerate(gc_order, start=1)}
        tables: dict[str, tuple[Standing, ...]] = {}
        tables["gc"] = _table(
            [(p.info.rider_id, p.info.team_id, p.time) for p in gc_order],
            previous["gc"],
            True,
        )
        tables["youth"] = _table(
            [
                (p.info.rider_id, p.info.team_id, p.time)
                for p in gc_order
                if cutoff is not None
                and p.info.birth_date is not None
                and p.info.birth_date >= cutoff
            ],
            previous["youth"],
            True,
        )

        # Points and mountains
        scorers = sorted(
            (p for p in in_race.values() if p.points != 0),
            key=lambda p: (
                -p.points,
                -p.stage_wins,
                -p.sprint_wins,
                gc_rank[p.info.rider_id],
            ),
        )
        tables["points"] = _table(
            [(p.info.rider_id, p.info.team_id, p.points) for p in scorers],
            previous["points"],
            False,
        )
        climbers = sorted(
            (p for p in in_race.values() if p.kom != 0),
            key=lambda p: (
                -p.kom,
                [-w for w in p.climb_wins],
                gc_rank[p.info.rider_id],
            ),
        )
        tables["mountains"] = _table(
            [(p.info.rider_id, p.info.team_id, p.kom) for p in climbers],
            previous["mountains"],
            False,
        )

        tables["teams"] = _teams_table(
            stage, finished, teams, riders, gc_rank, previous["teams"]
        )

        for cls in CLASSIFICATIONS:
            previous[cls] = _previous(tables[cls])
        out.append(StageStandings(stage.number, tables, _jerseys(tables)))
    return _with_exits(out, ordered)


def _with_exits(
    out: list[StageStandings], stages: Sequence[StageInput]
) -> list[StageStandings]:
    """Each stage's standings with the riders who left the race on it."""
    by_stage: dict[int, dict[int, Exit]] = {}
    for rider_id, left in stage_exits(stages).items():
        by_stage.setdefault(left.stage, {})[rider_id] = left
    return [replace(s, exits=by_stage.get(s.stage_number, {})) for s in out]


def _teams_table(
    stage: StageInput,
    finished: Mapping[int, tuple[int, int]],
    teams: dict[int, _Team],
    riders: Mapping[int, RiderInfo],
    gc_rank: Mapping[int, int],
    previous: Mapping[int, int],
) -> tuple[Standing, ...]:
    """Update ``teams`` with ``stage`` (dropping teams below three finishers)."""
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
        day_time = best[0][0] if stage.type == "ttt" else sum(t for t, _ in best)
        placings = [rank for _, rank in best]
        daily.append((day_time, sum(placings), min(placings), tid))
    daily.sort()
    for place, (day_time, _, _, tid) in enumerate(daily, start=1):
        team = teams[tid]
        team.time += day_time
        team.daily_places[place] = team.daily_places.get(place, 0) + 1
    n = len(daily)
    best_gc: dict[int, int] = {}
    for rid, rank in gc_rank.items():
        tid = riders[rid].team_id
        if rank < best_gc.get(tid, rank + 1):
            best_gc[tid] = rank
    ordered = sorted(
        teams.values(),
        key=lambda t: (
            t.time,
            [-t.daily_places.get(p, 0) for p in range(1, n + 1)],
            best_gc.get(t.team_id, len(gc_rank) + 1),
            t.team_id,
        ),
    )
    return _table([(None, t.team_id, t.time) for t in ordered], previous, True)
