from django.contrib import admin

from stages.admin import BumpsDataVersion
from teams.models import Team


@admin.register(Team)
class TeamAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition", "country"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "=code", "entries__rider__family_name", "=entries__bib"]
    ordering = ["edition", "name"]
