"""Reads for the rider pages (profile, start list, search): ORM rows in, plain rows out.

Every function runs a fixed number of queries, whatever the number of riders.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Prefetch, Q
from django.utils.text import slugify

from editions.models import Edition, Entry, Rider, Team
from riders import charts
from stages.models import Jersey, Stage, StageResult, Standing

OUT_STATUSES = {"DNF", "DNS", "DSQ"}
JERSEY_ORDER = ("gc", "points", "mountains", "youth")
SEARCH_MAX_CHARS = 80
SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 25


# Who left the race ---------------------------------------------------------


@dataclass(frozen=True)
class Exit:
    """The stage on which a rider left the race. ``status`` is DNF, DNS, OTL or DSQ,
    or "" when his results simply stop (no row on a finished stage)."""

    stage: int
    status: str


def exits(
    rows: Iterable[tuple[int, int, str]], finished: Iterable[int]
) -> dict[int, Exit]:
    """Who left the race and where, from ``(entry_id, stage, status)`` rows and the
    numbers of the finished stages that have results.

    A rider is out from his first DNF, DNS or DSQ; from an OTL after which he has no
    result (an OTL rider the jury reinstated has results on later stages); or from
    the first finished stage after his first result on which he has no row at all.
    A stage still being entered (not finished) never counts as a missing row.
    """
    by_entry: dict[int, dict[int, str]] = defaultdict(dict)
    for entry_id, stage, status in rows:
        by_entry[entry_id][stage] = status
    finished = set(finished)
    out = {}
    for entry_id, results in by_entry.items():
        first, last = min(results), max(results)
        for stage in sorted(n for n in finished | set(results) if n >= first):
            status = results.get(stage)
            if status is None:
                out[entry_id] = Exit(stage, "")
                break
            if status in OUT_STATUSES or (status == "OTL" and stage == last):
                out[entry_id] = Exit(stage, status)
                break
    return out


def exits_of(edition: Edition, **filters) -> dict[int, Exit]:
    """Exits of an edition's riders, keyed by entry id (1 query)."""
    rows = list(
        StageResult.objects.filter(stage__edition=edition, **filters).values_list(
            "entry_id", "stage__number", "status", "stage__status"
        )
    )
    finished = {n for _, n, _, st in rows if st == Stage.Status.FINISHED}
    return exits(((e, n, s) for e, n, s, _ in rows), finished)


# Start list ----------------------------------------------------------------


@dataclass
class StartListRider:
    entry: Entry
    exit: Exit | None


@dataclass
class StartListTeam:
    team: Team
    riders: list[StartListRider] = field(default_factory=list)


def start_list(edition: Edition) -> tuple[list[StartListTeam], list[StartListRider]]:
    """Teams in start-list order with their riders by bib, and the riders who left
    the race by stage (2 queries)."""
    gone = exits_of(edition)
    teams: dict[int, StartListTeam] = {}
    for entry in (
        Entry.objects.filter(edition=edition)
        .select_related("rider", "team")
        .order_by("bib")
    ):
        entry.team.edition = edition  # for the team links, without a query each
        row = StartListRider(entry, gone.get(entry.pk))
        teams.setdefault(entry.team_id, StartListTeam(entry.team)).riders.append(row)
    riders = [r for t in teams.values() for r in t.riders]
    left = sorted(
        (r for r in riders if r.exit), key=lambda r: (r.exit.stage, r.entry.bib)
    )
    return list(teams.values()), left


# Rider profile -------------------------------------------------------------


@dataclass
class StageLine:
    """One stage of one rider's race."""

    number: int
    date: date
    start: str
    finish: str
    type: str
    rank: int | None
    status: str
    time_s: int | None
    gap_s: int | None  # behind the stage winner; None for the winner himself
    gc_rank: int | None
    wearing: list[str]  # jerseys worn on this stage (won on the stage before)

    @property
    def won(self) -> bool:
        return self.rank == 1


@dataclass
class JerseyDays:
    classification: str
    days: int
    first: int  # first stage worn
    last: int


@dataclass
class EditionRide:
    entry: Entry
    lines: list[StageLine]
    jerseys: list[JerseyDays]
    latest: dict[str, int]  # rank in each classification after his last stage
    latest_stage: int | None
    exit: Exit | None
    first_date: date | None
    stage_count: int

    @property
    def wins(self) -> list[StageLine]:
        return [line for line in self.lines if line.won]

    @cached_property
    def chart(self) -> charts.RankChart | None:
        """His GC rank after each stage, as chart geometry."""
        points = [(ln.number, ln.gc_rank) for ln in self.lines if ln.gc_rank]
        return charts.rank_chart(points, self.stage_count)

    @property
    def age_at_start(self) -> int | None:
        if self.first_date is None:
            return None
        return age_on(self.entry.rider.birth_date, self.first_date)


def age_on(born: date | None, day: date) -> int | None:
    """Age in whole years on ``day``."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def rider_by_slug(slug: str) -> Rider | None:
    return Rider.objects.filter(slug=slug).first()


def rides_of(rider: Rider) -> list[EditionRide]:
    """Every edition the rider started, newest first (6 queries).

    Jersey convention: a ``Jersey`` row on stage N names who wears that jersey on
    stage N + 1 (the standings after stage N decide it; RULES.md section 9). So a
    rider's days in a jersey are the stages he started wearing it, and the row
    after an edition's last stage counts no day.
    """
    entries = list(
        Entry.objects.filter(rider=rider).select_related("edition__race", "team")
    )
    if not entries:
        return []
    for entry in entries:
        # Known already: no query per edition for names and team links.
        entry.rider = rider
        entry.team.edition = entry.edition
    edition_ids = [e.edition_id for e in entries]
    stages = {
        s["pk"]: s
        for s in Stage.objects.filter(edition__in=edition_ids).values(
            "pk", "edition_id", "number", "date", "start", "finish", "type", "status"
        )
    }
    results = list(
        StageResult.objects.filter(entry__in=entries).values_list(
            "entry_id", "stage_id", "rank", "status", "time_s"
        )
    )
    winner_times = dict(
        StageResult.objects.filter(stage__edition__in=edition_ids, rank=1).values_list(
            "stage_id", "time_s"
        )
    )
    ranks: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for entry_id, stage_id, cls, rank in Standing.objects.filter(
        entry__in=entries, classification__in=JERSEY_ORDER
    ).values_list("entry_id", "stage_id", "classification", "rank"):
        ranks[entry_id, stage_id][cls] = rank
    worn: dict[tuple[int, int], list[str]] = defaultdict(list)  # (edition, stage no.)
    jersey_rows = Jersey.objects.filter(entry__in=entries).values_list(
        "stage_id", "classification"
    )
    for stage_id, cls in jersey_rows:
        s = stages[stage_id]
        worn[s["edition_id"], s["number"] + 1].append(cls)

    by_entry: dict[int, list] = defaultdict(list)
    for row in results:
        by_entry[row[0]].append(row)
    last_stage = defaultdict(int)
    first_date: dict[int, date] = {}
    # Finished stages with results: a rider with no row on one has left the race.
    finished: dict[int, set[int]] = defaultdict(set)
    for pk, s in stages.items():
        if s["status"] == Stage.Status.FINISHED and pk in winner_times:
            finished[s["edition_id"]].add(s["number"])
    for s in stages.values():
        last_stage[s["edition_id"]] = max(last_stage[s["edition_id"]], s["number"])
        if s["edition_id"] not in first_date or s["date"] < first_date[s["edition_id"]]:
            first_date[s["edition_id"]] = s["date"]
    rides = []
    for entry in entries:
        lines = []
        for _, stage_id, rank, status, time_s in by_entry[entry.pk]:
            s = stages[stage_id]
            winner = winner_times.get(stage_id)
            gap_s = None
            if rank != 1 and time_s is not None and winner is not None:
                gap_s = time_s - winner
            lines.append(
                StageLine(
                    number=s["number"],
                    date=s["date"],
                    start=s["start"],
                    finish=s["finish"],
                    type=s["type"],
                    rank=rank,
                    status=status,
                    time_s=time_s,
                    gap_s=gap_s,
                    gc_rank=ranks[entry.pk, stage_id].get("gc"),
                    wearing=sorted(
                        worn.get((entry.edition_id, s["number"]), []),
                        key=JERSEY_ORDER.index,
                    ),
                )
            )
        lines.sort(key=lambda ln: ln.number)
        latest_stage = next((ln.number for ln in reversed(lines) if ln.gc_rank), None)
        latest = _latest_ranks(lines, ranks, entry, stages) if latest_stage else {}
        rides.append(
            EditionRide(
                entry=entry,
                lines=lines,
                jerseys=_jersey_days(lines),
                latest=latest,
                latest_stage=latest_stage,
                exit=exits(
                    ((entry.pk, ln.number, ln.status) for ln in lines),
                    finished[entry.edition_id],
                ).get(entry.pk),
                first_date=first_date.get(entry.edition_id),
                stage_count=last_stage[entry.edition_id],
            )
        )
    rides.sort(key=lambda r: (r.first_date or date.min, r.entry.pk), reverse=True)
    return rides


def _jersey_days(lines: list[StageLine]) -> list[JerseyDays]:
    days: dict[str, JerseyDays] = {}
    for line in lines:
        for cls in line.wearing:
            if cls in days:
                days[cls].days += 1
                days[cls].last = line.number
            else:
                days[cls] = JerseyDays(cls, 1, line.number, line.number)
    return [days[c] for c in JERSEY_ORDER if c in days]


def _latest_ranks(lines, ranks, entry, stages) -> dict[str, int]:
    by_number = {
        s["number"]: pk
        for pk, s in stages.items()
        if s["edition_id"] == entry.edition_id
    }
    for line in reversed(lines):
        found = ranks.get((entry.pk, by_number[line.number]))
        if found:
            return {c: found[c] for c in JERSEY_ORDER if c in found}
    return {}


# Search --------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """What a visitor typed, made safe to search: printable characters only
    (no NUL bytes, which PostgreSQL refuses), spaces collapsed, length capped."""
    text = "".join(ch if ch.isprintable() else " " for ch in (raw or ""))
    return " ".join(text.split())[:SEARCH_MAX_CHARS]


@dataclass
class SearchResults:
    query: str
    riders: list[Rider]
    teams: list[Team]

    @property
    def searched(self) -> bool:
        return len(self.query) >= SEARCH_MIN_CHARS

    @property
    def count(self) -> int:
        return len(self.riders) + len(self.teams)


def search(query: str) -> SearchResults:
    """Riders and teams whose names contain every word typed, accents ignored:
    ``pogacar`` finds Pogačar (3 queries; none for a query too short to search)."""
    words = [w for w in slugify(query).split("-") if w]
    if len(query) < SEARCH_MIN_CHARS or not words:
        return SearchResults(query, [], [])
    rider_q = Q()
    for word in words:
        rider_q &= Q(slug__contains=word)
    riders = list(
        Rider.objects.filter(rider_q | Q(family_name__icontains=query))
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=Entry.objects.select_related("edition__race", "team"),
            )
        )
        .order_by("family_name", "given_name")[:SEARCH_LIMIT]
    )
    team_q = Q(name__icontains=query)
    if len(query) == 3:
        team_q |= Q(code__iexact=query)
    words_q = Q()
    for word in words:
        words_q &= Q(name__icontains=word)
    teams = list(
        Team.objects.filter(team_q | words_q)
        .select_related("edition__race")
        .order_by("name", "-edition__year", "edition__race__name")[:SEARCH_LIMIT]
    )
    return SearchResults(query, riders, teams)
