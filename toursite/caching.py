"""The store of rendered public pages, for ``toursite.http.public_page``.

A page is stored once, with its gzip and brotli variants, in Django's cache under a
key naming the request and, as the cache *version*, the data version of what it
shows (``toursite.versions``): a write changes the version, so a stored page is
never stale and nothing is flushed. The latest pages of this process are kept in
front of the shared cache.

Cache calls never raise: a broken backend is logged on the ``toursite`` logger,
bypassed for a few seconds, and pages render from the database.
"""

import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from toursite.middleware import COMPRESSED_TYPES

try:
    import brotli
except ImportError:  # optional: gzip only
    brotli = None

logger = logging.getLogger("toursite")

# Stored pages are exact (their version is the data version), so the timeout only
# bounds memory: an unused page falls out after an hour.
CACHE_TIMEOUT = 3600
# After a cache failure, skip the cache for this long before trying again.
CACHE_RETRY_AFTER = 5.0
# Smaller bodies are not worth compressing.
COMPRESS_MIN_BYTES = 200
# Headers a stored page keeps besides htmx's: a download keeps its file name.
KEPT_HEADERS = frozenset({"Vary", "Content-Disposition"})
# Folders whose files make up a release (see release()).
RELEASE_FOLDERS = (
    "templates",
    "racing",
    "editions",
    "stages",
    "live",
    "riders",
    "teams",
    "toursite",
    "locale",  # the compiled catalogues: a new translation is a new release
)


# A cache that never raises

_cache_down_until = 0.0


def cache_call(operation: str, call: Callable[[], Any]) -> Any:
    """``call()`` (a use of the cache), or None when the cache fails or failed
    within the last ``CACHE_RETRY_AFTER`` seconds (logged once)."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return None
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
        return None


def cache_get(key: str, version: str) -> Any:
    """The cached value, or None when missing or when the cache is unavailable."""
    return cache_call("get", lambda: cache.get(key, version=version))


def cache_set(key: str, value: Any, version: str, timeout: int) -> None:
    """Store a value; a failing cache is logged and ignored."""
    cache_call("set", lambda: cache.set(key, value, timeout, version=version))


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
        for folder in RELEASE_FOLDERS
        for path in sorted((base / folder).rglob("*"))
        if path.suffix in {".py", ".html", ".mo"}
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
    headers: dict[str, str]  # Vary and the HX-* headers (e.g. HX-Push-Url)
    encoded: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(
        cls, request: HttpRequest, response: HttpResponse, vary: tuple[str, ...] = ()
    ) -> "Page | None":
        """The page to store, varying on ``vary`` (and on Accept-Encoding when
        compressed), or None when the response is not shareable."""
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
        # nothing to find, so they are compressed once here, without padding.
        encoded = {}
        content_type = response.headers["Content-Type"]
        if len(body) >= COMPRESS_MIN_BYTES and content_type not in COMPRESSED_TYPES:
            encoded["gzip"] = compress_string(body)
            if brotli is not None:
                encoded["br"] = brotli.compress(body, quality=5)
        # Vary is worked out once here, not on every request for the stored page.
        if vary := (("Accept-Encoding",) if encoded else ()) + vary:
            patch_vary_headers(response, vary)
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.startswith("HX-") or name in KEPT_HEADERS
        }
        return cls(body, content_type, headers, encoded)

    def response(self, request: HttpRequest) -> HttpResponse:
        """The page in the best encoding the request accepts."""
        accepted = accepted_encodings(request) if self.encoded else ()
        encoding = next(
            (e for e in ("br", "gzip") if e in accepted and e in self.encoded), None
        )
        response = HttpResponse(
            self.encoded.get(encoding, self.body),
            content_type=self.content_type,
            headers=self.headers,
        )
        if encoding:
            response.headers["Content-Encoding"] = encoding
        return response


def accepted_encodings(request: HttpRequest) -> frozenset[str]:
    """The content codings of ``Accept-Encoding``, but those refused with q=0."""
    return _codings(request.META.get("HTTP_ACCEPT_ENCODING", ""))


# Browsers send a handful of distinct headers: each is parsed once.
@functools.lru_cache(maxsize=64)
def _codings(header: str) -> frozenset[str]:
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return frozenset(accepted)


# The latest pages of this process, in front of the shared cache: a hit costs no
# unpickling (about a tenth of a cached request on SQLite) and, with Redis, no round
# trip. Exact like the cache: entries are keyed by data version too.
# TOURSITE_LOCAL_PAGES bounds it (0 turns it off, as the test settings do).
_local: dict[tuple[str, str], Page] = {}
# Threaded workers (GUNICORN_THREADS > 1, runserver) store pages concurrently.
_local_lock = threading.Lock()


def _remember(key: str, version: str, page: Page) -> None:
    size = getattr(settings, "TOURSITE_LOCAL_PAGES", 64)
    if size <= 0:
        return
    with _local_lock:
        _local[key, version] = page
        while len(_local) > size:
            _local.pop(next(iter(_local)), None)


def get_page(key: str, version: str) -> Page | None:
    """The page stored under ``key`` at this data version, if any."""
    with _local_lock:
        page = _local.get((key, version))
    if page is None:
        page = cache_get(key, version)
        if not isinstance(page, Page):
            return None
        _remember(key, version, page)
    return page


def store_page(key: str, version: str, page: Page, timeout: int) -> None:
    """Keep ``page`` under ``key`` at this data version, here and in the cache."""
    cache_set(key, page, version, timeout)
    # Which version is the latest, for last_page() while the database is away.
    cache_set(LATEST_PREFIX + key, version, LATEST_VERSION, timeout)
    _remember(key, version, page)


# Where the shared cache notes the version of each page's latest copy.
LATEST_PREFIX = "latest:"
LATEST_VERSION = "0"


def last_page(key: str) -> Page | None:
    """The latest stored copy of the page under ``key``, whatever its data version:
    what is served while the data version cannot be read. This process's own
    copies come first (the newest is the last one remembered), then the shared
    cache's note of the latest version."""
    with _local_lock:
        page = next((p for (k, _), p in reversed(_local.items()) if k == key), None)
    if page is not None:
        return page
    version = cache_get(LATEST_PREFIX + key, LATEST_VERSION)
    return get_page(key, version) if isinstance(version, str) else None
