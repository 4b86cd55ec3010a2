from django.contrib import admin

from teams.models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition", "country"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "=code", "entries__rider__family_name", "=entries__bib"]
    ordering = ["edition", "name"]
