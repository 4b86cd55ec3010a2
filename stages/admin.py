"""The editors' admin: stages with their results inline, pasted results and
crossings with a preview, race reports with a live Markdown preview.

Every save that can move the standings recomputes them (``services``) under the
edition's row lock, and the admin message says what changed at the top. Every save
or delete, recomputing or not, bumps the data version of the editions it touches
(``BumpsDataVersion``), so the public pages cached by ``stages.caching`` show it on
the next request.
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from editions.models import Edition, Entry, Race
from racing.timefmt import format_gap, format_time
from stages.forms import EntryAutocomplete, PasteForm, RaceReportForm, StageResultForm
from stages.markdown import render_markdown
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    Jersey,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)
from stages.services import leaders, paste, recompute, results

# Data version


class BumpsDataVersion:
    """Admin hooks: after a save (with its inlines) or a delete, bump the data
    version of the editions the objects belong to (stages.caching)."""

    # Fields whose change moves an object to another edition: bump them all.
    moving_fields = frozenset({"edition", "stage", "race", "checkpoint", "entry"})

    def edition_ids(self, obj) -> list[int] | None:
        """The editions whose pages show ``obj``; None for all of them."""
        return [obj.edition_id]

    def _bump(self, edition_ids) -> None:
        if edition_ids is None:
            recompute.bump_version()
        elif edition_ids:
            recompute.bump_version(*edition_ids)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        moved = change and self.moving_fields & set(form.changed_data)
        self._bump(None if moved else self.edition_ids(form.instance))

    def delete_model(self, request, obj):
        edition_ids = self.edition_ids(obj)
        super().delete_model(request, obj)
        self._bump(edition_ids)

    def delete_queryset(self, request, queryset):
        edition_ids: set[int] | None = set()
        for obj in queryset:
            ids = self.edition_ids(obj)
            if ids is None:
                edition_ids = None
                break
            edition_ids.update(ids)
        super().delete_queryset(request, queryset)
        self._bump(edition_ids)


class OfStage(BumpsDataVersion):
    def edition_ids(self, obj) -> list[int]:
        return [obj.stage.edition_id]


# Standings


class RecomputesStandings:
    """Admin hooks: lock the edition and note the standings before a write, then
    recompute once the object and its inlines are saved, and say what changed."""

    def standings_stage(self, obj) -> Stage:
        raise NotImplementedError

    def needs_recompute(self, request, form, formsets, change) -> bool:
        return True

    def _before_write(self, request, stage: Stage, from_stage: int | None = None):
        edition = recompute.lock_edition(stage.edition_id)
        request._standings_pending = (
            edition,
            leaders.current_standings(edition),
            min(stage.number, from_stage or stage.number),
        )

    def _after_write(self, request) -> None:
        pending = getattr(request, "_standings_pending", None)
        if pending is None:
            return
        del request._standings_pending
        edition, before, from_stage = pending
        message = results.recompute_after_edit(
            edition, from_stage=from_stage, before=before
        )
        self.message_user(request, message, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        old = form.initial.get("number") if isinstance(obj, Stage) else None
        if change and not isinstance(obj, Stage):
            # A result moved to another stage changes the standings from the earlier.
            old_stage = self.standings_stage(type(obj).objects.get(pk=obj.pk))
            old = old_stage.number
        self._before_write(request, self.standings_stage(obj), old)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.needs_recompute(request, form, formsets, change):
            self._after_write(request)
        else:
            request.__dict__.pop("_standings_pending", None)

    def delete_model(self, request, obj):
        self._before_write(request, self.standings_stage(obj))
        super().delete_model(request, obj)
        self._after_write(request)

    def delete_queryset(self, request, queryset):
        stages = {}
        for obj in queryset:
            stage = self.standings_stage(obj)
            first = stages.setdefault(stage.edition_id, stage)
            if stage.number < first.number:
                stages[stage.edition_id] = stage
        with transaction.atomic():
            for stage in stages.values():
                recompute.lock_edition(stage.edition_id)
            befores = {
                e: leaders.current_standings(stage.edition)
                for e, stage in stages.items()
            }
            super().delete_queryset(request, queryset)
            for edition_id, stage in stages.items():
                request._standings_pending = (
                    stage.edition,
                    befores[edition_id],
                    stage.number,
                )
                self._after_write(request)


# Races and editions (editors view them)


@admin.register(Race)
class RaceAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def edition_ids(self, obj: Race) -> list[int]:
        return list(obj.editions.values_list("pk", flat=True))


@admin.register(Edition)
class EditionAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["__str__", "year", "youth_born_on_or_after", "version"]
    list_filter = ["race"]
    list_select_related = ["race"]
    search_fields = ["race__name", "=year"]

    def edition_ids(self, obj: Edition) -> list[int]:
        return [obj.pk]


# Stages


class CheckpointInline(admin.TabularInline):
    model = Checkpoint
    fields = ["kind", "name", "km", "category", "multiplier"]
    extra = 0


RESULTS_PER_PAGE = 50


def results_page(request: HttpRequest, count: int) -> int:
    """The page of the results inline asked for (``?results=2``), within range."""
    pages = max(1, -(-count // RESULTS_PER_PAGE))
    raw = request.GET.get("results", "")
    return min(int(raw), pages) if raw.isdigit() and int(raw) >= 1 else 1


class StageResultInline(admin.TabularInline):
    """A stage's results, 50 rows a page: a whole stage at once would exceed
    Django's limit of 1,000 fields per POST (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""

    model = StageResult
    form = StageResultForm
    template = "admin/stages/stage/results_inline.html"
    # The form's fields; the stage is the page's own.
    fields = [f for f in StageResultForm.Meta.fields if f != "stage"]
    autocomplete_fields = ["entry"]
    extra = 0
    verbose_name_plural = "results"

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("stage__edition__race", "entry__rider")
            .order_by(F("rank").asc(nulls_last=True), "entry__bib")
        )
        match = request.resolver_match
        object_id = str(match.kwargs.get("object_id", "")) if match else ""
        if object_id.isdigit():
            ids = list(
                queryset.filter(stage_id=int(object_id)).values_list("pk", flat=True)
            )
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
class StageAdmin(BumpsDataVersion, RecomputesStandings, admin.ModelAdmin):
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
        ("Route", {"fields": ["start", "finish", "distance_km", "type"]}),
        (
            "Scoring",
            {"fields": ["points_scale", "team_times"], "classes": ["collapse"]},
        ),
    ]
    inlines = [CheckpointInline, StageResultInline]
    standings_fields = {"number", "type", "points_scale", "team_times"}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("results"))

    @admin.display(description="route")
    def route(self, stage: Stage) -> str:
        return f"{stage.start} – {stage.finish}"

    @admin.display(description="results", ordering="results__count")
    def result_count(self, stage: Stage) -> int:
        return stage.results__count

    def standings_stage(self, obj: Stage) -> Stage:
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        count = (
            StageResult.objects.filter(stage_id=object_id).count()
            if str(object_id).isdigit()
            else 0
        )
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
        if "_continue" in request.POST and page.isdigit():
            response["Location"] = f"{response['Location']}?results={page}"
        return response

    def needs_recompute(self, request, form, formsets, change) -> bool:
        return change and (
            bool(self.standings_fields & set(form.changed_data))
            or any(formset.has_changed() for formset in formsets)
        )

    def save_model(self, request, obj, form, change):
        if not change:  # a new stage has no results: nothing to lock or recompute
            return admin.ModelAdmin.save_model(self, request, obj, form, change)
        return super().save_model(request, obj, form, change)

    # Pasting results and crossings

    def get_urls(self):
        def wrap(view, kind):
            def wrapper(request, object_id):
                return view(request, object_id, kind)

            return self.admin_site.admin_view(wrapper)

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/paste-results/",
                wrap(self.paste_view, "results"),
                name="{}_{}_paste_results".format(*info),
            ),
            path(
                "<path:object_id>/paste-crossings/",
                wrap(self.paste_view, "crossings"),
                name="{}_{}_paste_crossings".format(*info),
            ),
            *super().get_urls(),
        ]

    PASTES = {
        "results": (
            StageResult,
            paste.result_preview,
            results.result_paste_save,
        ),
        "crossings": (
            CheckpointCrossing,
            paste.crossing_preview,
            results.crossing_paste_save,
        ),
    }

    def paste_view(self, request: HttpRequest, object_id: str, kind: str):
        stage = self.get_object(request, unquote(object_id))
        if stage is None:
            raise Http404("No such stage.")
        model, make_preview, save = self.PASTES[kind]
        opts = model._meta
        needed = [
            f"{opts.app_label}.{action}_{opts.model_name}"
            for action in ("add", "change", "delete")
        ]
        if not (
            self.has_change_permission(request, stage)
            and request.user.has_perms(needed)
        ):
            raise PermissionDenied
        form = PasteForm(
            request.POST if request.method == "POST" else None,
            initial={"version": recompute.results_digest(stage.edition)},
        )
        preview = None
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "confirm" in request.POST:
                try:
                    message = save(
                        stage=stage,
                        text=text,
                        expected_digest=form.cleaned_data["version"],
                    )
                except results.PasteRefused as refused:
                    preview = refused.preview
                    self.message_user(request, refused.message, messages.ERROR)
                else:
                    rows = len(text.strip().splitlines())
                    self.log_change(
                        request, stage, f"Pasted {kind} ({rows} lines). {message}"
                    )
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect(
                        reverse("admin:stages_stage_change", args=[stage.pk])
                    )
            else:
                preview = make_preview(stage, text)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Paste {kind}: stage {stage.number}",
            "subtitle": str(stage),
            "opts": self.opts,
            "original": stage,
            "stage": stage,
            "kind": kind,
            "form": form,
            "preview": preview,
            "version": recompute.results_digest(stage.edition),
            "checkpoints": list(stage.checkpoints.all()) if kind == "crossings" else [],
            "has_view_permission": self.has_view_permission(request, stage),
        }
        return TemplateResponse(request, "admin/stages/stage/paste.html", context)


@admin.register(Checkpoint)
class CheckpointAdmin(OfStage, RecomputesStandings, admin.ModelAdmin):
    list_display = ["name", "stage", "kind", "category", "multiplier", "km"]
    list_filter = ["stage__edition", "kind"]
    list_select_related = ["stage__edition__race"]
    search_fields = ["name", "stage__edition__race__name"]
    autocomplete_fields = ["stage"]

    def standings_stage(self, obj: Checkpoint) -> Stage:
        return obj.stage


# Results and crossings


class StageNumberFilter(admin.SimpleListFilter):
    title = "stage"
    parameter_name = "stage_number"

    def lookups(self, request, model_admin):
        numbers = Stage.objects.values_list("number", flat=True).distinct()
        return [(str(n), f"Stage {n}") for n in sorted(set(numbers))]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(stage__number=int(value))
        return queryset


@admin.register(StageResult)
class StageResultAdmin(RecomputesStandings, admin.ModelAdmin):
    form = StageResultForm
    list_display = [
        "stage_number",
        "rank",
        "bib",
        "rider",
        "team",
        "time",
        "gap",
        "status",
        "edition",
    ]
    list_display_links = ["rank", "rider"]
    list_filter = ["stage__edition", StageNumberFilter, "status"]
    list_select_related = ["stage__edition__race", "entry__rider", "entry__team"]
    search_fields = [
        "=entry__bib",
        "entry__rider__family_name",
        "entry__rider__given_name",
        "entry__team__name",
        "=entry__team__code",
    ]
    ordering = [
        "-stage__edition__year",
        "stage__edition__race__name",
        "stage__number",
        F("rank").asc(nulls_last=True),
    ]
    autocomplete_fields = ["stage", "entry"]
    list_per_page = 200

    def get_queryset(self, request):
        winner = StageResult.objects.filter(stage=OuterRef("stage"), rank=1)
        return (
            super()
            .get_queryset(request)
            .annotate(winner_time=Subquery(winner.values("time_s")[:1]))
        )

    def standings_stage(self, obj: StageResult) -> Stage:
        return obj.stage

    @admin.display(description="stage", ordering="stage__number")
    def stage_number(self, r: StageResult) -> int:
        return r.stage.number

    @admin.display(description="race", ordering="stage__edition")
    def edition(self, r: StageResult) -> str:
        return str(r.stage.edition)

    @admin.display(description="bib", ordering="entry__bib")
    def bib(self, r: StageResult) -> int:
        return r.entry.bib

    @admin.display(description="rider", ordering="entry__rider__family_name")
    def rider(self, r: StageResult) -> str:
        return r.entry.rider.display_name

    @admin.display(description="team", ordering="entry__team__name")
    def team(self, r: StageResult) -> str:
        return r.entry.team.name

    @admin.display(description="time", ordering="time_s")
    def time(self, r: StageResult) -> str:
        return format_time(r.time_s)

    @admin.display(description="gap")
    def gap(self, r: StageResult) -> str:
        if r.time_s is None or r.winner_time is None:
            return ""
        return format_gap(r.time_s - r.winner_time)


@admin.register(CheckpointCrossing)
class CheckpointCrossingAdmin(RecomputesStandings, admin.ModelAdmin):
    list_display = ["checkpoint", "rank", "entry", "stage"]
    list_filter = ["checkpoint__stage__edition", "checkpoint__kind"]
    list_select_related = ["checkpoint__stage__edition__race", "entry__rider"]
    search_fields = [
        "=entry__bib",
        "entry__rider__family_name",
        "checkpoint__name",
        "entry__team__name",
    ]
    ordering = ["checkpoint__stage", "checkpoint", "rank"]
    autocomplete_fields = ["checkpoint", "entry"]

    @admin.display(description="stage", ordering="checkpoint__stage__number")
    def stage(self, x: CheckpointCrossing) -> str:
        return str(x.checkpoint.stage)

    def standings_stage(self, obj: CheckpointCrossing) -> Stage:
        return obj.checkpoint.stage


# Race reports


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
class RaceReportAdmin(OfStage, admin.ModelAdmin):
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

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

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
        return _preview(request, self)


@require_POST
def _preview(request: HttpRequest, model_admin: RaceReportAdmin) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/stages/racereport/change_form.html#report-preview",
        {"preview_html": render_markdown(request.POST.get("body", ""))},
    )


# Computed tables: read-only for everyone


class ComputedAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Standing)
class StandingAdmin(ComputedAdmin):
    list_display = ["stage", "classification", "rank", "entry", "team", "value", "gap"]
    list_filter = ["classification", "stage__edition"]
    list_select_related = ["stage__edition__race", "entry__rider", "team"]
    search_fields = ["=entry__bib", "entry__rider__family_name", "team__name"]


@admin.register(Jersey)
class JerseyAdmin(ComputedAdmin):
    list_display = ["stage", "classification", "entry"]
    list_filter = ["classification", "stage__edition"]
    list_select_related = ["stage__edition__race", "entry__rider"]


def stage_from_referer(request: HttpRequest) -> int | None:
    """The stage whose change page an autocomplete request comes from, if any."""
    try:
        match = resolve(urlsplit(request.headers.get("referer", "")).path)
    except Resolver404:
        return None
    if match.url_name != "stages_stage_change":
        return None
    object_id = match.kwargs.get("object_id", "")
    return int(object_id) if object_id.isdigit() else None


# Users sign race reports, and the Atom feed shows the author's name: a renamed user
# must bump the pages' data version like any other save.
UserModel = get_user_model()
admin.site.unregister(UserModel)


@admin.register(UserModel)
class UserAdmin(BumpsDataVersion, auth_admin.UserAdmin):
    def edition_ids(self, obj) -> None:
        return None
