"""Site-wide pages: health check, about, the race-reports feed, the throttled
sign-in and error pages."""

import logging
import sys

from django.conf import settings
from django.contrib import admin
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from stages import queries
from stages.markdown import render_markdown
from stages.models import RaceReport
from toursite import caching
from toursite.http import for_site, public_page, static
from toursite.middleware import is_unavailable, plain_error, unavailable_response

logger = logging.getLogger("toursite")


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the benchmark's bare-Django baseline."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@public_page(static, vary=())
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "site/about.html")


class ReportsFeed(Feed):
    """Atom feed of the published race reports, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("toursite race reports")
    subtitle = gettext_lazy(
        "Stage reports from the Grand Tours, as they are published."
    )

    # Absolute links come from the configured site address (DJANGO_SITE_URL), never
    # from the Host of whichever request rendered the stored feed.

    def link(self) -> str:
        return settings.SITE_URL + reverse("stages:home")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("feed")

    def items(self) -> list[RaceReport]:
        return queries.feed_reports(get_language())

    def item_title(self, item: RaceReport) -> str:
        return item.headline

    def item_description(self, item: RaceReport) -> str:
        return render_markdown(item.body)

    def item_link(self, item: RaceReport) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item: RaceReport) -> str:
        # Stable even if a stage gets a second report (the link would repeat), and
        # across hosts: the path alone, as it has always been.
        return f"{item.get_absolute_url()}#report-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: RaceReport):
        return item.published_at

    def item_updateddate(self, item: RaceReport):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: RaceReport) -> str | None:
        if item.author is None:
            return None
        return item.author.get_full_name() or item.author.get_username()

    def item_categories(self, item: RaceReport) -> list[str]:
        return [str(item.stage.edition)]


feed = public_page(for_site, vary=())(ReportsFeed())


class SpoilerFreeReportsFeed(ReportsFeed):
    """The same reports without their outcome, for feed readers, which the
    site's spoiler-free mode (static/js/spoilers.js) cannot reach: a neutral title
    ("Tour de France 2023 · stage 12: race report"), no headline, no summary."""

    title = gettext_lazy("toursite race reports (spoiler-free)")
    subtitle = gettext_lazy(
        "Which stage has a new report, without saying what happened."
    )

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("feed-spoiler-free")

    def item_title(self, item: RaceReport) -> str:
        return _("%(edition)s · stage %(number)s: race report") % {
            "edition": item.stage.edition,
            "number": item.stage.number,
        }

    def item_description(self, item: RaceReport) -> None:
        return None


spoiler_free_feed = public_page(for_site, vary=())(SpoilerFreeReportsFeed())


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The friendly 404, offering a search for the words of the wrong address."""
    words = slugify(request.path.rstrip("/").rsplit("/", 1)[-1]).replace("-", " ")
    context = {"suggestion": words[:60] if len(words) >= 2 else ""}
    body = loader.render_to_string("404.html", context, request=request)
    return HttpResponseNotFound(body)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: a plain template, no database and no request context, so it
    renders even when whatever broke the page is still broken. A database that
    cannot be reached (restarting) is no error of the page: a 503 that says when to
    come back."""
    if is_unavailable(sys.exception()):
        logger.warning("Database unavailable: 503 for %s", request.path)
        return unavailable_response()
    return plain_error(500)


# Sign-in throttling (settings: AXES_*, LOGIN_RATE)


def login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's sign-in, with sign-in POSTs counted per client address before
    anything else runs (no password is hashed past the limit): 429 and a clear page
    past ``LOGIN_RATE``. django-axes then locks a username at one address."""
    if request.method == "POST":
        # A cache that is down lets sign-ins through (logged): django-axes, in the
        # database, still locks a username after a few wrong passwords.
        usage = caching.cache_call(
            "sign-in count",
            lambda: get_usage(
                request,
                group="sign-in",
                key="ip",
                rate=settings.LOGIN_RATE,
                increment=True,
            ),
        )
        if usage and usage["should_limit"]:
            seconds = max(1, usage["time_left"])
            line = ngettext(
                "This address has tried to sign in %(limit)s times already. Please "
                "wait %(seconds)s second, then try again.",
                "This address has tried to sign in %(limit)s times already. Please "
                "wait %(seconds)s seconds, then try again.",
                seconds,
            ) % {"limit": usage["limit"], "seconds": seconds}
            return too_many(_("Too many sign-in attempts"), [line], seconds)
    return admin.site.login(request, extra_context)


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a locked username and address (AXES_LOCKOUT_CALLABLE)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = seconds // 60
    lines = [
        ngettext(
            "Too many wrong passwords for this username from your address. To "
            "protect the account, signing in to it from here is paused for "
            "%(minutes)s minute.",
            "Too many wrong passwords for this username from your address. To "
            "protect the account, signing in to it from here is paused for "
            "%(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
        _(
            "Other accounts and other addresses are not affected. An administrator "
            "can lift the lock at once (Axes, access attempts, in the admin)."
        ),
    ]
    return too_many(_("Sign-in locked for now"), lines, seconds)


def too_many(heading: str, lines: list[str], seconds: int) -> HttpResponse:
    """A 429 page with ``Retry-After``: a plain template without the request's
    context (no session, no database), as cheap as a page can be, since a flood
    of sign-ins is answered with it."""
    context = {"heading": heading, "lines": lines, "login_url": reverse("admin:login")}
    return plain_error(429, context, seconds)
