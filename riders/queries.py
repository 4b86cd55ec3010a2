"""Reads for the rider pages (profile, start list): ORM rows in, plain rows out.
The search lives in ``riders.search``.

Every function runs a fixed number of queries, whatever the number of riders.
Who left the race is read as stored on each entry (``Entry.exit``, kept current by
every recompute), never derived here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Exists, OuterRef

from editions.models import Edition, Entry, Rider, Team
from racing import registry
from racing.standings import Exit
from riders import charts
from riders.scored import Scored
from stages.models import Checkpoint, Jersey, Stage, StageResult, Standing
from stages.queries.races import is_over, open_count

# Start list ----------------------------------------------------------------


@dataclass
class StartListTeam:
    team: Team
    riders: list[Entry] = field(default_factory=list)  # by bib


def start_list(edition: Edition) -> tuple[list[StartListTeam], list[Entry]]:
    """Teams in start-list order with their riders by bib, and the riders who left
    the race by stage (``Entry.exit``) (1 query)."""
    teams: dict[int, StartListTeam] = {}
    for entry in (
        Entry.objects.filter(edition=edition)
        .select_related("rider", "team")
        .order_by("bib")
    ):
        entry.team.edition = edition  # for the team links, without a query each
        teams.setdefault(entry.team_id, StartListTeam(entry.team)).riders.append(entry)
    riders = [r for t in teams.values() for r in t.riders]
    left = sorted(
        (r for r in riders if r.exit_stage is not None),
        key=lambda r: (r.exit_stage, r.bib),
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
    absent: bool = False  # a stage raced after he left: no result of his

    @property
    def won(self) -> bool:
        """A stage win of his own: a team time trial is his team's win."""
        return self.rank == 1 and self.type != "ttt"


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
    absences: list[StageLine]  # the stages with results he has none on
    jerseys: list[JerseyDays]
    latest: dict[str, int]  # rank in each classification after his last stage
    latest_stage: int | None
    last_stage: int | None  # the edition's latest stage with results
    first_date: date | None
    stage_count: int
    # Every stage finished or not raced: the ranks after his last stage are final.
    race_over: bool = False
    # Where he scored at checkpoints (``riders.scored``; None: the edition has
    # none). Set by the rider page.
    scored: Scored | None = None

    @property
    def scored_stage(self) -> int | None:
        """The stage that marks his "Climbs and sprints" (spoilers): the later
        of the edition's latest stage with results and his latest crossing's
        stage (crossings may come before their stage's results); None when
        neither exists."""
        stages = [self.last_stage, self.scored.last_stage if self.scored else None]
        return max((s for s in stages if s is not None), default=None)

    @property
    def exit(self) -> Exit | None:
        """Where he left the race, as stored on his entry."""
        return self.entry.exit

    @property
    def anchor(self) -> str:
        """The id of the edition's section of the rider page:
        ``tour-de-france-2023``."""
        edition = self.entry.edition
        return f"{edition.race.slug}-{edition.year}"

    @property
    def stages(self) -> list[StageLine]:
        """Every stage of the edition with results, his or (after he left) none:
        the same rows for every rider, so in spoiler-free mode what is hidden
        tells nobody who left when."""
        return sorted(self.lines + self.absences, key=lambda ln: ln.number)

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


# A rider on the start list of a published edition.
_rides_public = Exists(
    Entry.objects.filter(rider=OuterRef("pk"), edition__published=True)
)


def rider_by_slug(slug: str, *, drafts: bool = False) -> Rider | None:
    """The rider of a URL (1 query). Without ``drafts`` (staff), only a rider on
    the start list of a published edition: a rider entered only in a draft (or
    left without a race by a draft's edit) would announce a start list early."""
    riders = Rider.objects.filter(slug=slug)
    if not drafts:
        riders = riders.filter(_rides_public)
    return riders.first()


# An edition with sprints, climbs or bonus points.
_has_checkpoints = Exists(Checkpoint.objects.filter(stage__edition=OuterRef("edition")))

# A stage with results (what spoiler-free markers count up to).
_has_results = Exists(StageResult.objects.filter(stage=OuterRef("pk")))


@dataclass
class _Reads:
    """What ``rides_of`` reads once for all the rider's editions."""

    stages: dict[int, dict]  # stage pk -> its values
    results: dict[int, list[tuple]]  # entry -> (stage pk, rank, status, time_s)
    winner_times: dict[int, int | None]  # stage pk -> the stage winner's time
    ranks: dict[tuple[int, int], dict[str, int]]  # (entry, stage no.) -> ranks
    worn: dict[tuple[int, int], list[str]]  # (edition, stage no.) -> his jerseys

    def edition_stages(self, edition_id: int) -> list[dict]:
        return [s for s in self.stages.values() if s["edition_id"] == edition_id]


def rides_of(rider: Rider, *, drafts: bool = False) -> list[EditionRide]:
    """Every edition the rider started, newest first (6 queries: entries, stages,
    his results, stage winners, his ranks, his jerseys; 1 if he started none).

    Jersey convention: a ``Jersey`` row on stage N names who wears that jersey on
    stage N + 1 (the standings after stage N decide it; RULES.md section 9). So a
    rider's days in a jersey are the stages he started wearing it, and the row
    after an edition's last stage counts no day. Draft editions only with
    ``drafts`` (staff).
    """
    entries = Entry.objects.filter(rider=rider)
    if not drafts:
        entries = entries.filter(edition__published=True)
    # Whether the edition has checkpoints (``has_checkpoints``), for
    # ``riders.scored`` (no query more).
    entries = list(
        entries.select_related("edition__race", "team").annotate(
            has_checkpoints=_has_checkpoints
        )
    )
    if not entries:
        return []
    for entry in entries:
        # Known already: no query per edition for names and team links.
        entry.rider = rider
        entry.team.edition = entry.edition
    reads = _read(entries)
    rides = [_ride(entry, reads) for entry in entries]
    rides.sort(key=lambda r: (r.first_date or date.min, r.entry.pk), reverse=True)
    return rides


def _read(entries: list[Entry]) -> _Reads:
    """The stages of the entries' editions, his results, the stage winners' times,
    his ranks in the individual classifications and his jerseys (5 queries)."""
    edition_ids = [e.edition_id for e in entries]
    stages = {
        s["pk"]: s
        for s in Stage.objects.filter(edition__in=edition_ids)
        .annotate(has_results=_has_results)
        .values(
            "pk",
            "edition_id",
            "number",
            "date",
            "start",
            "finish",
            "type",
            "status",
            "has_results",
        )
    }
    results: dict[int, list[tuple]] = defaultdict(list)
    for entry_id, *row in StageResult.objects.filter(entry__in=entries).values_list(
        "entry_id", "stage_id", "rank", "status", "time_s"
    ):
        results[entry_id].append(tuple(row))
    winner_times = dict(
        StageResult.objects.filter(stage__edition__in=edition_ids, rank=1).values_list(
            "stage_id", "time_s"
        )
    )
    ranks: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for entry_id, stage_id, cls, rank in Standing.objects.filter(
        entry__in=entries, classification__in=registry.INDIVIDUAL_KEYS
    ).values_list("entry_id", "stage_id", "classification", "rank"):
        ranks[entry_id, stages[stage_id]["number"]][cls] = rank
    worn: dict[tuple[int, int], list[str]] = defaultdict(list)
    for stage_id, cls in Jersey.objects.filter(entry__in=entries).values_list(
        "stage_id", "classification"
    ):
        s = stages[stage_id]
        worn[s["edition_id"], s["number"] + 1].append(cls)
    return _Reads(stages, results, winner_times, ranks, worn)


def _ride(entry: Entry, reads: _Reads) -> EditionRide:
    """One edition of the rider's, from what ``_read`` found (no query)."""
    lines = sorted(
        (_line(entry, reads, *result) for result in reads.results[entry.pk]),
        key=lambda ln: ln.number,
    )
    latest_stage = next((ln.number for ln in reversed(lines) if ln.gc_rank), None)
    stages = reads.edition_stages(entry.edition_id)
    raced = sorted((s for s in stages if s["has_results"]), key=lambda s: s["number"])
    his = {ln.number for ln in lines}
    return EditionRide(
        entry=entry,
        lines=lines,
        absences=[_absent(s) for s in raced if s["number"] not in his],
        jerseys=_jersey_days(lines),
        latest=_latest_ranks(entry, lines, reads) if latest_stage else {},
        latest_stage=latest_stage,
        last_stage=raced[-1]["number"] if raced else None,
        first_date=min((s["date"] for s in stages), default=None),
        stage_count=max((s["number"] for s in stages), default=0),
        race_over=is_over(
            open_count(s["status"] for s in stages),
            raced[-1]["number"] if raced else None,
        ),
    )


def _latest_ranks(
    entry: Entry, lines: list[StageLine], reads: _Reads
) -> dict[str, int]:
    """His rank in each individual classification (registry order) after the last
    stage he is classified on."""
    for line in reversed(lines):
        found = reads.ranks.get((entry.pk, line.number))
        if found:
            return {c: found[c] for c in registry.INDIVIDUAL_KEYS if c in found}
    return {}


def _line(
    entry: Entry,
    reads: _Reads,
    stage_id: int,
    rank: int | None,
    status: str,
    time_s: int | None,
) -> StageLine:
    """His stage ``stage_id``: result, gap to the winner, GC rank, jerseys worn."""
    s = reads.stages[stage_id]
    ranks = reads.ranks.get((entry.pk, s["number"]), {})
    winner = reads.winner_times.get(stage_id)
    gap_s = None
    if rank != 1 and time_s is not None and winner is not None:
        gap_s = time_s - winner
    return StageLine(
        number=s["number"],
        date=s["date"],
        start=s["start"],
        finish=s["finish"],
        type=s["type"],
        rank=rank,
        status=status,
        time_s=time_s,
        gap_s=gap_s,
        gc_rank=ranks.get(registry.GENERAL.key),
        wearing=sorted(
            reads.worn.get((entry.edition_id, s["number"]), []),
            key=registry.JERSEY_ORDER.index,
        ),
    )


def _absent(s: dict) -> StageLine:
    """A stage raced without him (he had left)."""
    return StageLine(
        number=s["number"],
        date=s["date"],
        start=s["start"],
        finish=s["finish"],
        type=s["type"],
        rank=None,
        status="",
        time_s=None,
        gap_s=None,
        gc_rank=None,
        wearing=[],
        absent=True,
    )


def _jersey_days(lines: list[StageLine]) -> list[JerseyDays]:
    days: dict[str, JerseyDays] = {}
    for line in lines:
        for cls in line.wearing:
            if cls in days:
                days[cls].days += 1
                days[cls].last = line.number
            else:
                days[cls] = JerseyDays(cls, 1, line.number, line.number)
    return [days[c] for c in registry.JERSEY_ORDER if c in days]
