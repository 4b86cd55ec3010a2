"""Race reports: written with a live Markdown preview, published now or for a
later time (the save says when it appears, and staff see it on the stage page
marked as a preview until then), saved and deleted through ``services.reports``."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from stages.forms import RowTokenForm, WritesThroughServices
from stages.markdown import render_markdown
from stages.models import RaceReport
from stages.services.reports import report_save, reports_delete


class RaceReportForm(RowTokenForm):
    class Meta:
        model = RaceReport
        fields = [
            "stage",
            "language",
            "headline",
            "status",
            "published_at",
            "author",
            "body",
        ]
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "body": forms.Textarea(
                attrs={
                    "rows": 18,
                    "class": "report-body",
                    "hx-post": reverse_lazy("admin:stages_racereport_preview"),
                    # keyup too: an input event that fires before htmx has bound
                    # the field (a paste right after the page opens) is not lost.
                    "hx-trigger": "input changed delay:300ms, "
                    "keyup changed delay:300ms",
                    "hx-target": "#report-preview",
                    "hx-swap": "outerHTML",
                    "aria-describedby": "report-preview-heading",
                }
            ),
        }
        help_texts = {
            "body": _(
                "Markdown: blank line between paragraphs, **bold**, *italic*, "
                "[link](https://…), ## subheading. The preview below is what fans see."
            ),
            "published_at": _(
                "A report published for a later time stays hidden until then."
            ),
        }


class ReportVisibilityFilter(admin.SimpleListFilter):
    title = _("on the site")
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [
            ("yes", pgettext("report", "Shown now")),
            ("scheduled", pgettext("report", "Scheduled")),
            ("no", pgettext("report", "Draft")),
        ]

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
        "language",
        "status",
        "visibility",
        "published_at",
        "author",
    ]
    list_filter = [
        "stage__edition",
        "language",
        ReportVisibilityFilter,
        "status",
        "stage__number",
    ]
    list_select_related = ["stage__edition__race", "author"]
    search_fields = ["headline", "body", "stage__edition__race__name"]
    ordering = ["-published_at"]
    autocomplete_fields = ["stage"]
    date_hierarchy = "published_at"

    @admin.display(description=_("on the site"))
    def visibility(self, report: RaceReport) -> str:
        if report.status != RaceReport.Status.PUBLISHED:
            return pgettext("report", "Draft")
        if report.published_at > timezone.now():
            return pgettext("report", "Scheduled")
        return pgettext("report", "Shown")

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
            author.help_text = _(
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

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.tell_when_scheduled(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self.tell_when_scheduled(request, obj)
        return response

    def tell_when_scheduled(self, request: HttpRequest, report: RaceReport) -> None:
        """A report saved for a later time: when it appears (in the site's time
        zone), and a link to the stage page, where staff already see it."""
        if not report.is_scheduled:
            return
        when = timezone.localtime(report.published_at)
        message = format_html(
            _(
                "“{headline}” appears on the site on {date} at {time} ({zone}). "
                "Until then only staff see it, marked as a preview, on "
                '<a href="{url}">the stage page</a>.'
            ),
            headline=report.headline,
            date=dateformat.format(when, str(_("j F Y"))),
            time=dateformat.format(when, "H:i"),
            zone=timezone.get_current_timezone_name(),
            url=report.get_absolute_url(),
        )
        self.message_user(request, message, messages.INFO)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        context["preview_html"] = render_markdown(form["body"].value() or "")
        context["in_languages"] = _in_languages(kwargs.get("obj"))
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


def _in_languages(report: RaceReport | None) -> list[dict]:
    """A saved report's stage in each other language: its report there (to edit)
    or a link to write one, the stage and language filled in (1 query)."""
    if report is None or report.pk is None:
        return []
    written = {
        r.language: r
        for r in RaceReport.objects.filter(stage_id=report.stage_id)
        .exclude(pk=report.pk)
        .order_by("-published_at")
    }
    add = reverse("admin:stages_racereport_add")
    return [
        {
            "code": code,
            "name": name,
            "report": written.get(code),
            "add_url": add
            + "?"
            + urlencode({"stage": report.stage_id, "language": code}),
        }
        for code, name in settings.LANGUAGES
        if code != report.language or code in written
    ]
