"""Caching with exact invalidation: data versions, a fail-safe cache, HTTP caching.

The *data version* of an edition is a short token that changes whenever anything a
public page shows about it changes, so a cache key that contains it can never serve
stale data and nothing is ever flushed by hand. It is derived in one query from:

- ``Edition.version``, bumped by ``services.recompute_standings`` (every write of
  results or crossings goes through it: importers, admin, the command) and by
  :func:`bump_data_version` for writes that do not recompute;
- a fingerprint of the edition's stages and checkpoints (every displayed field), so a
  stage edit (route, status, date...) changes it without any cooperation;
- its published race reports: how many, the latest ``updated_at`` (any save), and the
  latest publication time that has passed, so a report scheduled for 18:00 appears
  at 18:00 (drafts are never shown, so saving one changes nothing).
  The next scheduled publication also caps the HTTP ``max-age`` and the cache timeout.

Three tools use it:

- :func:`cached_fragment` / :func:`fragment_key`: a rendered fragment in the cache,
  keyed by edition, stage, table, filters, HTMX or full, and data version;
- :func:`public_page`: a view decorator that answers ``If-None-Match`` with 304, sets
  ``ETag`` and CDN-friendly ``Cache-Control``, and keeps the rendered body in the cache;
- :func:`cache_get` / :func:`cache_set`: cache access that never raises. A broken cache
  backend is logged on the ``toursite`` logger and bypassed for a few seconds (so a
  Redis that is down costs one timeout, not one per request); pages then render from
  the database.
"""

import functools
import gzip
import hashlib
import logging
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.dateparse import parse_datetime

from stages.models import Checkpoint, Edition, Race, RaceReport, Stage

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
# Server-side entries are exact (the key holds the data version), so the timeout only
# bounds memory: an unused key falls out after an hour.
CACHE_TIMEOUT = 3600
# After a cache failure, skip the cache for this long before trying again.
CACHE_RETRY_AFTER = 5.0

NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"


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


# ASCII unit and record separators: they cannot occur in a name typed by an editor.
_UNIT, _RECORD = "\x1f", "\x1e"


@functools.cache
def _version_sql(vendor: str, scope: str) -> str:
    """The data-version query, written once per process.

    Hand-written because it runs on every request: the same query built with the ORM
    (subqueries, StringAgg) costs about 4 ms to compile for 0.1 ms to run on SQLite.
    One row per edition in ``scope`` ("pk", "slug" or "all").
    """
    edition, stage, checkpoint, report, race = (
        m._meta.db_table for m in (Edition, Stage, Checkpoint, RaceReport, Race)
    )

    def fingerprint(alias: str, model) -> str:
        """Every column of every row as one text (row order is left to the
        database: a different order would only cost a cache miss)."""
        columns = []
        for field in model._meta.concrete_fields:
            column = f"{alias}.{field.column}"
            if vendor == "postgresql":
                column += "::text"
            if field.null:
                column = f"COALESCE(CAST({column} AS TEXT), '')"
            columns.append(column)
        row = f" || '{_UNIT}' || ".join(columns)
        if vendor == "postgresql":
            return f"STRING_AGG({row}, '{_RECORD}')"
        return f"GROUP_CONCAT({row}, '{_RECORD}')"

    def on_reports(select: str, condition: str = "") -> str:
        return (
            f"(SELECT {select} FROM {report} r JOIN {stage} rs ON r.stage_id = rs.id "
            f"WHERE rs.edition_id = e.id{condition})"
        )

    # Drafts are never shown: only published reports (including scheduled ones)
    # count. Unpublishing one changes the count, any save its updated_at.
    published = " AND r.status = 'published'"
    passed, upcoming = (f"{published} AND r.published_at {op} %s" for op in ("<=", ">"))
    where = {
        "pk": "WHERE e.id = %s",
        "slug": f"JOIN {race} ra ON e.race_id = ra.id "
        "WHERE ra.slug = %s AND e.year = %s",
        "all": "",
    }[scope]
    return (
        "SELECT e.id, e.version, "
        f"(SELECT {fingerprint('s', Stage)} FROM {stage} s WHERE s.edition_id = e.id), "
        f"(SELECT {fingerprint('c', Checkpoint)} FROM {checkpoint} c "
        f"JOIN {stage} cs ON c.stage_id = cs.id WHERE cs.edition_id = e.id), "
        f"EXISTS (SELECT 1 FROM {stage} l WHERE l.edition_id = e.id "
        "AND l.status = 'live'), "
        f"{on_reports('COUNT(*)', published)}, "
        f"{on_reports('MAX(r.updated_at)', published)}, "
        f"{on_reports('MAX(r.published_at)', passed)}, "
        f"{on_reports('MIN(r.published_at)', upcoming)} "
        f"FROM {edition} e {where} ORDER BY e.id"
    )


def _version_rows(scope: str, *args) -> list[tuple]:
    sql = _version_sql(connection.vendor, scope)
    params = [connection.ops.adapt_datetimefield_value(timezone.now())] * 2
    params += args
    if connection.queries_logged or connection.execute_wrappers:
        # Someone watches the queries (DEBUG, a test counting them, an APM hook).
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # Django's cursor wrapper costs more than this query (0.09 ms vs 0.05 ms on
    # SQLite), and it runs on every request: go to the driver directly.
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_driver_sql(connection.vendor, scope), params)
            return cursor.fetchall()
        finally:
            cursor.close()


@functools.cache
def _driver_sql(vendor: str, scope: str) -> str:
    """The query in the driver's own parameter style (sqlite3 uses ``?``)."""
    sql = _version_sql(vendor, scope)
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _as_datetime(value) -> datetime | None:
    """A timestamp from a raw query (SQLite returns text, in UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _combine(rows: list[tuple]) -> DataVersion | None:
    if not rows:
        return None
    digest = hashlib.blake2b(digest_size=8)
    for pk, version, stages, checkpoints, _live, *reports, _next in rows:
        digest.update(repr((pk, version, stages, checkpoints, reports)).encode())
    upcoming = [_as_datetime(row[8]) for row in rows if row[8] is not None]
    prefix = f"e{rows[0][0]}v{rows[0][1]}-" if len(rows) == 1 else ""
    return DataVersion(
        token=prefix + digest.hexdigest(),
        live=any(row[4] for row in rows),
        next_change=min(upcoming) if upcoming else None,
    )


def edition_data_version(edition: Edition | int) -> DataVersion | None:
    """The data version of one edition (one query); None if it does not exist."""
    pk = edition.pk if isinstance(edition, Edition) else edition
    return _combine(_version_rows("pk", pk))


def data_version(edition: Edition | int) -> str:
    """The cache-key part of an edition: changes on every change a page can show."""
    version = edition_data_version(edition)
    return version.token if version else "none"


def edition_version_by_slug(race_slug: str, year: int | str) -> DataVersion | None:
    """The data version of the edition at ``/races/<race_slug>/<year>/`` (one query)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    if not 0 < year < 10000:
        return None
    return _combine(_version_rows("slug", str(race_slug), year))


def site_data_version() -> DataVersion:
    """The data version of every edition at once, for pages spanning editions."""
    return _combine(_version_rows("all")) or DataVersion(token="empty")


def bump_data_version(*editions: Edition | int) -> None:
    """Invalidate everything cached for these editions (all when none are given).

    For writes that change what a page shows without recomputing standings: a rider's
    or team's name, an entry, an edition's rules.
    """
    qs = Edition.objects.all()
    if editions:
        qs = qs.filter(pk__in=[e.pk if isinstance(e, Edition) else e for e in editions])
    qs.update(version=models.F("version") + 1)


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


def _timeout(version: DataVersion | None) -> int:
    seconds = version.seconds_to_next_change() if version else None
    return CACHE_TIMEOUT if seconds is None else max(1, min(CACHE_TIMEOUT, seconds))


@functools.cache
def release() -> str:
    """Identifies the deployed code, templates and static files.

    Cached pages survive a deploy in a shared Redis; keying them by release keeps a
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


def fragment_key(
    *,
    edition_id: int,
    stage: int | None,
    table: str,
    filters: Mapping[str, str] | None = None,
    htmx: bool,
    version: str,
) -> str:
    """The cache key of a rendered fragment; filters are normalised (sorted)."""
    parts = repr(
        (
            release(),
            edition_id,
            stage,
            table,
            sorted((filters or {}).items()),
            bool(htmx),
            version,
        )
    )
    return "fragment:" + hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def cached_fragment(
    key: str, render: Callable[[], str], *, timeout: int | None = CACHE_TIMEOUT
) -> str:
    """The fragment under ``key``, rendering and storing it when missing.

    Works (renders every time) when the cache backend is down.
    """
    html = cache_get(key)
    if html is None:
        html = render()
        cache_set(key, html, timeout)
    return html


# HTTP caching for public pages

VersionFunc = Callable[..., DataVersion | None]


def for_edition(race: str = "race", year: str = "year") -> VersionFunc:
    """Version function for views whose URL names an edition by race slug and year."""

    def version(request: HttpRequest, *args, **kwargs) -> DataVersion | None:
        return edition_version_by_slug(kwargs.get(race), kwargs.get(year))

    return version


def for_site(request: HttpRequest, *args, **kwargs) -> DataVersion:
    """Version function for pages that span editions (home, riders, teams, search)."""
    return site_data_version()


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


def _public_headers(response: HttpResponse, version: DataVersion, etag: str) -> None:
    max_age, swr = (
        (LIVE_MAX_AGE, LIVE_STALE_WHILE_REVALIDATE)
        if version.live
        else (PUBLIC_MAX_AGE, STALE_WHILE_REVALIDATE)
    )
    if (seconds := version.seconds_to_next_change()) is not None:
        # A scheduled report goes out then: no copy may outlive that moment.
        max_age, swr = min(max_age, seconds), min(swr, seconds)
    response.headers["ETag"] = etag
    # This decorator owns the policy: it replaces whatever the view said.
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={swr}"
    )


def _meta_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


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
    parts = repr((release(), version.token, request.path, query, headers))
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class _Stored:
    body: bytes  # the CSP nonce replaced by NONCE_PLACEHOLDER
    content_type: str
    hx_headers: dict[str, str]
    # Compressed once when stored, served as they are (bodies without a nonce).
    encoded: dict[str, bytes]
    # A body with a nonce: its parts around the nonce, each deflated on its own.
    deflated_parts: tuple[bytes, ...] = ()


def _deflate_parts(parts: list[bytes]) -> tuple[bytes, ...]:
    """Raw deflate of each part with no reference to an earlier part, every part
    but the last ending on a byte boundary, so that a nonce can be spliced in
    between as a stored block per request (see _gzip_with_nonce)."""
    deflated = []
    for n, part in enumerate(parts):
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        last = n == len(parts) - 1
        flush = zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
        deflated.append(compressor.compress(part) + compressor.flush(flush))
    return tuple(deflated)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no mtime


def _gzip_with_nonce(stored: _Stored, nonce: bytes) -> bytes:
    """A gzip member (RFC 1952) of the body with this response's nonce, without
    compressing the page again: the nonce goes in as an uncompressed deflate block
    (RFC 1951 3.2.4) between the parts deflated when the page was stored."""
    nonce_block = b"\x00" + struct.pack("<HH", len(nonce), len(nonce) ^ 0xFFFF) + nonce
    crc = 0
    parts = stored.body.split(NONCE_PLACEHOLDER)
    for n, part in enumerate(parts):
        crc = zlib.crc32(part, crc)
        if n < len(parts) - 1:
            crc = zlib.crc32(nonce, crc)
    size = sum(map(len, parts)) + len(nonce) * (len(parts) - 1)
    return b"".join(
        [
            _GZIP_HEADER,
            nonce_block.join(stored.deflated_parts),
            struct.pack("<II", crc, size & 0xFFFFFFFF),
        ]
    )


def _store(request: HttpRequest, response: HttpResponse, key: str, timeout: int):
    # A body that set a cookie or used the CSRF token is someone's own: never shared.
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Content-Encoding")
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    ):
        return
    body = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        body = body.replace(str(nonce).encode(), NONCE_PLACEHOLDER)
    encoded, deflated_parts = {}, ()
    # Public bodies hold no secret (no CSRF token, no session): BREACH has nothing
    # to find, so they are compressed once here rather than on every request.
    if len(body) < 200:
        pass
    elif NONCE_PLACEHOLDER in body:
        deflated_parts = _deflate_parts(body.split(NONCE_PLACEHOLDER))
    else:
        encoded["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        if brotli is not None:
            encoded["br"] = brotli.compress(body, quality=5)
    hx_headers = {k: v for k, v in response.headers.items() if k.startswith("HX-")}
    stored = _Stored(
        body, response.headers["Content-Type"], hx_headers, encoded, deflated_parts
    )
    cache_set(key, stored, timeout)
    _remember(key, stored)


# The most recent pages of this process, in front of the shared cache: a hit costs
# no unpickling and, with Redis, no round trip. Exact like the cache: keys hold the
# data version.
LOCAL_ENTRIES = 64
_local: dict[str, _Stored] = {}


def _remember(key: str, stored: _Stored) -> None:
    _local[key] = stored
    while len(_local) > LOCAL_ENTRIES:
        _local.pop(next(iter(_local)), None)


def _get_stored(key: str) -> _Stored | None:
    stored = _local.get(key)
    if stored is None:
        stored = cache_get(key)
        if isinstance(stored, _Stored):
            _remember(key, stored)
        else:
            stored = None
    return stored


def _accepted_encodings(request: HttpRequest) -> set[str]:
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if ";" not in header:  # the usual "gzip, deflate, br, zstd"
        return {name.strip().lower() for name in header.split(",")}
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


def _restore(request: HttpRequest, stored: _Stored) -> HttpResponse:
    accepted = _accepted_encodings(request)
    body, encoding = stored.body, None
    if NONCE_PLACEHOLDER in body:
        # The cached page's scripts get this response's nonce (and the CSP header too).
        nonce = str(request._csp_nonce).encode()
        if stored.deflated_parts and "gzip" in accepted:
            body, encoding = _gzip_with_nonce(stored, nonce), "gzip"
        else:
            body = body.replace(NONCE_PLACEHOLDER, nonce)
    else:
        encoding = next((e for e in ("br", "gzip") if e in accepted), None)
        if encoding in stored.encoded:
            body = stored.encoded[encoding]
        else:
            encoding = None
    response = HttpResponse(body, content_type=stored.content_type)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if stored.encoded or stored.deflated_parts:
        response.headers["Vary"] = "Accept-Encoding"
    for name, value in stored.hx_headers.items():
        response.headers[name] = value
    return response


def public_page(
    version: VersionFunc,
    *,
    params: Iterable[str] | None = None,
    store: bool = True,
    vary: Iterable[str] = ("HX-Request",),
) -> Callable:
    """Decorate a GET view whose output depends only on its URL and the data version.

    - ``ETag`` from the data version, the path, the query (only ``params`` when
      given: other parameters are ignored by the view, so they must not split the
      cache) and the request headers in ``vary`` (listed in ``Vary`` too: e.g. add
      "HX-Trigger" when the fragment depends on it); ``If-None-Match`` answers 304
      without running the view.
    - ``Cache-Control: public, max-age=30, stale-while-revalidate=300`` (5 and 30 s
      while a stage of the edition is live; never past the next scheduled report).
      No ``Last-Modified``: standings carry no timestamp; the ETag is exact.
    - With ``store``, the rendered body is kept in the cache (the CSP nonce is swapped
      per request); later requests with the same data version skip the view.
    - Logged-in users get the view's own output with ``private, no-store``.
    - A version function returning None (unknown edition) runs the view unchanged,
      so it can answer 404.
    """
    params = frozenset(params) if params is not None else None
    vary = tuple(vary)
    vary_meta = tuple(_meta_name(header) for header in vary)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or is_private(request):
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    patch_cache_control(response, private=True, no_store=True)
                return response
            current = version(request, *args, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            digest = _request_digest(request, current, params, vary_meta)
            # Weak: the same page is served plain or compressed (RFC 9110 8.8.1).
            etag = f'W/"{digest}"'
            response = get_conditional_response(request, etag=etag)
            if response is None:
                key = f"page:{digest}"
                stored = _get_stored(key) if store else None
                if stored is not None:
                    response = _restore(request, stored)
                else:
                    response = view(request, *args, **kwargs)
                    if store:
                        _store(request, response, key, _timeout(current))
            if vary:
                patch_vary_headers(response, vary)
            if response.status_code in (200, 304):
                _public_headers(response, current, etag)
            return response

        return wrapper

    return decorator
