"""The JSON Schemas of the open API's documents (``stages.api_data`` and
``stages.api_people`` write them), for the OpenAPI document (``stages.openapi``).

Every field of every document is described, with its type: ``null`` is allowed
only where a document can hold it (a rider still in the race has no ``exit``). A
document that extends a shared object (an edition in the list is an
``EditionRef`` with its dates) lists the shared fields too, so the page and code
generators see one flat object. Tables' fields come from the registry
(``racing.registry``: each table's ``csv_columns``, described in ``COLUMNS``).
"""

from racing import registry


def field(kind: str, description: str, null: bool = False) -> dict:
    return {"type": [kind, "null"] if null else kind, "description": description}


def _str(description: str, null: bool = False) -> dict:
    return field("string", description, null)


def _int(description: str, null: bool = False) -> dict:
    return field("integer", description, null)


def _bool(description: str) -> dict:
    return field("boolean", description)


def ref(name: str, description: str = "", null: bool = False) -> dict:
    """A shared object (``#/components/schemas/<name>``), or null too."""
    target = {"$ref": f"#/components/schemas/{name}"}
    if null:
        target = {"anyOf": [target, {"type": "null"}]}
    return {**target, "description": description} if description else target


def _list(item: dict, description: str) -> dict:
    return {"type": "array", "items": item, "description": description}


def _object(description: str, null: bool = False, **properties: dict) -> dict:
    kind = ["object", "null"] if null else "object"
    return {"type": kind, "description": description, "properties": properties}


def _by_key(value: dict, description: str) -> dict:
    """An object keyed by a table's key (``gc``, ``points``, …)."""
    return {"type": "object", "description": description, "additionalProperties": value}


def _extend(base: dict, description: str, **properties: dict) -> dict:
    """``base``'s fields and more, as one object."""
    return _object(description, **base["properties"], **properties)


URL = _str("This document's address.")
PAGE = _str("Its page on the site (HTML).")
LINKS = {"url": URL, "page": PAGE}
NATIONALITY = _str(
    "ISO 3166-1 alpha-2 code: in an edition's documents, the nationality he rode "
    "under in it; a rider's own, that of his latest edition."
)
DATE = "(ISO 8601)"


def table_schemas() -> dict[str, dict]:
    """A table's document for each table of the registry, its rows' fields its
    ``csv_columns`` described by ``registry.COLUMNS`` (any may be empty)."""
    out = {}
    for t in registry.TABLES.values():
        columns = {
            c: field(registry.COLUMNS[c].type, registry.COLUMNS[c].description, True)
            for c in t.csv_columns
        }
        out[f"Table_{t.key}"] = _object(
            t.caption.format(number="N") + ", as JSON.",
            race=_str("The race's slug."),
            year=_int("The edition's year."),
            stage=_int("The stage's number."),
            table=_str(f"The table's key: {t.key}."),
            caption=_str("The table's caption."),
            provisional=_bool("True while the stage is live."),
            filters=_object(
                "The filters applied ('' for none).",
                team=_str("A team's code."),
                q=_str("A name."),
            ),
            url=URL,
            csv=_str("The same table as CSV."),
            stage_url=_str("The stage's document."),
            edition=ref("EditionRef"),
            fields=_list({"type": "string"}, "The rows' fields, the CSV's columns."),
            rows=_list(_object(f"A row of the {t.title}.", **columns), "In order."),
        )
    return out


def _refs() -> dict[str, dict]:
    """The objects documents share (``components/schemas``)."""
    rider = _object(
        "A rider.",
        slug=_str("The rider's slug."),
        name=_str("FAMILY Given name."),
        given_name=_str("Given name."),
        family_name=_str("Family name."),
        nationality=NATIONALITY,
        **LINKS,
    )
    return {
        "EditionRef": _object(
            "An edition of a race.",
            race=_str("The race's slug."),
            race_name=_str("The race's name."),
            year=_int("The year."),
            **LINKS,
        ),
        "RiderRef": rider,
        "TeamRef": _object(
            "A team in an edition.",
            code=_str("UCI code."),
            name=_str("Name."),
            country=NATIONALITY,
            **LINKS,
        ),
        "StageRef": _object(
            "A stage.",
            number=_int("Number (0 for a prologue)."),
            date=_str(f"Date {DATE}."),
            start=_str("Start town."),
            finish=_str("Finish town."),
            distance_km=field("number", "Distance in km."),
            type=_str("flat, hilly, mountain, itt or ttt."),
            status=_str("scheduled, live, finished or cancelled (not raced)."),
            **LINKS,
        ),
        "Placing": _object(
            "A rider's place (a winner, a leader).",
            rank=_int("Place (null without one).", null=True),
            bib=_int("Race number.", null=True),
            rider=ref("RiderRef"),
            team=ref("TeamRef"),
        ),
    }


def _entry_refs(rider: dict) -> dict[str, dict]:
    return {
        "Exit": _object(
            "Where a rider left the race.",
            stage=_int("Stage."),
            status=_str("DNF, DNS, OTL, DSQ, or '' (his results stop)."),
        ),
        "EntryRider": _extend(
            rider,
            "A rider on a start list.",
            bib=_int("Race number."),
            exit=ref("Exit", "Where he left the race (null while in it).", True),
        ),
        "TableLink": _object(
            "A table of a stage.",
            label=_str("The table's name."),
            url=_str("Its document."),
            csv=_str("As CSV."),
            page=_str("Its page on the site (HTML)."),
        ),
    }


def resource_schemas() -> dict[str, dict]:
    """The documents other than tables, and the objects they share."""
    refs = _refs()
    refs |= _entry_refs(refs["RiderRef"])
    return refs | _race_documents(refs) | _people_documents(refs)


def _race_documents(refs: dict) -> dict[str, dict]:
    tables = _by_key(ref("TableLink"), "Each table's addresses, by table key.")
    return {
        "Editions": _object(
            "Every published edition, newest first.",
            **LINKS,
            editions=_list(
                _extend(
                    refs["EditionRef"],
                    "An edition with its dates and GC leader.",
                    first_day=_str(f"First stage's date {DATE}.", null=True),
                    last_day=_str(f"Last stage's date {DATE}.", null=True),
                    stages=_int("Number of stages."),
                    finished=_bool("Every stage is finished."),
                    gc_leader=ref("RiderRef", "Leader (or winner) of GC.", True),
                ),
                "Newest first.",
            ),
        ),
        "Edition": _edition(refs, tables),
        "Stage": _stage(refs, tables),
    }


def _edition(refs: dict, tables: dict) -> dict:
    return _extend(
        refs["EditionRef"],
        "An edition with its stages, winners and leaders.",
        riders=_str("The start list's document."),
        teams=_str("The teams' document."),
        package=_str("The whole edition as a race package (zip)."),
        leaders_after_stage=_int("The stage the leaders are after.", null=True),
        leaders=_by_key(
            _object(
                "A classification's leader: the rider (none for teams).",
                classification=_str("The classification's name."),
                value=_int("Seconds, or points.", null=True),
                rider=ref("RiderRef"),
                team=ref("TeamRef"),
            ),
            "The leader of each classification, by table key.",
        ),
        stages=_list(
            _extend(
                refs["StageRef"],
                "A stage with its winner and GC leader.",
                winner=ref("Placing", "The stage winner.", null=True),
                winning_team=ref("TeamRef", "Team time trial winner.", True),
                gc_leader=ref("Placing", "GC leader after it.", null=True),
                tables=tables,
            ),
            "In order.",
        ),
    )


def _stage(refs: dict, tables: dict) -> dict:
    return _extend(
        refs["StageRef"],
        "A stage: route, top ten and links to its tables.",
        edition=ref("EditionRef"),
        provisional=_bool("True while the stage is live."),
        previous=_str("The stage before's document.", null=True),
        next=_str("The stage after's document.", null=True),
        checkpoints=_list(
            _object(
                "A point of the route.",
                km=field("number", "Km from the start.", null=True),
                kind=_str("sprint, climb or bonus."),
                name=_str("Name."),
                category=_str("A climb's category: HC, 1 to 4, or '' for none."),
                category_label=_str(
                    "The category as the race names it (HC, 1 to 4, Cima Coppi, "
                    "Especial), or '' for none."
                ),
                multiplier=_int(
                    "A climb's points are multiplied by this (2: doubled)."
                ),
                altitude_m=_int("Altitude in metres.", null=True),
            ),
            "Sprints, climbs and bonus points, in km order; who scored at each is "
            "the stage's checkpoints table.",
        ),
        top=_list(ref("Placing"), "The first ten of the stage."),
        top_teams=_list(
            _object(
                "A team's place.",
                rank=_int("Place.", null=True),
                team=ref("TeamRef"),
                gap_seconds=_int("Behind the winning team.", null=True),
            ),
            "Team time trial: the first teams.",
        ),
        tables=tables,
    )


def _people_documents(refs: dict) -> dict[str, dict]:
    rider = ref("EntryRider")
    return {
        "StartList": _object(
            "The riders of an edition by team.",
            **LINKS,
            edition=ref("EditionRef"),
            teams=_list(
                _extend(refs["TeamRef"], "A team.", riders=_list(rider, "By bib.")),
                "In start-list order.",
            ),
        ),
        "Teams": _object(
            "The teams of an edition.",
            **LINKS,
            edition=ref("EditionRef"),
            teams=_list(
                _extend(
                    refs["TeamRef"],
                    "A team, with its team classification after the latest stage.",
                    riders=_int("Riders who started."),
                    still_in=_int("Riders still in the race."),
                    stage_wins=_int("Stages won."),
                    rank=_int("Team classification place.", null=True),
                    gap_seconds=_int("Behind the leading team.", null=True),
                ),
                "In start-list order.",
            ),
        ),
        "Team": _team(refs),
        "Rider": _extend(
            refs["RiderRef"],
            "A rider and every edition he started.",
            birth_date=_str(f"Date of birth {DATE}.", null=True),
            rides=_list(_ride(), "Newest first."),
        ),
    }


def _team(refs: dict) -> dict:
    win = _object(
        "A stage won.",
        stage=_int("Stage."),
        start=_str("Start town."),
        finish=_str("Finish town."),
        team_time_trial=_bool("Won by the team (team time trial)."),
        rider=ref("EntryRider", "The winner (null on a team time trial).", True),
    )
    day = _object(
        "The team after a stage.",
        stage=_int("Stage."),
        rank=_int("Team classification place.", null=True),
        time_seconds=_int("Team classification time.", null=True),
        gap_seconds=_int("Behind the leading team.", null=True),
        best_rider=ref("EntryRider", "Its best rider on GC.", True),
        best_gc_rank=_int("His GC place.", null=True),
    )
    return _extend(
        refs["TeamRef"],
        "A team in an edition.",
        edition=ref("EditionRef"),
        race_over=_bool("Every stage is finished."),
        riders=_list(
            _extend(
                refs["EntryRider"],
                "A rider of the team.",
                gc_rank=_int("GC place after the latest stage.", null=True),
            ),
            "By bib.",
        ),
        stage_wins=_list(win, "In stage order."),
        days=_list(day, "Stage by stage."),
    )


def _ride() -> dict:
    line = _object(
        "His day on a stage.",
        number=_int("Stage number."),
        date=_str(f"Date {DATE}."),
        start=_str("Start town."),
        finish=_str("Finish town."),
        type=_str("flat, hilly, mountain, itt or ttt."),
        rank=_int("Place on the stage.", null=True),
        status=_str("OK, DNF, DNS, OTL or DSQ."),
        time_seconds=_int("Stage time.", null=True),
        gap_seconds=_int("Behind the winner.", null=True),
        gc_rank=_int("GC place after it.", null=True),
        wearing=_list({"type": "string"}, "Jerseys worn (table keys)."),
        url=_str("The stage's document."),
    )
    jersey = _object(
        "Days in a leader's jersey.",
        classification=_str("Table key."),
        days=_int("Stages started in it."),
        first_stage=_int("First stage worn."),
        last_stage=_int("Last stage worn."),
    )
    return _object(
        "An edition he rode.",
        edition=ref("EditionRef"),
        team=ref("TeamRef"),
        bib=_int("Race number."),
        nationality=NATIONALITY,
        exit=ref("Exit", "Where he left the race (null if he did not).", True),
        ranks=_by_key(_int("Place."), "Places after his last stage, by table key."),
        ranks_after_stage=_int("The stage of those places.", null=True),
        jerseys=_list(jersey, "Leader's jerseys worn."),
        stages=_list(line, "Stage by stage."),
    )
