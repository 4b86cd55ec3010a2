from django.urls import path

import toursite.converters  # noqa: F401 (registers <num:...>)
from riders import views

app_name = "riders"

urlpatterns = [
    path("riders/<slug:slug>/", views.rider_detail, name="detail"),
    path("races/<slug:race>/<num:year>/riders/", views.start_list, name="start_list"),
    path("search/", views.search, name="search"),
    path("races/<slug:race>/<num:year>/compare/", views.compare, name="compare"),
]
