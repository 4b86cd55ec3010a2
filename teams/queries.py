"""Reads for the team pages: ORM rows in, plain rows out.

Every function runs a fixed number of queries, whatever the number of riders.
Who left the race is read as stored on each entry (``Entry.exit``, kept current by
every recompute), never derived here; "the team classification" is the registry's
``TEAMS``.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q

from editions.models import Edition, Entry, Team, edition_start
from racing import registry
from racing.standings import Exit
from stages.models import Stage, StageResult, Standing
from stages.queries.races import is_over, open_count

_GC = registry.GENERAL.key
_TEAMS = registry.TEAMS.key

TEAM_CODE_LENGTH = 3


def team_for(edition: Edition, code: str) -> Team | None:
    """The team at ``…/teams/<code>/`` (the UCI code, any case), or None (1 query)."""
    if len(code) != TEAM_CODE_LENGTH:
        return None
    return Team.objects.filter(edition=edition, code__iexact=code).first()


def other_editions(team: Team, *, drafts: bool = False) -> list[Team]:
    """The same team in the other editions: the teams with its UCI code (any
    case), each with its edition and race, newest edition first (by year, then
    by its first stage's date) (1 query). Draft editions only with ``drafts``
    (staff)."""
    teams = Team.objects.filter(code__iexact=team.code).exclude(pk=team.pk)
    if not drafts:
        teams = teams.filter(edition__published=True)
    return list(
        teams.select_related("edition__race")
        .annotate(first_day=edition_start("edition_id"))
        .order_by(
            "-edition__year",
            F("first_day").desc(nulls_last=True),
            "edition__race__name",
        )
    )


@dataclass
class TeamRow:
    team: Team
    riders: int
    still_in: int
    stage_wins: int
    rank: int | None  # team classification after the latest stage
    gap: int | None
    after: int | None = None  # that stage's number (what the row spoils)


def team_rows(edition: Edition) -> list[TeamRow]:
    """The edition's teams in start-list order (by bib), with riders, riders still
    in the race (no ``Entry.exit``), stage wins and team classification rank after
    the latest stage (3 queries)."""
    teams = (
        Team.objects.filter(edition=edition)
        .annotate(
            n=Count("entries"),
            gone=Count("entries", filter=Q(entries__exit_stage__isnull=False)),
            first_bib=Min("entries__bib"),
        )
        .order_by("first_bib", "name")
    )
    wins = Counter(
        StageResult.objects.filter(stage__edition=edition, rank=1).values_list(
            "entry__team_id", flat=True
        )
    )
    latest = (
        Standing.objects.filter(stage__edition=edition, classification=_TEAMS)
        .order_by("-stage__number")
        .values_list("stage_id", flat=True)[:1]
    )
    ranks = {
        team_id: (rank, gap, number)
        for team_id, rank, gap, number in Standing.objects.filter(
            stage__in=latest, classification=_TEAMS
        ).values_list("team_id", "rank", "gap", "stage__number")
    }
    for t in teams:
        t.edition = edition  # for the team links, without a query each
    return [
        TeamRow(
            team=t,
            riders=t.n,
            still_in=t.n - t.gone,
            stage_wins=wins[t.pk],
            rank=ranks.get(t.pk, (None, None, None))[0],
            gap=ranks.get(t.pk, (None, None, None))[1],
            after=ranks.get(t.pk, (None, None, None))[2],
        )
        for t in teams
    ]


@dataclass
class TeamRider:
    entry: Entry
    gc_rank: int | None  # after the latest stage he has a GC rank on

    @property
    def exit(self) -> Exit | None:
        """Where he left the race, as stored on his entry."""
        return self.entry.exit


@dataclass
class TeamWin:
    stage: int
    start: str
    finish: str
    entry: Entry  # the stage winner; on a team time trial, the team won
    team_time_trial: bool = False


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
    latest: int | None = None  # the edition's latest stage with results

    @property
    def best(self) -> TeamRider | None:
        """The best-placed rider on GC, among those still classified."""
        placed = [r for r in self.riders if r.gc_rank and not r.exit]
        return min(placed, key=lambda r: r.gc_rank, default=None)


def team_page(team: Team) -> TeamPage:
    """Riders (with their stored exits), stage wins and the team's race stage by
    stage (5 queries: riders, wins, stages, team ranks, GC ranks)."""
    entries = {
        e.pk: e
        for e in Entry.objects.filter(team=team).select_related("rider").order_by("bib")
    }
    wins = [
        TeamWin(n, start, finish, entries[e], kind == "ttt")
        for e, n, start, finish, kind in StageResult.objects.filter(
            entry__team=team, rank=1
        )
        .order_by("stage__number", "entry__bib")
        .values_list(
            "entry_id", "stage__number", "stage__start", "stage__finish", "stage__type"
        )
    ]
    days, latest_gc = _days(team, entries)
    riders = [
        TeamRider(e, latest_gc.get(pk, (None, None))[1]) for pk, e in entries.items()
    ]
    over, latest = _race_so_far(team.edition_id)
    return TeamPage(riders, wins, days, race_over=over, latest=latest)


def _race_so_far(edition_id: int) -> tuple[bool, int | None]:
    """Whether the race is over (every stage finished or not raced, results
    entered for at least one: then the riders still in have finished it) and the
    latest stage with results, which the page's "so far" parts spoil (1 query)."""
    stages = Stage.objects.filter(edition_id=edition_id).annotate(n=Count("results"))
    rows = list(stages.values_list("number", "status", "n"))
    latest = max((number for number, _, n in rows if n), default=None)
    return is_over(open_count(status for _, status, _ in rows), latest), latest


def _days(
    team: Team, entries: dict[int, Entry]
) -> tuple[list[TeamDay], dict[int, tuple[int, int]]]:
    """The team after each stage (its team classification rank and its best rider
    on GC), and each rider's latest ``(stage, GC rank)`` (2 queries)."""
    team_ranks = {
        n: (rank, value, gap)
        for n, rank, value, gap in Standing.objects.filter(
            team=team, classification=_TEAMS
        ).values_list("stage__number", "rank", "value", "gap")
    }
    best: dict[int, tuple[int, int]] = {}  # stage -> (gc rank, entry id)
    latest_gc: dict[int, tuple[int, int]] = {}  # entry -> (stage, gc rank)
    for n, rank, entry_id in Standing.objects.filter(
        team=team, classification=_GC
    ).values_list("stage__number", "rank", "entry_id"):
        best[n] = min(best.get(n, (rank, entry_id)), (rank, entry_id))
        latest_gc[entry_id] = max(latest_gc.get(entry_id, (n, rank)), (n, rank))
    days = []
    for n in sorted(set(team_ranks) | set(best)):
        rank, value, gap = team_ranks.get(n, (None, None, None))
        best_rank, best_id = best.get(n, (None, None))
        days.append(TeamDay(n, rank, value, gap, entries.get(best_id), best_rank))
    return days, latest_gc
