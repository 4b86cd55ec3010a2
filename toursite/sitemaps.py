"""sitemap.xml: the home page, about, every race with a published edition, and
every published edition with its stages (a cancelled stage too: its page says it
was not raced), riders and teams (drafts are for staff only). Each section is one
query, whatever the number of editions."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from editions.models import Edition, Race, Rider, Team
from stages.models import Stage


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["stages:home", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class RaceSitemap(Sitemap):
    """``/races/<race>/``: every edition of a race with its winners."""

    def items(self):
        published = Edition.objects.filter(race=OuterRef("pk"), published=True)
        return Race.objects.filter(Exists(published)).order_by("name")

    def location(self, item: Race) -> str:
        return reverse("stages:race", kwargs={"race": item.slug})


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
            .order_by("-edition__year", "edition__race__name", "number")
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
