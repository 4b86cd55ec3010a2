"""Classification engine: stage results in, standings after every stage out.

Pure Python (standard library only, no Django). Dataclasses go in, sorted
dataclasses come out; the caller feeds it from the database or a race package.
The rules follow RULES.md; its section "Checked against the real 2023 data"
overrides section 5 for team time trials, and its section "Checked against the
2023 crossings" gives the points and mountains tie-breaks below.

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
    position. Mountains ties: more first places on climbs of the first class of
    ``Rules.climb_order``, then of the next one, and so on, then better GC
    position. A climb's first place counts in the class of its ``scale`` when
    ``climb_order`` lists that scale (the Vuelta's ``top`` climb, ahead of its
    Especial climbs), otherwise in its category's (the Giro's ``summit-1``
    climbs count as cat. 1); a class ``climb_order`` does not list breaks no
    tie. Default order: the categories HC, 1, 2, 3, 4 that have a scale, by
    first-place points. Sprint and climb wins come from the stage's crossings;
    without crossings these ties fall through to the GC position.

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

Classifications
    The tables after each stage are the classifications of
    ``racing.registry.CLASSIFICATIONS``, in its order; each is ranked by its
    function in ``racing.standings.compute.RANKINGS`` (importing the engine fails
    when a registry entry has none), and its ``unit`` says how gaps count: time,
    lowest first; points, most first. A new classification is a registry entry
    and one ranking function there (``racing.registry`` says what else).

Awards
    Fields of a ``Result`` left at ``None`` (``bonus``, ``points``,
    ``kom_points``) are computed by :func:`awards` from the rules, the finishing
    ranks and the checkpoint crossings; fields that are set are taken as
    published, and the crossings never add to them (they still give the
    sprint and climb wins of the ties). What one place at one checkpoint is
    worth is :func:`crossing_award`: a climb scores on its ``scale`` of
    ``Rules.climb_points`` when it names one, else on its category's, times its
    multiplier; :func:`checkpoint_points` is the same as a table shows it
    (points, bonus seconds). ``Rules.category_label`` names a category or scale
    as the race does (Cima Coppi, Especial).
"""

from racing.registry import CLASSIFICATION_KEYS as CLASSIFICATIONS
from racing.registry import JERSEY_ORDER
from racing.standings.awards import (
    awards,
    check_stage,
    checkpoint_points,
    crossing_award,
)
from racing.standings.compute import compute
from racing.standings.exits import Exit, exits, stage_exits
from racing.standings.model import (
    CHECKPOINT_KINDS,
    CLIMB_CATEGORIES,
    FINISHED_STATUSES,
    OUT_STATUSES,
    POINTS_SCALES,
    STAGE_TYPES,
    STATUSES,
    TEAM_TIMES,
    TIME_TRIAL_TYPES,
    Award,
    Checkpoint,
    Crossing,
    Result,
    RiderInfo,
    StageInput,
    StageStandings,
    Standing,
    team_time_trial_time,
)
from racing.standings.rules import Rules, default_youth_cutoff

__all__ = [
    "CHECKPOINT_KINDS",
    "CLASSIFICATIONS",
    "CLIMB_CATEGORIES",
    "FINISHED_STATUSES",
    "JERSEY_ORDER",
    "OUT_STATUSES",
    "POINTS_SCALES",
    "STAGE_TYPES",
    "STATUSES",
    "TEAM_TIMES",
    "TIME_TRIAL_TYPES",
    "Award",
    "Checkpoint",
    "Crossing",
    "Exit",
    "Result",
    "RiderInfo",
    "Rules",
    "StageInput",
    "StageStandings",
    "Standing",
    "awards",
    "check_stage",
    "checkpoint_points",
    "compute",
    "crossing_award",
    "default_youth_cutoff",
    "exits",
    "stage_exits",
    "team_time_trial_time",
]
