"""Stages and everything recorded on a stage: route, results, crossings, reports
(``stages.report_models``) and the standings after it. Times are whole seconds
(``*_s``) plus optional hundredths, which only time trials have and tie-breaks use
(RULES.md §1)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from racing import registry

# Reports live in their own module; they are this app's models like the others.
from stages.report_models import (  # noqa: F401
    RaceReport,
    RaceReportQuerySet,
    RaceReportStatus,
)


class StageType(models.TextChoices):
    FLAT = "flat", _("Flat")
    HILLY = "hilly", _("Hilly")
    MOUNTAIN = "mountain", _("Mountain")
    ITT = "itt", _("Individual time trial")
    TTT = "ttt", _("Team time trial")


class StagePointsScale(models.TextChoices):
    DEFAULT = "", _("Implied by the stage type")
    FLAT = "flat", _("Flat")
    HILLY = "hilly", _("Hilly")
    MOUNTAIN = "mountain", _("Mountain")
    ITT = "itt", _("Time trial")


class StageTeamTimes(models.TextChoices):
    FINISH = "finish", _("Finish times")
    GC = "gc", _("GC-credited times")


class StageStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    FINISHED = "finished", _("Finished")
    # No results, no winner; the standings after it are those of the stage before.
    CANCELLED = "cancelled", _("Not raced")


class Stage(models.Model):
    Type = StageType
    PointsScale = StagePointsScale
    TeamTimes = StageTeamTimes
    Status = StageStatus

    edition = models.ForeignKey(
        "editions.Edition", on_delete=models.CASCADE, related_name="stages"
    )
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    start = models.CharField(max_length=120)
    finish = models.CharField(max_length=120)
    distance_km = models.DecimalField(max_digits=6, decimal_places=1)
    type = models.CharField(max_length=10, choices=Type)
    points_scale = models.CharField(
        max_length=10, choices=PointsScale, blank=True, default=""
    )
    team_times = models.CharField(
        max_length=10, choices=TeamTimes, default=TeamTimes.FINISH
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.SCHEDULED, db_index=True
    )

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="stage_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=0), name="stage_number_ok"),
            models.CheckConstraint(
                condition=Q(distance_km__gte=0), name="stage_distance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(type__in=StageType.values), name="stage_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(points_scale__in=StagePointsScale.values),
                name="stage_points_scale_valid",
            ),
            models.CheckConstraint(
                condition=Q(team_times__in=StageTeamTimes.values),
                name="stage_team_times_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StageStatus.values),
                name="stage_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} stage {self.number}: {self.start} – {self.finish}"

    def get_absolute_url(self) -> str:
        e = self.edition
        return reverse("stages:detail", args=[e.race.slug, e.year, self.number])

    @property
    def is_time_trial(self) -> bool:
        return self.type in (self.Type.ITT, self.Type.TTT)


class CheckpointKind(models.TextChoices):
    SPRINT = "sprint", _("Intermediate sprint")
    CLIMB = "climb", _("Categorised climb")
    BONUS = "bonus", _("Bonus point")


class CheckpointCategory(models.TextChoices):
    NONE = "", _("None")
    HC = "HC", "HC"
    C1 = "1", "1"
    C2 = "2", "2"
    C3 = "3", "3"
    C4 = "4", "4"


class Checkpoint(models.Model):
    Kind = CheckpointKind
    Category = CheckpointCategory

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="checkpoints"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=120)
    km = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    category = models.CharField(max_length=2, choices=Category, blank=True, default="")
    multiplier = models.PositiveSmallIntegerField(default=1)
    altitude_m = models.PositiveSmallIntegerField(_("altitude"), null=True, blank=True)
    scale = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["stage", "km", "name"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], name="checkpoint_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=CheckpointKind.values), name="checkpoint_kind"
            ),
            models.CheckConstraint(
                condition=(Q(kind="climb") & Q(category__in=["HC", "1", "2", "3", "4"]))
                | (~Q(kind="climb") & Q(category="")),
                name="checkpoint_category_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="climb") | Q(scale=""), name="checkpoint_scale_climb"
            ),
            models.CheckConstraint(
                condition=Q(multiplier__gte=1), name="checkpoint_multiplier_positive"
            ),
            models.CheckConstraint(
                condition=Q(km__isnull=True) | Q(km__gte=0), name="checkpoint_km_ok"
            ),
        ]

    def __str__(self) -> str:
        cat = f" ({self.category})" if self.category else ""
        return f"{self.get_kind_display()}: {self.name}{cat}"


class StageResultStatus(models.TextChoices):
    OK = "OK", pgettext_lazy("a rider finished the race", "Finished")
    DNF = "DNF", _("Did not finish")
    DNS = "DNS", _("Did not start")
    OTL = "OTL", _("Outside the time limit")
    DSQ = "DSQ", _("Disqualified")


class StageResult(models.Model):
    """One rider's result on one stage. ``bonus``, ``points`` and ``kom_points``
    left empty are computed from the edition's rules and the checkpoint crossings
    (RACE_PACKAGE.md)."""

    Status = StageResultStatus
    # What a result says, apart from whose and which stage's it is.
    VALUE_FIELDS = (
        *("rank", "time_s", "hundredths", "status", "bonus", "penalty"),
        *("gc_time_s", "points", "kom_points"),
    )

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(
        "editions.Entry", on_delete=models.CASCADE, related_name="results"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    time_s = models.PositiveIntegerField(null=True, blank=True)
    hundredths = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=3, choices=Status, default=Status.OK)
    bonus = models.PositiveSmallIntegerField(null=True, blank=True)
    penalty = models.PositiveIntegerField(default=0)
    gc_time_s = models.PositiveIntegerField(null=True, blank=True)
    points = models.SmallIntegerField(null=True, blank=True)
    kom_points = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "rank", "entry__bib"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "entry"], name="result_one_per_rider"
            ),
            models.UniqueConstraint(
                fields=["stage", "rank"],
                condition=Q(rank__isnull=False),
                name="result_unique_rank",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StageResultStatus.values),
                name="result_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="result_rank_ok"
            ),
            models.CheckConstraint(
                condition=Q(time_s__isnull=True) | Q(time_s__gte=0),
                name="result_time_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(gc_time_s__isnull=True) | Q(gc_time_s__gte=0),
                name="result_gc_time_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(hundredths__isnull=True) | Q(hundredths__lte=99),
                name="result_hundredths_range",
            ),
            # A finisher has a place and a time; a rider who did not finish has neither.
            # A rider outside the time limit has what the source gives: many list
            # him with neither place nor time.
            models.CheckConstraint(
                condition=(
                    Q(status="OK", rank__isnull=False, time_s__isnull=False)
                    | Q(status="OTL")
                    | Q(status__in=["DNF", "DNS", "DSQ"], rank__isnull=True)
                ),
                name="result_rank_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["entry", "stage"])]

    def __str__(self) -> str:
        return f"{self.stage}: {self.entry} ({self.rank or self.status})"


class CheckpointCrossing(models.Model):
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.CASCADE, related_name="crossings"
    )
    rank = models.PositiveSmallIntegerField()
    entry = models.ForeignKey(
        "editions.Entry", on_delete=models.CASCADE, related_name="crossings"
    )

    class Meta:
        ordering = ["checkpoint", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "rank"], name="crossing_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["checkpoint", "entry"], name="crossing_one_per_rider"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="crossing_rank_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint}: {self.rank}. {self.entry}"


# Classifications come from the registry; a new one needs no change here.
CLASSIFICATION_CHOICES = [(c.key, _(c.label)) for c in registry.CLASSIFICATIONS]
JERSEY_CHOICES = [(c.key, _(c.label)) for c in registry.CLASSIFICATIONS if c.jersey]
TEAM_CLASSIFICATIONS = [c.key for c in registry.CLASSIFICATIONS if not c.individual]


class Standing(models.Model):
    """A row of a classification after a stage, computed by ``racing.standings``."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="standings")
    classification = models.CharField(max_length=10, choices=CLASSIFICATION_CHOICES)
    rank = models.PositiveSmallIntegerField()
    entry = models.ForeignKey(
        "editions.Entry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="standings",
    )
    team = models.ForeignKey(
        "editions.Team", on_delete=models.CASCADE, related_name="standings"
    )
    value = models.IntegerField(help_text=_("Seconds, or points."))
    gap = models.IntegerField()
    previous_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "classification", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "classification", "rank"], name="standing_unique_rank"
            ),
            models.CheckConstraint(
                condition=Q(classification__in=registry.CLASSIFICATION_KEYS),
                name="standing_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(classification__in=TEAM_CLASSIFICATIONS, entry__isnull=True)
                | (
                    ~Q(classification__in=TEAM_CLASSIFICATIONS) & Q(entry__isnull=False)
                ),
                name="standing_row_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.classification} {self.rank}"


class Jersey(models.Model):
    """Who wears a leader's jersey on the stage after ``stage`` (RULES.md section 9)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="jerseys")
    classification = models.CharField(max_length=10, choices=JERSEY_CHOICES)
    entry = models.ForeignKey(
        "editions.Entry", on_delete=models.CASCADE, related_name="jerseys"
    )

    class Meta:
        ordering = ["stage", "classification"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "classification"], name="jersey_one_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.classification} {self.entry}"
