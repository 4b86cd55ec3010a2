"""sitemap.xml: the home page, about, and every published edition with its stages,
riders and teams (drafts are for staff only)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from editions.models import Edition, Rider, Team
from stages.models import Stage


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["stages:home", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class EditionSitemap(Sitemap):
    def items(self):
        return (
            Edition.objects.published()
            .select_related("race")
            .order_by("-year", "race__name")
        )


class StageSitemap(Sitemap):
    def items(self):
        return (
            Stage.objects.filter(edition__published=True)
            .select_related("edition__race")
            .order_by("edition__year", "edition__race__name", "number")
        )


class RiderSitemap(Sitemap):
    def items(self):
        return (
            Rider.objects.filter(entries__edition__published=True)
            .distinct()
            .order_by("slug")
            .only("slug")
        )


class TeamSitemap(Sitemap):
    def items(self):
        return (
            Team.objects.filter(edition__published=True)
            .select_related("edition__race")
            .order_by("edition__year", "edition__race__name", "name")
        )


SITEMAPS = {
    "site": StaticSitemap,
    "editions": EditionSitemap,
    "stages": StageSitemap,
    "riders": RiderSitemap,
    "teams": TeamSitemap,
}
