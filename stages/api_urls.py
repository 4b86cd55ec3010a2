"""The open JSON API's addresses: each resource at its page's address with
``.json`` in place of the trailing slash (a table's, with the stage pages, in
``stages.urls``), the editions, the schema and the documentation under /api/."""

from django.urls import path

import toursite.converters  # noqa: F401 (registers <num:...>)
from stages import api_views

app_name = "api"

EDITION = "races/<slug:race>/<num:year>"

urlpatterns = [
    path("api/", api_views.docs, name="docs"),
    path("api/openapi.json", api_views.schema, name="openapi"),
    path("api/editions.json", api_views.editions, name="editions"),
    path(f"{EDITION}.json", api_views.edition, name="edition"),
    path(f"{EDITION}/stage-<num:number>.json", api_views.stage, name="stage"),
    path(f"{EDITION}/riders.json", api_views.riders, name="riders"),
    path(f"{EDITION}/teams.json", api_views.teams, name="teams"),
    path(f"{EDITION}/teams/<slug:code>.json", api_views.team, name="team"),
    path("riders/<slug:slug>.json", api_views.rider, name="rider"),
]
