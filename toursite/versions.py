"""Data versions: what makes a stored public page exact.

The data version of an edition changes whenever anything a public page shows about it
changes, so a cache version or ETag that holds it can never serve stale data and
nothing is ever flushed by hand. It is read in one small query per request (the
edition row, and its stages and published reports through their foreign-key indexes):

- ``Edition.version``, a counter that every write bumps: every service in
  ``stages.services`` ends with ``stages.services.recompute.bump_version``. Any other
  write (a shell, a data migration, a raw UPDATE) must call it too.
- the latest publication time of the edition's published reports that has passed, so
  a report scheduled for 18:00 appears at 18:00 without any write;
- whether a stage is live: pages poll and are kept only a few seconds then, and the
  end of a live stage changes the version whatever wrote it.

The next scheduled publication is read too: it caps the HTTP max-age and the cache
timeout. Pages spanning editions (home, rider pages, the feed) use the site's
version: the same query over every edition.

With ``REDIS_URL``, each process keeps the versions it has read until a write
announces a new one (``toursite.version_push``): a stored page then needs no query.
"""

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from editions.models import Edition, Race
from stages.models import RaceReport, Stage
from toursite import version_push


@dataclass(frozen=True)
class DataVersion:
    """The data version of one edition or of the whole site.

    ``token`` changes with anything a page shows; ``live`` is true while a stage is
    live; ``next_change`` is the next scheduled publication, if any.
    """

    token: str
    live: bool = False
    next_change: datetime | None = None

    def seconds_to_next_change(self) -> int | None:
        if self.next_change is None:
            return None
        return max(0, int((self.next_change - timezone.now()).total_seconds()))


STATIC = DataVersion(token="static")


@functools.cache
def version_sql(scope: str) -> str:
    """One row per edition in ``scope`` ("slug": the edition of a race slug and a
    year; "all": every published edition): id, version, live, the latest passed
    and the next scheduled publication. Parameters: now, now, then the slug and
    the year.

    Hand-written: it runs on every request, and the ORM's equivalent (aggregates
    filtered through two joins) takes ten to forty times as long (``make bench``
    prints both: ``version_query_*_us``)."""
    edition, race, stage, report = (
        m._meta.db_table for m in (Edition, Race, Stage, RaceReport)
    )
    where = {
        "slug": f"JOIN {race} ra ON ra.id = e.race_id WHERE ra.slug = %s "
        "AND e.year = %s",
        # Drafts are on no page spanning editions: their writes change none.
        "all": "WHERE e.published",
    }[scope]
    return (
        "SELECT e.id, e.version, "
        "MAX(CASE WHEN s.status = 'live' THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN r.published_at <= %s THEN r.published_at END), "
        "MIN(CASE WHEN r.published_at > %s THEN r.published_at END) "
        f"FROM {edition} e LEFT JOIN {stage} s ON s.edition_id = e.id "
        f"LEFT JOIN {report} r ON r.stage_id = s.id AND r.status = 'published' "
        f"{where} GROUP BY e.id, e.version ORDER BY e.id"
    )


def driver_fetchall(sql: str, params: list) -> list[tuple]:
    """The rows of ``sql`` (``%s`` placeholders) from the database driver's own
    cursor: the one fast path around Django's database layer.

    On SQLite, Django's cursor wrapper adds half the cost of the version query itself
    (``make bench`` prints both: ``version_query_*_us``); on PostgreSQL the round trip
    dominates and both cost the same. Queries run here are invisible to
    ``connection.queries`` and to execute wrappers, so :func:`version_rows` takes
    this path only when nobody watches."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        sql = _qmark(sql)
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()


@functools.cache
def _qmark(sql: str) -> str:
    """``sql`` in the sqlite3 module's parameter style (``?``)."""
    return sql.replace("%s", "?")


def version_rows(scope: str, params: list) -> list[tuple]:
    """The rows of :func:`version_sql` for ``scope``."""
    sql = version_sql(scope)
    if connection.queries_logged or connection.execute_wrappers:
        # Someone watches the queries (DEBUG, a test counting them, an APM hook).
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return driver_fetchall(sql, params)


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A timestamp from a raw query (SQLite returns text, in UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _data_version(scope: str, *args: str | int) -> DataVersion | None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = version_rows(scope, [now, now, *args])
    if not rows:
        return None
    upcoming = [as_datetime(row[4]) for row in rows if row[4] is not None]
    state = ";".join(f"{pk}.{v}.{live}.{passed}" for pk, v, live, passed, _ in rows)
    return DataVersion(
        # Hashed: the site's state grows with every edition, and the token is part
        # of every cache key and ETag.
        token=hashlib.blake2b(state.encode(), digest_size=10).hexdigest(),
        live=any(row[2] for row in rows),
        next_change=min(upcoming) if upcoming else None,
    )


def edition_version_by_slug(race_slug: str, year: int | str) -> DataVersion | None:
    """The data version of the edition at ``/races/<race_slug>/<year>/`` (one
    query, or none while this process keeps it); None if there is no such
    edition."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    if not 0 < year < 10000:
        return None
    slug = str(race_slug)
    return version_push.kept(
        ("slug", slug, year), lambda: _data_version("slug", slug, year)
    )


def edition_data_version(edition: Edition) -> DataVersion | None:
    return edition_version_by_slug(edition.race.slug, edition.year)


def site_data_version() -> DataVersion:
    """The data version of every edition at once, for pages spanning editions (one
    query, or none while this process keeps it)."""
    return version_push.kept(
        ("all",), lambda: _data_version("all") or DataVersion(token="empty")
    )
