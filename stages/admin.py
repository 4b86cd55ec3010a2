from django.contrib import admin

from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    Edition,
    Jersey,
    Race,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)


@admin.register(Race)
class RaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "youth_born_on_or_after"]
    list_filter = ["race"]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "type", "status"]
    list_filter = ["edition", "type", "status"]
    list_select_related = ["edition__race"]


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "kind", "category", "km"]
    list_select_related = ["stage__edition__race"]


@admin.register(StageResult)
class StageResultAdmin(admin.ModelAdmin):
    list_display = ["stage", "rank", "entry", "time_s", "status"]
    list_filter = ["stage__edition", "status"]
    list_select_related = ["stage__edition__race", "entry__rider"]
    raw_id_fields = ["stage", "entry"]


@admin.register(CheckpointCrossing)
class CheckpointCrossingAdmin(admin.ModelAdmin):
    list_display = ["checkpoint", "rank", "entry"]
    raw_id_fields = ["checkpoint", "entry"]


@admin.register(RaceReport)
class RaceReportAdmin(admin.ModelAdmin):
    list_display = ["headline", "stage", "status", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["stage"]


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["stage", "classification", "rank", "entry", "team", "value"]
    list_filter = ["classification", "stage__edition"]
    list_select_related = ["stage__edition__race", "entry__rider", "team"]
    raw_id_fields = ["stage", "entry", "team"]


@admin.register(Jersey)
class JerseyAdmin(admin.ModelAdmin):
    list_display = ["stage", "classification", "entry"]
    list_select_related = ["stage__edition__race", "entry__rider"]
    raw_id_fields = ["stage", "entry"]
