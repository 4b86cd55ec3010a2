"""Stages: route, scoring and status, with their checkpoints and results inline
(50 results a page) and the paste pages; the status is editable in the list."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, F, Max
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from editions.models import Entry
from stages.admin.checkpoints import CheckpointInline
from stages.admin.live import LiveDeskViews
from stages.admin.paste import PasteViews
from stages.forms import RowTokenInline, StageResultForm, WritesThroughServices
from stages.models import Checkpoint, Stage, StageResult
from stages.services.stage import (
    RowChanges,
    stage_create,
    stage_update,
    stages_delete,
)
from toursite.converters import form_int


class EntryAutocomplete(AutocompleteSelect):
    """Autocomplete whose selected labels come from one query for a whole formset
    (the stock widget runs a query per row: 176 on a stage page)."""

    labels: dict[str, str] | None = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.labels = self.labels  # shared by every row's widget, never copied
        return copy

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for v in value:
            if str(v) in self.labels:
                options.append(
                    self.create_option(
                        name, v, self.labels[str(v)], {str(v)}, len(options)
                    )
                )
        return [(None, options, 0)]


RESULTS_PER_PAGE = 50


def results_page(request: HttpRequest, count: int) -> int:
    """The page of the results inline asked for (``?results=2``), within range."""
    pages = max(1, -(-count // RESULTS_PER_PAGE))
    raw = request.GET.get("results", "")
    asked = form_int(raw)
    return min(asked, pages) if asked is not None and asked >= 1 else 1


class StageResultInline(RowTokenInline):
    """A stage's results, 50 rows a page: a whole stage at once would exceed
    Django's limit of 1,000 fields per POST (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""

    model = StageResult
    form = StageResultForm
    template = "admin/stages/stage/results_inline.html"
    # The form's fields; the stage is the page's own.
    fields = [f for f in StageResultForm.Meta.fields if f != "stage"]
    autocomplete_fields = ["entry"]
    extra = 0
    verbose_name_plural = _("results")

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("stage__edition__race", "entry__rider")
            .order_by(F("rank").asc(nulls_last=True), "entry__bib")
        )
        match = request.resolver_match
        object_id = str(match.kwargs.get("object_id", "")) if match else ""
        if (stage_id := form_int(object_id)) is not None:
            ids = list(queryset.filter(stage_id=stage_id).values_list("pk", flat=True))
            first = (results_page(request, len(ids)) - 1) * RESULTS_PER_PAGE
            queryset = queryset.filter(pk__in=ids[first : first + RESULTS_PER_PAGE])
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "entry":
            kwargs["widget"] = EntryAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "entry":
            # Add/change/view icons under each of 50 rows crowd the table.
            wrapper = field.widget
            wrapper.can_add_related = wrapper.can_change_related = False
            wrapper.can_view_related = wrapper.can_delete_related = False
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("entry")
        if obj is not None and field is not None:
            entries = Entry.objects.filter(edition_id=obj.edition_id)
            field.queryset = entries
            labels = {
                str(pk): f"{bib} {family.upper()} {given}"
                for pk, bib, family, given in entries.values_list(
                    "pk", "bib", "rider__family_name", "rider__given_name"
                )
            }
            getattr(field.widget, "widget", field.widget).labels = labels
        return formset


@admin.register(Stage)
class StageAdmin(LiveDeskViews, PasteViews, WritesThroughServices):
    list_display = [
        "number",
        "edition",
        "route",
        "date",
        "type",
        "status",
        "result_count",
    ]
    list_display_links = ["number", "route"]
    list_editable = ["status"]
    list_filter = ["edition", "status", "type"]
    list_select_related = ["edition__race"]
    search_fields = ["start", "finish", "edition__race__name", "=number"]
    ordering = ["-edition__year", "edition__race__name", "number"]
    list_per_page = 30
    fieldsets = [
        (None, {"fields": ["edition", "number", "date", "status"]}),
        (_("Route"), {"fields": ["start", "finish", "distance_km", "type"]}),
        (
            _("Scoring"),
            {"fields": ["points_scale", "team_times"], "classes": ["collapse"]},
        ),
    ]
    inlines = [CheckpointInline, StageResultInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("results"))

    def get_changeform_initial_data(self, request):
        """A stage added from its edition's page (``?edition=7``) is numbered
        after the edition's last stage."""
        initial = super().get_changeform_initial_data(request)
        edition = form_int(str(initial.get("edition", "")))
        if edition is not None and "number" not in initial:
            last = Stage.objects.filter(edition_id=edition).aggregate(Max("number"))
            initial["number"] = (last["number__max"] or 0) + 1
        return initial

    @admin.display(description=_("route"))
    def route(self, stage: Stage) -> str:
        return f"{stage.start} – {stage.finish}"

    @admin.display(description=_("results"), ordering="results__count")
    def result_count(self, stage: Stage) -> int:
        return stage.results__count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        stage_id = form_int(str(object_id))
        count = 0
        if stage_id is not None:
            count = StageResult.objects.filter(stage_id=stage_id).count()
        current = results_page(request, count)
        pages = [
            (n, n * RESULTS_PER_PAGE + 1, min(count, (n + 1) * RESULTS_PER_PAGE))
            for n in range(-(-count // RESULTS_PER_PAGE))
        ]
        extra_context = {
            **(extra_context or {}),
            "result_pages": [
                (n + 1, first, last, n + 1 == current) for n, first, last in pages
            ],
            "result_count": count,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        page = request.GET.get("results", "")
        if "_continue" in request.POST and form_int(page) is not None:
            response["Location"] = f"{response['Location']}?results={page}"
        return response

    def save_with_service(self, request, obj, changed, inlines):
        checkpoints = inlines.get(Checkpoint, RowChanges())
        results = inlines.get(StageResult, RowChanges())
        if changed is None:
            return stage_create(
                stage=obj, checkpoints=checkpoints.saved, results=results.saved
            )
        return stage_update(
            stage=obj, changed=changed, checkpoints=checkpoints, results=results
        )

    def delete_with_service(self, request, objs):
        return stages_delete(stages=objs)
