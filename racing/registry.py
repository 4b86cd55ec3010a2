"""The one list of tables and classifications, and the leaders' jerseys by race.

A page, a CSV, the admin's change message and the engine all read this module;
nothing else spells out which classifications exist. Adding one (a combativity
award, an intermediate-sprint classification) means an entry here (and its
jerseys below if its leader wears one), its ranking in
``racing.standings.compute``, and the migration ``makemigrations`` writes for the
classification choices of ``Standing``. Pages pick what to show by a table's
``kind`` and fields, never by its key.
"""

from __future__ import annotations

from dataclasses import dataclass

from racing.i18n import gettext_noop as _
from racing.i18n import pgettext_noop

TIME = "time"
POINTS = "points"
# Table kinds (``Table.kind``): the stage result, a team classification, or an
# individual classification by its unit (TIME or POINTS).
STAGE_RESULT = "stage"
TEAM = "team"
# The climbs and sprints of a stage: one row per crossing of a checkpoint.
CHECKPOINTS = "checkpoints"

_RIDER = ("rank", "bib", "rider", "team", "team_name")
_TIMED = ("time", "gap", "time_seconds", "gap_seconds")


@dataclass(frozen=True)
class Table:
    """A table of a stage page: the stage result or a classification after it.

    ``label`` is the tab's name, ``title`` the classification in a sentence ("the
    youth classification"), ``leader_title`` its leader's phrase ("the GC"),
    ``caption`` the table's caption with ``{number}`` for the stage, ``unit`` what
    ``value`` counts (``time`` in seconds, lowest first; ``points``, most first),
    ``individual`` whether rows are riders (else teams), ``jersey`` whether its
    leader wears a jersey (handed down in registry order, RULES.md section 9) and
    ``csv_columns`` the CSV export's header (RACE_PACKAGE.md "Export"), which
    is also the JSON's field names, each described in :data:`COLUMNS`;
    ``stage_result`` marks the stage result and ``crossings`` the climbs and
    sprints of the stage (who scored at each checkpoint): the two tables that
    are no classification.
    """

    key: str
    label: str
    title: str
    leader_title: str
    caption: str
    unit: str
    individual: bool
    jersey: bool
    csv_columns: tuple[str, ...]
    stage_result: bool = False
    crossings: bool = False

    @property
    def of_stage(self) -> bool:
        """A table of the stage itself (its result, its checkpoints), not a
        classification after it."""
        return self.stage_result or self.crossings

    @property
    def is_points(self) -> bool:
        return self.unit == POINTS

    @property
    def kind(self) -> str:
        """What its rows are: ``stage`` (the stage result), ``checkpoints`` (the
        crossings of its checkpoints), ``team``, or an individual classification
        in ``time`` or ``points``."""
        if self.stage_result:
            return STAGE_RESULT
        if self.crossings:
            return CHECKPOINTS
        if not self.individual:
            return TEAM
        return self.unit


STAGE = Table(
    key="stage",
    label=_("Stage"),
    title=_("stage result"),
    leader_title=_("the stage"),
    caption=_("Result of stage {number}"),
    unit=TIME,
    individual=True,
    jersey=False,
    stage_result=True,
    csv_columns=(
        *_RIDER,
        *_TIMED,
        "status",
        "bonus",
        "penalty",
        "points",
        "kom_points",
    ),
)

# The climbs and sprints of the stage: each checkpoint (intermediate sprint,
# categorised climb, bonus point) in km order, who crossed it in a scoring place
# and what that place won (``racing.standings.crossing_award``). No
# classification: the engine never ranks it.
CHECKPOINT_TABLE = Table(
    key="checkpoints",
    label=_("Climbs & sprints"),
    title=_("climbs and sprints"),
    leader_title=_("the climbs and sprints"),
    caption=_("Climbs and sprints of stage {number}"),
    unit=POINTS,
    individual=True,
    jersey=False,
    crossings=True,
    csv_columns=(
        "checkpoint",
        "kind",
        "category",
        "km",
        "rank",
        "bib",
        "rider",
        "team",
        "points",
        "bonus_seconds",
    ),
)

# The general classification: its leader leads the race (home and edition pages,
# the GC gaps chart, a rider's GC rank). First in the registry, so its jersey
# comes first.
GENERAL = Table(
    key="gc",
    label=_("General"),
    title=_("general classification"),
    leader_title=_("the GC"),
    caption=_("General classification after stage {number}"),
    unit=TIME,
    individual=True,
    jersey=True,
    csv_columns=(*_RIDER, *_TIMED),
)

# The team classification the team pages show.
TEAMS = Table(
    key="teams",
    label=_("Teams"),
    title=_("team classification"),
    leader_title=_("the team classification"),
    caption=_("Team classification after stage {number}"),
    unit=TIME,
    individual=False,
    jersey=False,
    csv_columns=("rank", "team", "team_name", *_TIMED),
)

CLASSIFICATIONS: tuple[Table, ...] = (
    GENERAL,
    Table(
        key="points",
        label=_("Points"),
        title=_("points classification"),
        leader_title=_("the points classification"),
        caption=_("Points classification after stage {number}"),
        unit=POINTS,
        individual=True,
        jersey=True,
        csv_columns=(*_RIDER, "points"),
    ),
    Table(
        key="mountains",
        label=_("Mountains"),
        title=_("mountains classification"),
        leader_title=_("the mountains classification"),
        caption=_("Mountains classification after stage {number}"),
        unit=POINTS,
        individual=True,
        jersey=True,
        csv_columns=(*_RIDER, "points"),
    ),
    Table(
        key="youth",
        label=_("Youth"),
        title=_("youth classification"),
        leader_title=_("the youth classification"),
        caption=_("Youth classification after stage {number}"),
        unit=TIME,
        individual=True,
        jersey=True,
        csv_columns=(*_RIDER, *_TIMED),
    ),
    TEAMS,
)

# Every table of a stage page, in the order of its tabs.
TABLES: dict[str, Table] = {
    t.key: t for t in (STAGE, CHECKPOINT_TABLE, *CLASSIFICATIONS)
}
CLASSIFICATION_KEYS: tuple[str, ...] = tuple(c.key for c in CLASSIFICATIONS)
JERSEY_ORDER: tuple[str, ...] = tuple(c.key for c in CLASSIFICATIONS if c.jersey)
POINTS_KEYS: frozenset[str] = frozenset(c.key for c in CLASSIFICATIONS if c.is_points)
INDIVIDUAL_KEYS: tuple[str, ...] = tuple(c.key for c in CLASSIFICATIONS if c.individual)


# The columns of the tables' CSV and JSON ------------------------------------

INTEGER = "integer"
NUMBER = "number"
STRING = "string"


@dataclass(frozen=True)
class Column:
    """A column of the CSV export (a field of the JSON): its JSON type (``integer``,
    ``number`` or ``string``; any cell may be empty, null in JSON) and what it holds."""

    type: str
    description: str


# What each name in a table's ``csv_columns`` means (the API's documentation and
# OpenAPI schema are written from it): a new column is described here.
COLUMNS: dict[str, Column] = {
    "rank": Column(
        INTEGER,
        _(
            "Place in the table (at the checkpoint, for climbs and sprints); empty "
            "for a rider out of the race."
        ),
    ),
    "bib": Column(
        INTEGER,
        _("The rider's race number."),
    ),
    "rider": Column(
        STRING,
        _("The rider, family name in capitals first."),
    ),
    "team": Column(
        STRING,
        _("The team's UCI code (three letters)."),
    ),
    "team_name": Column(
        STRING,
        _("The team's name."),
    ),
    "time": Column(
        STRING,
        _("Time as H:MM:SS (the stage's, or the total)."),
    ),
    "gap": Column(
        STRING,
        _("Behind the first as +H:MM:SS (+0:00:00 for the first)."),
    ),
    "time_seconds": Column(
        INTEGER,
        _("The time in seconds."),
    ),
    "gap_seconds": Column(
        INTEGER,
        _("The gap in seconds."),
    ),
    "status": Column(
        STRING,
        _("OK, or DNF, DNS, OTL (outside the time limit), DSQ."),
    ),
    "bonus": Column(
        INTEGER,
        _("Bonus seconds won on the stage."),
    ),
    "penalty": Column(
        INTEGER,
        _("Penalty seconds given on the stage."),
    ),
    "points": Column(
        INTEGER,
        _(
            "Points: won on the stage (stage result), in total (a classification), "
            "or at the checkpoint (climbs and sprints: points classification points "
            "at a sprint, mountains points on a climb, multiplier included)."
        ),
    ),
    "kom_points": Column(
        INTEGER,
        _("Mountains points won on the stage."),
    ),
    "checkpoint": Column(
        STRING,
        _("The checkpoint's name (a sprint, climb or bonus point)."),
    ),
    "kind": Column(
        STRING,
        _("The checkpoint's kind: sprint, climb or bonus."),
    ),
    "category": Column(
        STRING,
        _(
            "A climb's category as the race names it (HC, 1 to 4, Cima Coppi, "
            "Especial); empty for a sprint or a bonus point."
        ),
    ),
    "km": Column(
        NUMBER,
        _("Where the checkpoint is, in km from the start."),
    ),
    "bonus_seconds": Column(
        INTEGER,
        _("Bonus seconds won at the checkpoint."),
    ),
}


def table(key: str) -> Table | None:
    """The table called ``key``, or None for a name no page knows."""
    return TABLES.get(key)


# Jerseys ---------------------------------------------------------------------


@dataclass(frozen=True)
class Jersey:
    """A leader's jersey: its colour, the colour of its dots ("" for none), name."""

    colour: str
    dots: str
    name: str


# Each name is marked in its race's context: a translator gives the race's own word
# where fans use one (maglia rosa, maillot à pois, maillot rojo).
JERSEYS: dict[str, dict[str, Jersey]] = {
    "tour-de-france": {
        "gc": Jersey("#f6d20b", "", pgettext_noop("tour-de-france", "Yellow jersey")),
        "points": Jersey(
            "#1f9d3a", "", pgettext_noop("tour-de-france", "Green jersey")
        ),
        "mountains": Jersey(
            "#ffffff", "#d7141a", pgettext_noop("tour-de-france", "Polka-dot jersey")
        ),
        "youth": Jersey("#ffffff", "", pgettext_noop("tour-de-france", "White jersey")),
    },
    "giro-d-italia": {
        "gc": Jersey("#f2a0c0", "", pgettext_noop("giro-d-italia", "Pink jersey")),
        "points": Jersey(
            "#b0306a", "", pgettext_noop("giro-d-italia", "Cyclamen jersey")
        ),
        "mountains": Jersey(
            "#1e6fd9", "", pgettext_noop("giro-d-italia", "Blue jersey")
        ),
        "youth": Jersey("#ffffff", "", pgettext_noop("giro-d-italia", "White jersey")),
    },
    "vuelta-a-espana": {
        "gc": Jersey("#d7141a", "", pgettext_noop("vuelta-a-espana", "Red jersey")),
        "points": Jersey(
            "#1f9d3a", "", pgettext_noop("vuelta-a-espana", "Green jersey")
        ),
        "mountains": Jersey(
            "#ffffff", "#1e6fd9", pgettext_noop("vuelta-a-espana", "Polka-dot jersey")
        ),
        "youth": Jersey(
            "#ffffff", "", pgettext_noop("vuelta-a-espana", "White jersey")
        ),
    },
}
DEFAULT_RACE = "tour-de-france"
UNKNOWN_JERSEY = Jersey("#cccccc", "", _("Jersey"))


def jersey_race(race_slug: str) -> str:
    """The race whose jerseys ``race_slug`` wears (the Tour's for a race without
    its own): the context its jersey names are translated in."""
    return race_slug if race_slug in JERSEYS else DEFAULT_RACE


def jersey(classification: str, race_slug: str = "") -> Jersey:
    """The jersey of ``classification``'s leader in the race ``race_slug`` (the
    Tour's colours for a race without its own)."""
    return JERSEYS[jersey_race(race_slug)].get(classification, UNKNOWN_JERSEY)
