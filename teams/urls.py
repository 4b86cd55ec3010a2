from django.urls import path

import toursite.converters  # noqa: F401 (registers <num:...>)
from teams import views

app_name = "teams"

urlpatterns = [
    path("races/<slug:race>/<num:year>/teams/", views.team_list, name="list"),
    path(
        "races/<slug:race>/<num:year>/teams/<slug:code>/",
        views.team_detail,
        name="detail",
    ),
]
