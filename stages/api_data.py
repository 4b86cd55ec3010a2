"""The open JSON API's documents: plain dicts made of ``stages.queries`` rows
(and the rider and team pages' reads), linked to each other by absolute paths.

Every resource is at the address of its page with ``.json`` in place of the
trailing slash (``/races/tour-de-france/2023/`` -> ``/races/tour-de-france/2023.json``),
the editions at ``/api/editions.json``. A document's ``url`` is its own address,
``page`` its HTML page; a linked resource carries its ``url`` too. Field names
are English and stable, never translated; a table's are its CSV's columns.
"""

from decimal import Decimal

from django.urls import reverse

from editions.models import Edition, Rider, Team
from racing import registry
from stages import exports, queries
from stages.models import Stage
from stages.queries import RiderRef, Row, TeamRef

_TABLES = "api:table_json"


def number(value: Decimal | None) -> float | None:
    """A decimal (a distance, a km mark) as a JSON number."""
    return None if value is None else float(value)


def edition_ref(edition: Edition) -> dict:
    race, year = edition.race.slug, edition.year
    return {
        "race": race,
        "race_name": edition.race.name,
        "year": year,
        "url": reverse("api:edition", args=[race, year]),
        "page": reverse("stages:edition", args=[race, year]),
    }


def rider_ref(rider: RiderRef | Rider) -> dict:
    """A rider (a row's, or the model): name, nationality and links; a start
    list's rider and a rider's document build on it (``api_people``)."""
    return {
        "slug": rider.slug,
        "name": rider.display_name,
        "given_name": rider.given_name,
        "family_name": rider.family_name,
        "nationality": rider.nationality,
        "url": reverse("api:rider", args=[rider.slug]),
        "page": reverse("riders:detail", args=[rider.slug]),
    }


def team_ref(edition: Edition, team: TeamRef | Team) -> dict:
    args = [edition.race.slug, edition.year, team.code.lower()]
    return {
        "code": team.code,
        "name": team.name,
        "country": team.country,
        "url": reverse("api:team", args=args),
        "page": reverse("teams:detail", args=args),
    }


def row_ref(edition: Edition, row: Row | None) -> dict | None:
    """A rider's line (a winner, a leader): rank, bib, rider, team."""
    if row is None:
        return None
    out = {"rank": row.rank, "bib": row.bib}
    if row.rider is not None:
        out["rider"] = rider_ref(row.rider)
    return out | {"team": team_ref(edition, row.team)}


def table_links(stage: Stage) -> dict[str, dict]:
    """The stage's tables by key: JSON, CSV and page addresses."""
    e = stage.edition
    args = [e.race.slug, e.year, stage.number]
    out = {}
    for t in registry.TABLES.values():
        page = (
            reverse("stages:detail", args=args)
            if t.kind == registry.STAGE_RESULT
            else reverse("stages:table", args=[*args, t.key])
        )
        out[t.key] = {
            "label": t.label,
            "url": reverse(_TABLES, args=[*args, t.key]),
            "csv": reverse("api:table_csv", args=[*args, t.key]),
            "page": page,
        }
    return out


def stage_ref(stage: Stage) -> dict:
    e = stage.edition
    args = [e.race.slug, e.year, stage.number]
    return {
        "number": stage.number,
        "date": stage.date.isoformat(),
        "start": stage.start,
        "finish": stage.finish,
        "distance_km": number(stage.distance_km),
        "type": stage.type,
        "status": stage.status,
        "url": reverse("api:stage", args=args),
        "page": reverse("stages:detail", args=args),
    }


# Editions ---------------------------------------------------------------------


def editions(cards: list[queries.EditionCard]) -> dict:
    """Every published edition, newest first, with its dates and GC leader."""
    items = []
    for card in cards:
        e = card.edition
        items.append(
            edition_ref(e)
            | {
                "first_day": card.first_day and card.first_day.isoformat(),
                "last_day": card.last_day and card.last_day.isoformat(),
                "stages": card.stages,
                "finished": card.finished,
                "gc_leader": card.leader and rider_ref(card.leader),
            }
        )
    return {"url": reverse("api:editions"), "page": reverse("stages:home")} | {
        "editions": items
    }


def edition(
    edition: Edition,
    lines: list[queries.StageLine],
    after: int | None,
    leaders: dict[str, queries.Leader],
) -> dict:
    """An edition: its stages with winners and GC leaders, its current leaders."""
    race, year = edition.race.slug, edition.year
    stages = []
    for line in lines:
        winner = line.winning_team or line.winner
        stages.append(
            stage_ref(line.stage)
            | {
                "winner": row_ref(edition, line.winner),
                "winning_team": line.winning_team
                and team_ref(edition, line.winning_team.team),
                "gc_leader": row_ref(edition, line.leader),
                "tables": table_links(line.stage) if winner else {},
            }
        )
    return edition_ref(edition) | {
        "riders": reverse("api:riders", args=[race, year]),
        "teams": reverse("api:teams", args=[race, year]),
        "package": reverse("api:package", args=[race, year]),
        "leaders_after_stage": after,
        "leaders": {
            key: leader_line(edition, leader) for key, leader in leaders.items()
        },
        "stages": stages,
    }


def leader_line(edition: Edition, leader: queries.Leader) -> dict:
    """A classification's leader: the rider (or the team) and the value."""
    row = leader.row
    out = {"classification": leader.table.label, "value": row.value}
    if row.rider is not None:
        out["rider"] = rider_ref(row.rider)
    return out | {"team": team_ref(edition, row.team)}


# A stage and its tables -------------------------------------------------------


def stage(
    stage: Stage, numbers: list[int], top: queries.StageTop, checkpoints: list
) -> dict:
    """A stage: where it runs, its checkpoints, its top ten (or top teams in a
    team time trial), the stages before and after, and its tables."""
    e = stage.edition
    at = numbers.index(stage.number)
    neighbours = {
        "previous": numbers[at - 1] if at > 0 else None,
        "next": numbers[at + 1] if at + 1 < len(numbers) else None,
    }
    return stage_ref(stage) | {
        "edition": edition_ref(e),
        "provisional": stage.status == Stage.Status.LIVE,
        **{
            key: n and reverse("api:stage", args=[e.race.slug, e.year, n])
            for key, n in neighbours.items()
        },
        "checkpoints": [
            {
                "km": number(c.km),
                "kind": c.kind,
                "name": c.name,
                "category": c.category,
                "category_label": c.category_label,
                "multiplier": c.multiplier,
                "altitude_m": c.altitude_m,
            }
            for c in checkpoints
        ],
        "top": [row_ref(e, r) for r in top.riders],
        "top_teams": [
            {"rank": t.rank, "team": team_ref(e, t.team), "gap_seconds": t.gap}
            for t in top.teams
        ],
        "tables": table_links(stage),
    }


def table(stage: Stage, key: str, rows: list[Row], team: str, q: str) -> dict:
    """A table: the envelope (stage, caption, filters) and its rows, each with
    the CSV's columns as fields (``exports.records``)."""
    info = registry.TABLES[key]
    e = stage.edition
    args = [e.race.slug, e.year, stage.number, key]
    caption = info.caption.format(number=stage.number)
    return {
        "race": e.race.slug,
        "year": e.year,
        "stage": stage.number,
        "table": key,
        "caption": caption,
        "provisional": stage.status == Stage.Status.LIVE,
        "filters": {"team": team, "q": q},
        "url": reverse(_TABLES, args=args),
        "csv": reverse("api:table_csv", args=args),
        "stage_url": reverse("api:stage", args=args[:3]),
        "edition": edition_ref(e),
        "fields": list(info.csv_columns),
        "rows": exports.records(stage, key, rows, team=team, q=q),
    }
