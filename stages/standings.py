"""Classification engine: stage results in, standings after every stage out.

Pure Python (standard library only, no Django). Dataclasses go in, sorted
dataclasses come out; the caller feeds it from the database or a race package.
The rules follow RULES.md; its section "Checked against the real 2023 data"
overrides section 5 for team time trials.

General classification (GC)
    Total = sum over stages of (``gc_time`` if set, else ``time``) - ``bonus``
    + ``penalty``, in whole seconds; lowest total leads. Ties, in order:
    (1) lower sum of the hundredths of the rider's time-trial stages (``itt`` and
    ``ttt``); (2) lower sum of stage placings, team time trials excluded;
    (3) better placing on the latest stage (on a ``ttt`` stage, the rider's place
    on the stage's rider list); (4) lower ``rider_id``, only so that the order is
    deterministic.

Youth
    The GC order restricted to riders born on or after
    ``Rules.youth_born_on_or_after``, ranks renumbered from 1, gaps taken from the
    youth leader. A rider with no birth date is not eligible. When the cut-off is
    ``None`` no rider is eligible and the youth table is empty: the engine does
    not know the year, so callers resolve the default (1 January of year - 25,
    which ``Rules.from_overrides`` does).

Points and mountains
    Riders still in the race whose total is not zero (a negative total, after a
    deduction, is listed). Most points first. Points ties: more stage wins (team
    time trials do not count), then more intermediate-sprint wins, then better GC
    position. Mountains ties: more first places on climbs of the hardest category,
    then of the next one, and so on (categories ordered by the first-place points
    of their scale, highest first: HC, 1, 2, 3, 4 by default), then better GC
    position. Sprint and climb wins come from the stage's crossings; without
    crossings these ties fall through to the GC position.

Teams
    Each stage, a team's time is the sum of the three best ``time`` values of its
    riders who finished (``gc_time`` instead when the stage says
    ``team_times == "gc"``), with no bonuses or penalties. On a ``ttt`` stage the
    team's time counts once: the best time among its finishers. A team with fewer
    than three finishers on a stage leaves the team classification from that
    stage on. Daily ranking ties: lower sum of the stage placings of the three
    counted riders, then the better placing of the best of them. Overall: lowest
    total time; ties by more daily wins, then more daily second places, and so
    on, then the better GC position of the team's best-placed rider.

Status codes
    A rider whose status on stage N is DNF, DNS, OTL or DSQ, or who has no
    result row on stage N, is out of the race from stage N on: he appears in no
    classification of stage N or later, even if a later stage lists him again.
    His points are not re-awarded to anyone. A reinstated OTL rider is entered
    as ``OK`` (with a negative ``points`` value if points are deducted).

Jerseys (RULES.md section 9)
    Worn on stage N + 1, decided by the standings after stage N, in the order of
    ``JERSEY_ORDER`` (gc > points > mountains > youth): each jersey goes to the
    best-placed rider of its classification who does not already wear one.

Awards
    Fields of a ``Result`` left at ``None`` (``bonus``, ``points``,
    ``kom_points``) are computed by :func:`awards` from the rules, the finishing
    ranks and the checkpoint crossings; fields that are set are taken as
    published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

CLASSIFICATIONS = ("gc", "points", "mountains", "youth", "teams")
JERSEY_ORDER = ("gc", "points", "mountains", "youth")
STATUSES = ("OK", "DNF", "DNS", "OTL", "DSQ")
STAGE_TYPES = ("flat", "hilly", "mountain", "itt", "ttt")
CHECKPOINT_KINDS = ("sprint", "climb", "bonus")
TEAM_TIMES = ("finish", "gc")
TIME_TRIAL_TYPES = ("itt", "ttt")

_MOUNTAIN_SCALE = (20, 17, 15, 13, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def _default_points_scales() -> dict[str, tuple[int, ...]]:
    return {
        "flat": (50, 30, 20, 18, 16, 14, 12, 10, 8, 7, 6, 5, 4, 3, 2),
        "hilly": (30, 25, 22, 19, 17, 15, 13, 11, 9, 7, 6, 5, 4, 3, 2),
        "mountain": _MOUNTAIN_SCALE,
        "itt": _MOUNTAIN_SCALE,
    }


def _default_climb_points() -> dict[str, tuple[int, ...]]:
    return {
        "HC": (20, 15, 12, 10, 8, 6, 4, 2),
        "1": (10, 8, 6, 4, 2, 1),
        "2": (5, 3, 2, 1),
        "3": (2, 1),
        "4": (1,),
    }


@dataclass(frozen=True)
class Rules:
    """Per-edition scales. Defaults are the Tour de France 2023 (RULES.md §1-4).

    ``points_scales`` maps a scale name to finish points by rank; a stage uses
    ``StageInput.points_scale`` or, when that is empty, the scale named after its
    type (a ``ttt`` stage then gives no finish points). ``sprint_bonus`` (empty
    in the Tour) gives time bonuses at intermediate sprints, e.g. (3, 2, 1) in
    the Giro 2023.
    """

    finish_bonus: tuple[int, ...] = (10, 6, 4)
    checkpoint_bonus: tuple[int, ...] = (8, 5, 2)
    points_scales: dict[str, tuple[int, ...]] = field(
        default_factory=_default_points_scales, hash=False
    )
    sprint_points: tuple[int, ...] = _MOUNTAIN_SCALE
    climb_points: dict[str, tuple[int, ...]] = field(
        default_factory=_default_climb_points, hash=False
    )
    youth_born_on_or_after: date | None = None
    sprint_bonus: tuple[int, ...] = ()

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object], year: int) -> Rules:
        """Build the rules of an edition from its ``edition.toml`` ``[rules]`` table.

        Keys: ``finish_bonus``, ``checkpoint_bonus``, ``sprint_bonus``,
        ``sprint_points`` (lists of integers), ``youth_born_on_or_after`` (a date
        or an ISO ``YYYY-MM-DD`` string; default 1 January of ``year`` - 25),
        ``points_scales.<scale>`` and ``climb_points.<category>`` (either nested
        tables or dotted keys; a named scale replaces the default of that name
        and new names are added). Any other key raises ``ValueError`` naming it.
        """
        scalars: dict[str, object] = {}
        tables: dict[str, dict[str, tuple[int, ...]]] = {
            "points_scales": dict(_default_points_scales()),
            "climb_points": dict(_default_climb_points()),
        }
        for key, value in overrides.items():
            head, _, tail = str(key).partition(".")
            if head in tables:
                items = {tail: value} if tail else value
                if not isinstance(items, Mapping):
                    raise ValueError(f"rules: {key} must be a table of scales")
                for name, scale in items.items():
                    if not str(name):
                        raise ValueError(f"rules: {key} has an empty scale name")
                    tables[head][str(name)] = _scale(f"{head}.{name}", scale)
            elif tail:
                raise ValueError(f"rules: unknown key {key!r}")
            elif head in ("finish_bonus", "checkpoint_bonus", "sprint_bonus"):
                scalars[head] = _scale(head, value)
            elif head == "sprint_points":
                scalars[head] = _scale(head, value)
            elif head == "youth_born_on_or_after":
                scalars[head] = _as_date(head, value)
            else:
                raise ValueError(f"rules: unknown key {key!r}")
        scalars.setdefault("youth_born_on_or_after", date(year - 25, 1, 1))
        return cls(**scalars, **tables)  # type: ignore[arg-type]

    def scale_for(self, stage: StageInput) -> tuple[int, ...]:
        """Finish points of ``stage`` by rank (empty for a TTT without a scale)."""
        name = stage.points_scale or ("" if stage.type == "ttt" else stage.type)
        if not name:
            return ()
        try:
            return self.points_scales[name]
        except KeyError:
            raise ValueError(
                f"stage {stage.number}: unknown points scale {name!r}"
            ) from None

    def category_order(self) -> tuple[str, ...]:
        """Climb categories, hardest first: by first-place points, then as listed."""
        keys = list(self.climb_points)
        return tuple(
            sorted(
                keys,
                key=lambda c: (-(self.climb_points[c] or (0,))[0], keys.index(c)),
            )
        )


def _scale(name: str, value: object) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"rules: {name} must be a list of integers")
    scale = tuple(value)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in scale):
        raise ValueError(f"rules: {name} must be a list of integers")
    if any(v < 0 for v in scale):
        raise ValueError(f"rules: {name} must not contain negative values")
    return scale


def _as_date(name: str, value: object) -> date:
    if isinstance(value, date):
        # datetime is a date subclass: keep the calendar day only
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"rules: {name} must be a date (YYYY-MM-DD), not {value!r}")


@dataclass(frozen=True)
class RiderInfo:
    rider_id: int
    team_id: int
    birth_date: date | None


@dataclass(frozen=True)
class Result:
    """One rider's row on one stage.

    ``time`` is the absolute stage time in whole seconds; ``hundredths`` (0-99)
    only matter on ``itt``/``ttt`` stages and only for GC tie-breaks.
    """

    rider_id: int
    status: str = "OK"
    rank: int | None = None
    time: int | None = None
    hundredths: int = 0
    gc_time: int | None = None
    bonus: int | None = None
    penalty: int = 0
    points: int | None = None
    kom_points: int | None = None


@dataclass(frozen=True)
class Checkpoint:
    checkpoint_id: int
    kind: str
    category: str = ""
    multiplier: int = 1


@dataclass(frozen=True)
class Crossing:
    checkpoint_id: int
    rank: int
    rider_id: int


@dataclass(frozen=True)
class StageInput:
    number: int
    type: str
    results: tuple[Result, ...]
    points_scale: str = ""
    team_times: str = "finish"
    checkpoints: tuple[Checkpoint, ...] = ()
    crossings: tuple[Crossing, ...] = ()


@dataclass(frozen=True)
class Standing:
    rank: int
    rider_id: int | None
    team_id: int
    value: int
    gap: int
    previous_rank: int | None


@dataclass(frozen=True)
class StageStandings:
    stage_number: int
    tables: dict[str, tuple[Standing, ...]]
    jerseys: dict[str, int]


@dataclass(frozen=True)
class Award:
    bonus: int
    points: int
    kom_points: int


def _pick(scale: Sequence[int], rank: int) -> int:
    return scale[rank - 1] if 1 <= rank <= len(scale) else 0


def awards(stage: StageInput, rules: Rules) -> dict[int, Award]:
    """What each rider wins on ``stage`` under ``rules``, for every rider listed.

    - Time bonus: ``finish_bonus`` by finishing rank on road stages (not on
      ``itt``/``ttt``), plus ``checkpoint_bonus`` by rank at ``bonus``
      checkpoints, plus ``sprint_bonus`` by rank at ``sprint`` checkpoints.
    - Points: the stage's finish scale by rank (``Rules.scale_for``), plus
      ``sprint_points`` by rank at ``sprint`` checkpoints, times the multiplier.
    - Mountains points: ``climb_points[category]`` by rank, times the multiplier.

    Only riders with status ``OK`` and a rank score at the finish; crossings
    count whatever the rider's status (compute() drops riders who are out).
    Raises ``ValueError`` for a crossing of an unknown checkpoint or a climb of
    a category the rules do not know.
    """
    _check_stage(stage)
    totals: dict[int, list[int]] = {r.rider_id: [0, 0, 0] for r in stage.results}
    scale = rules.scale_for(stage)
    road = stage.type not in TIME_TRIAL_TYPES
    for r in stage.results:
        if r.status == "OK" and r.rank is not None:
            t = totals[r.rider_id]
            if road:
                t[0] += _pick(rules.finish_bonus, r.rank)
            t[1] += _pick(scale, r.rank)
    checkpoints = {c.checkpoint_id: c for c in stage.checkpoints}
    for x in stage.crossings:
        cp = checkpoints.get(x.checkpoint_id)
        if cp is None:
            raise ValueError(
                f"stage {stage.number}: crossing of unknown checkpoint "
                f"{x.checkpoint_id}"
            )
        t = totals.setdefault(x.rider_id, [0, 0, 0])
        if cp.kind == "sprint":
            t[0] += _pick(rules.sprint_bonus, x.rank)
            t[1] += _pick(rules.sprint_points, x.rank) * cp.multiplier
        elif cp.kind == "climb":
            if cp.category not in rules.climb_points:
                raise ValueError(
                    f"stage {stage.number}: climb category {cp.category!r} "
                    "has no points scale"
                )
            t[2] += _pick(rules.climb_points[cp.category], x.rank) * cp.multiplier
        else:
            t[0] += _pick(rules.checkpoint_bonus, x.rank)
    return {rid: Award(*t) for rid, t in totals.items()}


def _check_stage(stage: StageInput) -> None:
    if stage.type not in STAGE_TYPES:
        raise ValueError(f"stage {stage.number}: unknown stage type {stage.type!r}")
    if stage.team_times not in TEAM_TIMES:
        raise ValueError(
            f"stage {stage.number}: team_times must be 'finish' or 'gc', "
            f"not {stage.team_times!r}"
        )
    for c in stage.checkpoints:
        if c.kind not in CHECKPOINT_KINDS:
            raise ValueError(
                f"stage {stage.number}: unknown checkpoint kind {c.kind!r}"
            )
    seen: set[int] = set()
    for r in stage.results:
        if r.rider_id in seen:
            raise ValueError(f"stage {stage.number}: rider {r.rider_id} listed twice")
        seen.add(r.rider_id)
        if r.status not in STATUSES:
            raise ValueError(
                f"stage {stage.number}: rider {r.rider_id} has unknown status "
                f"{r.status!r}"
            )
        if r.status == "OK" and (r.rank is None or r.time is None):
            raise ValueError(
                f"stage {stage.number}: finisher {r.rider_id} needs a rank and a time"
            )
        if not 0 <= r.hundredths <= 99:
            raise ValueError(
                f"stage {stage.number}: rider {r.rider_id} hundredths out of 0-99"
            )


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
        _check_stage(stage)
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
    return out


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
