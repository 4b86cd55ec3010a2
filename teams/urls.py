from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("races/<slug:race>/<int:year>/teams/", views.team_list, name="list"),
    path(
        "races/<slug:race>/<int:year>/teams/<slug:code>/",
        views.team_detail,
        name="detail",
    ),
]
