"""The OpenAPI 3 document at /api/openapi.json (from the registry) and the
documentation page at /api/ written from it, served by the site itself."""

import re

import pytest
from openapi_spec_validator import validate

from racing import registry
from stages import openapi

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client, tour, giro, vuelta) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def example_url(path: str, operation: dict) -> str:
    for p in operation["parameters"]:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(p["example"]))
    return path


def test_the_document_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_path_answers_with_real_data(client, spec):
    assert len(spec["paths"]) >= 10
    for path, item in spec["paths"].items():
        url = example_url(path, item["get"])
        assert "{" not in url
        response = client.get(url)
        assert response.status_code == 200, url
        media = next(iter(item["get"]["responses"]["200"]["content"]))
        assert response["Content-Type"].startswith(media), url


def test_each_table_has_a_path_whose_fields_are_its_csv_columns(client, spec):
    schemas = spec["components"]["schemas"]
    for key, table in registry.TABLES.items():
        path = f"/races/{{race}}/{{year}}/stage-{{number}}/{key}.json"
        assert path in spec["paths"]
        rows = schemas[f"Table_{key}"]["properties"]["rows"]["items"]
        assert list(rows["properties"]) == list(table.csv_columns)
        url = example_url(path, spec["paths"][path]["get"])
        assert client.get(url).json()["fields"] == list(table.csv_columns)


def test_a_table_added_to_the_registry_shows_up(monkeypatch):
    combativity = registry.Table(
        key="combativity",
        label="Combativity",
        title="combativity classification",
        leader_title="the combativity classification",
        caption="Combativity classification after stage {number}",
        unit=registry.POINTS,
        individual=True,
        jersey=False,
        csv_columns=("rank", "bib", "rider", "team", "team_name", "points"),
    )
    monkeypatch.setitem(registry.TABLES, combativity.key, combativity)
    spec = openapi.build(openapi.Examples())
    validate(spec)
    assert "/races/{race}/{year}/stage-{number}/combativity.json" in spec["paths"]
    fields = spec["components"]["schemas"]["Table_combativity"]["properties"]
    assert list(fields["rows"]["items"]["properties"]) == list(combativity.csv_columns)


def test_every_column_is_described():
    for table in registry.TABLES.values():
        for column in table.csv_columns:
            assert registry.COLUMNS[column].description, column


def test_examples_are_real_data(spec):
    params = {
        p["name"]: p["example"]
        for item in spec["paths"].values()
        for p in item["get"]["parameters"]
        if p["in"] == "path"
    }
    # The latest stage with results, its GC leader and his team.
    assert params["race"] == "vuelta-a-espana"
    assert params["number"] == 21
    assert params["slug"] == "sepp-kuss"
    assert params["table"] == "gc"


def test_the_documentation_page(client, spec):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Open data: the JSON API</h1>" in html
    assert 'href="/api/openapi.json"' in html
    for path, item in spec["paths"].items():
        assert f"<code>{path}</code>" in html
        assert f'href="{example_url(path, item["get"])}"' in html
    for column, info in registry.COLUMNS.items():
        assert f"<code>{column}</code>" in html
        assert info.description.replace("'", "&#x27;") in html
    # Served by the site: no inline script or style, nothing from elsewhere.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//[^"]*\.(?:js|css)', html)
    assert "script-src 'self'" in response["Content-Security-Policy"]
