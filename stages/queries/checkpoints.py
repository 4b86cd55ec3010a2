"""A stage's checkpoints (intermediate sprints, categorised climbs, bonus points)
and who scored at each: the stage page's "Climbs & sprints" table, its CSV and
JSON, and the route and strip of the stage page.

What a place at a checkpoint is worth is the engine's
(``racing.standings.checkpoint_points``, with the edition's rules); a category's
name is the rules' too (the Giro's Cima Coppi, the Vuelta's Especial). Each
function runs a fixed number of queries (stated in its docstring), whatever the
number of checkpoints and crossings.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from racing import standings
from stages.inputs import edition_rules
from stages.models import Checkpoint, CheckpointCrossing, Stage
from stages.queries.rows import RIDER_FIELDS, TEAM_FIELDS_ENTRY, RiderRef, TeamRef
from stages.queries.rows import rider_ref as make_rider_ref

# A checkpoint's kind as the pages name it (stage table, strip, rider page).
KIND_LABELS = {
    Checkpoint.Kind.SPRINT: gettext_lazy("Sprint"),
    Checkpoint.Kind.CLIMB: gettext_lazy("Climb"),
    Checkpoint.Kind.BONUS: gettext_lazy("Bonus point"),
}
_FIELDS = ("pk", "name", "kind", "km", "category", "multiplier", "altitude_m", "scale")


class CheckpointWords:
    """How the pages name a checkpoint's kind and a climb's category, for any
    row with ``kind``, ``category`` (the code) and ``category_label`` (the race's
    name for it): the stage's table and strip, the rider page."""

    __slots__ = ()
    kind: str
    category: str
    category_label: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def category_text(self) -> str:
        return category_text(self.category, self.category_label)


@dataclass(slots=True)
class StageCheckpoint(CheckpointWords):
    """A checkpoint of a stage: ``category`` the climb's code (HC, 1-4),
    ``category_label`` its name in the race's rules, ``scale`` the climb scale it
    scores on when not its category's ("" for that)."""

    pk: int
    name: str
    kind: str
    km: Decimal | None
    category: str
    category_label: str
    multiplier: int
    altitude_m: int | None
    scale: str = ""
    crossings: list["Crossing"] = field(default_factory=list)

    @property
    def engine(self) -> standings.Checkpoint:
        """The checkpoint as the engine reads it."""
        return standings.Checkpoint(
            self.pk, self.kind, self.category, self.multiplier, self.scale
        )

    @property
    def has_points(self) -> bool:
        return any(c.points for c in self.crossings)

    @property
    def has_bonus(self) -> bool:
        return any(c.bonus for c in self.crossings)


@dataclass(slots=True)
class Crossing:
    """A rider's place at a checkpoint and what it won: ``points`` for the points
    classification at a sprint or the mountains on a climb, ``bonus`` seconds.
    Filtered as a table's rows (``filter_rows``: rider, team, bib)."""

    checkpoint: StageCheckpoint
    rank: int
    team: TeamRef
    entry_id: int | None = None
    bib: int | None = None
    rider: RiderRef | None = None
    points: int | None = None
    bonus: int | None = None


@dataclass(slots=True)
class CheckpointTable:
    """The stage's checkpoints in km order (then name), each with its crossings
    by rank, and every crossing in that order (``rows``)."""

    checkpoints: list[StageCheckpoint]
    rows: list[Crossing]


def category_text(code: str, label: str = "") -> str:
    """A climb's category as the pages print it: "cat. 1" for a numbered
    category the race does not rename, else its label (HC, Cima Coppi,
    Especial); "" for none (a sprint, a bonus point)."""
    label = label or code
    if not label.isdigit():
        return label
    # Translators: a climb's category, "cat. 1" (the fourth is the easiest).
    return gettext("cat. %(category)s") % {"category": label}


def edition_has_checkpoints(edition_id: int) -> bool:
    """Whether any stage of the edition has a checkpoint: the rider pages then
    say where each rider scored (1 query)."""
    return Checkpoint.objects.filter(stage__edition_id=edition_id).exists()


def stage_checkpoints(stage: Stage) -> list[StageCheckpoint]:
    """The stage's sprints, climbs and bonus points by km, then name (1 query;
    the stage's edition is read, not queried, when the stage came with it)."""
    rules = edition_rules(stage.edition)
    found = []
    for values in (
        Checkpoint.objects.filter(stage=stage)
        .order_by("km", "name")
        .values_list(*_FIELDS)
    ):
        pk, name, kind, km, category, multiplier, altitude, scale = values
        label = rules.category_label(category, scale)
        found.append(
            StageCheckpoint(
                pk, name, kind, km, category, label, multiplier, altitude, scale
            )
        )
    # NULL km sorts first on PostgreSQL, last on SQLite: last on both.
    found.sort(key=lambda c: c.km is None)
    return found


def checkpoint_table(stage: Stage) -> CheckpointTable:
    """The stage's checkpoints with their crossings and what each place won
    (2 queries)."""
    checkpoints = stage_checkpoints(stage)
    by_pk = {c.pk: c for c in checkpoints}
    rules = edition_rules(stage.edition)
    for values in (
        CheckpointCrossing.objects.filter(checkpoint__stage=stage)
        .order_by("rank")
        .values_list("checkpoint_id", "rank", *RIDER_FIELDS, *TEAM_FIELDS_ENTRY)
    ):
        checkpoint = by_pk[values[0]]
        entry_id, bib, rider = make_rider_ref(tuple(values[2:8]))
        won = standings.checkpoint_points(checkpoint.engine, values[1], rules)
        points, bonus = won if won is not None else (None, None)
        checkpoint.crossings.append(
            Crossing(
                checkpoint,
                values[1],
                TeamRef(*values[8:11]),
                entry_id,
                bib,
                rider,
                points,
                bonus,
            )
        )
    rows = [x for c in checkpoints for x in c.crossings]
    return CheckpointTable(checkpoints, rows)
