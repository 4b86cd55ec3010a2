"""The language switcher's one view: remember the choice, go to the same page in
that language."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from toursite.http import private
from toursite.languages import CODES, DEFAULT, localized


# Exempt from CSRF: the switcher sits on pages that are stored and shared, which
# carry no token, and a forged post could only change a visitor's language.
@csrf_exempt
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """``language`` (else English) and ``next`` (a path on this site, else the home
    page): the same page in that language, with the choice kept in a cookie that a
    later first visit to ``/`` follows."""
    language = request.POST.get("language")
    if language not in CODES:
        language = DEFAULT
    # Control characters out first: urlsplit drops them, which would let
    # "/fr/\t/evil.example" through as "//evil.example".
    target = "".join(c for c in request.POST.get("next", "") if c.isprintable())
    if not target.startswith("/"):
        target = "/"
    address = localized(target, language)
    if not url_has_allowed_host_and_scheme(address, allowed_hosts=None):
        address = localized("/", language)
    response = HttpResponseRedirect(address)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return private(response)
