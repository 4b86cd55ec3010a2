"""Reads for the fan pages: each function runs a fixed number of queries (stated
in its docstring), whatever the number of riders, and returns plain rows."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, Max, Min, OuterRef

from editions.models import Edition, Team
from racing import standings
from racing.text import PersonName
from stages.inputs import edition_rules, stage_input
from stages.models import (
    Checkpoint,
    Jersey,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)

# Display reads ----------------------------------------------------------------
# Each function below runs a fixed number of queries (stated in its docstring),
# whatever the number of riders, and returns plain rows the templates can use.

TABLES: tuple[str, ...] = ("stage", "gc", "points", "mountains", "youth", "teams")
TABLE_LABELS: dict[str, str] = {
    "stage": "Stage",
    "gc": "General",
    "points": "Points",
    "mountains": "Mountains",
    "youth": "Youth",
    "teams": "Teams",
}
POINTS_TABLES = frozenset({"points", "mountains"})
JERSEY_CLASSIFICATIONS = ("gc", "points", "mountains", "youth")

_RIDER_FIELDS = (
    "entry_id",
    "entry__bib",
    "entry__rider__slug",
    "entry__rider__given_name",
    "entry__rider__family_name",
    "entry__rider__nationality",
)
_TEAM_FIELDS = ("team__code", "team__name", "team__country")
_TEAM_FIELDS_ENTRY = ("entry__team__code", "entry__team__name", "entry__team__country")


@dataclass(frozen=True, slots=True)
class RiderRef(PersonName):
    slug: str
    given_name: str
    family_name: str
    nationality: str


@dataclass(frozen=True, slots=True)
class TeamRef:
    code: str
    name: str
    country: str = ""


@dataclass(slots=True)
class Row:
    """One line of any table: a rider's (or, on ``teams``, a team's) result."""

    rank: int | None
    team: TeamRef
    value: int | None = None  # seconds, or points on points/mountains
    gap: int | None = None
    entry_id: int | None = None
    bib: int | None = None
    rider: RiderRef | None = None
    previous_rank: int | None = None
    status: str = "OK"
    same_time: bool = False
    hundredths: int | None = None
    bonus: int | None = None
    penalty: int = 0
    gc_time: int | None = None
    points: int | None = None
    kom_points: int | None = None
    jerseys: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return StageResult.Status(self.status).label

    @property
    def movement(self) -> int | None:
        """Places gained (positive) or lost since the previous stage."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _rider(values: tuple) -> tuple[int, int, RiderRef]:
    entry_id, bib, slug, given, family, nationality = values
    return entry_id, bib, RiderRef(slug, given, family, nationality)


# Larger numbers in a URL are no stage or year (and overflow SQLite's integers).
URL_INT_MAX = 32767


def stage_of(race: str, year: int, number: int) -> Stage | None:
    """The stage with its edition and race, or None (1 query)."""
    if max(year, number) > URL_INT_MAX:
        return None
    return (
        Stage.objects.select_related("edition__race")
        .filter(edition__race__slug=race, edition__year=year, number=number)
        .first()
    )


def edition_of(race: str, year: int) -> Edition | None:
    """The edition with its race, or None (1 query)."""
    if year > URL_INT_MAX:
        return None
    return (
        Edition.objects.select_related("race")
        .filter(race__slug=race, year=year)
        .first()
    )


def stage_numbers(edition: Edition) -> list[int]:
    """Numbers of the edition's stages, in order (1 query)."""
    return list(
        Stage.objects.filter(edition=edition)
        .order_by("number")
        .values_list("number", flat=True)
    )


def edition_teams(edition: Edition) -> list[TeamRef]:
    """The edition's teams by name (1 query)."""
    return [
        TeamRef(*values)
        for values in Team.objects.filter(edition=edition)
        .order_by("name")
        .values_list("code", "name", "country")
    ]


def stage_result_rows(stage: Stage, *, top: int | None = None) -> list[Row]:
    """The stage result: finishers by rank, then non-finishers by bib (1 query).

    ``gap`` counts from the winner's time; ``same_time`` marks a finisher with
    the same time as the row above (shown as ``s.t.``).
    """
    results = StageResult.objects.filter(stage=stage)
    if top is not None:
        results = results.filter(rank__lte=top)
    rows: list[Row] = []
    for values in results.order_by(
        F("rank").asc(nulls_last=True), "entry__bib"
    ).values_list(
        *_RIDER_FIELDS,
        *_TEAM_FIELDS_ENTRY,
        "rank",
        "time_s",
        "hundredths",
        "status",
        "bonus",
        "penalty",
        "gc_time_s",
        "points",
        "kom_points",
    ):
        entry_id, bib, rider = _rider(values[:6])
        (rank, time_s, hundredths, status, bonus, penalty, gc, pts, kom) = values[9:]
        rows.append(
            Row(
                rank=rank,
                team=TeamRef(*values[6:9]),
                value=time_s,
                entry_id=entry_id,
                bib=bib,
                rider=rider,
                status=status,
                hundredths=hundredths,
                bonus=bonus,
                penalty=penalty,
                gc_time=gc,
                points=pts,
                kom_points=kom,
            )
        )
    winner = next((r.value for r in rows if r.rank == 1), None)
    previous: int | None = None
    for row in rows:
        if row.value is None or winner is None:
            continue
        row.gap = row.value - winner
        row.same_time = row.rank != 1 and row.value == previous
        previous = row.value
    return rows


def standing_rows(
    stage: Stage, classification: str, *, top: int | None = None
) -> list[Row]:
    """A classification after ``stage``, by rank (1 query)."""
    standings_ = Standing.objects.filter(stage=stage, classification=classification)
    if top is not None:
        standings_ = standings_.filter(rank__lte=top)
    rows: list[Row] = []
    for values in standings_.order_by("rank").values_list(
        *_RIDER_FIELDS, *_TEAM_FIELDS, "rank", "value", "gap", "previous_rank"
    ):
        rank, value, gap, previous_rank = values[9:]
        row = Row(
            rank=rank,
            team=TeamRef(*values[6:9]),
            value=value,
            gap=gap,
            previous_rank=previous_rank,
        )
        if values[0] is not None:
            row.entry_id, row.bib, row.rider = _rider(values[:6])
        rows.append(row)
    return rows


def jerseys_after(edition: Edition, stage_number: int) -> dict[int, list[str]]:
    """Jerseys awarded after stage ``stage_number`` (worn on the next stage), as
    entry id -> classifications in jersey order (1 query; none before stage 1)."""
    worn: dict[int, list[str]] = defaultdict(list)
    for classification, entry_id in Jersey.objects.filter(
        stage__edition=edition, stage__number=stage_number
    ).values_list("classification", "entry_id"):
        worn[entry_id].append(classification)
    for classifications in worn.values():
        classifications.sort(key=JERSEY_CLASSIFICATIONS.index)
    return dict(worn)


def table_rows(stage: Stage, table: str) -> list[Row]:
    """Every row of one of the stage's tables, with jersey wearers (2 queries).

    Which jerseys a row shows: the stage result shows the jerseys worn ON the
    stage (awarded after the previous one), as in the race photos; the
    classifications after the stage show who leads them now, i.e. who will
    wear the jerseys on the next stage (the final winners after the last one).
    """
    if table == "stage":
        rows = stage_result_rows(stage)
        worn = jerseys_after(stage.edition, stage.number - 1)
    else:
        rows = standing_rows(stage, table)
        worn = {} if table == "teams" else jerseys_after(stage.edition, stage.number)
    for row in rows:
        if row.entry_id in worn:
            row.jerseys = worn[row.entry_id]
    return rows


def fold(text: str) -> str:
    """Lower case without accents, so ``pogacar`` finds ``POGAČAR``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def filter_rows(rows: list[Row], *, team: str = "", q: str = "") -> list[Row]:
    """Rows of one team (code) and/or whose rider or team name contains ``q``."""
    if team:
        rows = [r for r in rows if r.team.code == team]
    needle = fold(q.strip())
    if needle:
        rows = [
            r
            for r in rows
            if needle in fold(r.rider.display_name if r.rider else "")
            or needle in fold(r.rider.full_name if r.rider else "")
            or needle in fold(r.team.name)
            or needle == str(r.bib)
        ]
    return rows


# Home and edition pages -------------------------------------------------------

_has_results = Exists(StageResult.objects.filter(stage=OuterRef("pk")))


def latest_stage_with_results() -> Stage | None:
    """The most recent stage (by date) that has results, with its edition: the
    home page's current race (1 query)."""
    return (
        Stage.objects.select_related("edition__race")
        .filter(_has_results)
        .order_by("-date", "-number")
        .first()
    )


def next_stage(edition: Edition, after: int) -> Stage | None:
    """The first stage after number ``after`` still without results (1 query)."""
    return (
        Stage.objects.filter(edition=edition, number__gt=after)
        .exclude(_has_results)
        .order_by("number")
        .first()
    )


@dataclass(slots=True)
class EditionCard:
    edition: Edition
    first_day: object = None
    last_day: object = None
    stages: int = 0
    leader: RiderRef | None = None
    finished: bool = False


def edition_cards() -> list[EditionCard]:
    """Every edition, newest year first and in calendar order within a year, with
    its dates and its current or final GC leader (2 queries)."""
    editions = Edition.objects.select_related("race").annotate(
        first_day=Min("stages__date"),
        last_day=Max("stages__date"),
        stage_count=Max("stages__number"),
    )
    cards = {
        e.pk: EditionCard(e, e.first_day, e.last_day, e.stage_count or 0)
        for e in editions
    }
    # Rank-1 GC rows of every stage, in stage order: the last one per edition wins.
    for edition_id, number, *rider in (
        Standing.objects.filter(classification="gc", rank=1)
        .order_by("stage__number")
        .values_list("stage__edition_id", "stage__number", *_RIDER_FIELDS[2:])
    ):
        card = cards[edition_id]
        card.leader = RiderRef(*rider)
        card.finished = number == card.stages
    return sorted(
        cards.values(),
        key=lambda c: (-c.edition.year, c.first_day is None, c.first_day),
    )


def latest_reports(limit: int = 5) -> list[RaceReport]:
    """Published race reports, newest first, with stage and race (1 query)."""
    return list(
        RaceReport.objects.published()
        .select_related("stage__edition__race")
        .order_by("-published_at")[:limit]
    )


def stage_reports(stage: Stage) -> list[RaceReport]:
    """The stage's published race reports, newest first (1 query)."""
    return list(
        RaceReport.objects.published().filter(stage=stage).order_by("-published_at")
    )


def stage_checkpoints(stage: Stage) -> list[Checkpoint]:
    """Sprints, climbs and bonus points of the stage by km (1 query)."""
    return list(Checkpoint.objects.filter(stage=stage).order_by("km", "name"))


@dataclass(slots=True)
class StageLine:
    """A stage on the edition page: the stage, its winner and the GC leader."""

    stage: Stage
    winner: Row | None = None
    leader: Row | None = None


def edition_stage_lines(edition: Edition) -> list[StageLine]:
    """Every stage of the edition with its winner and the GC leader after it
    (3 queries)."""
    lines = {
        s.pk: StageLine(s)
        for s in Stage.objects.filter(edition=edition)
        .select_related("edition__race")
        .order_by("number")
    }
    for stage_id, *values in StageResult.objects.filter(
        stage__edition=edition, rank=1
    ).values_list("stage_id", *_RIDER_FIELDS, *_TEAM_FIELDS_ENTRY):
        entry_id, bib, rider = _rider(values[:6])
        lines[stage_id].winner = Row(
            rank=1, team=TeamRef(*values[6:]), entry_id=entry_id, bib=bib, rider=rider
        )
    for stage_id, *values in Standing.objects.filter(
        stage__edition=edition, classification="gc", rank=1
    ).values_list("stage_id", *_RIDER_FIELDS, *_TEAM_FIELDS):
        entry_id, bib, rider = _rider(values[:6])
        lines[stage_id].leader = Row(
            rank=1, team=TeamRef(*values[6:]), entry_id=entry_id, bib=bib, rider=rider
        )
    return list(lines.values())


def leaders(edition: Edition) -> tuple[int | None, dict[str, Row]]:
    """The leader of each classification after the last stage with standings:
    (that stage's number, classification -> rank-1 row) (1 query)."""
    last = (
        Standing.objects.filter(stage__edition=edition)
        .order_by("-stage__number")
        .values("stage__number")[:1]
    )
    found: dict[str, Row] = {}
    after: int | None = None
    for classification, number, *values in Standing.objects.filter(
        stage__edition=edition, rank=1, stage__number=last
    ).values_list(
        "classification", "stage__number", *_RIDER_FIELDS, *_TEAM_FIELDS, "value"
    ):
        after = number
        row = Row(rank=1, team=TeamRef(*values[6:9]), value=values[9])
        if values[0] is not None:
            row.entry_id, row.bib, row.rider = _rider(values[:6])
        found[classification] = row
    return after, {c: found[c] for c in TABLES[1:] if c in found}


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
    last = (
        Standing.objects.filter(stage__edition=edition, classification="gc")
        .order_by("-stage__number")
        .values("stage__number")[:1]
    )
    top_entries = Standing.objects.filter(
        stage__edition=edition,
        classification="gc",
        stage__number=last,
        rank__lte=top,
    ).values("entry_id")
    series: dict[int, GapSeries] = {}
    final: dict[int, int] = {}
    for entry_id, number, rank, gap, *rider in (
        Standing.objects.filter(
            stage__edition=edition, classification="gc", entry_id__in=top_entries
        )
        .order_by("stage__number")
        .values_list("entry_id", "stage__number", "rank", "gap", *_RIDER_FIELDS[2:])
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


def stage_awards(stage: Stage, rows: list[Row]) -> dict[int, standings.Award]:
    """What the rules give each rider of the stage result ``rows`` (bonus, points,
    mountains points), for values the editors left to be computed (2 queries)."""
    results = tuple(
        standings.Result(
            rider_id=r.entry_id, status=r.status, rank=r.rank, time=r.value
        )
        for r in rows
    )
    return standings.awards(stage_input(stage, results), edition_rules(stage.edition))
