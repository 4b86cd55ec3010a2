"""Races, editions and start lists (teams, riders, entries) in the admin. Editors
view them; every save and delete goes through ``stages.services.startlist``, which
recomputes the standings when what they are computed from changed (an edition's
rules, an entry's team, a rider's birth date) and bumps the pages' data version."""

from django.contrib import admin

from editions.models import Edition, Entry, Race, Rider, Team
from stages.forms import WritesThroughServices, stage_from_referer
from stages.services import startlist


@admin.register(Race)
class RaceAdmin(WritesThroughServices):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def save_with_service(self, request, obj, changed, inlines):
        startlist.race_save(race=obj)

    def delete_with_service(self, request, objs):
        startlist.races_delete(races=objs)


@admin.register(Edition)
class EditionAdmin(WritesThroughServices):
    list_display = ["__str__", "year", "youth_born_on_or_after", "version"]
    list_filter = ["race"]
    list_select_related = ["race"]
    search_fields = ["race__name", "=year"]

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.edition_save(edition=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        startlist.editions_delete(editions=objs)


@admin.register(Team)
class TeamAdmin(WritesThroughServices):
    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition", "country"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "=code", "entries__rider__family_name", "=entries__bib"]
    ordering = ["edition", "name"]

    def save_with_service(self, request, obj, changed, inlines):
        startlist.team_save(team=obj)

    def delete_with_service(self, request, objs):
        return startlist.teams_delete(teams=objs)


@admin.register(Rider)
class RiderAdmin(WritesThroughServices):
    list_display = ["family_name", "given_name", "nationality", "birth_date"]
    list_filter = ["entries__edition", "nationality"]
    search_fields = [
        "family_name",
        "given_name",
        "=entries__bib",
        "entries__team__name",
        "=entries__team__code",
    ]
    ordering = ["family_name", "given_name"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.rider_save(rider=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        startlist.riders_delete(riders=objs)


@admin.register(Entry)
class EntryAdmin(WritesThroughServices):
    """Also the autocomplete behind every "rider" box: search by bib or name."""

    list_display = ["bib", "rider", "team", "edition"]
    list_display_links = ["bib", "rider"]
    list_filter = ["edition"]
    list_select_related = ["rider", "team", "edition__race"]
    search_fields = [
        "=bib",
        "rider__family_name",
        "rider__given_name",
        "team__name",
        "=team__code",
    ]
    ordering = ["edition", "bib"]
    raw_id_fields = ["rider", "team"]

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.entry_save(entry=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        return startlist.entries_delete(entries=objs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if request.GET.get("model_name") == "stageresult":
            # Results inline on a stage page: offer only that race's start list.
            stage_id = stage_from_referer(request)
            if stage_id is not None:
                queryset = queryset.filter(edition__stages=stage_id)
        return queryset.select_related("rider"), may_have_duplicates
