"""The open JSON API's OpenAPI 3.1 document, written with apispec.

Tables' fields come from the registry (``racing.registry``: each table's
``csv_columns``, described in ``COLUMNS``), so a new classification or column
shows up here, on the documentation page and in the JSON without a change to
this module. ``Examples`` fills the parameters with real data (the documentation
page's example addresses).
"""

from dataclasses import dataclass

from apispec import APISpec

from racing import registry

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
        "number": _param("number", "The stage's number.", ex.number, minimum=1),
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


def _field(kind: str, description: str) -> dict:
    return {"type": [kind, "null"], "description": description}


def _ref(name: str, description: str = "") -> dict:
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {**ref, "description": description} if description else ref


def _list(item: dict, description: str) -> dict:
    return {"type": "array", "items": item, "description": description}


def _object(description: str, **properties: dict) -> dict:
    return {"type": "object", "description": description, "properties": properties}


URL = _field("string", "This document's address.")
PAGE = _field("string", "Its page on the site (HTML).")


def table_schemas() -> dict[str, dict]:
    """A table's document for each table of the registry, its rows' fields its
    ``csv_columns`` described by ``registry.COLUMNS``."""
    out = {}
    for t in registry.TABLES.values():
        row = _object(
            f"A row of the {t.title}.",
            **{
                c: _field(registry.COLUMNS[c].type, registry.COLUMNS[c].description)
                for c in t.csv_columns
            },
        )
        out[f"Table_{t.key}"] = _object(
            t.caption.format(number="N") + ", as JSON.",
            race=_field("string", "The race's slug."),
            year=_field("integer", "The edition's year."),
            stage=_field("integer", "The stage's number."),
            table=_field("string", f"The table's key: {t.key}."),
            caption=_field("string", "The table's caption."),
            provisional=_field("boolean", "True while the stage is live."),
            filters=_object(
                "The filters applied ('' for none).",
                team=_field("string", "A team's code."),
                q=_field("string", "A name."),
            ),
            url=URL,
            csv=_field("string", "The same table as CSV."),
            stage_url=_field("string", "The stage's document."),
            edition=_ref("EditionRef"),
            fields=_list({"type": "string"}, "The rows' fields, the CSV's columns."),
            rows=_list(row, "The rows, in the table's order."),
        )
    return out


def _str(description: str) -> dict:
    return _field("string", description)


def _int(description: str) -> dict:
    return _field("integer", description)


def resource_schemas() -> dict[str, dict]:
    """The documents other than tables, and the references they share."""
    links = {"url": URL, "page": PAGE}
    refs = {
        "EditionRef": _object(
            "An edition of a race.",
            race=_str("The race's slug."),
            race_name=_str("The race's name."),
            year=_int("The year."),
            **links,
        ),
        "RiderRef": _object(
            "A rider.",
            slug=_str("The rider's slug."),
            name=_str("FAMILY Given name."),
            given_name=_str("Given name."),
            family_name=_str("Family name."),
            nationality=_str("ISO 3166-1 alpha-2 code."),
            **links,
        ),
        "TeamRef": _object(
            "A team in an edition.",
            code=_str("UCI code."),
            name=_str("Name."),
            country=_str("ISO 3166-1 alpha-2 code."),
            **links,
        ),
        "StageRef": _object(
            "A stage.",
            number=_int("Number."),
            date=_str("Date (ISO 8601)."),
            start=_str("Start town."),
            finish=_str("Finish town."),
            distance_km=_field("number", "Distance in km."),
            type=_str("flat, hilly, mountain, itt or ttt."),
            status=_str("scheduled, live or finished."),
            **links,
        ),
        "Placing": _object(
            "A rider's place (a winner, a leader).",
            rank=_int("Place."),
            bib=_int("Race number."),
            rider=_ref("RiderRef"),
            team=_ref("TeamRef"),
        ),
        "EntryRider": _object(
            "A rider on a start list.",
            bib=_int("Race number."),
            slug=_str("The rider's slug."),
            name=_str("FAMILY Given name."),
            nationality=_str("ISO 3166-1 alpha-2 code."),
            exit=_object(
                "Where he left the race (null while in it).",
                stage=_int("Stage."),
                status=_str("DNF, DNS, OTL, DSQ, or '' (results stop)."),
            ),
            **links,
        ),
    }
    return refs | _race_documents(links) | _people_documents(links)


def _race_documents(links: dict) -> dict[str, dict]:
    return {
        "Editions": _object(
            "Every published edition, newest first.",
            **links,
            editions=_list(
                _ref("EditionRef"),
                "With first_day, last_day, stages, finished and gc_leader (a "
                "RiderRef).",
            ),
        ),
        "Edition": _object(
            "An edition with its stages, winners and leaders.",
            race=_str("The race's slug."),
            year=_int("The year."),
            **links,
            riders=_str("The start list's document."),
            teams=_str("The teams' document."),
            package=_str("The whole edition as a race package (zip)."),
            leaders_after_stage=_int("The stage the leaders are after."),
            leaders=_object("The leader of each classification, by table key."),
            stages=_list(
                _ref("StageRef"),
                "Each with winner (a Placing), winning_team (a TeamRef, team time "
                "trials), gc_leader (a Placing) and tables (links by table key).",
            ),
        ),
        "Stage": _object(
            "A stage: route, top ten and links to its tables.",
            number=_int("Number."),
            **links,
            edition=_ref("EditionRef"),
            provisional=_field("boolean", "True while the stage is live."),
            previous=_str("The stage before's document."),
            next=_str("The stage after's document."),
            checkpoints=_list(_object("A point of the route."), "Sprints, climbs."),
            top=_list(_ref("Placing"), "The first ten of the stage."),
            top_teams=_list(_object("A team's place."), "Team time trial: teams."),
            tables=_object("Each table's url, csv and page, by table key."),
        ),
    }


def _people_documents(links: dict) -> dict[str, dict]:
    return {
        "StartList": _object(
            "The riders of an edition by team.",
            **links,
            edition=_ref("EditionRef"),
            teams=_list(_ref("TeamRef"), "Each with riders (EntryRider list)."),
        ),
        "Teams": _object(
            "The teams of an edition.",
            **links,
            edition=_ref("EditionRef"),
            teams=_list(
                _ref("TeamRef"),
                "Each with riders, still_in, stage_wins, rank and gap_seconds "
                "(team classification after the latest stage).",
            ),
        ),
        "Team": _object(
            "A team in an edition.",
            code=_str("UCI code."),
            name=_str("Name."),
            **links,
            edition=_ref("EditionRef"),
            race_over=_field("boolean", "Every stage is finished."),
            riders=_list(_ref("EntryRider"), "With gc_rank (latest)."),
            stage_wins=_list(_object("A stage won."), "Stage, start, finish, rider."),
            days=_list(_object("After a stage."), "Team rank, time, best rider."),
        ),
        "Rider": _object(
            "A rider and every edition he started.",
            slug=_str("The rider's slug."),
            name=_str("FAMILY Given name."),
            nationality=_str("ISO 3166-1 alpha-2 code."),
            birth_date=_str("Date of birth (ISO 8601)."),
            **links,
            rides=_list(
                _object("An edition he rode."),
                "Newest first: edition, team, bib, exit, ranks, jerseys, stages.",
            ),
        ),
    }


# Paths: (template, summary, parameters, response schema or content type).
_EDITION = "/races/{race}/{year}"
_STAGE = _EDITION + "/stage-{number}"


def paths() -> list[tuple[str, str, tuple[str, ...], str]]:
    """Every path of the API, a table's path for each table of the registry."""
    tables = [
        (
            f"{_STAGE}/{t.key}.json",
            f"The {t.title} {'of' if t.stage_result else 'after'} a stage",
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
        content = {"application/json": {"schema": _ref(kind)}}
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
