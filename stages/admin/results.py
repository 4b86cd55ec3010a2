"""Corrections one row at a time: checkpoints, results and crossings, each saved
or deleted through ``services.corrections`` (which recomputes the race from the
stage and says what changed). Riders and teams are found without case or accents
(``FoldedSearch``)."""

from django.contrib import admin
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from racing.timefmt import format_gap, format_time
from stages.admin.checkpoints import CheckpointForm
from stages.forms import (
    CheckpointCrossingForm,
    FoldedSearch,
    StageResultForm,
    WritesThroughServices,
)
from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult
from stages.services import corrections
from toursite.converters import form_int


@admin.register(Checkpoint)
class CheckpointAdmin(WritesThroughServices):
    form = CheckpointForm
    list_display = ["name", "stage", "kind", "category", "scale", "multiplier", "km"]
    list_filter = ["stage__edition", "kind"]
    list_select_related = ["stage__edition__race"]
    search_fields = ["name", "stage__edition__race__name"]
    autocomplete_fields = ["stage"]

    def save_with_service(self, request, obj, changed, inlines):
        return corrections.checkpoint_save(checkpoint=obj)

    def delete_with_service(self, request, objs):
        return corrections.checkpoints_delete(checkpoints=objs)


class StageNumberFilter(admin.SimpleListFilter):
    title = _("stage")
    parameter_name = "stage_number"

    def lookups(self, request, model_admin):
        numbers = Stage.objects.values_list("number", flat=True).distinct()
        label = gettext("Stage %(number)s")
        return [(str(n), label % {"number": n}) for n in sorted(set(numbers))]

    def queryset(self, request, queryset):
        value = self.value()
        if (number := form_int(value)) is not None:
            return queryset.filter(stage__number=number)
        return queryset


@admin.register(StageResult)
class StageResultAdmin(FoldedSearch, WritesThroughServices):
    form = StageResultForm
    folded_rider, folded_team = "entry__rider", "entry__team"
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

    def save_with_service(self, request, obj, changed, inlines):
        return corrections.result_save(result=obj)

    def delete_with_service(self, request, objs):
        return corrections.results_delete(results=objs)

    @admin.display(description=_("stage"), ordering="stage__number")
    def stage_number(self, r: StageResult) -> int:
        return r.stage.number

    @admin.display(description=_("race"), ordering="stage__edition")
    def edition(self, r: StageResult) -> str:
        return str(r.stage.edition)

    @admin.display(description=_("bib"), ordering="entry__bib")
    def bib(self, r: StageResult) -> int:
        return r.entry.bib

    @admin.display(description=_("rider"), ordering="entry__rider__family_name")
    def rider(self, r: StageResult) -> str:
        return r.entry.rider.display_name

    @admin.display(description=_("team"), ordering="entry__team__name")
    def team(self, r: StageResult) -> str:
        return r.entry.team.name

    @admin.display(description=_("time"), ordering="time_s")
    def time(self, r: StageResult) -> str:
        return format_time(r.time_s)

    @admin.display(description=_("gap"))
    def gap(self, r: StageResult) -> str:
        if r.time_s is None or r.winner_time is None:
            return ""
        return format_gap(r.time_s - r.winner_time)


@admin.register(CheckpointCrossing)
class CheckpointCrossingAdmin(FoldedSearch, WritesThroughServices):
    form = CheckpointCrossingForm
    folded_rider, folded_team = "entry__rider", "entry__team"
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

    @admin.display(description=_("stage"), ordering="checkpoint__stage__number")
    def stage(self, x: CheckpointCrossing) -> str:
        return str(x.checkpoint.stage)

    def save_with_service(self, request, obj, changed, inlines):
        return corrections.crossing_save(crossing=obj)

    def delete_with_service(self, request, objs):
        return corrections.crossings_delete(crossings=objs)
