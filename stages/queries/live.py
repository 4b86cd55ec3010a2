"""Reads for the live panel: the race situation, the ticker and the virtual GC
(each a fixed number of queries, whatever the field)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from editions.models import Entry
from live.models import RaceSituation, RoadGroup, TickerEntry
from racing import live
from racing.standings import OUT_STATUSES
from stages.models import Stage, StageResult
from stages.queries.results import jerseys_after, stage_awards, standing_rows
from stages.queries.rows import RIDER_FIELDS, TEAM_FIELDS_ENTRY, Row, TeamRef, rider_ref

TICKER_SHOWN = 30


@dataclass
class GroupLine:
    name: str
    gap: int
    rest: bool
    riders: list[Row] = field(default_factory=list)
    count: int = 0  # riders in it (for "everyone else": all the others)


@dataclass
class Situation:
    km_to_go: Decimal | None = None
    updated_at: datetime | None = None
    groups: list[GroupLine] = field(default_factory=list)


def _rider_row(values: Sequence) -> Row:
    """A row of a rider from ``RIDER_FIELDS + TEAM_FIELDS_ENTRY`` values."""
    entry_id, bib, rider = rider_ref(values[:6])
    return Row(None, TeamRef(*values[6:9]), entry_id=entry_id, bib=bib, rider=rider)


def situation(stage: Stage) -> Situation:
    """Km to go and the groups on the road with their riders (3 queries)."""
    stored = RaceSituation.objects.filter(stage=stage).first()
    if stored is None:
        return Situation()
    groups = list(RoadGroup.objects.filter(situation=stored).order_by("position"))
    members = RoadGroup.riders.through.objects.filter(
        roadgroup__situation=stored
    ).values_list("roadgroup_id", *RIDER_FIELDS, *TEAM_FIELDS_ENTRY)
    by_group: dict[int, list[Row]] = {g.pk: [] for g in groups}
    for group_id, *values in members.order_by("entry__bib"):
        by_group[group_id].append(_rider_row(values))
    lines = [
        GroupLine(g.name, g.gap_s, g.rest, by_group[g.pk], len(by_group[g.pk]))
        for g in groups
    ]
    return Situation(stored.km_to_go, stored.updated_at, lines)


def ticker(stage: Stage, limit: int | None = TICKER_SHOWN) -> list[TickerEntry]:
    """The newest ticker entries first (at most ``limit``), with their stage and
    riders (2 queries)."""
    entries = TickerEntry.objects.filter(stage=stage).order_by("-at", "-pk")
    entries = entries.select_related("stage__edition__race")
    return list(entries.prefetch_related("riders__rider")[:limit])


@dataclass
class VirtualLine:
    row: Row  # rank: virtual; value: virtual GC time; previous_rank: GC before
    deficit: int
    where: str


def _starters(stage: Stage) -> list[Row]:
    """Every rider of the race in bib order, as GC rows at 0 (1 query): the GC
    "before" stage 1."""
    entries = Entry.objects.filter(edition_id=stage.edition_id).order_by("bib")
    fields = ("pk", *(f.removeprefix("entry__") for f in RIDER_FIELDS[1:]))
    team = tuple(f.removeprefix("entry__") for f in TEAM_FIELDS_ENTRY)
    rows = [_rider_row(values) for values in entries.values_list(*fields, *team)]
    for row in rows:
        row.value = 0
    return rows


def _gc_before(stage: Stage) -> list[Row]:
    if stage.number <= 1:
        return _starters(stage)
    previous = (
        Stage.objects.filter(edition_id=stage.edition_id, number__lt=stage.number)
        .order_by("-number")
        .first()
    )
    return standing_rows(previous, "gc") if previous else _starters(stage)


def virtual_gc(stage: Stage, where: Situation) -> list[VirtualLine]:
    """The virtual GC of a live stage (6 queries and the situation's): the GC
    before the stage plus each rider's deficit on the road (``racing.live``),
    bonuses as the rules give them for the finish and the crossings so far (a
    bonus the desk entered with an arrival wins)."""
    before = _gc_before(stage)
    results = list(
        StageResult.objects.filter(stage=stage).values_list(
            "entry_id", "status", "rank", "time_s", "bonus", "penalty"
        )
    )
    nobody = TeamRef("", "")
    awards = stage_awards(
        stage,
        [Row(rank, nobody, time_s, entry_id=entry_id, status=status)
         for entry_id, status, rank, time_s, _, _ in results],
    )  # fmt: skip
    won = {rider: award.bonus for rider, award in awards.items()}
    arrivals, out = [], set()
    for entry_id, status, _, time_s, bonus, penalty in results:
        if status in OUT_STATUSES or (status != "OK" and time_s is None):
            out.add(entry_id)
        elif time_s is not None:
            known = won.get(entry_id, 0) if bonus is None else bonus
            arrivals.append(live.Arrival(entry_id, time_s, known, penalty))
    groups = [
        live.RoadGroup(g.name, g.gap, frozenset(r.entry_id for r in g.riders), g.rest)
        for g in where.groups
    ]
    gc = [(r.entry_id, r.value or 0) for r in before if r.entry_id is not None]
    by_id = {r.entry_id: r for r in before}
    worn = jerseys_after(stage.edition, stage.number - 1)
    lines = []
    for v in live.virtual_gc(gc, groups, arrivals, out, won):
        base = by_id[v.rider]
        row = Row(
            rank=v.rank, team=base.team, value=v.time, gap=v.gap,
            entry_id=v.rider, bib=base.bib, rider=base.rider,
            previous_rank=v.gc_rank if stage.number > 1 else None,
            jerseys=worn.get(v.rider, []),
        )  # fmt: skip
        lines.append(VirtualLine(row, v.deficit, v.where))
    return lines
