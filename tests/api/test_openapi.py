"""The OpenAPI 3 document at /api/openapi.json (from the registry) and the
documentation page at /api/ written from it, served by the site itself."""

import copy
import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from editions.models import Entry
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


SPEC = "urn:toursite:openapi"


def strict(spec: dict) -> dict:
    """``spec`` with every object schema closed (``additionalProperties: false``
    where the fields are listed): a field a document writes but the schema does
    not describe fails. Only here: the published schema leaves room to add."""
    closed = copy.deepcopy(spec)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(closed["components"]["schemas"])
    return closed


def response_validators(spec: dict) -> dict[str, OAS31Validator]:
    """Each JSON path's validator of its 200 response, ``$ref`` resolved in the
    (closed) document."""
    registry = Registry().with_resource(SPEC, DRAFT202012.create_resource(strict(spec)))
    out = {}
    for path, item in spec["paths"].items():
        content = item["get"]["responses"]["200"]["content"]
        if "application/json" in content:
            target = SPEC + content["application/json"]["schema"]["$ref"]
            out[path] = OAS31Validator({"$ref": target}, registry=registry)
    return out


def schema_errors(validator: OAS31Validator, document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_every_document_matches_its_schema(client, spec):
    """Each path's example document, and some with what the examples lack (a
    team time trial, a first stage, a team with stage wins, a rider who left the
    race), as the schema describes them: every field, null only where it
    says so."""
    validators = response_validators(spec)
    assert len(validators) >= 10
    left = Entry.objects.filter(exit_stage__isnull=False).select_related("rider")
    extra = {
        "/races/{race}/{year}/stage-{number}.json": [
            "/races/vuelta-a-espana/2023/stage-1.json",
            "/races/tour-de-france/2023/stage-1.json",
        ],
        "/races/{race}/{year}/teams/{code}.json": [
            "/races/tour-de-france/2023/teams/cof.json",
        ],
        "/riders/{slug}.json": [f"/riders/{left.first().rider.slug}.json"],
    }
    for path, validator in validators.items():
        urls = [example_url(path, spec["paths"][path]["get"]), *extra.get(path, [])]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert schema_errors(validator, response.json()) == [], url


def test_the_schema_check_finds_an_undocumented_or_null_field(client, spec):
    validator = response_validators(spec)["/races/{race}/{year}/stage-{number}.json"]
    document = client.get("/races/tour-de-france/2023/stage-12.json").json()
    assert schema_errors(validator, document) == []
    assert schema_errors(validator, document | {"extra": 1}) != []
    assert schema_errors(validator, document | {"number": None}) != []
    document["top"][0]["rider"]["nationality"] = None
    assert schema_errors(validator, document) != []


def test_stage_numbers_start_at_zero_for_a_prologue(spec):
    path = spec["paths"]["/races/{race}/{year}/stage-{number}.json"]
    number = next(p for p in path["get"]["parameters"] if p["name"] == "number")
    assert number["schema"]["minimum"] == 0


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
    # The latest stage with results (the Vuelta 2025's stage 21 was not raced),
    # its GC leader and his team.
    assert params["race"] == "vuelta-a-espana"
    assert params["year"] == 2025
    assert params["number"] == 20
    assert params["slug"] == "jonas-vingegaard"
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
