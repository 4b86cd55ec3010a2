from django.contrib import admin
from django.urls import include, path

from toursite import views

admin.site.site_header = "toursite editors"
admin.site.site_title = "toursite admin"
admin.site.index_title = "Races, stages and reports"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("about/", views.about, name="about"),
    path("feed/reports.atom", views.feed, name="feed"),
    path("", include("stages.urls")),
    path("", include("riders.urls")),
    path("", include("teams.urls")),
]
