"""Reads for the team pages: ORM rows in, plain rows out.

Every function runs a fixed number of queries, whatever the number of riders.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Min

from editions.models import Edition, Entry, Team
from riders.queries import Exit, exits
from stages.models import Stage, StageResult, Standing

TEAM_CODE_LENGTH = 3


def team_for(edition: Edition, code: str) -> Team | None:
    """The team at ``…/teams/<code>/`` (the UCI code, any case), or None (1 query)."""
    if len(code) != TEAM_CODE_LENGTH:
        return None
    return Team.objects.filter(edition=edition, code__iexact=code).first()


@dataclass
class TeamRow:
    team: Team
    riders: int
    still_in: int
    stage_wins: int
    rank: int | None  # team classification after the latest stage
    gap: int | None


def team_rows(edition: Edition) -> list[TeamRow]:
    """The edition's teams in start-list order (by bib), with riders, stage wins
    and team classification rank after the latest stage (3 queries)."""
    teams = (
        Team.objects.filter(edition=edition)
        .annotate(n=Count("entries"), first_bib=Min("entries__bib"))
        .order_by("first_bib", "name")
    )
    rows = list(
        StageResult.objects.filter(stage__edition=edition).values_list(
            "entry_id",
            "stage__number",
            "status",
            "stage__status",
            "entry__team_id",
            "rank",
        )
    )
    finished = {n for _, n, _, st, *_ in rows if st == Stage.Status.FINISHED}
    team_of = {e: t for e, _, _, _, t, _ in rows}
    gone = Counter(
        team_of[e] for e in exits(((e, n, s) for e, n, s, *_ in rows), finished)
    )
    wins = Counter(t for *_, t, rank in rows if rank == 1)
    latest = (
        Standing.objects.filter(stage__edition=edition, classification="teams")
        .order_by("-stage__number")
        .values_list("stage_id", flat=True)[:1]
    )
    ranks = {
        team_id: (rank, gap)
        for team_id, rank, gap in Standing.objects.filter(
            stage__in=latest, classification="teams"
        ).values_list("team_id", "rank", "gap")
    }
    for t in teams:
        t.edition = edition  # for the team links, without a query each
    return [
        TeamRow(
            team=t,
            riders=t.n,
            still_in=t.n - gone[t.pk],
            stage_wins=wins[t.pk],
            rank=ranks.get(t.pk, (None, None))[0],
            gap=ranks.get(t.pk, (None, None))[1],
        )
        for t in teams
    ]


@dataclass
class TeamRider:
    entry: Entry
    exit: Exit | None
    gc_rank: int | None  # after the latest stage he has a GC rank on


@dataclass
class TeamWin:
    stage: int
    start: str
    finish: str
    entry: Entry


@dataclass
class TeamDay:
    """The team after one stage: its team classification rank and best GC rider."""

    stage: int
    rank: int | None
    value: int | None
    gap: int | None
    best: Entry | None
    best_rank: int | None


@dataclass
class TeamPage:
    riders: list[TeamRider]
    wins: list[TeamWin]
    days: list[TeamDay]
    race_over: bool

    @property
    def best(self) -> TeamRider | None:
        """The best-placed rider on GC, among those still classified."""
        placed = [r for r in self.riders if r.gc_rank and not r.exit]
        return min(placed, key=lambda r: r.gc_rank, default=None)


def team_page(team: Team) -> TeamPage:
    """Riders, stage wins and the team's race stage by stage (4 queries)."""
    entries = {
        e.pk: e
        for e in Entry.objects.filter(team=team).select_related("rider").order_by("bib")
    }
    results = list(
        StageResult.objects.filter(entry__team=team).values_list(
            "entry_id",
            "stage__number",
            "status",
            "rank",
            "stage__start",
            "stage__finish",
        )
    )
    # Every stage of the edition: a rider whose results stop has left, and
    # once every stage is finished the riders still in have finished the race.
    stages = Stage.objects.filter(edition_id=team.edition_id).annotate(
        n=Count("results")
    )
    finished, race_over = set(), True
    for number, status, n in stages.values_list("number", "status", "n"):
        if status == Stage.Status.FINISHED and n:
            finished.add(number)
        race_over = race_over and status == Stage.Status.FINISHED
    gone = exits(((e, n, s) for e, n, s, *_ in results), finished)
    wins = sorted(
        (
            TeamWin(n, start, finish, entries[e])
            for e, n, _, rank, start, finish in results
            if rank == 1
        ),
        key=lambda w: w.stage,
    )
    team_ranks = {
        n: (rank, value, gap)
        for n, rank, value, gap in Standing.objects.filter(
            team=team, classification="teams"
        ).values_list("stage__number", "rank", "value", "gap")
    }
    best: dict[int, tuple[int, int]] = {}  # stage -> (gc rank, entry id)
    latest_gc: dict[int, tuple[int, int]] = {}  # entry -> (stage, gc rank)
    for n, rank, entry_id in Standing.objects.filter(
        team=team, classification="gc"
    ).values_list("stage__number", "rank", "entry_id"):
        best[n] = min(best.get(n, (rank, entry_id)), (rank, entry_id))
        latest_gc[entry_id] = max(latest_gc.get(entry_id, (n, rank)), (n, rank))
    days = []
    for n in sorted(set(team_ranks) | set(best)):
        rank, value, gap = team_ranks.get(n, (None, None, None))
        best_rank, best_id = best.get(n, (None, None))
        days.append(
            TeamDay(n, rank, value, gap, entries.get(best_id), best_rank),
        )
    riders = [
        TeamRider(e, gone.get(pk), latest_gc.get(pk, (None, None))[1])
        for pk, e in entries.items()
    ]
    return TeamPage(riders, wins, days, race_over=race_over and bool(finished))
