"""Races, their editions and each edition's start list: teams, riders, entries.

The bottom of the models: ``stages`` (stages, results, standings, reports) points
down to these, never the other way. The tables keep the names they had when these
models lived in ``stages``, ``teams`` and ``riders`` (moved without copying data).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from racing.standings import Exit, default_youth_cutoff
from racing.text import PersonName

models.CharField.register_lookup(Length)


class Race(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        db_table = "stages_race"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EditionQuerySet(models.QuerySet):
    def published(self) -> "EditionQuerySet":
        return self.filter(published=True)


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    """An edition is always shown with its race's name (``str``): read the race
    with it, so that a list of editions (the admin's filters and choices) costs
    one query however many editions there are."""

    def get_queryset(self) -> EditionQuerySet:
        return super().get_queryset().select_related("race")


class Edition(models.Model):
    race = models.ForeignKey(Race, on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField()
    rules = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Overrides of the default rules (RULES.md), as in edition.toml."),
    )
    youth_born_on_or_after = models.DateField(
        blank=True,
        help_text=_(
            "Youth classification: riders born on or after this date. Leave it "
            "blank for the rule's default, 1 January of the year minus 25."
        ),
    )
    # A draft is seen by staff only: anonymous visitors get 404 on its pages and
    # do not find it in any list (``Edition.objects.published()``).
    published = models.BooleanField(
        default=False,
        help_text=_("Visitors see a published edition; a draft is seen by staff only."),
    )
    # Bumped by every service that writes: the key of every cached page.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = EditionManager()

    class Meta:
        db_table = "stages_edition"
        ordering = ["-year", "race__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["race", "year"], name="edition_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1903), name="edition_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.race.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("stages:edition", args=[self.race.slug, self.year])

    def clean(self) -> None:
        """A blank youth cut-off is the rule's default for the year."""
        super().clean()
        if self.youth_born_on_or_after is None and self.year:
            self.youth_born_on_or_after = default_youth_cutoff(self.year)


def edition_start(edition: str) -> Subquery:
    """The day an edition started (its first stage's date), for the edition whose
    id is the outer field ``edition`` (``"pk"``, ``"edition_id"``): editions of one
    year are ordered by it, newest first or oldest first."""
    first = Edition.objects.filter(pk=OuterRef(edition)).annotate(
        day=Min("stages__date")
    )
    return Subquery(first.values("day")[:1])


class Team(models.Model):
    """A team as it starts an edition (name and UCI code at race time)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=3, help_text=_("UCI code, e.g. TJV."))
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2."))

    class Meta:
        db_table = "teams_team"
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
            # What an entry's (team, edition) points to: a team of its own
            # edition (migration 0003 adds that reference).
            models.UniqueConstraint(
                fields=["id", "edition"], name="team_unique_id_edition"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        e = self.edition
        return reverse("teams:detail", args=[e.race.slug, e.year, self.code.lower()])

    def clean(self) -> None:
        """A team whose riders are on its edition's start list stays in it."""
        super().clean()
        if self.pk is None or self.edition_id is None:
            return
        if self.entries.exclude(edition_id=self.edition_id).exists():
            raise ValidationError(
                {
                    "edition": _(
                        "Riders of this team are on the start list of another "
                        "edition: a team cannot move to another edition while "
                        "riders ride for it."
                    )
                },
                code="team_edition",
            )


class Rider(PersonName, models.Model):
    """One identity across editions."""

    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    nationality = models.CharField(
        max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. DK.")
    )
    birth_date = models.DateField(null=True, blank=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        db_table = "riders_rider"
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nationality__length=2), name="rider_nationality_alpha2"
            ),
        ]
        indexes = [
            models.Index(
                fields=["family_name", "given_name"],
                name="riders_ride_family__757884_idx",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("riders:detail", args=[self.slug])


class Entry(models.Model):
    """A rider on the start list of an edition, with a team and a bib."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="entries"
    )
    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="entries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entries")
    bib = models.PositiveSmallIntegerField()
    # A rider's sporting nationality may change between editions (Sivakov: RU in
    # 2021, FR later): each entry keeps the one he rode under; Rider.nationality is
    # that of his latest edition.
    nationality = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 in this edition; blank: the rider's."),
    )
    # Where the rider left the race (racing.standings.exits), stored by every
    # recompute so that no page derives it again.
    exit_stage = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    exit_status = models.CharField(max_length=3, blank=True, default="", editable=False)

    class Meta:
        db_table = "riders_entry"
        ordering = ["edition", "bib"]
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["edition", "bib"], name="entry_unique_bib"),
            models.UniqueConstraint(
                fields=["edition", "rider"], name="entry_unique_rider"
            ),
            models.CheckConstraint(condition=Q(bib__gte=1), name="entry_bib_positive"),
            models.CheckConstraint(
                condition=Q(nationality__length=2), name="entry_nationality_alpha2"
            ),
            models.CheckConstraint(
                condition=Q(exit_stage__isnull=False) | Q(exit_status=""),
                name="entry_exit_status_needs_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bib} {self.rider.display_name}"

    def save(self, *args, **kwargs) -> None:
        self._default_nationality()
        super().save(*args, **kwargs)

    def _default_nationality(self) -> None:
        """Left blank, an entry's nationality is its rider's; codes are upper case."""
        if not self.nationality and self.rider_id is not None:
            self.nationality = self.rider.nationality
        self.nationality = self.nationality.upper()

    def clean(self) -> None:
        """An entry rides for a team of its own edition (the database refuses
        any other: migration 0003); a blank nationality is the rider's."""
        super().clean()
        self._default_nationality()
        if self.team_id is None or self.edition_id is None:
            return
        team = Team.objects.select_related("edition__race").filter(pk=self.team_id)
        team = team.first()
        if team is not None and team.edition_id != self.edition_id:
            edition = Edition.objects.select_related("race").get(pk=self.edition_id)
            raise ValidationError(
                {
                    "team": _(
                        "%(team)s is a team of %(theirs)s, not of %(ours)s. "
                        "Choose a team of %(ours)s."
                    )
                    % {"team": team, "theirs": team.edition, "ours": edition}
                },
                code="team_of_another_edition",
            )

    @property
    def exit(self) -> Exit | None:
        """Where the rider left the race, or None while he is in it (or finished)."""
        if self.exit_stage is None:
            return None
        return Exit(self.exit_stage, self.exit_status)
