"""What the live desk records while a stage is raced: the ticker (what happens,
with the time of day and the km to go) and the race situation (km to go, the
groups on the road with their gaps). Provisional finishers are ordinary stage
results of a live stage (``stages.StageResult``).

Foreign keys by name only: this module imports no other app's models, so it sits
beside ``stages.models`` in the layers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 500
GROUP_NAME_MAX_LENGTH = 40
# A stage is never longer than this: a km to go above it is a typing error.
KM_MAX = 400


class TickerKind(models.TextChoices):
    ATTACK = "attack", _("Attack")
    CRASH = "crash", _("Crash")
    CLIMB = "climb", _("Climb")
    SPRINT = "sprint", _("Sprint")
    ABANDON = "abandon", _("Abandon")
    INCIDENT = "incident", _("Incident")
    OTHER = "other", _("Other")


def _km_field() -> models.DecimalField:
    return models.DecimalField(
        _("km to go"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(KM_MAX)],
    )


class TickerEntry(models.Model):
    """One line of a stage's live ticker."""

    Kind = TickerKind

    stage = models.ForeignKey(
        "stages.Stage", on_delete=models.CASCADE, related_name="ticker_entries"
    )
    at = models.DateTimeField(_("time of day"), default=timezone.now)
    km_to_go = _km_field()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.OTHER)
    text = models.CharField(
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Markdown inline only: *emphasis*, **strong**, links."),
    )
    riders = models.ManyToManyField("editions.Entry", blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = _("ticker entries")
        indexes = [models.Index(fields=["stage", "-at"], name="ticker_stage_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TickerKind.values), name="ticker_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(km_to_go__gte=0), name="ticker_km_non_negative"
            ),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%H:%M} {self.get_kind_display()}: {self.text[:60]}"


class RaceSituation(models.Model):
    """Where the race is now: km to go and the groups on the road (one per
    stage, replaced as a whole by each update)."""

    stage = models.OneToOneField(
        "stages.Stage", on_delete=models.CASCADE, related_name="situation"
    )
    km_to_go = _km_field()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.stage}: {self.km_to_go} km to go"


class RoadGroup(models.Model):
    """A group on the road: its riders (or everyone not in another group) and its
    gap to the head of the race."""

    situation = models.ForeignKey(
        RaceSituation, on_delete=models.CASCADE, related_name="groups"
    )
    position = models.PositiveSmallIntegerField(help_text=_("0 is the head."))
    name = models.CharField(max_length=GROUP_NAME_MAX_LENGTH)
    gap_s = models.PositiveIntegerField(_("gap (seconds)"), default=0)
    rest = models.BooleanField(_("everyone else"), default=False)
    riders = models.ManyToManyField("editions.Entry", blank=True, related_name="+")

    class Meta:
        ordering = ["situation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["situation", "position"], name="road_group_position_unique"
            ),
            models.UniqueConstraint(
                fields=["situation"],
                condition=Q(rest=True),
                name="road_group_one_rest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (+{self.gap_s} s)"
