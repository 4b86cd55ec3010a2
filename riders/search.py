"""Site search: riders, teams, stages (by start or finish town) and races (an
edition is its race's name and year), case- and accent-insensitive, best first.

Names are compared in a folded form (:func:`search_key`): lower case, accents
dropped, every run of other characters one space, so ``Puy de Dôme``,
``puy-de-dome`` and ``PUY DE DOME`` are one key. The database folds its columns the
same way (:class:`Folded`): PostgreSQL with ``unaccent``, SQLite with
:func:`search_key` itself, registered on each connection (``riders.apps``).

Rank of a match, best first (``search_rank``):

0. exact: a name is the query (``Courchevel``; a team's UCI code);
1. prefix: a name starts with the query (``Giro`` for ``Giro d'Italia``);
2. word prefix: every word typed starts a word of the names (``tour 2023``,
   ``jonas vinge``);
3. contains: every word typed is somewhere in the names (``gaard``);
4. close (PostgreSQL only): no word matches, but the query is close to part of
   the names by trigram similarity (``Pogacr``, ``Courchvel``), most similar first.

Within a rank, riders by name, stages, teams and races newest edition first
(an edition's start is its first stage's date). A rider is one result whatever
the editions he rode: his latest nationality and team, and his editions by race
(:class:`Ridden`). Each kind is one query whatever the number of matches or
editions (its total counted by a window function), plus one for the riders'
editions: :data:`QUERIES` in all, and none for a query too short to search.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext

from editions.models import Edition, Entry, Rider, Team, edition_start
from racing.text import search_key
from stages.models import Stage

MAX_CHARS = 80
MIN_CHARS = 2
# Each word is two LIKE conditions per kind: repeated words count once, and at
# most this many are searched (the page says when some were left out).
MAX_WORDS = 6
LIMIT = 20
# Typo tolerance (PostgreSQL): a query shorter than this has too few trigrams to
# tell a typo from noise, and a match must share this share of its trigrams.
CLOSE_MIN_CHARS = 5
CLOSE_SIMILARITY = 0.55
QUERIES = 5
SQLITE_FUNCTION = "toursite_search_key"


def clean_query(raw: str | None) -> str:
    """What a visitor typed, made safe to show and search: printable characters
    only (no NUL bytes, which PostgreSQL refuses), spaces collapsed, length capped."""
    text = "".join(ch if ch.isprintable() else " " for ch in (raw or ""))
    return " ".join(text.split())[:MAX_CHARS]


class Folded(Func):
    """:func:`search_key` of a text column, computed by the database."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "btrim(regexp_replace(lower(unaccent(%(expressions)s)), "
            "'[^a-z0-9]+', ' ', 'g'))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite has no ``unaccent``, so it calls
    :func:`search_key` (the same rules as :class:`Folded` on PostgreSQL)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, search_key, deterministic=True
        )


# Results ---------------------------------------------------------------------


@dataclass
class Group:
    """The matches of one kind, best first: at most :data:`LIMIT` of ``total``."""

    kind: str
    title: str  # in the page's language
    items: list
    total: int

    @property
    def best(self) -> int:
        return self.items[0].search_rank if self.items else 5

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class SearchResults:
    query: str
    key: str = ""
    cut: bool = False  # the query was longer than MAX_CHARS
    words_cut: bool = False  # more than MAX_WORDS different words
    groups: list[Group] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return len(self.key) >= MIN_CHARS

    @property
    def count(self) -> int:
        return sum(g.total for g in self.groups)


def find(raw: str | None) -> SearchResults:
    """Everything matching what a visitor typed, in published editions only; the
    kinds with the best match first, races first on a tie (:data:`QUERIES`
    queries)."""
    query = clean_query(raw)
    cut = len(" ".join((raw or "").split())) > MAX_CHARS
    words = list(dict.fromkeys(search_key(query).split()))
    key = " ".join(words[:MAX_WORDS])
    results = SearchResults(query, key, cut, words_cut=len(words) > MAX_WORDS)
    if not results.searched:
        return results
    riders, total = _counted(_riders(key))
    groups = [
        Group("races", gettext("Races"), *_counted(_races(key))),
        Group("riders", gettext("Riders"), _with_editions(riders), total),
        Group("stages", gettext("Stages"), *_counted(_stages(key))),
        Group("teams", gettext("Teams"), *_counted(_teams(key))),
    ]
    results.groups = sorted((g for g in groups if g.items), key=lambda g: g.best)
    return results


@dataclass(frozen=True)
class Ridden:
    """What a search result says of a rider's published editions (the rider
    page's full career is ``riders.careers``): his latest entry (nationality and
    team), and the years he rode each race, the race of his latest edition
    first, newest year first."""

    latest: Entry
    races: list[tuple[str, list[int]]]

    @classmethod
    def of(cls, entries: list[Entry]) -> "Ridden":
        """From his entries, newest first."""
        races: dict[str, list[int]] = {}
        for entry in entries:
            races.setdefault(entry.edition.race.name, []).append(entry.edition.year)
        return cls(entries[0], list(races.items()))


def _with_editions(riders: list[Rider]) -> list[Rider]:
    """``riders``, each with his :class:`Ridden` (``ridden``; their entries are
    prefetched: no query)."""
    for rider in riders:
        rider.ridden = Ridden.of(list(rider.entries.all()))
    return riders


def _counted(rows: QuerySet) -> tuple[list, int]:
    items = list(rows[:LIMIT])
    return items, (items[0].search_total if items else 0)


# Queries -------------------------------------------------------------------------


def _ranked(
    rows: QuerySet,
    key: str,
    *,
    names: list[Expression],
    words: Expression,
    then: tuple[str, ...],
    exact: Q | None = None,
) -> QuerySet:
    """``rows`` matching ``key``, with their ``search_rank`` (module docstring) and
    ``search_total``, best first (then by ``then``). ``names`` are compared
    whole (exact, prefix); ``words`` is all the text a word may be found in."""
    parts = key.split()
    folded = {f"_name{i}": Folded(name) for i, name in enumerate(names)}
    rows = rows.alias(**folded, _words=Concat(Value(" "), Folded(words)))
    exact = exact or Q()
    prefix = Q()
    for alias in folded:
        exact |= Q(**{alias: key})
        prefix |= Q(**{f"{alias}__startswith": key})
    word_start = Q(*(Q(_words__contains=f" {part}") for part in parts))
    contains = Q(*(Q(_words__contains=part) for part in parts))
    ranks = [When(exact, then=0), When(prefix, then=1), When(word_start, then=2)]
    ranks.append(When(contains, then=3))
    order = ["search_rank"]
    found = contains
    if connection.vendor == "postgresql" and len(key) >= CLOSE_MIN_CHARS:
        rows = rows.alias(_close=TrigramWordSimilarity(Value(key), "_words"))
        found |= Q(_close__gte=CLOSE_SIMILARITY)
        order.append("-_close")
    return (
        rows.filter(found)
        .annotate(
            search_rank=Case(*ranks, default=4, output_field=IntegerField()),
            search_total=Window(Count("pk")),
        )
        .order_by(*order, *then, "pk")
    )


def _newest_first(year: str) -> tuple:
    """Ordering, newest edition first: by ``year``, then by the ``_start``
    annotation (``editions.models.edition_start``) within a year."""
    return (f"-{year}", F("_start").desc(nulls_last=True))


def _riders(key: str) -> QuerySet:
    rides = Entry.objects.filter(rider=OuterRef("pk"), edition__published=True)
    latest_first = (
        Entry.objects.filter(edition__published=True)
        .annotate(_start=edition_start("edition_id"))
        .order_by(*_newest_first("edition__year"), "pk")
    )
    riders = Rider.objects.filter(Exists(rides)).prefetch_related(
        Prefetch(
            "entries",
            queryset=latest_first.select_related("edition__race", "team"),
        )
    )
    given, family = "given_name", "family_name"
    return _ranked(
        riders,
        key,
        names=[
            family,
            Concat(given, Value(" "), family),
            Concat(family, Value(" "), given),
        ],
        words=Concat(given, Value(" "), family),
        then=(family, given),
    )


def _teams(key: str) -> QuerySet:
    """Teams of every edition (a team is per edition), newest edition first
    within a rank, then by name."""
    teams = (
        Team.objects.filter(edition__published=True)
        .select_related("edition__race")
        .alias(_start=edition_start("edition_id"))
    )
    return _ranked(
        teams,
        key,
        names=["name"],
        words=Concat("name", Value(" "), "code"),
        exact=Q(code__iexact=key),
        then=(*_newest_first("edition__year"), "name"),
    )


def _stages(key: str) -> QuerySet:
    """Stages of every edition, the latest first within a rank."""
    stages = Stage.objects.filter(edition__published=True).select_related(
        "edition__race"
    )
    return _ranked(
        stages,
        key,
        names=["finish", "start"],
        words=Concat("start", Value(" "), "finish"),
        then=("-date", "-number"),
    )


def _races(key: str) -> QuerySet:
    """Editions, by their race's name with or without the year: ``Giro`` finds
    every Giro, ``vuelta 2023`` one Vuelta; the latest first within a rank."""
    editions = (
        Edition.objects.published()
        .select_related("race")
        .alias(_start=edition_start("pk"))
    )
    year = Cast("year", CharField())
    with_year = Concat("race__name", Value(" "), year)
    return _ranked(
        editions,
        key,
        names=["race__name", with_year],
        words=with_year,
        then=(*_newest_first("year"), "race__name"),
    )
