"""sitemap.xml: the home page, about, every race with a published edition, and
every published edition with its stages (a cancelled stage too: its page says it
was not raced), riders and teams (drafts are for staff only). Each section is one
query, whatever the number of editions. Every page is listed in each language, with
its ``hreflang`` alternates (English also as ``x-default``)."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from editions.models import Edition, Race, Rider, Team
from stages.models import Stage
from toursite.http import for_site, public_page


class Localized(Sitemap):
    """Each item in every language of ``settings.LANGUAGES`` (its address under
    that language's prefix), with the alternates; absolute addresses from the
    configured site address (``SITE_URL``), never from a request's Host: the
    sitemap is stored and shared like a page."""

    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        address = urlsplit(settings.SITE_URL)
        return super().get_urls(
            page, SimpleNamespace(domain=address.netloc), address.scheme
        )


class StaticSitemap(Localized):
    def items(self) -> list[str]:
        return ["stages:home", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class RaceSitemap(Localized):
    """``/races/<race>/``: every edition of a race with its winners."""

    def items(self):
        published = Edition.objects.filter(race=OuterRef("pk"), published=True)
        return Race.objects.filter(Exists(published)).order_by("name")

    def location(self, item: Race) -> str:
        return reverse("stages:race", kwargs={"race": item.slug})


class EditionSitemap(Localized):
    def items(self):
        return (
            Edition.objects.published()
            .select_related("race")
            .order_by("-year", "race__name")
        )


class StageSitemap(Localized):
    def items(self):
        return (
            Stage.objects.filter(edition__published=True)
            .select_related("edition__race")
            .order_by("-edition__year", "edition__race__name", "number")
        )


class RiderSitemap(Localized):
    def items(self):
        return (
            Rider.objects.filter(entries__edition__published=True)
            .distinct()
            .order_by("slug")
            .only("slug")
        )


class TeamSitemap(Localized):
    def items(self):
        return (
            Team.objects.filter(edition__published=True)
            .select_related("edition__race")
            .order_by("-edition__year", "edition__race__name", "name")
        )


SITEMAPS = {
    "site": StaticSitemap,
    "races": RaceSitemap,
    "editions": EditionSitemap,
    "stages": StageSitemap,
    "riders": RiderSitemap,
    "teams": TeamSitemap,
}


@public_page(for_site, vary=())
def sitemap(request: HttpRequest) -> HttpResponse:
    """sitemap.xml, stored like a page until the data change: it lists some 5,000
    addresses with their alternates (about a second to build)."""
    return sitemap_view(request, sitemaps=SITEMAPS).render()
