"""Site-wide HTTP helpers for the views: the fragment check and the page cache.

:func:`public_page` is the one home of HTTP caching: ``ETag`` and ``304``,
CDN-friendly ``Cache-Control``, ``Vary``, and the rendered page stored once with its
compressed variants (``toursite.caching``) under the data version of what it shows
(``toursite.versions``), so no stored page or ETag ever outlives a write.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)

from toursite import caching, versions
from toursite.middleware import UNAVAILABLE, unavailable_response
from toursite.versions import DataVersion

# Public pages: a CDN or browser may reuse a page for 30 s and, while it fetches a
# fresh copy in the background, serve the previous one for up to 5 minutes.
PUBLIC_MAX_AGE = 30
STALE_WHILE_REVALIDATE = 300
# While a stage is live, the desk writes every few seconds and fans poll every few
# seconds: a copy is fresh for one second (a proxy in front then asks again, with
# the ETag, and mostly gets a 304), and served stale for a few more while a proxy
# refreshes it in the background.
LIVE_MAX_AGE = 1
LIVE_STALE_WHILE_REVALIDATE = 10
# ``X-Toursite-Page`` says how a public response was made: by the view, from the
# page store, or a 304 (what ``make bench-live`` counts behind the proxy).
PAGE_HEADER = "X-Toursite-Page"


def is_fragment_request(request: HttpRequest) -> bool:
    """An HTMX swap (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


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


def sees_drafts(request: HttpRequest) -> bool:
    """Staff see draft editions and scheduled reports (never from a stored page:
    a logged-in user's pages are not stored, see :func:`public_page`)."""
    if not is_private(request):
        return False
    return bool(request.user.is_staff)


# Version functions for public_page: (request, *view args, **view kwargs) -> version

VersionFunc = Callable[..., DataVersion | None]


def for_edition(
    request: HttpRequest, *args: object, **kwargs: object
) -> DataVersion | None:
    """For views whose URL names an edition (``race`` slug and ``year``): None for
    an unknown edition."""
    return versions.edition_version_by_slug(kwargs.get("race"), kwargs.get("year"))


def for_site(request: HttpRequest, *args: object, **kwargs: object) -> DataVersion:
    """For pages that span editions (home, rider pages, the feed)."""
    return versions.site_data_version()


def static(request: HttpRequest, *args: object, **kwargs: object) -> DataVersion:
    """For pages that show no data (about): they change only with a release."""
    return versions.STATIC


# HTTP caching for public pages


def _cache_control(version: DataVersion) -> str:
    """The ``Cache-Control`` of a public page at ``version``."""
    max_age, swr = (
        (LIVE_MAX_AGE, LIVE_STALE_WHILE_REVALIDATE)
        if version.live
        else (PUBLIC_MAX_AGE, STALE_WHILE_REVALIDATE)
    )
    if (seconds := version.seconds_to_next_change()) is not None:
        # A scheduled report goes out then: no copy may outlive that moment.
        max_age, swr = min(max_age, seconds), min(swr, seconds)
    return _public_cache_control(max_age, swr)


@functools.cache
def _public_cache_control(max_age: int, stale_while_revalidate: int) -> str:
    """Built by ``patch_cache_control`` once per pair of values (a few hundred at
    most): it would cost some 2 % of a stored page on every request."""
    response = HttpResponse()
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=stale_while_revalidate,
    )
    return response["Cache-Control"]


def _timeout(version: DataVersion) -> int:
    """Seconds to store a page: never past the next scheduled report."""
    seconds = version.seconds_to_next_change()
    limit = caching.CACHE_TIMEOUT
    return limit if seconds is None else max(1, min(limit, seconds))


@dataclass(frozen=True)
class Variant:
    """What a page shows besides its path and data: the *cleaned* values it takes
    from the query string and headers (a team code it knows, the filter text as it
    will use it), never raw ones, so junk parameters cannot multiply stored pages.

    ``store`` is False for variants made of free text (a name typed in a filter):
    they are rendered and tagged, but not stored, so no client can fill the cache
    with them."""

    key: tuple = ()
    store: bool = True


# Variant functions for public_page: (request, version, *view args, **view kwargs)
# -> Variant, or None when the request's variant cannot be told (then the page is
# served without the store).
VariantFunc = Callable[..., Variant | None]
PLAIN = Variant()


def _page_id(request: HttpRequest, variant: Variant, vary_meta: tuple[str, ...]) -> str:
    """What a page depends on besides the data: the release, the date (a rider's age
    or anything else that follows the calendar), the path, the page's cleaned
    ``variant`` and, of each header in ``vary_meta``, only whether it is "true" (the
    htmx flags): a page that reads more of a header says so in its variant."""
    headers = tuple(request.META.get(name) == "true" for name in vary_meta)
    today = timezone.localdate()
    parts = repr((caching.release(), today, request.path, variant.key, headers))
    return hashlib.blake2b(parts.encode(), digest_size=12).hexdigest()


# While the database cannot be read, stored pages are served stale, for a bounded
# time from the first failure this process saw (TOURSITE_STALE_SECONDS).
_outage_since: float | None = None


def _stale(request: HttpRequest, page_id: str | None) -> HttpResponse:
    """The last stored copy of the page, marked stale, while the outage is young;
    else the friendly 503."""
    global _outage_since
    now = time.monotonic()
    if _outage_since is None:
        _outage_since = now
        caching.logger.warning(
            "Database unavailable: serving stored pages for up to %s s.",
            getattr(settings, "TOURSITE_STALE_SECONDS", 600),
        )
    limit = getattr(settings, "TOURSITE_STALE_SECONDS", 600)
    page = None
    if page_id is not None and now - _outage_since <= limit:
        page = caching.last_page(f"page:{page_id}")
    if page is None:
        return unavailable_response()
    response = page.response(request)
    seconds = now - _outage_since
    response.headers["X-Toursite-Stale"] = f"database unavailable for {seconds:.0f} s"
    response.headers["Cache-Control"] = _public_cache_control(LIVE_MAX_AGE, 0)
    return response


def _current(
    version: VersionFunc, request: HttpRequest, args: tuple, kwargs: dict
) -> DataVersion | None:
    """The data version, raising UNAVAILABLE as it came; a successful read ends an
    outage."""
    global _outage_since
    current = version(request, *args, **kwargs)
    if _outage_since is not None:
        _outage_since = None
        caching.logger.warning("Database back: pages are current again.")
    return current


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """A 304 (or 412) when the request's preconditions say so, else None.

    The check Django's ``condition`` decorator makes, without the decorator, which
    does not fit here: it would take the ETag apart from the data version that the
    store and Cache-Control need too, answer ``If-None-Match: *`` with 304, and tag
    responses that must stay private."""
    if request.META.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
        # "*" would match pages that do not exist (stage-99 of a real race): only a
        # tag this site gave out can earn a 304.
        return None
    return get_conditional_response(request, etag=etag)


def private(response: HttpResponse) -> HttpResponse:
    """``response`` marked as nobody's to store (a draft shown to staff)."""
    del response["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)
    return response


def _uncached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` as it is for anything but GET and HEAD; else marked as nobody's
    to store, in place of whatever the view said."""
    return private(response) if request.method in ("GET", "HEAD") else response


def _respond(
    request: HttpRequest,
    call: tuple[Callable[..., HttpResponse], tuple, dict],
    vary: tuple[str, ...],
    chosen: Variant,
    page_id: str,
    current: DataVersion,
) -> HttpResponse:
    """A 304, the stored page or the view's, with the page's ETag and policy."""
    # Weak: the same page is served plain or compressed (RFC 9110 8.8.1).
    etag = "W/" + quote_etag(f"{page_id}.{current.token}")
    if (response := _not_modified(request, etag)) is not None:
        # The Vary of the page it stands for, or a cache refreshing its copy with
        # these headers would hand its brotli body to anyone.
        patch_vary_headers(response, ("Accept-Encoding", *vary))
        response.headers[PAGE_HEADER] = "not-modified"
    else:
        # The stored page, or the view's, stored unless its variant is free text.
        key = f"page:{page_id}"
        page = caching.get_page(key, current.token) if chosen.store else None
        made = "stored"
        if page is None:
            made = "rendered"
            view, args, kwargs = call
            rendered = view(request, *args, **kwargs)
            if (page := caching.Page.of(request, rendered, vary)) is None:
                return _uncached(request, rendered)  # not shareable
            if chosen.store:
                caching.store_page(key, current.token, page, _timeout(current))
        response = page.response(request)  # with its Vary
        response.headers[PAGE_HEADER] = made
    response.headers["ETag"] = etag
    # This decorator owns the policy: the stored page carries none.
    response.headers["Cache-Control"] = _cache_control(current)
    return response


def _variant(
    variant: VariantFunc | None,
    request: HttpRequest,
    current: DataVersion | None,
    args: tuple,
    kwargs: dict,
) -> Variant | None:
    return PLAIN if variant is None else variant(request, current, *args, **kwargs)


def public_page(
    version: VersionFunc,
    *,
    variant: VariantFunc | None = None,
    vary: Iterable[str] = ("HX-Request",),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a GET view whose output depends only on its URL path, the cleaned
    ``variant`` of its query and headers, whether each header in ``vary`` is "true",
    and the data version that ``version`` returns.

    - ``ETag`` from the release, the data version, the path and the variant (other
      query parameters are ignored, as the view ignores them; ``vary`` headers are
      listed in ``Vary`` too); ``If-None-Match`` answers 304 without running the
      view.
    - ``Cache-Control: public, max-age=30, stale-while-revalidate=300`` (5 and 30 s
      while a stage is live; never past the next scheduled report).
    - The rendered page is stored once with its gzip and brotli variants; later
      requests with the same ETag get the variant they accept without the view.
      Free-text variants are not stored.
    - Logged-in users, and responses that are not shareable (a cookie, an error),
      get the view's own output with ``private, no-store``.
    - A version function returning None (unknown edition) runs the view unchanged,
      so it can answer 404.
    - When the data version cannot be read (the database is restarting), the last
      stored copy is served with ``X-Toursite-Stale``; with none, a 503.
    """
    vary = tuple(vary)
    vary_meta = tuple("HTTP_" + h.upper().replace("-", "_") for h in vary)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, *args: object, **kwargs: object
        ) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or is_private(request):
                return _uncached(request, view(request, *args, **kwargs))
            try:
                current = _current(version, request, args, kwargs)
            except UNAVAILABLE:
                chosen = _variant(variant, request, None, args, kwargs)
                return _stale(request, chosen and _page_id(request, chosen, vary_meta))
            if current is None:
                return view(request, *args, **kwargs)
            chosen = _variant(variant, request, current, args, kwargs)
            if chosen is None:
                return _uncached(request, view(request, *args, **kwargs))
            page_id = _page_id(request, chosen, vary_meta)
            call = (view, args, kwargs)
            return _respond(request, call, vary, chosen, page_id, current)

        return wrapper

    return decorator
