"""Build an edition by pasting its tables (stages, teams, start list): each with a
preview, then a confirm."""

from django.contrib import admin


class BuildViews(admin.ModelAdmin):
    pass
