"""Race reports: written with a live Markdown preview, published now or for a
later time, saved and deleted through ``services.reports``."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from stages.forms import RaceReportForm, WritesThroughServices
from stages.markdown import render_markdown
from stages.models import RaceReport
from stages.services.reports import report_save, reports_delete


class ReportVisibilityFilter(admin.SimpleListFilter):
    title = "on the site"
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [("yes", "Shown now"), ("scheduled", "Scheduled"), ("no", "Draft")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=RaceReport.Status.PUBLISHED)
        match self.value():
            case "yes":
                return published.filter(published_at__lte=now)
            case "scheduled":
                return published.filter(published_at__gt=now)
            case "no":
                return queryset.filter(status=RaceReport.Status.DRAFT)
        return queryset


@admin.register(RaceReport)
class RaceReportAdmin(WritesThroughServices):
    form = RaceReportForm
    list_display = [
        "headline",
        "stage",
        "status",
        "visibility",
        "published_at",
        "author",
    ]
    list_filter = [
        "stage__edition",
        ReportVisibilityFilter,
        "status",
        "stage__number",
    ]
    list_select_related = ["stage__edition__race", "author"]
    search_fields = ["headline", "body", "stage__edition__race__name"]
    ordering = ["-published_at"]
    autocomplete_fields = ["stage"]
    date_hierarchy = "published_at"

    @admin.display(description="on the site")
    def visibility(self, report: RaceReport) -> str:
        if report.status != RaceReport.Status.PUBLISHED:
            return "Draft"
        if report.published_at > timezone.now():
            return "Scheduled"
        return "Shown"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Editors sign as themselves: the author is shown but not editable (a
        disabled field, whose posted value Django ignores); superusers choose
        among the staff users."""
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "author" in form.base_fields:
            author = form.base_fields["author"]
            author.disabled = True
            author.help_text = (
                "You sign the reports you add; a report keeps its author when "
                "edited. Only a superuser chooses another author."
            )
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.is_superuser:
            initial.setdefault("author", request.user.pk)
        else:  # not even from the address (?author=)
            initial["author"] = request.user.pk
        return initial

    def save_with_service(self, request, obj, changed, inlines):
        """Save through the service. An editor who is not a superuser signs a new
        report himself whatever was posted; an edit keeps the stored author (the
        disabled field ignores a posted one)."""
        if changed is None and not request.user.is_superuser:
            obj.author = request.user
        report_save(report=obj, editor=request.user)

    def delete_with_service(self, request, objs):
        reports_delete(reports=objs)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        context["preview_html"] = render_markdown(form["body"].value() or "")
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="stages_racereport_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The sanitised HTML of a Markdown body, for the form's live preview."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        return _preview(request)


@require_POST
def _preview(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/stages/racereport/change_form.html#report-preview",
        {"preview_html": render_markdown(request.POST.get("body", ""))},
    )
