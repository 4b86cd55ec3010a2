"""HTTP caching of the public pages with exact invalidation.

The *data version* of an edition changes whenever anything a public page shows about
it changes, so a cache key or ETag that contains it can never serve stale data and
nothing is ever flushed by hand. It is read in one small query per request (the
edition row, and its stages and published reports through their foreign-key indexes):

- ``Edition.version``, a counter that every write bumps:

  - ``services.recompute_standings``: every save of results or crossings (race
    importer, ``import_results``, the admin's paste and results/crossings forms,
    stage edits that move the standings, the ``recompute_standings`` command);
  - :func:`bump_data_version`, called by the admin (``stages/admin.py``,
    ``riders/admin.py``, ``teams/admin.py``) on every save or delete of a race,
    edition, stage, checkpoint, race report, team, entry or rider (a rider spans
    editions: all are bumped), bulk deletes included.

  Any other write (a shell, a data migration, a raw UPDATE) must call
  :func:`bump_data_version` too.
- the latest publication time of the edition's published reports that has passed,
  so a report scheduled for 18:00 appears at 18:00 without any write;
- whether a stage is live: pages poll and are kept only a few seconds then, and the
  end of a live stage changes the version whatever wrote it.

The next scheduled publication is read too: it caps the HTTP max-age and the cache
timeout.

Pages spanning editions (home, rider pages, the feed) use the site's version: the
same query over every edition.

:func:`public_page` is the one home of HTTP caching: ``ETag`` and ``304``,
CDN-friendly ``Cache-Control``, ``Vary``, and the rendered page stored once in the
cache with its compressed variants. Cache calls never raise: a broken backend is
logged on the ``toursite`` logger, bypassed for a few seconds, and pages render from
the database.
"""

import functools
import gzip
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime

from editions.models import Edition, Race
from stages.models import RaceReport, Stage

try:
    import brotli
except ImportError:  # optional: gzip only
    brotli = None

logger = logging.getLogger("toursite")

# Public pages: a CDN or browser may reuse a page for 30 s and, while it fetches a
# fresh copy in the background, serve the previous one for up to 5 minutes.
PUBLIC_MAX_AGE = 30
STALE_WHILE_REVALIDATE = 300
# While a stage is live, editors save results every few minutes: keep copies short.
LIVE_MAX_AGE = 5
LIVE_STALE_WHILE_REVALIDATE = 30
# Stored pages are exact (the key holds the data version), so the timeout only
# bounds memory: an unused page falls out after an hour.
CACHE_TIMEOUT = 3600
# After a cache failure, skip the cache for this long before trying again.
CACHE_RETRY_AFTER = 5.0
# Smaller bodies are not worth compressing.
COMPRESS_MIN_BYTES = 200


# Data version


@dataclass(frozen=True)
class DataVersion:
    """The data version of one edition or of the whole site."""

    token: str
    live: bool = False
    next_change: datetime | None = None

    def seconds_to_next_change(self) -> int | None:
        if self.next_change is None:
            return None
        return max(0, int((self.next_change - timezone.now()).total_seconds()))


STATIC = DataVersion(token="static")


@functools.cache
def _version_sql(scope: str) -> str:
    """One row per edition in ``scope`` ("slug" or "all"): id, version, live, the
    latest passed and the next scheduled publication. Hand-written: it runs on
    every request, and the ORM takes longer to compile it than the database to
    answer it."""
    edition, race, stage, report = (
        m._meta.db_table for m in (Edition, Race, Stage, RaceReport)
    )
    where = {
        "slug": f"JOIN {race} ra ON ra.id = e.race_id WHERE ra.slug = %s "
        "AND e.year = %s",
        "all": "",
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


def _as_datetime(value) -> datetime | None:
    """A timestamp from a raw query (SQLite returns text, in UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


@functools.cache
def _driver_sql(vendor: str, scope: str) -> str:
    """The query in the driver's own parameter style (sqlite3 uses ``?``)."""
    sql = _version_sql(scope)
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _version_rows(scope: str, params: list) -> list[tuple]:
    if connection.queries_logged or connection.execute_wrappers:
        # Someone watches the queries (DEBUG, a test counting them, an APM hook).
        with connection.cursor() as cursor:
            cursor.execute(_version_sql(scope), params)
            return cursor.fetchall()
    # Django's cursor wrapper costs as much as this query on SQLite, and it runs on
    # every request: go to the driver directly.
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_driver_sql(connection.vendor, scope), params)
            return cursor.fetchall()
        finally:
            cursor.close()


def _data_version(scope: str, *args) -> DataVersion | None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = _version_rows(scope, [now, now, *args])
    if not rows:
        return None
    upcoming = [_as_datetime(row[4]) for row in rows if row[4] is not None]
    return DataVersion(
        token=";".join(
            f"{pk}.{v}.{live}.{published}" for pk, v, live, published, _ in rows
        ),
        live=any(row[2] for row in rows),
        next_change=min(upcoming) if upcoming else None,
    )


def edition_version_by_slug(race_slug: str, year: int | str) -> DataVersion | None:
    """The data version of the edition at ``/races/<race_slug>/<year>/`` (one
    query); None if there is no such edition."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    if not 0 < year < 10000:
        return None
    return _data_version("slug", str(race_slug), year)


def edition_data_version(edition: Edition) -> DataVersion | None:
    return edition_version_by_slug(edition.race.slug, edition.year)


def site_data_version() -> DataVersion:
    """The data version of every edition at once, for pages spanning editions."""
    return _data_version("all") or DataVersion(token="empty")


def bump_data_version(*editions: Edition | int) -> None:
    """Invalidate every page of these editions (of all editions when none are
    given): for writes that change what a page shows without recomputing the
    standings."""
    qs = Edition.objects.all()
    if editions:
        qs = qs.filter(pk__in=[e.pk if isinstance(e, Edition) else e for e in editions])
    qs.update(version=models.F("version") + 1)


# Version functions for public_page: (request, *view args, **view kwargs) -> version

VersionFunc = Callable[..., DataVersion | None]


def for_edition(request: HttpRequest, *args, **kwargs) -> DataVersion | None:
    """For views whose URL names an edition (``race`` slug and ``year``)."""
    return edition_version_by_slug(kwargs.get("race"), kwargs.get("year"))


def for_site(request: HttpRequest, *args, **kwargs) -> DataVersion:
    """For pages that span editions (home, rider pages, the feed)."""
    return site_data_version()


def static(request: HttpRequest, *args, **kwargs) -> DataVersion:
    """For pages that show no data (about): they change only with a release."""
    return STATIC


# A cache that never raises

_cache_down_until = 0.0


def _cache_call(operation: str, call: Callable, default=None):
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return default
    try:
        return call()
    except Exception as exc:  # any backend error: the page must still be served
        _cache_down_until = time.monotonic() + CACHE_RETRY_AFTER
        logger.warning(
            "Cache %s failed (%s: %s); serving from the database, cache bypassed "
            "for %.0f s.",
            operation,
            type(exc).__name__,
            exc,
            CACHE_RETRY_AFTER,
        )
        return default


def cache_get(key: str):
    """The cached value, or None when missing or when the cache is unavailable."""
    return _cache_call("get", lambda: cache.get(key))


def cache_set(key: str, value, timeout: int | None = CACHE_TIMEOUT) -> None:
    """Store a value; a failing cache is logged and ignored."""
    _cache_call("set", lambda: cache.set(key, value, timeout))


@functools.cache
def release() -> str:
    """Identifies the deployed code, templates and static files.

    Stored pages survive a deploy in a shared Redis; keying them by release keeps a
    new template from being hidden by pages rendered with the old one. Set
    ``TOURSITE_RELEASE`` (e.g. the commit) to skip hashing the sources at start-up.
    """
    if value := os.environ.get("TOURSITE_RELEASE"):
        return value
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=6)
    files = [
        path
        for folder in ("templates", "stages", "riders", "teams", "toursite")
        for path in sorted((base / folder).rglob("*"))
        if path.suffix in {".py", ".html"}
    ]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# Stored pages


@dataclass(frozen=True)
class Page:
    """A rendered public page, with its compressed variants made once."""

    body: bytes
    content_type: str
    headers: dict[str, str]  # HX-* response headers (e.g. HX-Push-Url)
    encoded: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, request: HttpRequest, response: HttpResponse) -> "Page | None":
        """The page to store, or None when the response is not shareable."""
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies  # someone's own
            or response.has_header("Content-Encoding")
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # holds a CSRF token
        ):
            return None
        body = response.content
        # Public bodies hold no secret (no CSRF token, no session): BREACH has
        # nothing to find, so they are compressed once here.
        encoded = {}
        if len(body) >= COMPRESS_MIN_BYTES:
            encoded["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
            if brotli is not None:
                encoded["br"] = brotli.compress(body, quality=5)
        headers = {k: v for k, v in response.headers.items() if k.startswith("HX-")}
        return cls(body, response.headers["Content-Type"], headers, encoded)

    def response(self, request: HttpRequest) -> HttpResponse:
        """The page in the best encoding the request accepts."""
        accepted = _accepted_encodings(request) if self.encoded else ()
        encoding = next((e for e in ("br", "gzip") if e in accepted), None)
        body = self.encoded[encoding] if encoding in self.encoded else self.body
        response = HttpResponse(body, content_type=self.content_type)
        if self.encoded:
            if encoding in self.encoded:
                response.headers["Content-Encoding"] = encoding
            response.headers["Vary"] = "Accept-Encoding"
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def _accepted_encodings(request: HttpRequest) -> set[str]:
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


# The latest pages of this process, in front of the shared cache: a hit costs no
# unpickling (about a tenth of a cached request on SQLite) and, with Redis, no round
# trip. Exact like the cache: keys hold the data version. TOURSITE_LOCAL_PAGES
# bounds it (0 turns it off, as the test settings do).
_local: dict[str, Page] = {}
# Threaded workers (GUNICORN_THREADS > 1, runserver) store pages concurrently.
_local_lock = threading.Lock()


def _remember(key: str, page: Page) -> None:
    size = getattr(settings, "TOURSITE_LOCAL_PAGES", 64)
    if size <= 0:
        return
    with _local_lock:
        _local[key] = page
        while len(_local) > size:
            _local.pop(next(iter(_local)), None)


def _get_page(key: str) -> Page | None:
    with _local_lock:
        page = _local.get(key)
    if page is None:
        page = cache_get(key)
        if not isinstance(page, Page):
            return None
        _remember(key, page)
    return page


# HTTP caching for public pages


def is_private(request: HttpRequest) -> bool:
    """True for a logged-in user (editor or admin).

    Reading ``request.user`` loads the session, and SessionMiddleware then adds
    ``Vary: Cookie``, which makes a CDN keep one copy per visitor. Only requests that
    carry a session cookie can be logged in, so the others never touch the session and
    their responses stay shareable.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def _cache_control(version: DataVersion) -> str:
    max_age, swr = (
        (LIVE_MAX_AGE, LIVE_STALE_WHILE_REVALIDATE)
        if version.live
        else (PUBLIC_MAX_AGE, STALE_WHILE_REVALIDATE)
    )
    if (seconds := version.seconds_to_next_change()) is not None:
        # A scheduled report goes out then: no copy may outlive that moment.
        max_age, swr = min(max_age, seconds), min(swr, seconds)
    return f"public, max-age={max_age}, stale-while-revalidate={swr}"


def _timeout(version: DataVersion) -> int:
    seconds = version.seconds_to_next_change()
    return CACHE_TIMEOUT if seconds is None else max(1, min(CACHE_TIMEOUT, seconds))


def _request_digest(
    request: HttpRequest,
    version: DataVersion,
    params: frozenset[str] | None,
    vary_meta: tuple[str, ...],
) -> str:
    query = []
    if request.META.get("QUERY_STRING"):
        query = [
            (name, value)
            for name, values in sorted(request.GET.lists())
            if params is None or name in params
            for value in values
        ]
    headers = [request.META.get(name) for name in vary_meta]
    # The date: a rider's age or anything else that follows the calendar.
    today = timezone.localdate()
    parts = repr((release(), version.token, today, request.path, query, headers))
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def public_page(
    version: VersionFunc,
    *,
    params: Iterable[str] | None = None,
    vary: Iterable[str] = ("HX-Request",),
) -> Callable:
    """Decorate a GET view whose output depends only on its URL, the request headers
    in ``vary`` and the data version that ``version`` returns.

    - ``ETag`` from the release, the data version, the path, the query (only
      ``params`` when given: other parameters are ignored by the view, so they must
      not split the cache) and the ``vary`` headers (listed in ``Vary`` too);
      ``If-None-Match`` answers 304 without running the view.
    - ``Cache-Control: public, max-age=30, stale-while-revalidate=300`` (5 and 30 s
      while a stage is live; never past the next scheduled report).
    - The rendered page is stored once with its gzip and brotli variants; later
      requests with the same ETag get the variant they accept without the view.
    - Logged-in users get the view's own output with ``private, no-store``.
    - A version function returning None (unknown edition) runs the view unchanged,
      so it can answer 404.
    """
    params = frozenset(params) if params is not None else None
    vary = tuple(vary)
    vary_meta = tuple("HTTP_" + h.upper().replace("-", "_") for h in vary)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or is_private(request):
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    response.headers["Cache-Control"] = "private, no-store"
                return response
            current = version(request, *args, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            digest = _request_digest(request, current, params, vary_meta)
            # Weak: the same page is served plain or compressed (RFC 9110 8.8.1).
            etag = f'W/"{digest}"'
            # A bare "*" would match pages that do not exist (stage-99 of a real
            # race): only a tag this site gave out can earn a 304.
            if request.META.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
                response = None
            else:
                response = get_conditional_response(request, etag=etag)
            if response is None:
                key = f"page:{digest}"
                page = _get_page(key)
                if not isinstance(page, Page):
                    response = view(request, *args, **kwargs)
                    page = Page.of(request, response)
                    if page is not None:
                        cache_set(key, page, _timeout(current))
                        _remember(key, page)
                if page is None:  # not shareable (e.g. it set a cookie)
                    response.headers["Cache-Control"] = "private, no-store"
                    return response
                response = page.response(request)
            if vary:
                patch_vary_headers(response, vary)
            response.headers["ETag"] = etag
            # This decorator owns the policy: it replaces what the view said.
            response.headers["Cache-Control"] = _cache_control(current)
            return response

        return wrapper

    return decorator
