"""Upload a race package (a .zip of the RACE_PACKAGE.md layout, or its files):
preview, then confirm."""

from django.contrib import admin


class PackageUploadViews(admin.ModelAdmin):
    pass
