"""The open JSON API's OpenAPI 3.1 document, written with apispec: its paths
here, the documents' schemas in ``stages.api_schemas``.

Tables' paths and fields come from the registry (``racing.registry``: each
table's ``csv_columns``, described in ``COLUMNS``), so a new classification or
column shows up here, on the documentation page and in the JSON without a change
to this module. ``Examples`` fills the parameters with real data (the documentation
page's example addresses).
"""

from dataclasses import dataclass

from apispec import APISpec

from racing import registry
from stages.api_schemas import ref, resource_schemas, table_schemas

TITLE = "toursite open data"
VERSION = "1"
DESCRIPTION = (
    "The race data of the site as JSON, free to use: every page's address with "
    ".json in place of its trailing slash, the editions at /api/editions.json. "
    "Field names are stable and never translated; a table's fields are its CSV's "
    "columns. Documents link to each other with absolute paths (url, and page "
    "for the HTML page). Responses carry an ETag (send If-None-Match for a 304) "
    "and may be cached for 30 seconds (1 second while a stage is live). CORS is "
    "open for GET. Draft editions are not public."
)


@dataclass(frozen=True)
class Examples:
    """Real values for the path parameters, read from the data."""

    race: str = "tour-de-france"
    year: int = 2023
    number: int = 12
    table: str = registry.GENERAL.key
    slug: str = "jonas-vingegaard"
    code: str = "tjv"


def _param(name: str, description: str, example: object, **schema: object) -> dict:
    kind = "integer" if isinstance(example, int) else "string"
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": kind, **schema},
        "example": example,
    }


def _query(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def parameters(ex: Examples) -> dict[str, dict]:
    return {
        "race": _param("race", "The race's slug.", ex.race),
        "year": _param("year", "The edition's year.", ex.year, minimum=1),
        "number": _param(
            "number", "The stage's number (0 for a prologue).", ex.number, minimum=0
        ),
        "table": _param(
            "table", "A table of the stage.", ex.table, enum=list(registry.TABLES)
        ),
        "slug": _param("slug", "The rider's slug.", ex.slug),
        "code": _param("code", "The team's UCI code, in lower case.", ex.code),
        "team": _query(
            "team", "Only the riders of this team (its code); ignored if unknown."
        ),
        "q": _query("q", "Only rows whose rider or team name (or bib) contains this."),
    }


# Paths: (template, summary, parameters, response schema or content type).
_EDITION = "/races/{race}/{year}"
_STAGE = _EDITION + "/stage-{number}"


def paths() -> list[tuple[str, str, tuple[str, ...], str]]:
    """Every path of the API, a table's path for each table of the registry."""
    tables = [
        (
            f"{_STAGE}/{t.key}.json",
            f"The {t.title} {'of' if t.of_stage else 'after'} a stage",
            ("race", "year", "number", "team", "q"),
            f"Table_{t.key}",
        )
        for t in registry.TABLES.values()
    ]
    return [
        ("/api/editions.json", "Every published edition", (), "Editions"),
        (f"{_EDITION}.json", "An edition", ("race", "year"), "Edition"),
        (f"{_STAGE}.json", "A stage", ("race", "year", "number"), "Stage"),
        *tables,
        (
            f"{_STAGE}/{{table}}.csv",
            "A table as CSV (UTF-8 with a byte-order mark), the same columns",
            ("race", "year", "number", "table", "team", "q"),
            "text/csv",
        ),
        (
            f"{_EDITION}/riders.json",
            "The riders of an edition",
            ("race", "year"),
            "StartList",
        ),
        (
            f"{_EDITION}/teams.json",
            "The teams of an edition",
            ("race", "year"),
            "Teams",
        ),
        (
            f"{_EDITION}/teams/{{code}}.json",
            "A team in an edition",
            ("race", "year", "code"),
            "Team",
        ),
        ("/riders/{slug}.json", "A rider", ("slug",), "Rider"),
    ]


def _response(kind: str) -> dict:
    if "/" in kind:
        content = {kind: {"schema": {"type": "string"}}}
    else:
        content = {"application/json": {"schema": ref(kind)}}
    return {
        "200": {"description": "OK", "content": content},
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
        "404": {"description": "No such resource (or a draft)."},
    }


def build(examples: Examples) -> dict:
    """The OpenAPI document as a dict (what /api/openapi.json serves)."""
    spec = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.1.0",
        info={"description": DESCRIPTION},
    )
    for name, schema in {**resource_schemas(), **table_schemas()}.items():
        spec.components.schema(name, schema)
    params = parameters(examples)
    for path, summary, names, kind in paths():
        operation = {
            "summary": summary,
            "parameters": [params[n] for n in names],
            "responses": _response(kind),
        }
        spec.path(path=path, operations={"get": operation})
    return spec.to_dict()
