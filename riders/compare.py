"""Reads for the head-to-head page: two to four riders of one edition, stage by
stage (their GC gaps to each other, stage results, who beat whom, time won and
lost), as plain rows.

``pick`` cleans what the query string asks for (the riders in bib order, so a
set of riders has one address); ``comparison`` runs 4 queries whatever the number
of stages and riders. It has a row for every stage through the edition's latest
with results: a rider who left the race has his exit status on the stage he left
on and nothing after it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from editions.models import Edition, Entry
from racing import registry
from racing.standings import Exit
from racing.text import PersonName
from stages import charts
from stages.models import Stage, StageResult, Standing

MIN_RIDERS, MAX_RIDERS = 2, 4
# At most this many comma-separated words are read from a query string (a longer
# list is junk), and an unknown one is echoed at most this long.
MAX_WORDS = 12
ECHO_CHARS = 40
_GC = registry.GENERAL.key
# The GC-gaps chart: about as wide as a phone's column (its text stays near its
# size there), with room on the right for the riders' names.
CHART_WIDTH, CHART_HEIGHT, CHART_LABEL_ROOM = 360, 240, 100


# What the visitor asked for -------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """The riders a query string names, cleaned against the edition's riders:
    ``slugs`` are known riders in bib order (no duplicates, the first
    ``MAX_RIDERS`` asked for); ``unknown`` the words that name none (shortened).
    The page shows nothing else: it is the page's whole variant."""

    slugs: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    duplicates: bool = False
    too_many: bool = False
    asked: bool = False  # the query string named riders at all

    @property
    def clean(self) -> bool:
        """Known riders only, at most four: the page has a canonical address,
        ``?query``, that any other spelling redirects to."""
        return bool(self.slugs) and not self.unknown and not self.too_many

    @property
    def ok(self) -> bool:
        """Two to four known riders and nothing else: a comparison to show."""
        return self.clean and len(self.slugs) >= MIN_RIDERS

    @property
    def query(self) -> str:
        """The canonical query string: ``riders=a,b``."""
        return "riders=" + ",".join(self.slugs)


def pick(values: list[str], known: Mapping[str, int]) -> Pick:
    """Clean the ``riders`` values of a query string (comma lists, repeated, or
    both) against the edition's riders (``known``: slug -> bib)."""
    words = [w.strip().lower() for v in values for w in v.split(",")]
    words = [w for w in words if w][:MAX_WORDS]
    slugs: list[str] = []
    unknown: list[str] = []
    duplicates = False
    for word in words:
        if word in slugs:
            duplicates = True
        elif word in known:
            slugs.append(word)
        elif word not in unknown:
            unknown.append("".join(c for c in word if c.isprintable())[:ECHO_CHARS])
    return Pick(
        slugs=tuple(sorted(slugs[:MAX_RIDERS], key=known.__getitem__)),
        unknown=tuple(unknown),
        duplicates=duplicates,
        too_many=len(slugs) > MAX_RIDERS,
        asked=bool(words),
    )


# The edition's riders ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entrant(PersonName):
    """A rider of the edition, as the picker and the tables name him."""

    entry_id: int
    bib: int
    slug: str
    given_name: str
    family_name: str
    team_name: str
    exit_stage: int | None
    exit_status: str

    @property
    def exit(self) -> Exit | None:
        """Where he left the race, as stored on his entry."""
        if self.exit_stage is None:
            return None
        return Exit(self.exit_stage, self.exit_status)


def entrants(edition: Edition) -> list[Entrant]:
    """Every rider of the edition by family name (1 query)."""
    rows = (
        Entry.objects.filter(edition=edition)
        .order_by("rider__family_name", "rider__given_name", "bib")
        .values_list(
            "pk",
            "bib",
            "rider__slug",
            "rider__given_name",
            "rider__family_name",
            "team__name",
            "exit_stage",
            "exit_status",
        )
    )
    return [Entrant(*row) for row in rows]


def edition_bibs(race: str, year: int) -> dict[str, int]:
    """The bibs of the riders of the edition of a URL, by slug (1 query)."""
    entries = Entry.objects.filter(edition__race__slug=race, edition__year=year)
    return dict(entries.values_list("rider__slug", "bib"))


# The comparison -----------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """One rider's stage: place, time, gap to the stage winner and to the best
    of the compared riders that day (None without a time; see ``versus_s``)."""

    rank: int | None
    status: str
    time_s: int | None
    gap_s: int | None = None
    # Stage time won (negative) or lost on the other of two riders; of three or
    # four, lost on the best of them that day (0 for him).
    versus_s: int | None = None

    @property
    def finished(self) -> bool:
        return self.status == StageResult.Status.OK and self.rank is not None

    @property
    def status_label(self) -> str:
        return StageResult.Status(self.status).label


@dataclass(slots=True)
class Cell:
    """What a stage row shows of one rider: his result and GC (None where he
    has none), or that he left the race (``out``: on that stage, his exit
    status; after it, ``gone``)."""

    result: Result | None = None
    gc_rank: int | None = None
    gc_behind_s: int | None = None  # GC time behind the best of the compared
    out: str = ""
    gone: bool = False


@dataclass(slots=True)
class StageRow:
    number: int
    type: str
    start: str
    finish: str
    cells: list[Cell] = field(default_factory=list)  # aligned to the riders

    @property
    def has_gc(self) -> bool:
        return any(c.gc_rank is not None for c in self.cells)


@dataclass(frozen=True, slots=True)
class Duel:
    """Who finished ahead of whom, over the stages both finished."""

    first: Entrant
    second: Entrant
    first_ahead: int
    second_ahead: int
    first_short: str = ""  # short names for a phone (``Comparison.short_names``)
    second_short: str = ""

    @property
    def stages(self) -> int:
        return self.first_ahead + self.second_ahead


@dataclass
class Comparison:
    riders: list[Entrant]
    rows: list[StageRow]
    # The edition's latest stage with results: what every summary (exits, the
    # chart, the duels, the totals) is marked with in spoiler-free mode, never a
    # rider's own last stage, which would tell when he left.
    latest: int | None = None
    duels: list[Duel] = field(init=False)

    def __post_init__(self) -> None:
        self.duels = duels(self.riders, self.rows, self.short_names)

    @property
    def short_names(self) -> list[str]:
        """Three letters of each family name for narrow columns (``VIN``), with
        the given name's initial where two would read the same (``A.YAT``)."""
        codes = [e.family_name.upper()[:3] for e in self.riders]
        return [
            f"{e.given_name[:1].upper()}.{code}" if codes.count(code) > 1 else code
            for e, code in zip(self.riders, codes, strict=True)
        ]

    @property
    def totals(self) -> list[int | None]:
        """Each rider's ``versus_s`` summed over the stages (None: none)."""
        sums: list[int | None] = [None] * len(self.riders)
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                if cell.result and cell.result.versus_s is not None:
                    sums[i] = (sums[i] or 0) + cell.result.versus_s
        return sums

    @property
    def chart(self) -> charts.Chart | None:
        """Their GC gaps to the best of them, over every stage row (a rider's
        line ends where he left); None when none of them has a GC place."""
        if not any(r.has_gc for r in self.rows):
            return None
        series = [
            {r.number: c.gc_behind_s for r in self.rows if (c := r.cells[i]).gc_rank}
            for i in range(len(self.riders))
        ]
        names = [e.family_name.upper() for e in self.riders]
        return charts.gap_chart(
            list(zip(names, series, strict=True)),
            [r.number for r in self.rows],
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
            label_room=CHART_LABEL_ROOM,
            tick_every=5,
        )


def comparison(
    edition: Edition, riders: list[Entrant], latest: int | None
) -> Comparison:
    """The riders (2 to 4 of the edition's ``entrants``) stage by stage, through
    stage ``latest`` (the edition's latest with results) whatever stage they
    left on (4 queries: stages, their results, the stage winners' times, their
    GC)."""
    ids = [e.entry_id for e in riders]
    stages = list(
        Stage.objects.filter(edition=edition)
        .order_by("number")
        .values_list("pk", "number", "type", "start", "finish")
    )
    results = {
        (entry_id, stage_id): Result(rank, status, time_s)
        for entry_id, stage_id, rank, status, time_s in StageResult.objects.filter(
            entry_id__in=ids
        ).values_list("entry_id", "stage_id", "rank", "status", "time_s")
    }
    winners = dict(
        StageResult.objects.filter(stage__edition=edition, rank=1).values_list(
            "stage_id", "time_s"
        )
    )
    gc = {
        (entry_id, stage_id): (rank, value)
        for entry_id, stage_id, rank, value in Standing.objects.filter(
            entry_id__in=ids, classification=_GC
        ).values_list("entry_id", "stage_id", "rank", "value")
    }
    rows = []
    for pk, number, kind, start, finish in stages:
        row = StageRow(number, kind, start, finish)
        row.cells = [_cell(e, number, results.get((e.entry_id, pk))) for e in riders]
        _set_gaps(row, winners.get(pk), [gc.get((e.entry_id, pk)) for e in riders])
        if number <= (latest or 0) or any(c.result or c.gc_rank for c in row.cells):
            rows.append(row)
    return Comparison(riders, rows, latest)


def _cell(rider: Entrant, number: int, result: Result | None) -> Cell:
    exit = rider.exit
    if exit is not None and number > exit.stage:
        return Cell(gone=True)
    out = exit.status if exit is not None and number == exit.stage else ""
    return Cell(result=result, out=out)


def _set_gaps(
    row: StageRow, winner_s: int | None, gc: list[tuple[int, int] | None]
) -> None:
    """Fill each cell's gaps: to the stage winner and to the best compared rider
    on the stage, and in the GC after it."""
    timed = [
        c.result
        for c in row.cells
        if c.result and c.result.finished and c.result.time_s is not None
    ]
    best = min((r.time_s for r in timed), default=None)
    for result in timed:
        if winner_s is not None and result.rank != 1:
            result.gap_s = result.time_s - winner_s
        if len(timed) < 2:
            continue
        if len(row.cells) == 2:
            other = timed[1] if result is timed[0] else timed[0]
            result.versus_s = result.time_s - other.time_s
        else:
            result.versus_s = result.time_s - best
    best_gc = min((v for _, v in filter(None, gc)), default=None)
    for cell, standing in zip(row.cells, gc, strict=True):
        if standing is not None and not cell.gone and best_gc is not None:
            cell.gc_rank, cell.gc_behind_s = standing[0], standing[1] - best_gc


def duels(riders: list[Entrant], rows: list[StageRow], short: list[str]) -> list[Duel]:
    """Each pair of riders, with how often each finished ahead of the other on
    the stages both finished (a lower place; equal times still have places);
    ``short``: their short names."""
    found = []
    for i, j in combinations(range(len(riders)), 2):
        ahead = [0, 0]
        for row in rows:
            a, b = row.cells[i].result, row.cells[j].result
            if a and b and a.finished and b.finished:
                ahead[0 if a.rank < b.rank else 1] += 1
        found.append(Duel(riders[i], riders[j], *ahead, short[i], short[j]))
    return found
