"""Site-wide HTTP plumbing below the views: the 503 of a database that cannot be
reached, HEAD responses without a body, gzip for what is not compressed yet, and
the open API's CORS headers without ``Vary: Origin``.

A restart or failover of PostgreSQL takes a few seconds: pages already stored are
served stale meanwhile (``toursite.http``); anything else that needs the database
(``toursite.views.server_error`` asks :func:`is_unavailable`) says so plainly
instead of the "something went wrong" page, and tells clients and proxies when to
come back.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template import loader

# Compressed already: neither gzipped on the way out nor stored compressed (an
# edition's package.zip).
COMPRESSED_TYPES = frozenset({"application/zip"})

RETRY_AFTER_SECONDS = 10
# Raised when the server is gone or restarting, the connection was closed under
# us, or a connection cannot be made: not a bad query (ProgrammingError) nor a
# refused write (IntegrityError), which stay errors.
UNAVAILABLE = (OperationalError, InterfaceError)


def plain_error(
    status: int, context: dict | None = None, retry_after: int | None = None
) -> HttpResponse:
    """The error page ``<status>.html`` (on ``plain_error.html``): rendered without
    the request's context, so without session or database, for the moments when
    those are broken or must not be spent (a flood). With ``retry_after``, the
    ``Retry-After`` header; never stored."""
    body = loader.render_to_string(f"{status}.html", context)
    response = HttpResponse(body, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
    return response


def unavailable_response() -> HttpResponse:
    """The 503 page of a database that does not answer."""
    context = {"retry_after": RETRY_AFTER_SECONDS}
    return plain_error(503, context, RETRY_AFTER_SECONDS)


def is_unavailable(exc: BaseException) -> bool:
    """True for a database that cannot be reached or answer now (a busy SQLite file
    included: it too is worth a retry)."""
    return isinstance(exc, UNAVAILABLE)


class HeadWithoutBody:
    """HEAD responses carry the headers of GET and no body (RFC 9110 9.3.2).

    Django's test client and runserver drop the body themselves; gunicorn drops
    it too but logs a warning for every HEAD request (monitors send many). Emptied
    here, outermost, after every other middleware has set its headers
    (``Content-Length`` stays that of the GET, as HEAD wants)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


class GZipUnlessCompressed(GZipMiddleware):
    """Django's gzip, except for bodies that are compressed already (a zip would
    cost the CPU on every download and shrink by nothing)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        if response.get("Content-Type") in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)


class OpenCorsWithoutVary:
    """The open API's CORS headers, the same for every request (runs after
    django-cors-headers on the response: placed before it in ``MIDDLEWARE``).

    With every origin allowed and no credentials the answer is always ``*``, yet
    django-cors-headers adds ``Vary: Origin`` (a CDN would keep one copy per
    site that asks) and allows the origin only when the request names one (a copy
    stored for a request without ``Origin`` would refuse the next site). On the
    ``CORS_URLS_REGEX`` addresses: no ``Origin`` in ``Vary``, always ``*``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.open = settings.CORS_ALLOW_ALL_ORIGINS and not getattr(
            settings, "CORS_ALLOW_CREDENTIALS", False
        )
        self.urls = re.compile(settings.CORS_URLS_REGEX)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (self.open and self.urls.match(request.path_info)):
            return response
        vary = [v.strip() for v in response.get("Vary", "").split(",")]
        vary = [v for v in vary if v and v.lower() != "origin"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        response["Access-Control-Allow-Origin"] = "*"
        if settings.CORS_EXPOSE_HEADERS:
            exposed = ", ".join(settings.CORS_EXPOSE_HEADERS)
            response["Access-Control-Expose-Headers"] = exposed
        return response
