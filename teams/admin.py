from django.contrib import admin

from teams.models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "code"]
