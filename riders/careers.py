"""A rider's career across the editions he rode: the rider page's summary (Grand
Tours started and finished, stage wins, overall wins, days in each leader's
jersey) and its list of Grand Tours, one row each.

No query: everything comes from ``riders.queries.rides_of``, so the page's query
count does not grow with the number of editions. Stage wins and jersey days are
counted as each edition's section counts them (``EditionRide.wins``: a team time
trial is his team's win; ``EditionRide.jerseys``: the stages he started wearing
the jersey).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext

from editions.models import Edition
from racing import registry
from riders.queries import EditionRide
from stages.models import StageResult

# How an edition went for him (``Outcome.kind``).
FINAL = "final"  # the race is over and he finished it: his final ranks
OUT = "out"  # he left the race (``Entry.exit``)
RUNNING = "running"  # the race is still on: his ranks after its latest stage
WAITING = "waiting"  # no stage with results yet


@dataclass(frozen=True)
class Outcome:
    """His result in one edition, as the list of Grand Tours says it."""

    kind: str
    gc_rank: int | None = None  # final, or current while the race is on
    stage: int | None = None  # the stage he left on, or the latest one raced
    status: str = ""  # why he left: DNF, DNS, OTL, DSQ, "" (his results stop)
    won: tuple[str, ...] = ()  # the classifications he won, registry order

    @property
    def won_gc(self) -> bool:
        return registry.GENERAL.key in self.won

    @property
    def won_others(self) -> tuple[str, ...]:
        """The other classifications he won (points, mountains, youth)."""
        return tuple(c for c in self.won if c != registry.GENERAL.key)


def outcome(ride: EditionRide) -> Outcome:
    """Final GC (and classifications won), where he left, or his GC so far."""
    if ride.exit is not None:
        return Outcome(OUT, stage=ride.exit.stage, status=ride.exit.status)
    if ride.last_stage is None:
        return Outcome(WAITING)
    gc_rank = ride.latest.get(registry.GENERAL.key)
    if not ride.race_over:
        return Outcome(RUNNING, gc_rank=gc_rank, stage=ride.latest_stage)
    won = tuple(c for c, rank in ride.latest.items() if rank == 1)
    return Outcome(FINAL, gc_rank=gc_rank, won=won)


def started(ride: EditionRide) -> bool:
    """He rode at least one stage (a rider who did not start stage 1 did not)."""
    return any(line.status != StageResult.Status.DNS for line in ride.lines)


@dataclass(frozen=True)
class CareerRow:
    """One Grand Tour of his: the edition's section of the page, and its result."""

    ride: EditionRide
    outcome: Outcome


@dataclass(frozen=True)
class Spell:
    """The sporting nationality he rode under in a run of editions."""

    code: str
    years: tuple[int, ...]  # sorted, each once

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def years_text(self) -> str:
        """``2021``, ``2021–2022`` or ``2019, 2021 and 2022``: runs of years."""
        runs: list[list[int]] = []
        for year in self.years:
            if runs and year == runs[-1][-1] + 1:
                runs[-1].append(year)
            else:
                runs.append([year])
        return and_list([f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs])


def and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the page's language ("" for none)."""
    if len(items) < 2:
        return "".join(items)
    # Translators: the end of a list: "2019, 2021 and 2022", "points and
    # mountains"; "items" are the first ones, separated by commas.
    return gettext("%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


@dataclass(frozen=True)
class Wins:
    """The editions whose final ``classification`` he won, newest first."""

    classification: str
    editions: tuple[Edition, ...]


@dataclass
class Career:
    rows: list[CareerRow]  # newest first, as ``rides_of``
    started: int = 0
    finished: int = 0
    stage_wins: int = 0
    # (classification, days), registry order, the jerseys he wore only.
    jersey_days: list[tuple[str, int]] = field(default_factory=list)
    overall_wins: list[Wins] = field(default_factory=list)  # registry order
    nationalities: list[Spell] = field(default_factory=list)  # oldest first
    # The newest edition with results: its latest stage marks the summary in
    # spoiler-free mode. None: nothing raced yet, nothing to hide.
    spoils: EditionRide | None = None

    @property
    def changed_nationality(self) -> bool:
        return len(self.nationalities) > 1


def career(rides: list[EditionRide]) -> Career:
    """His career from his rides (newest first), without a query."""
    rows = [CareerRow(ride, outcome(ride)) for ride in rides]
    days: Counter[str] = Counter()
    for ride in rides:
        for j in ride.jerseys:
            days[j.classification] += j.days
    return Career(
        rows=rows,
        started=sum(1 for ride in rides if started(ride)),
        finished=sum(1 for r in rows if r.outcome.kind == FINAL and started(r.ride)),
        stage_wins=sum(len(ride.wins) for ride in rides),
        jersey_days=[(c, days[c]) for c in registry.JERSEY_ORDER if days[c]],
        overall_wins=_overall_wins(rows),
        nationalities=_spells(rides),
        spoils=next((r for r in rides if r.last_stage is not None), None),
    )


def _overall_wins(rows: list[CareerRow]) -> list[Wins]:
    found = [
        Wins(c, tuple(r.ride.entry.edition for r in rows if c in r.outcome.won))
        for c in registry.INDIVIDUAL_KEYS
    ]
    return [w for w in found if w.editions]


def _spells(rides: list[EditionRide]) -> list[Spell]:
    """The nationalities he rode under (``Entry.nationality``), oldest first, one
    spell per run of editions with the same one."""
    runs: list[tuple[str, list[int]]] = []
    for ride in reversed(rides):
        entry = ride.entry
        code, year = entry.nationality, entry.edition.year
        if runs and runs[-1][0] == code:
            runs[-1][1].append(year)
        else:
            runs.append((code, [year]))
    return [Spell(code, tuple(sorted(set(years)))) for code, years in runs]
