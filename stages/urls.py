from django.urls import path

import toursite.converters  # noqa: F401 (registers <num:...>)
from stages import views

app_name = "stages"

urlpatterns = [
    path("", views.home, name="home"),
    path("races/<slug:race>/", views.race_detail, name="race"),
    path("races/<slug:race>/<num:year>/", views.edition_detail, name="edition"),
    path(
        "races/<slug:race>/<num:year>/stage-<num:number>/",
        views.stage_detail,
        name="detail",
    ),
    path(
        "races/<slug:race>/<num:year>/stage-<num:number>/live/",
        views.stage_live,
        name="live",
    ),
    path(
        "races/<slug:race>/<num:year>/stage-<num:number>/live/feed/",
        views.live_feed,
        name="live_feed",
    ),
    path(
        "races/<slug:race>/<num:year>/stage-<num:number>/<slug:table>/",
        views.stage_detail,
        name="table",
    ),
]
