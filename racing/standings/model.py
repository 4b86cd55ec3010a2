"""The engine's vocabulary and its plain input and output rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from racing.standings.exits import Exit

STATUSES = ("OK", "DNF", "DNS", "OTL", "DSQ")
# Out of the race for good; an OTL rider who rides on was reinstated.
OUT_STATUSES = ("DNF", "DNS", "DSQ")
FINISHED_STATUSES = ("OK", "OTL")
POINTS_SCALES = ("flat", "hilly", "mountain", "itt")
CLIMB_CATEGORIES = ("HC", "1", "2", "3", "4")
STAGE_TYPES = ("flat", "hilly", "mountain", "itt", "ttt")
CHECKPOINT_KINDS = ("sprint", "climb", "bonus")
TEAM_TIMES = ("finish", "gc")
TIME_TRIAL_TYPES = ("itt", "ttt")


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
    """A sprint, categorised climb or bonus point of a stage. ``scale`` names the
    ``Rules.climb_points`` scale a climb scores on when it is not its category's
    (the Giro's cat. 1 summit finishes, the Vuelta's highest top); empty: the
    category's."""

    checkpoint_id: int
    kind: str
    category: str = ""
    multiplier: int = 1
    scale: str = ""


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
    # False while a stage's results are still being entered (a live stage).
    complete: bool = True
    # Not raced (RACE_PACKAGE.md ``status = cancelled``): no results; the
    # classifications after it are those after the stage before.
    cancelled: bool = False


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
    # Riders who left the race on this stage (racing.standings.exits), by rider_id.
    exits: dict[int, Exit] = field(default_factory=dict)


@dataclass(frozen=True)
class Award:
    bonus: int
    points: int
    kom_points: int


def team_time_trial_time[T](times: Iterable[T]) -> T:
    """A team's time on a team time trial: its fastest finisher's. Each rider's
    time there is his team's, or his own slower one when his team dropped him
    (RACE_PACKAGE.md), and the team classification counts it once (RULES.md §5).
    ``times`` may carry tie-breaking parts after the time (hundredths)."""
    return min(times)
