"""Race pages: home, edition, stage with its tables (page or HTMX fragment); the
CSV and JSON of the tables are ``stages.api_views``'.

Every page goes through ``toursite.http.public_page``: ETag and 304,
shared Cache-Control, and the rendered page (or fragment) stored per data version.
"""

import functools

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import number_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from racing import registry
from stages import charts, package_export, queries
from stages.inputs import edition_rules
from stages.markdown import render_inline, render_markdown
from stages.models import Stage
from stages.queries import live as live_queries
from stages.queries import seasons
from stages.strip import stage_strip
from stages.tables import (
    TableFilters,
    key_facts,
    live_context,
    live_url,
    table_context,
)
from toursite.http import (
    Variant,
    for_edition,
    for_site,
    is_fragment_request,
    private,
    public_page,
    sees_drafts,
)
from toursite.versions import DataVersion

# Fragment requests from these elements swap the table only; any other HTMX
# request (a tab) also refreshes the filter form and the stage pager out of band.
IN_PLACE_TRIGGERS = frozenset({"table-filters", "table-q", "table-team", "table-poll"})
STAGE_HEADERS = ("HX-Request", "HX-Trigger", "HX-History-Restore-Request")
LIVE_HEADERS = ("HX-Request", "HX-History-Restore-Request")
FEED_ITEMS = 100


@functools.lru_cache(maxsize=256)
def _team_codes(race: str, year: int, token: str) -> frozenset[str]:
    """The edition's team codes at data version ``token`` (1 query per version)."""
    return queries.team_codes(race, year)


def _trigger_class(request: HttpRequest) -> str:
    """All the stage view makes of ``HX-Trigger``: a poll, an in-place swap, or
    anything else (a tab)."""
    # From META: ``request.htmx`` would build ``request.headers`` (every header)
    # on the path of every stored page.
    if request.META.get("HTTP_HX_REQUEST") != "true":
        return "other"
    trigger = request.META.get("HTTP_HX_TRIGGER")
    if trigger == "table-poll":
        return "poll"
    return "in-place" if trigger in IN_PLACE_TRIGGERS else "other"


def stage_variant(
    request: HttpRequest,
    current: DataVersion | None,
    race: str,
    year: int,
    number: int,
    table: str = "stage",
) -> Variant | None:
    """What a stage page or fragment shows besides its path and data: the filters
    as ``table_context`` cleans them (a team only when it rides this race) and the
    kind of HTMX trigger. A name filter is free text: not stored. None while the
    data version is unknown and a team must be checked."""
    filters = TableFilters()  # the hot case: no query string, no filter
    if request.META.get("QUERY_STRING"):
        codes: frozenset[str] = frozenset()
        info = registry.TABLES.get(table)
        if "team" in request.GET and info is not None and info.kind != registry.TEAM:
            if current is None:
                return None
            codes = _team_codes(race, year, current.token)
        kind = info.kind if info is not None else ""
        filters = TableFilters.from_query(request.GET, codes, kind)
    return Variant(key=(filters, _trigger_class(request)), store=not filters.q)


@require_safe
@public_page(for_site)
def home(request: HttpRequest) -> HttpResponse:
    """The current race (latest stage with results), every race and every season
    with its editions."""
    stage = queries.latest_stage_with_results()
    cards = queries.edition_cards()
    context = {"latest": stage, "editions": cards, "races": seasons.race_links(cards)}
    if stage is not None:
        after, leaders = queries.leaders(stage.edition)
        top_ten = queries.stage_top(stage, 10)
        worn = queries.jerseys_after(stage.edition, stage.number - 1)
        for row in top_ten.riders:  # the jerseys worn on the stage, as its table
            row.jerseys = worn.get(row.entry_id, [])
        context |= {
            "edition": stage.edition,
            "race": stage.edition.race,
            "top_ten": top_ten,
            "leaders": leaders,
            "leaders_after": after,
            "next_stage": queries.next_stage(stage.edition, stage.number),
            "report_groups": queries.report_groups(stage.edition, get_language(), 4),
        }
    return render(request, "stages/home.html", context)


@require_safe
@public_page(for_edition)
def edition_detail(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """Every stage of an edition, the leaders and the top ten's GC gaps."""
    edition = queries.edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race edition.")
    lines = queries.edition_stage_lines(edition)
    after, leaders = queries.leaders(edition)
    not_raced = [line for line in lines if line.stage.status == Stage.Status.CANCELLED]
    series = queries.gc_gap_series(edition)
    stages_run = sorted({n for s in series for n in s.gaps})
    lines_of = [(s.label, s.gaps) for s in series]
    chart = charts.gap_chart(lines_of, stages_run)
    narrow = charts.gap_chart(
        lines_of, stages_run, width=340, height=300, labels=False, tick_every=5
    )
    context = {"edition": edition, "race": edition.race, "lines": lines}
    context |= {"leaders": leaders, "leaders_after": after, "series": series}
    context |= {"over": seasons.edition_over(lines, after), "not_raced": not_raced}
    context |= {"chart": chart, "chart_narrow": narrow, "chart_stages": stages_run}
    return render(request, "stages/edition_detail.html", context)


@require_safe
@public_page(for_site)
def race_detail(request: HttpRequest, race: str) -> HttpResponse:
    """Every edition of a race, newest first, with its dates and its winners (or
    its leaders while it is raced). Stored for the site's data version, as it
    spans editions: a write to any edition of the race gives a new page."""
    editions = seasons.race_editions(race, drafts=sees_drafts(request))
    if not editions:
        raise Http404("No such race.")
    context = {"race": editions[0].edition.race, "race_editions": editions}
    return render(request, "stages/race_detail.html", context)


@require_safe
@public_page(for_edition, variant=stage_variant, vary=STAGE_HEADERS)
def stage_detail(
    request: HttpRequest, race: str, year: int, number: int, table: str = "stage"
) -> HttpResponse:
    """A stage with one of its tables; an HTMX request gets the table fragment."""
    staff = sees_drafts(request)
    stage = queries.stage_of(race, year, number, drafts=staff)
    if stage is None or table not in queries.TABLES:
        raise Http404("No such stage or table.")
    context = table_context(stage, table, request.GET)
    if is_fragment_request(request):
        context["oob"] = request.htmx.trigger not in IN_PLACE_TRIGGERS
        response = render(request, "stages/stage_detail.html#table-fragment", context)
        if context["oob"]:
            # A tab, "show all", "clear": a new history entry at the table's own
            # address. The filters leave history to their elements (typing
            # replaces the entry, a team or a submit pushes one; tables.js
            # drops empty fields from the address).
            push_url(response, context["canonical_url"])
        return response
    if stage.status == stage.Status.LIVE:
        context |= live_context(stage, QueryDict())
    return _stage_page(request, stage, context, staff)


def _stage_page(
    request: HttpRequest, stage: Stage, context: dict, staff: bool
) -> HttpResponse:
    """The whole stage page: ``context`` plus the key facts, the reports and the
    route (6 queries)."""
    context |= key_facts(stage)
    reports = queries.stage_reports(stage, get_language(), scheduled=staff)
    context["reports"] = [(r, render_markdown(r.body)) for r in reports]
    if "checkpoints" not in context:  # the climbs and sprints read them already
        context["checkpoints"] = queries.stage_checkpoints(stage)
    checkpoints = context["checkpoints"]
    if checkpoints:
        bonus = edition_rules(stage.edition).checkpoint_bonus
        context["strip"] = stage_strip(
            stage.distance_km, checkpoints, bonus_seconds=bonus
        )
    return render(request, "stages/stage_detail.html", context)


def live_variant(
    request: HttpRequest, current: DataVersion | None, race: str, year: int, number: int
) -> Variant | None:
    """The live panel's variant: the virtual GC's filters (as the GC's)."""
    chosen = stage_variant(request, current, race, year, number, table="gc")
    return chosen and Variant(key=chosen.key[0], store=chosen.store)


@require_safe
@public_page(for_edition, variant=live_variant, vary=LIVE_HEADERS)
def stage_live(request: HttpRequest, race: str, year: int, number: int) -> HttpResponse:
    """The stage page with the live panel open; an HTMX request (the panel's
    poll, its filters) gets the panel alone."""
    staff = sees_drafts(request)
    stage = queries.stage_of(race, year, number, drafts=staff)
    if stage is None:
        raise Http404("No such stage.")
    context = live_context(stage, request.GET)
    if is_fragment_request(request):
        # No HX-Push-Url: the poll and the filter form share this stored
        # fragment; the form pushes its own address (hx-push-url).
        return render(request, "stages/stage_detail.html#live-panel", context)
    context = table_context(stage, "stage", QueryDict()) | context
    context["live_open"] = True
    return _stage_page(request, stage, context, staff)


class TickerFeed(Feed):
    """A stage's live ticker as an Atom feed, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, race: str, year: int, number: int):
        stage = queries.stage_of(race, year, number)
        if stage is None:
            raise Http404("No such stage.")
        return stage

    def title(self, stage: Stage) -> str:
        edition = stage.edition
        return gettext("%(race)s %(year)s, stage %(number)s: live") % {
            "race": edition.race.name,
            "year": edition.year,
            "number": stage.number,
        }

    def link(self, stage: Stage) -> str:
        return live_url(stage)

    def subtitle(self, stage: Stage) -> str:
        return gettext("The live ticker of %(start)s – %(finish)s.") % {
            "start": stage.start,
            "finish": stage.finish,
        }

    def items(self, stage: Stage) -> list:
        return live_queries.ticker(stage, limit=FEED_ITEMS)

    def item_title(self, entry) -> str:
        at, kind = f"{localtime(entry.at):%H:%M}", entry.get_kind_display()
        if entry.km_to_go is None:
            return f"{at} · {kind}"
        return gettext("%(time)s · %(km)s km to go · %(kind)s") % {
            "time": at,
            "km": number_format(entry.km_to_go),
            "kind": kind,
        }

    def item_description(self, entry) -> str:
        return render_inline(entry.text)

    def item_link(self, entry) -> str:
        return f"{live_url(entry.stage)}#ticker-{entry.pk}"

    def item_pubdate(self, entry):
        return entry.at

    def item_guid(self, entry) -> str:
        return f"{live_url(entry.stage)}#ticker-{entry.pk}"

    item_guid_is_permalink = False


live_feed = public_page(for_edition, vary=())(TickerFeed())


@require_safe
@public_page(for_edition)
def edition_package(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """The whole edition as a race package (RACE_PACKAGE.md) in a zip: open data
    that imports again with ``import_race`` (stored per data version, as a page)."""
    edition = queries.edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race edition.")
    name = package_export.package_filename(edition)
    response = HttpResponse(
        package_export.edition_package_zip(edition),
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    return response if edition.published else private(response)
