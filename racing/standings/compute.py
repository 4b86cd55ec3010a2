"""Standings after every stage: the running totals and the tie-breaks.

The tables come from ``racing.registry``: after each stage, every classification
of ``registry.CLASSIFICATIONS`` is ranked by its function in :data:`RANKINGS`,
which reads the race as it stands after the stage (``racing.standings.race.Race``)
and returns the table's rows in order. The registry entry's ``unit`` says which
way gaps count (``time``: lowest value leads; ``points``: highest leads). A
classification the registry lists without a ranking here is refused when this
module is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from racing import registry
from racing.standings.exits import Exit, stage_exits
from racing.standings.model import RiderInfo, StageInput, StageStandings, Standing
from racing.standings.race import Race
from racing.standings.rules import Rules

# One row of a table before it is numbered: (rider_id or None for a team, team_id,
# value), the value in the classification's unit.
Row = tuple[int | None, int, int]


# Rankings: one per classification of the registry ------------------------------


def _rank_gc(race: Race) -> list[Row]:
    """Lowest total time first (ties in ``racing.standings.race.gc_key``)."""
    return [(p.info.rider_id, p.info.team_id, p.time) for p in race.gc_order]


def _rank_youth(race: Race) -> list[Row]:
    """The GC order of the riders born on or after the cut-off (none without one)."""
    cutoff = race.rules.youth_born_on_or_after
    return [
        (p.info.rider_id, p.info.team_id, p.time)
        for p in race.gc_order
        if cutoff is not None
        and p.info.birth_date is not None
        and p.info.birth_date >= cutoff
    ]


def _rank_points(race: Race) -> list[Row]:
    """Riders still in the race with a points total other than zero, most first;
    ties by more stage wins, more sprint wins, then the better GC position."""
    scorers = sorted(
        (p for p in race.in_race.values() if p.points != 0),
        key=lambda p: (
            -p.points,
            -p.stage_wins,
            -p.sprint_wins,
            race.gc_rank[p.info.rider_id],
        ),
    )
    return [(p.info.rider_id, p.info.team_id, p.points) for p in scorers]


def _rank_mountains(race: Race) -> list[Row]:
    """Riders still in the race with a mountains total other than zero, most
    first; ties by more first places on climbs of the hardest category, then of
    the next one and so on, then the better GC position."""
    climbers = sorted(
        (p for p in race.in_race.values() if p.kom != 0),
        key=lambda p: (
            -p.kom,
            [-w for w in p.climb_wins],
            race.gc_rank[p.info.rider_id],
        ),
    )
    return [(p.info.rider_id, p.info.team_id, p.kom) for p in climbers]


def _rank_teams(race: Race) -> list[Row]:
    """Lowest total time first; ties by more daily wins, then more daily second
    places and so on, then the better GC position of the team's best rider."""
    # Every team left raced the last stage, so its places run from 1 to len(teams).
    n = len(race.teams)
    best_gc: dict[int, int] = {}
    for rid, rank in race.gc_rank.items():
        tid = race.riders[rid].team_id
        if rank < best_gc.get(tid, rank + 1):
            best_gc[tid] = rank
    ordered = sorted(
        race.teams.values(),
        key=lambda t: (
            t.time,
            [-t.daily_places.get(p, 0) for p in range(1, n + 1)],
            best_gc.get(t.team_id, len(race.gc_rank) + 1),
            t.team_id,
        ),
    )
    return [(None, t.team_id, t.time) for t in ordered]


RANKINGS: dict[str, Callable[[Race], list[Row]]] = {
    "gc": _rank_gc,
    "points": _rank_points,
    "mountains": _rank_mountains,
    "youth": _rank_youth,
    "teams": _rank_teams,
}


def check_rankings(keys: Iterable[str], rankings: Mapping[str, object]) -> None:
    """Raise ``LookupError`` unless ``rankings`` has exactly one entry per
    classification key of the registry."""
    keys = tuple(keys)
    missing = [k for k in keys if k not in rankings]
    unknown = [k for k in rankings if k not in keys]
    if missing:
        raise LookupError(
            "racing.standings.compute: no ranking function for the classification(s) "
            f"{', '.join(missing)} of racing.registry; add one to RANKINGS"
        )
    if unknown:
        raise LookupError(
            "racing.standings.compute: RANKINGS ranks "
            f"{', '.join(unknown)}, which racing.registry does not list"
        )


check_rankings(registry.CLASSIFICATION_KEYS, RANKINGS)


# Tables --------------------------------------------------------------------------


def _table(
    ordered: Sequence[Row],
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


def _unmoved(table: tuple[Standing, ...]) -> tuple[Standing, ...]:
    """The same table after a stage that was not raced: each row's previous rank
    is its rank."""
    return tuple(replace(s, previous_rank=s.rank) for s in table)


def _previous(table: tuple[Standing, ...]) -> dict[int, int]:
    return {(s.team_id if s.rider_id is None else s.rider_id): s.rank for s in table}


def _jerseys(tables: Mapping[str, tuple[Standing, ...]]) -> dict[str, int]:
    worn: dict[str, int] = {}
    wearers: set[int] = set()
    for cls in registry.JERSEY_ORDER:
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
    race = Race(riders, rules)
    previous: dict[str, dict[int, int]] = {c: {} for c in registry.CLASSIFICATION_KEYS}
    out: list[StageStandings] = []
    for stage in ordered:
        if stage.cancelled:
            if stage.results:
                raise ValueError(f"stage {stage.number} was not raced: no results")
            # Not raced: the tables of the stage before, nobody moved.
            tables = {
                key: _unmoved(out[-1].tables[key] if out else ())
                for key in registry.CLASSIFICATION_KEYS
            }
            out.append(StageStandings(stage.number, tables, _jerseys(tables)))
            continue
        race.ride(stage)
        tables: dict[str, tuple[Standing, ...]] = {}
        for classification in registry.CLASSIFICATIONS:
            key = classification.key
            tables[key] = _table(
                RANKINGS[key](race),
                previous[key],
                lower_is_better=classification.unit == registry.TIME,
            )
            previous[key] = _previous(tables[key])
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
