from django.contrib import admin

from riders.models import Entry, Rider


@admin.register(Rider)
class RiderAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "nationality", "birth_date"]
    search_fields = ["family_name", "given_name"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["bib", "rider", "team", "edition"]
    list_filter = ["edition"]
    list_select_related = ["rider", "team", "edition__race"]
    search_fields = ["rider__family_name", "rider__given_name", "=bib"]
    raw_id_fields = ["rider", "team"]
