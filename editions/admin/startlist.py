"""Races and start lists (teams, riders, entries) in the admin. Editors create and
change them; every save and delete goes through ``stages.services.startlist``,
which recomputes the standings when what they are computed from changed (an
edition's rules, an entry's team, a rider's birth date) and bumps the pages' data
version. An edition, team or rider with results is deleted by a superuser only
(:class:`ResultsKept`). Names are found without case or accents
(``FoldedSearch``); an entry's rider and team are chosen by autocomplete, its team
among its edition's teams."""

from django.contrib import admin, messages
from django.contrib.admin import actions as site_actions
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from editions.models import Entry, Race, Rider, Team
from stages.forms import FoldedSearch, WritesThroughServices, stage_from_referer
from stages.models import Jersey, Standing
from stages.services import startlist
from toursite.converters import form_int


@admin.register(Race)
class RaceAdmin(WritesThroughServices):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_with_service(self, request, obj, changed, inlines):
        startlist.race_save(race=obj)

    def delete_with_service(self, request, objs):
        startlist.races_delete(races=objs)


class ComputedGoAlong(admin.ModelAdmin):
    """A delete takes the standings and jerseys computed from what it deletes
    along (the service recomputes the rest): the delete page does not ask for a
    permission on them, which no one has (``stages.admin.computed``)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, needed, protected = super().get_deleted_objects(objs, request)
        needed -= {model._meta.verbose_name for model in (Standing, Jersey)}
        return deleted, counts, needed, protected


class ResultsKept(ComputedGoAlong):
    """Editions, teams and riders whose results would go with them are deleted by
    superusers only: no one else is offered their delete page (403 when asked),
    the bulk delete refuses them by name, and the service refuses them too
    (``protect_results``), whatever is posted. Its bulk delete replaces the
    site's (an admin listing its own ``actions`` keeps ``delete_selected``)."""

    actions = ["delete_selected"]

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return not startlist.having_results([obj])

    @admin.action(
        permissions=["delete"],
        description=gettext_lazy("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(self, request: HttpRequest, queryset):
        """Django's bulk delete, unless the selection holds some with results and
        the user is not a superuser: then nothing is deleted, and the message
        names them."""
        if not request.user.is_superuser:
            kept = startlist.having_results(queryset)
            if kept:
                reason = " ".join(startlist.results_refusal(kept).messages)
                message = gettext("Nothing was deleted: %(reason)s")
                self.message_user(request, message % {"reason": reason}, messages.ERROR)
                return None
        return site_actions.delete_selected(self, request, queryset)


def team_label(team: Team) -> str:
    """``UAE Team Emirates (UAD, Tour de France 2023)``: teams keep their name
    from one edition to the next."""
    return f"{team.name} ({team.code}, {team.edition})"


def rider_label(rider: Rider) -> str:
    """``POGAČAR Tadej (1998)``: the birth year tells namesakes apart."""
    born = rider.birth_date.year if rider.birth_date else gettext("birth date unknown")
    return f"{rider.display_name} ({born})"


@admin.register(Team)
class TeamAdmin(ResultsKept, FoldedSearch, WritesThroughServices):
    """Also the autocomplete of an entry's team: from an entry of edition E
    (``?edition=E`` in the request), E's teams only. The change page lists the
    team's riders."""

    list_display = ["name", "code", "country", "edition"]
    list_filter = ["edition", "country"]
    list_select_related = ["edition__race"]
    search_fields = ["name", "=code", "entries__rider__family_name", "=entries__bib"]
    folded_rider, folded_team = "entries__rider", ""
    ordering = ["edition", "name"]

    def save_with_service(self, request, obj, changed, inlines):
        startlist.team_save(team=obj)

    def delete_with_service(self, request, objs):
        protect = not request.user.is_superuser
        return startlist.teams_delete(teams=objs, protect_results=protect)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(
            request, queryset, search_term
        )
        asked = request.GET.get("model_name"), request.GET.get("field_name")
        if asked == ("entry", "team"):
            edition = form_int(request.GET.get("edition"))
            if edition is not None:
                queryset = queryset.filter(edition_id=edition)
            queryset = queryset.select_related("edition__race")  # team_label
        return queryset, duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        riders = Entry.objects.none()
        if (team_id := form_int(str(object_id))) is not None:
            riders = Entry.objects.filter(team_id=team_id)
            riders = riders.select_related("rider").order_by("bib")
        extra_context = {**(extra_context or {}), "team_entries": riders}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Rider)
class RiderAdmin(ResultsKept, FoldedSearch, WritesThroughServices):
    list_display = ["family_name", "given_name", "nationality", "birth_date"]
    list_filter = ["entries__edition", "nationality"]
    search_fields = [
        "family_name",
        "given_name",
        "=entries__bib",
        "entries__team__name",
        "=entries__team__code",
    ]
    folded_rider, folded_team = "", "entries__team"
    ordering = ["family_name", "given_name"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}

    def get_readonly_fields(self, request, obj=None):
        # His nationality is that of his latest edition: it is set on each
        # start-list entry (a rider may change it between editions).
        fields = [*super().get_readonly_fields(request, obj)]
        if obj is not None and obj.entries.exists():
            fields.append("nationality")
        return fields

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.rider_save(rider=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        protect = not request.user.is_superuser
        startlist.riders_delete(riders=objs, protect_results=protect)


class StartListChoices(AutocompleteSelect):
    """An entry's rider or team box. It asks the entry admin's own autocomplete
    (:class:`StartListChoicesView`, whose labels tell riders and teams apart), with
    ``?edition=E`` when the entry's edition is known: the team box then lists E's
    teams only (``TeamAdmin.get_search_results``). The widget's script adds its
    own parameters to that address."""

    edition_id: int | None = None

    def get_url(self):
        url = reverse(f"{self.admin_site.name}:editions_entry_autocomplete")
        return f"{url}?edition={self.edition_id}" if self.edition_id else url


class StartListChoicesView(AutocompleteJsonView):
    """The autocomplete of an entry's boxes: riders with their birth year, teams
    with their code and edition."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Rider):
            result["text"] = rider_label(obj)
        elif isinstance(obj, Team):
            result["text"] = team_label(obj)
        return result


def _edition_of(request: HttpRequest, entry: Entry | None) -> int | None:
    """The edition an entry form is for, where it can be known: the entry's, or
    the one an add form was opened for (``?edition=7``)."""
    if entry is not None:
        return entry.edition_id
    return form_int(request.GET.get("edition"))


@admin.register(Entry)
class EntryAdmin(ComputedGoAlong, FoldedSearch, WritesThroughServices):
    """Also the autocomplete behind every "rider" box: search by bib or name."""

    list_display = ["bib", "rider", "team", "nationality", "edition"]
    list_display_links = ["bib", "rider"]
    list_filter = ["edition", "nationality"]
    list_select_related = ["rider", "team", "edition__race"]
    search_fields = [
        "=bib",
        "rider__family_name",
        "rider__given_name",
        "team__name",
        "=team__code",
    ]
    folded_rider, folded_team = "rider", "team"
    ordering = ["edition", "bib"]
    autocomplete_fields = ["rider", "team"]

    def get_urls(self):
        view = StartListChoicesView.as_view(admin_site=self.admin_site)
        autocomplete = path(
            "autocomplete/",
            self.admin_site.admin_view(view),
            name="editions_entry_autocomplete",
        )
        return [autocomplete, *super().get_urls()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("rider", "team"):
            kwargs["widget"] = StartListChoices(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        rider, team = form.base_fields.get("rider"), form.base_fields.get("team")
        if rider is not None:
            rider.label_from_instance = rider_label
        if team is not None:
            # A team of another edition is refused (Entry.clean, the database).
            widget = getattr(team.widget, "widget", team.widget)
            widget.edition_id = _edition_of(request, obj)
            team.label_from_instance = team_label
            team.queryset = team.queryset.select_related("edition__race")
            widget.choices = team.choices  # the selected team's label: one query
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
