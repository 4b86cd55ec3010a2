"""The page's language: read from its address, never from a header.

English keeps the unprefixed addresses; French, Italian and Spanish pages are the
same paths under ``/fr/``, ``/it/`` and ``/es/`` (``i18n_patterns`` in
``toursite.urls``). A page's language comes from its path alone, so a shared or deep
link always shows the language it names, never redirects, and no public page varies
on ``Accept-Language`` or a cookie. Two exceptions, each saying so in ``Vary``:

- the bare home page ``/``: a first visit follows the language chosen with the
  switcher (its cookie) or, without one, ``Accept-Language``, and is sent to
  ``/fr/`` (or ``/it/``, ``/es/``) when that is not English;
- the editors' admin (never stored): in the editor's chosen or browser language.

Django's ``LocaleMiddleware`` is not used: it adds ``Vary: Accept-Language`` to every
unprefixed page (the whole English site) though none of them depends on it.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

DEFAULT = settings.LANGUAGE_CODE
CODES = tuple(code for code, _ in settings.LANGUAGES)
# Languages whose pages live under a prefix (all but English).
PREFIXED = tuple(code for code in CODES if code != DEFAULT)
# Each language's name in that language (the switcher's labels).
NAMES = dict(settings.LANGUAGES)
ADMIN_PREFIX = "/admin/"
# What "/" depends on besides its path.
ROOT_VARY = ("Accept-Language", "Cookie")


def path_language(path: str) -> str:
    """The language a path names: its prefix, else English."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return first if first in PREFIXED else DEFAULT


def unprefixed(path: str) -> str:
    """``path`` without its language prefix (``/fr/about/`` -> ``/about/``)."""
    language = path_language(path)
    return path if language == DEFAULT else path[len(language) + 1 :] or "/"


def localized(path: str, language: str) -> str:
    """The address of the page at ``path`` (any language's, with or without a query
    string) in ``language``."""
    parts = urlsplit(path)
    bare = unprefixed(parts.path or "/")
    target = bare if language == DEFAULT else f"/{language}{bare}"
    return f"{target}?{parts.query}" if parts.query else target


class PathLanguage:
    """Activates the language of the request's address (see the module's
    docstring) and sends a first visit to ``/`` to the visitor's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        root = path == "/" and request.method in ("GET", "HEAD")
        if path.startswith(ADMIN_PREFIX) or root:
            # The switcher's cookie, else the best of Accept-Language, else English.
            language = translation.get_language_from_request(request)
            if root and language != DEFAULT:
                return _to_language_home(request, language)
        else:
            language = path_language(path)
        request.LANGUAGE_CODE = language
        # Restored afterwards: nothing rendered outside a request (a command, a
        # test's own call) inherits a visitor's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if root:
            patch_vary_headers(response, ROOT_VARY)
        return response


def _to_language_home(request: HttpRequest, language: str) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponseRedirect(localized(f"/?{query}" if query else "/", language))
    patch_vary_headers(response, ROOT_VARY)
    patch_cache_control(response, private=True, max_age=0)
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
            "path": localized(path, code),
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
