"""The computed tables: read-only for everyone (only the services write them)."""

from django.contrib import admin

from stages.forms import FoldedSearch
from stages.models import Jersey, Standing


class ComputedAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Standing)
class StandingAdmin(FoldedSearch, ComputedAdmin):
    folded_rider, folded_team = "entry__rider", "team"
    list_display = ["stage", "classification", "rank", "entry", "team", "value", "gap"]
    list_filter = ["classification", "stage__edition"]
    list_select_related = ["stage__edition__race", "entry__rider", "team"]
    search_fields = ["=entry__bib", "entry__rider__family_name", "team__name"]


@admin.register(Jersey)
class JerseyAdmin(ComputedAdmin):
    list_display = ["stage", "classification", "entry"]
    list_filter = ["classification", "stage__edition"]
    list_select_related = ["stage__edition__race", "entry__rider"]
