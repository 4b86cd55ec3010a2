"""Teams, as they start an edition (name and UCI code at race time)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

models.CharField.register_lookup(Length)


class Team(models.Model):
    edition = models.ForeignKey(
        "stages.Edition", on_delete=models.CASCADE, related_name="teams"
    )
    code = models.CharField(max_length=3, help_text=_("UCI code, e.g. TJV."))
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2."))

    class Meta:
        ordering = ["edition", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], name="team_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(code__length=3), name="team_code_three_letters"
            ),
            models.CheckConstraint(
                condition=Q(country__length=2), name="team_country_alpha2"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        e = self.edition
        return reverse("teams:detail", args=[e.race.slug, e.year, self.code.lower()])
