"""The open data's addresses: each JSON resource at its page's address with
``.json`` in place of the trailing slash, a table's CSV and JSON beside it, an
edition's package, the editions, the schema and the documentation under /api/.
Data contracts: one address each, the same in every language (outside the
language prefixes of ``toursite.urls``)."""

from django.urls import path

import toursite.converters  # noqa: F401 (registers <num:...>)
from stages import api_views, views

app_name = "api"

EDITION = "races/<slug:race>/<num:year>"

urlpatterns = [
    path("api/", api_views.docs, name="docs"),
    path("api/openapi.json", api_views.schema, name="openapi"),
    path("api/editions.json", api_views.editions, name="editions"),
    path(f"{EDITION}.json", api_views.edition, name="edition"),
    path(f"{EDITION}/stage-<num:number>.json", api_views.stage, name="stage"),
    path(
        f"{EDITION}/stage-<num:number>/<slug:table>.csv",
        api_views.table_csv,
        name="table_csv",
    ),
    path(
        f"{EDITION}/stage-<num:number>/<slug:table>.json",
        api_views.table_json,
        name="table_json",
    ),
    path(f"{EDITION}/package.zip", views.edition_package, name="package"),
    path(f"{EDITION}/riders.json", api_views.riders, name="riders"),
    path(f"{EDITION}/teams.json", api_views.teams, name="teams"),
    path(f"{EDITION}/teams/<slug:code>.json", api_views.team, name="team"),
    path("riders/<slug:slug>.json", api_views.rider, name="rider"),
]
