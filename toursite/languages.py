"""The page's language: read from its address, never from a header or a cookie.

English keeps the unprefixed addresses; French, Italian and Spanish pages are the
same paths under ``/fr/``, ``/it/`` and ``/es/`` (``i18n_patterns`` in
``toursite.urls``). A page's language comes from its path alone, so a shared or deep
link always shows the language it names and never redirects, and no public page
varies on ``Accept-Language`` or ``Cookie``: one stored copy serves everyone.

A first visit to ``/`` from elsewhere follows the language chosen with the switcher
(its cookie) or the browser's languages: in the browser
(``static/js/language-head.js``), so the home page stays one shareable response, as
the spoiler-free mode does. The editors' admin (never stored) is in the editor's
chosen or browser language.

Django's ``LocaleMiddleware`` is not used: it adds ``Vary: Accept-Language`` to every
unprefixed page (the whole English site) though none of them depends on it.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

DEFAULT = settings.LANGUAGE_CODE
CODES = tuple(code for code, _ in settings.LANGUAGES)
# Languages whose pages live under a prefix (all but English).
PREFIXED = tuple(code for code in CODES if code != DEFAULT)
# Each language's name in that language (the switcher's labels).
NAMES = dict(settings.LANGUAGES)
ADMIN_PREFIX = "/admin/"


def path_language(path: str) -> str:
    """The language a path names: its prefix, else English."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return first if first in PREFIXED else DEFAULT


def unprefixed(path: str) -> str:
    """``path`` without its language prefix (``/fr/about/`` -> ``/about/``), and
    never an address of another host (``/fr//evil.example/`` -> ``/evil.example/``)."""
    language = path_language(path)
    rest = path if language == DEFAULT else path[len(language) + 1 :]
    return "/" + rest.lstrip("/")


def localized(path: str, language: str) -> str:
    """The address of the page at ``path`` (any language's, with or without a query
    string) in ``language``."""
    parts = urlsplit(path)
    bare = unprefixed(parts.path or "/")
    target = bare if language == DEFAULT else f"/{language}{bare}"
    return f"{target}?{parts.query}" if parts.query else target


class PathLanguage:
    """Activates the language of the request's address (see the module's
    docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(ADMIN_PREFIX):
            # The switcher's cookie, else the best of Accept-Language, else English.
            language = translation.get_language_from_request(request)
        else:
            language = path_language(path)
        request.LANGUAGE_CODE = language
        # Restored afterwards: nothing rendered outside a request (a command, a
        # test's own call) inherits a visitor's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def page_languages(request: HttpRequest) -> dict:
    """Template context of every page: its language, and its address in each
    language (the switcher, ``hreflang`` alternates and the canonical link; absolute
    addresses come from ``SITE_URL``, never from the request's Host)."""
    path = request.path
    current = getattr(request, "LANGUAGE_CODE", DEFAULT)
    versions = [
        {
            "code": code,
            "name": NAMES[code],
            "url": settings.SITE_URL + localized(path, code),
            "current": code == current,
        }
        for code in CODES
    ]
    return {
        "page_language": current,
        "page_versions": versions,
        "canonical_link": settings.SITE_URL + path,
        "default_link": settings.SITE_URL + unprefixed(path),
    }
