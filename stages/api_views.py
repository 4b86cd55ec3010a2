"""The open JSON API and the table downloads (``stages.api_data`` and
``stages.api_people`` write the documents, ``stages.openapi`` the schema).

Every resource is at its page's address with ``.json`` in place of the trailing
slash; a table is also CSV at ``.csv``. Every view goes through
``toursite.http.public_page`` (ETag and 304, shared Cache-Control, stored per
data version), as the pages do; a draft edition is a 404 for visitors and
private for staff. CORS is open on the ``.json`` addresses (settings).
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from racing import registry
from riders import queries as rider_queries
from stages import api_data, api_docs, api_people, exports, openapi, queries
from stages.models import Stage
from stages.tables import TableFilters
from stages.views import stage_variant
from teams import queries as team_queries
from teams.views import lower_case_code
from toursite.http import (
    Variant,
    for_edition,
    for_site,
    private,
    public_page,
    sees_drafts,
)
from toursite.versions import DataVersion


def _json(data: dict, published: bool = True) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return response if published else private(response)


def table_variant(
    request: HttpRequest,
    current: DataVersion | None,
    race: str,
    year: int,
    number: int,
    table: str,
) -> Variant | None:
    """A download's variant: the stage page's filters, cleaned as there, without
    "show all" (a download has every matching row) or the HTMX trigger."""
    chosen = stage_variant(request, current, race, year, number, table)
    if chosen is None:
        return None
    filters: TableFilters = chosen.key[0]
    return Variant(key=(filters.team, filters.q), store=chosen.store)


def _table(request: HttpRequest, race: str, year: int, number: int, table: str):
    """The stage, its table's rows and the filters as ``TableFilters`` cleans
    them (a team only when it rides this race; none on a team classification):
    3 queries, 4 with a team, 2 more when awards are computed."""
    stage = queries.stage_of(race, year, number, drafts=sees_drafts(request))
    if stage is None or table not in queries.TABLES:
        raise Http404("No such stage or table.")
    codes: frozenset[str] = frozenset()
    if "team" in request.GET and registry.TABLES[table].kind != registry.TEAM:
        codes = queries.team_codes(race, year)
    filters = TableFilters.from_query(request.GET, codes)
    return stage, queries.table_rows(stage, table), filters.team, filters.q


@require_safe
@public_page(for_edition, variant=table_variant, vary=())
def table_json(
    request: HttpRequest, race: str, year: int, number: int, table: str
) -> HttpResponse:
    """A table as JSON: the CSV's columns as field names, numbers as numbers."""
    stage, rows, team, q = _table(request, race, year, number, table)
    data = api_data.table(stage, table, rows, team, q)
    return _json(data, stage.edition.published)


def csv_filename(stage: Stage, table: str, team: str, q: str) -> str:
    """``tour-de-france-2023-stage-12-gc.csv``, with ``-team-UAD`` for a team
    filter, ``-filtered`` for a name filter, ``-provisional`` while live."""
    e = stage.edition
    name = f"{e.race.slug}-{e.year}-stage-{stage.number:02d}-{table}"
    if team:
        name += f"-team-{team}"
    if q:
        name += "-filtered"
    if stage.status == Stage.Status.LIVE:
        name += "-provisional"
    return f"{name}.csv"


@require_safe
@public_page(for_edition, variant=table_variant, vary=())
def table_csv(
    request: HttpRequest, race: str, year: int, number: int, table: str
) -> HttpResponse:
    """A table as CSV (a byte-order mark first), in the columns of the race
    package's export format, the rows the filters keep."""
    stage, rows, team, q = _table(request, race, year, number, table)
    name = csv_filename(stage, table, team, q)
    response = HttpResponse(
        exports.csv_text(stage, table, rows, team=team, q=q),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    return response if stage.edition.published else private(response)


@require_safe
@public_page(for_site, vary=())
def editions(request: HttpRequest) -> HttpResponse:
    """Every published edition."""
    return _json(api_data.editions(queries.edition_cards()))


def _edition(request: HttpRequest, race: str, year: int):
    edition = queries.edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race edition.")
    return edition


@require_safe
@public_page(for_edition, vary=())
def edition(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """An edition with its stages, winners and leaders (6 queries)."""
    e = _edition(request, race, year)
    after, leaders = queries.leaders(e)
    data = api_data.edition(e, queries.edition_stage_lines(e), after, leaders)
    return _json(data, e.published)


@require_safe
@public_page(for_edition, vary=())
def stage(request: HttpRequest, race: str, year: int, number: int) -> HttpResponse:
    """A stage with its route, top ten and tables (4 queries)."""
    s = queries.stage_of(race, year, number, drafts=sees_drafts(request))
    if s is None:
        raise Http404("No such stage.")
    numbers = queries.stage_numbers(s.edition)
    top = queries.stage_top(s, 10)
    data = api_data.stage(s, numbers, top, queries.stage_checkpoints(s))
    return _json(data, s.edition.published)


@require_safe
@public_page(for_edition, vary=())
def riders(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """The start list of an edition (2 queries)."""
    e = _edition(request, race, year)
    teams, _left = rider_queries.start_list(e)
    return _json(api_people.start_list(e, teams), e.published)


@require_safe
@public_page(for_edition, vary=())
def teams(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """The teams of an edition (4 queries)."""
    e = _edition(request, race, year)
    return _json(api_people.teams(e, team_queries.team_rows(e)), e.published)


@require_safe
@lower_case_code
@public_page(for_edition, vary=())
def team(request: HttpRequest, race: str, year: int, code: str) -> HttpResponse:
    """A team in an edition (7 queries)."""
    e = _edition(request, race, year)
    found = team_queries.team_for(e, code)
    if found is None:
        raise Http404("No such team in this race.")
    found.edition = e
    data = api_people.team(e, found, team_queries.team_page(found))
    return _json(data, e.published)


@require_safe
@public_page(for_site, vary=())
def rider(request: HttpRequest, slug: str) -> HttpResponse:
    """A rider and every edition he started (7 queries)."""
    staff = sees_drafts(request)
    found = rider_queries.rider_by_slug(slug, drafts=staff)
    if found is None:
        raise Http404("No rider with that name.")
    return _json(api_people.rider(found, rider_queries.rides_of(found, drafts=staff)))


def examples() -> openapi.Examples:
    """Real values for the documentation's examples: the latest stage with
    results, its GC leader and his team (2 queries)."""
    latest = queries.latest_stage_with_results()
    if latest is None:
        return openapi.Examples()
    _after, leaders = queries.leaders(latest.edition)
    gc = leaders.get(openapi.Examples.table)
    found = {"race": latest.edition.race.slug, "year": latest.edition.year}
    found["number"] = latest.number
    if gc is not None and gc.row.rider is not None:
        found |= {"slug": gc.row.rider.slug, "code": gc.row.team.code.lower()}
    return openapi.Examples(**found)


@require_safe
@public_page(for_site, vary=())
def schema(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document."""
    return _json(openapi.build(examples()))


@require_safe
@public_page(for_site)
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation page, written from the OpenAPI document."""
    spec = openapi.build(examples())
    context = {"spec": spec, "endpoints": api_docs.endpoints(spec)}
    context["references"] = api_docs.references(spec)
    # One address, in English (it documents English names): no other language's
    # version to switch to or to announce.
    context["page_versions"] = []
    return render(request, "site/api.html", context)
