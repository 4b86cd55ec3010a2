"""Editions in the admin: the edition page, and the pages that set a new edition up
(``upload``: a race package; ``build``: its tables pasted one by one). Every save
goes through ``stages.services``."""

from django.contrib import admin

from editions.admin.build import BuildViews
from editions.admin.upload import PackageUploadViews
from editions.models import Edition
from stages.forms import WritesThroughServices
from stages.services import startlist


@admin.register(Edition)
class EditionAdmin(PackageUploadViews, BuildViews, WritesThroughServices):
    list_display = ["__str__", "year", "youth_born_on_or_after", "version"]
    list_filter = ["race"]
    list_select_related = ["race"]
    search_fields = ["race__name", "=year"]

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.edition_save(edition=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        startlist.editions_delete(editions=objs)
