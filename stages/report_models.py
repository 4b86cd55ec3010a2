"""A stage's race reports: written by editors in any of the site's languages,
scheduled or published (``stages.services.reports`` saves them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RaceReportQuerySet(models.QuerySet):
    def published(self) -> "RaceReportQuerySet":
        """Published reports whose publication time has come."""
        return self.filter(
            status=RaceReport.Status.PUBLISHED, published_at__lte=timezone.now()
        )


class RaceReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class RaceReport(models.Model):
    Status = RaceReportStatus

    stage = models.ForeignKey(
        "stages.Stage", on_delete=models.CASCADE, related_name="reports"
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language it is written in. A stage page shows the report in the "
            "page's language, else the other reports with a note of their language."
        ),
    )
    headline = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="race_reports",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        default=timezone.now,
        help_text=_("Not shown on the site before this time."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RaceReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in settings.LANGUAGES]),
                name="report_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return self.stage.get_absolute_url()

    @property
    def is_scheduled(self) -> bool:
        """Published, but its time to appear has not come (staff preview it)."""
        due = self.published_at > timezone.now()
        return self.status == self.Status.PUBLISHED and due
