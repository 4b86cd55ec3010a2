"""Riders (one identity across editions) and their start-list entries."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

models.CharField.register_lookup(Length)


class PersonName:
    """Names as cycling writes them, for anything with ``given_name`` and
    ``family_name`` (a rider, or a plain row read for a page or a paste)."""

    __slots__ = ()

    @property
    def display_name(self) -> str:
        """Cycling convention: ``VINGEGAARD Jonas``."""
        return f"{self.family_name.upper()} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Rider(PersonName, models.Model):
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    nationality = models.CharField(
        max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. DK.")
    )
    birth_date = models.DateField(null=True, blank=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nationality__length=2), name="rider_nationality_alpha2"
            ),
        ]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("riders:detail", args=[self.slug])


class Entry(models.Model):
    """A rider on the start list of an edition, with a team and a bib."""

    edition = models.ForeignKey(
        "stages.Edition", on_delete=models.CASCADE, related_name="entries"
    )
    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="entries")
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="entries"
    )
    bib = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["edition", "bib"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["edition", "bib"], name="entry_unique_bib"),
            models.UniqueConstraint(
                fields=["edition", "rider"], name="entry_unique_rider"
            ),
            models.CheckConstraint(condition=Q(bib__gte=1), name="entry_bib_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.bib} {self.rider.display_name}"
