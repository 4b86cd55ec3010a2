"""The live stage, in pure terms: the groups on the road checked as the desk
enters them, and the virtual general classification (the GC before the stage with
each rider's current deficit on the road).

Decisions (the rules say nothing about a race not yet finished):

- a rider's deficit on the stage is his finish time minus the fastest finish so
  far, plus penalty, minus his bonus when he has arrived; else his group's gap to
  the head of the race; a rider in no group is with the "everyone else" group, or,
  without one, at least as far behind as the last group (or the last arrival);
- the virtual time is the GC time before the stage plus that deficit; equal
  virtual times keep the GC order before the stage;
- bonuses count once known: at the finish for the riders who have arrived, at
  the sprints and bonus points already crossed for everyone.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Group:
    """A group on the road as the desk enters it: ``bibs`` of its riders, or
    ``rest`` for everyone in no other group; ``gap`` in seconds to the head."""

    name: str
    gap: int
    bibs: tuple[int, ...] = ()
    rest: bool = False


# A gap on the road longer than this is a typing error (a stage lasts hours).
GAP_MAX = 4 * 3600


def head_gap(group: Group, position: int, someone_finished: bool) -> int:
    """The gap a group is stored with: the first group on the road is the head
    of the race (0) until someone has finished; then every gap counts from the
    stage winner, as typed."""
    return 0 if position == 0 and not someone_finished else group.gap


def group_problems(
    groups: Sequence[Group],
    start_list: Iterable[int],
    out: Mapping[int, str],
    arrived: Iterable[int] = (),
) -> list[str]:
    """What is wrong with the groups (from the head of the race backwards; gaps
    as :func:`head_gap` stores them), one message each: an unknown bib, a rider
    out of the race or already over the line, a rider listed twice, a group
    behind with a smaller gap than the one ahead, more than one "everyone else"
    group, a group without riders, a name missing."""
    known, arrived = set(start_list), set(arrived)
    problems: list[str] = []
    seen: dict[int, str] = {}
    previous: Group | None = None
    for number, group in enumerate(groups, start=1):
        group = replace(group, gap=head_gap(group, number - 1, bool(arrived)))
        label = f"Group {number} ({group.name or 'no name'})"
        if not group.name.strip():
            problems.append(f"Group {number}: give the group a name.")
        if group.gap < 0:
            problems.append(f"{label}: a gap cannot be negative.")
        elif group.gap > GAP_MAX:
            problems.append(
                f"{label}: a gap of {clock(group.gap)} is longer than a stage "
                f"({clock(GAP_MAX)} at most)."
            )
        if previous is not None and group.gap < previous.gap:
            problems.append(
                f"{label}: its gap ({clock(group.gap)}) is smaller than the gap of "
                f"the group ahead of it, {previous.name} ({clock(previous.gap)}). "
                "List the groups from the head of the race backwards."
            )
        if not group.rest and not group.bibs:
            problems.append(f"{label}: no riders (paste bibs, or tick everyone else).")
        problems += _bib_problems(label, group, known, out, arrived, seen)
        previous = group
    if sum(g.rest for g in groups) > 1:
        problems.append("Only one group can be everyone else.")
    return problems


def _bib_problems(
    label: str,
    group: Group,
    known: set[int],
    out: Mapping[int, str],
    arrived: set[int],
    seen: dict[int, str],
) -> list[str]:
    problems = []
    for bib in group.bibs:
        if bib not in known:
            problems.append(f"{label}: no rider has bib {bib} in this race.")
        elif bib in out:
            problems.append(f"{label}: bib {bib} is out of the race ({out[bib]}).")
        elif bib in arrived:
            problems.append(f"{label}: bib {bib} has already finished the stage.")
        elif bib in seen:
            problems.append(f"{label}: bib {bib} is already in {seen[bib]}.")
        else:
            seen[bib] = group.name
    return problems


def clock(seconds: int) -> str:
    """A gap as the desk writes it: ``0:45``, ``3:05``, ``1:02:00``."""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"-{text}" if seconds < 0 else text


@dataclass(frozen=True)
class Arrival:
    """A rider over the line (a provisional finisher)."""

    rider: int
    time: int
    bonus: int = 0
    penalty: int = 0


@dataclass(frozen=True)
class RoadGroup:
    """A stored group: its riders by id."""

    name: str
    gap: int
    riders: frozenset[int] = frozenset()
    rest: bool = False


@dataclass(frozen=True)
class VirtualRow:
    rider: int
    rank: int
    time: int  # GC time before the stage plus the deficit
    gap: int  # to the virtual leader
    deficit: int  # on the stage so far
    gc_rank: int | None  # before the stage
    where: str  # "finished", a group's name, or "" (not placed)


def virtual_gc(
    gc_before: Sequence[tuple[int, int]],
    groups: Sequence[RoadGroup],
    arrivals: Sequence[Arrival],
    out: Iterable[int] = (),
    bonuses: Mapping[int, int] | None = None,
) -> list[VirtualRow]:
    """The virtual GC. ``gc_before`` lists (rider, GC time) in GC order before the
    stage (every starter at 0 before stage 1); ``out`` are riders out of the race
    (before or on this stage); ``bonuses`` the seconds riders still on the road
    have won already (an arrival carries his own)."""
    bonuses = bonuses or {}
    out = set(out)
    finished = {a.rider: a for a in arrivals}
    fastest = min((a.time for a in arrivals), default=0)
    placed = {r: g for g in groups for r in g.riders}
    rest = next((g for g in groups if g.rest), None)
    last_known = max(
        [g.gap for g in groups] + [a.time - fastest for a in arrivals], default=0
    )
    rows = []
    for gc_rank, (rider, before) in enumerate(gc_before, start=1):
        if rider in out:
            continue
        if (arrival := finished.get(rider)) is not None:
            deficit = arrival.time - fastest + arrival.penalty - arrival.bonus
            where = "finished"
        elif (group := placed.get(rider, rest)) is not None:
            deficit, where = group.gap - bonuses.get(rider, 0), group.name
        else:
            deficit, where = last_known - bonuses.get(rider, 0), ""
        rows.append((before + deficit, gc_rank, rider, deficit, where))
    rows.sort()
    leader = rows[0][0] if rows else 0
    return [
        VirtualRow(rider, rank, total, total - leader, deficit, gc_rank, where)
        for rank, (total, gc_rank, rider, deficit, where) in enumerate(rows, start=1)
    ]
