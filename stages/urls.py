from django.urls import path

from stages import views

app_name = "stages"

urlpatterns = [
    path("", views.home, name="home"),
    path("races/<slug:race>/<int:year>/", views.edition_detail, name="edition"),
    path(
        "races/<slug:race>/<int:year>/stage-<int:number>/",
        views.stage_detail,
        name="detail",
    ),
    path(
        "races/<slug:race>/<int:year>/stage-<int:number>/<slug:table>/",
        views.stage_detail,
        name="table",
    ),
    path(
        "races/<slug:race>/<int:year>/stage-<int:number>/<slug:table>.csv",
        views.table_csv,
        name="table_csv",
    ),
]
