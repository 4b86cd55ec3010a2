from django.contrib import admin

from editions.models import Team
from stages.admin import BumpsDataVersion


@admin.register(Team)
class TeamAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition", "country"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "=code", "entries__rider__family_name", "=entries__bib"]
    ordering = ["edition", "name"]
