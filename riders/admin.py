from django.contrib import admin

from editions.models import Entry, Rider
from stages.admin import BumpsDataVersion


@admin.register(Rider)
class RiderAdmin(BumpsDataVersion, admin.ModelAdmin):
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

    def edition_ids(self, obj: Rider) -> None:
        return None  # a rider's pages span editions: bump them all


@admin.register(Entry)
class EntryAdmin(BumpsDataVersion, admin.ModelAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        from stages.admin import stage_from_referer

        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if request.GET.get("model_name") == "stageresult":
            # Results inline on a stage page: offer only that race's start list.
            stage_id = stage_from_referer(request)
            if stage_id is not None:
                queryset = queryset.filter(edition__stages=stage_id)
        return queryset.select_related("rider"), may_have_duplicates
