"""Reads for the home, edition and stage pages around the tables: the stage or
edition of a URL, the editions, the leaders, the GC gaps and the race reports.

Each function runs a fixed number of queries (stated in its docstring), whatever
the number of riders.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, Max, Min, OuterRef, Q

from editions.models import Edition, Team
from racing import registry
from stages.models import Stage, StageResult, Standing
from stages.queries.results import RESULT_FIELDS, result_row, team_time_trial
from stages.queries.rows import (
    RIDER_FIELDS,
    TEAM_FIELDS,
    RiderRef,
    Row,
    TeamRef,
    TeamResult,
    rider_ref,
)

# Larger numbers in a URL are no stage or year (and overflow SQLite's integers).
URL_INT_MAX = 32767

_GC = registry.GENERAL.key
NOT_RACED = Stage.Status.CANCELLED
# The statuses of a stage that will get no other result (finished, not raced).
OVER_STATUSES = frozenset({Stage.Status.FINISHED, NOT_RACED})


def stage_of(
    race: str, year: int, number: int, *, drafts: bool = False
) -> Stage | None:
    """The stage with its edition and race, or None (1 query). A draft edition's
    stage only with ``drafts`` (staff)."""
    if max(year, number) > URL_INT_MAX:
        return None
    stages = Stage.objects.select_related("edition__race")
    if not drafts:
        stages = stages.filter(edition__published=True)
    return stages.filter(
        edition__race__slug=race, edition__year=year, number=number
    ).first()


def edition_of(race: str, year: int, *, drafts: bool = False) -> Edition | None:
    """The edition with its race, or None (1 query). A draft only with ``drafts``
    (staff)."""
    if year > URL_INT_MAX:
        return None
    editions = Edition.objects.select_related("race")
    if not drafts:
        editions = editions.published()
    return editions.filter(race__slug=race, year=year).first()


def team_codes(race: str, year: int) -> frozenset[str]:
    """The codes of the edition's teams (1 query; empty for no such edition)."""
    if year > URL_INT_MAX:
        return frozenset()
    return frozenset(
        Team.objects.filter(edition__race__slug=race, edition__year=year).values_list(
            "code", flat=True
        )
    )


# Home and edition pages -------------------------------------------------------

_has_results = Exists(StageResult.objects.filter(stage=OuterRef("pk")))


def latest_stage_with_results() -> Stage | None:
    """The most recent stage (by date) that has results, with its edition: the
    home page's current race (1 query)."""
    return (
        Stage.objects.select_related("edition__race")
        .filter(_has_results, edition__published=True)
        .order_by("-date", "-number")
        .first()
    )


def latest_stage_number(edition: Edition) -> int | None:
    """The number of the edition's last stage with results (1 query): what a page
    listing exits or standings "so far" spoils in spoiler-free mode."""
    return (
        Stage.objects.filter(_has_results, edition=edition)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def next_stage(edition: Edition, after: int) -> Stage | None:
    """The first stage after number ``after`` still to be raced: without results
    and not cancelled (a stage not raced never comes), with its edition and race
    (1 query)."""
    return (
        Stage.objects.select_related("edition__race")
        .filter(edition=edition, number__gt=after)
        .exclude(_has_results)
        .exclude(status=NOT_RACED)
        .order_by("number")
        .first()
    )


def is_over(open_stages: int, after: int | None) -> bool:
    """Whether an edition is over: it has standings (after stage ``after``) and
    none of its stages is still open (``open_stages``: stages neither finished
    nor marked not raced, counted by ``EDITION_SPAN`` or :func:`open_count`). A
    stage not raced at the end (the Vuelta 2025's 21st) leaves the standings
    after the stage before final; a live last stage does not."""
    return after is not None and open_stages == 0


def open_count(statuses: Iterable[str]) -> int:
    """How many of these stage statuses are still open (see :func:`is_over`)."""
    return sum(1 for status in statuses if status not in OVER_STATUSES)


@dataclass(slots=True)
class EditionCard:
    edition: Edition
    first_day: date | None = None
    last_day: date | None = None
    stages: int = 0
    leader: RiderRef | None = None
    leader_after: int | None = None  # the stage after which he leads
    finished: bool = False
    open_stages: int = 0  # neither finished nor not raced (``is_over``)


# An edition's dates, number of stages and stages still open (``is_over``).
EDITION_SPAN = {
    "first_day": Min("stages__date"),
    "last_day": Max("stages__date"),
    "stage_count": Max("stages__number"),
    "open_stages": Count("stages", filter=~Q(stages__status__in=OVER_STATUSES)),
}


def edition_cards() -> list[EditionCard]:
    """Every published edition, newest year first and in calendar order within a
    year, with its dates and its current or final GC leader (2 queries)."""
    editions = Edition.objects.published().select_related("race")
    editions = editions.annotate(**EDITION_SPAN)
    cards = {
        e.pk: EditionCard(
            e, e.first_day, e.last_day, e.stage_count or 0, open_stages=e.open_stages
        )
        for e in editions
    }
    # Rank-1 GC rows of every stage, in stage order: the last one per edition wins.
    for edition_id, number, *rider in (
        Standing.objects.filter(
            classification=_GC, rank=1, stage__edition__published=True
        )
        .order_by("stage__number")
        .values_list("stage__edition_id", "stage__number", *RIDER_FIELDS[2:])
    ):
        card = cards[edition_id]
        card.leader = RiderRef(*rider)
        card.leader_after = number
        card.finished = is_over(card.open_stages, number)
    return sorted(
        cards.values(),
        key=lambda c: (-c.edition.year, c.first_day is None, c.first_day),
    )


@dataclass(slots=True)
class StageLine:
    """A stage on the edition page: the stage, its winner (a rider, or on a team
    time trial a team: ``winning_team``) and the GC leader."""

    stage: Stage
    winner: Row | None = None
    leader: Row | None = None
    winning_team: TeamResult | None = None


def edition_stage_lines(edition: Edition) -> list[StageLine]:
    """Every stage of the edition with its winner and the GC leader after it
    (3 queries). A team time trial is won by the first team of
    ``team_time_trial``, which reads every rider of that stage."""
    lines = {
        s.pk: StageLine(s)
        for s in Stage.objects.filter(edition=edition)
        .select_related("edition__race")
        .order_by("number")
    }
    team_trials: dict[int, list[Row]] = defaultdict(list)
    for stage_id, kind, *values in StageResult.objects.filter(
        Q(rank=1) | Q(stage__type=Stage.Type.TTT), stage__edition=edition
    ).values_list("stage_id", "stage__type", *RESULT_FIELDS):
        if kind == Stage.Type.TTT:
            team_trials[stage_id].append(result_row(values))
        else:
            lines[stage_id].winner = result_row(values)
    for stage_id, rows in team_trials.items():
        first = next(iter(team_time_trial(rows)), None)
        if first is not None and first.rank == 1:
            lines[stage_id].winning_team = first
    for stage_id, *values in Standing.objects.filter(
        stage__edition=edition, classification=_GC, rank=1
    ).values_list("stage_id", *RIDER_FIELDS, *TEAM_FIELDS):
        lines[stage_id].leader = _first(values)
    return list(lines.values())


def _first(values: list) -> Row:
    """A rank-1 rider's row from the values of ``RIDER_FIELDS`` and a team's."""
    entry_id, bib, rider = rider_ref(tuple(values[:6]))
    return Row(
        rank=1, team=TeamRef(*values[6:9]), entry_id=entry_id, bib=bib, rider=rider
    )


@dataclass(frozen=True, slots=True)
class Leader:
    """The leader of a classification (a rider's row, or a team's) with the
    classification, whose fields say how to show him (jersey, points or time)."""

    table: registry.Table
    row: Row


def leaders(
    edition: Edition, *, stage_number: int | None = None
) -> tuple[int | None, dict[str, Leader]]:
    """The leader of each classification after the last stage with standings, or
    after stage ``stage_number`` (a stage page's jersey wearers): (that stage's
    number, classification key -> leader, in registry order) (1 query)."""
    last = (
        Standing.objects.filter(stage__edition=edition)
        .order_by("-stage__number")
        .values("stage__number")[:1]
    )
    if stage_number is not None:
        last = stage_number
    found: dict[str, Row] = {}
    after: int | None = None
    for classification, number, *values in Standing.objects.filter(
        stage__edition=edition, rank=1, stage__number=last
    ).values_list("classification", "stage__number", *LEADER_FIELDS):
        after = number
        found[classification] = leader_row(values)
    return after, {
        c.key: Leader(c, found[c.key])
        for c in registry.CLASSIFICATIONS
        if c.key in found
    }


# ``values_list`` columns of a leader's row (``leader_row``).
LEADER_FIELDS = (*RIDER_FIELDS, *TEAM_FIELDS, "value")


def leader_row(values: tuple | list) -> Row:
    """A rank-1 row (a rider's, or a team's) from the values of
    ``LEADER_FIELDS``."""
    row = Row(rank=1, team=TeamRef(*values[6:9]), value=values[9])
    if values[0] is not None:
        row.entry_id, row.bib, row.rider = rider_ref(tuple(values[:6]))
    return row


@dataclass(slots=True)
class GapSeries:
    """One rider's GC gap to the leader after each stage (None: not ranked)."""

    rider: RiderRef
    final_rank: int
    gaps: dict[int, int] = field(default_factory=dict)
    cells: list[int | None] = field(default_factory=list)  # aligned to the stages

    @property
    def label(self) -> str:
        """``3. A. YATES``: the initial tells the Yates twins apart."""
        r = self.rider
        return f"{self.final_rank}. {r.given_name[:1]}. {r.family_name.upper()}"

    @property
    def final_gap(self) -> int | None:
        return self.gaps[max(self.gaps)] if self.gaps else None


def gc_gap_series(edition: Edition, *, top: int = 10) -> list[GapSeries]:
    """The GC gaps, stage by stage, of the top ``top`` of the last GC (1 query)."""
    gc = Standing.objects.filter(stage__edition=edition, classification=_GC)
    last = gc.order_by("-stage__number").values("stage__number")[:1]
    top_entries = gc.filter(stage__number=last, rank__lte=top).values("entry_id")
    series: dict[int, GapSeries] = {}
    final: dict[int, int] = {}
    for entry_id, number, rank, gap, *rider in (
        gc.filter(entry_id__in=top_entries)
        .order_by("stage__number")
        .values_list("entry_id", "stage__number", "rank", "gap", *RIDER_FIELDS[2:])
    ):
        if entry_id not in series:
            series[entry_id] = GapSeries(RiderRef(*rider), 0)
        series[entry_id].gaps[number] = gap
        final[entry_id] = rank
    numbers = sorted({n for s in series.values() for n in s.gaps})
    for entry_id, s in series.items():
        s.final_rank = final[entry_id]
        s.cells = [s.gaps.get(n) for n in numbers]
    return sorted(series.values(), key=lambda s: s.final_rank)
