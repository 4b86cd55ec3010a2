"""Races and start lists (teams, riders, entries) in the admin. Editors view and
create them; every save and delete goes through ``stages.services.startlist``, which
recomputes the standings when what they are computed from changed (an edition's
rules, an entry's team, a rider's birth date) and bumps the pages' data version."""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.http import HttpRequest

from editions.models import Entry, Race, Rider, Team
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


class TeamOfEdition(ForeignKeyRawIdWidget):
    """An entry's team box: its lookup lists the teams of the entry's edition."""

    def __init__(self, rel, admin_site, edition_id: int, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.edition_id = edition_id

    def base_url_parameters(self):
        return {**super().base_url_parameters(), "edition__id__exact": self.edition_id}


def _edition_of(request: HttpRequest, entry: Entry | None) -> int | None:
    """The edition an entry form is for, where it can be known: the entry's, or
    the one an add form was opened for (``?edition=7``)."""
    if entry is not None:
        return entry.edition_id
    asked = request.GET.get("edition", "")
    return int(asked) if asked.isdigit() else None


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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        team, edition_id = form.base_fields.get("team"), _edition_of(request, obj)
        if team is not None and edition_id is not None:
            # A team of another edition is refused (Entry.clean, the database).
            rel = Entry._meta.get_field("team").remote_field
            team.widget = TeamOfEdition(rel, self.admin_site, edition_id)
        return form

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
