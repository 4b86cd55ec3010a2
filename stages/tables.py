"""What the stage page's table region shows: filters read from the query string
and the template context built from ``stages.queries`` rows."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from racing import registry
from stages import queries, vocabulary
from stages.markdown import render_inline
from stages.models import Stage, StageResult
from stages.queries import Row
from stages.queries import live as live_queries
from stages.queries.checkpoints import edition_has_checkpoints
from stages.queries.rows import STATUS_ABBREVIATIONS

TOP = 20
KEY_FACTS_TOP = 10
QUERY_MAX_LENGTH = 60
# Seconds between two polls of a live stage's table (a setting, so tests can
# make it short: TOURSITE_LIVE_POLL_SECONDS).
DEFAULT_POLL_SECONDS = 5
# Rows of the virtual GC shown before "show all".
LIVE_TOP = 10
TTT_CAPTION = gettext_lazy(
    "Result of stage %(number)s, a team time trial: teams by their time"
)
# Kinds of table that show every row, never a top 20 (so "show all" changes
# nothing): a team classification is a few dozen rows at most, a stage's
# crossings a few dozen more.
EVERY_ROW = (registry.TEAM, registry.CHECKPOINTS)
# The stage result's legend: each status's abbreviation and its long form (both
# lazy: in the page's language).
STATUS_LEGEND = [
    (STATUS_ABBREVIATIONS[code], label)
    for code, label in StageResult.Status.choices
    if code != "OK"
]


@dataclass(frozen=True)
class TableFilters:
    """Cleaned filters: an unknown team, a strange name or a bad ``all`` value is
    dropped, never an error."""

    team: str = ""
    q: str = ""
    show_all: bool = False

    @classmethod
    def from_query(
        cls, query: QueryDict, team_codes: set[str], kind: str = ""
    ) -> "TableFilters":
        """The filters of ``query``, for a table of ``kind`` (a registry kind):
        ``all`` only counts where it shows more rows (never on EVERY_ROW kinds,
        so it makes no other page)."""
        team = query.get("team", "").strip().upper()
        q = "".join(c for c in query.get("q", "") if c.isprintable())
        return cls(
            team=team if team in team_codes else "",
            q=" ".join(q.split())[:QUERY_MAX_LENGTH],
            show_all=query.get("all") == "1" and kind not in EVERY_ROW,
        )

    def querystring(self, *, show_all: bool | None = None) -> str:
        """``?team=…&q=…`` of the active filters ('' when none)."""
        params = {"team": self.team, "q": self.q}
        if self.show_all if show_all is None else show_all:
            params["all"] = "1"
        params = {k: v for k, v in params.items() if v}
        return f"?{urlencode(params)}" if params else ""


def poll_seconds() -> int:
    return int(getattr(settings, "TOURSITE_LIVE_POLL_SECONDS", DEFAULT_POLL_SECONDS))


def table_url(stage: Stage, table: str, number: int | None = None) -> str:
    """URL of ``table`` after ``stage`` (or after stage ``number`` of its race):
    the stage page itself for the stage result."""
    number = stage.number if number is None else number
    args = [stage.edition.race.slug, stage.edition.year, number]
    if registry.TABLES[table].kind == registry.STAGE_RESULT:
        return reverse("stages:detail", args=args)
    return reverse("stages:table", args=[*args, table])


def _neighbours(stage: Stage, table: str) -> tuple[dict, dict]:
    """The previous and next stage numbers, and the URLs of ``table`` after them
    (1 query)."""
    numbers = queries.stage_numbers(stage.edition)
    position = numbers.index(stage.number)
    neighbours = {
        "previous": numbers[position - 1] if position > 0 else None,
        "next": numbers[position + 1] if position + 1 < len(numbers) else None,
    }
    pager = {
        key: table_url(stage, table, number)
        for key, number in neighbours.items()
        if number is not None
    }
    return neighbours, pager


def table_context(stage: Stage, table: str, query: QueryDict) -> dict:
    """Context of the table region (4 queries: teams, rows, jerseys, stages; the
    climbs and sprints read checkpoints and crossings in place of rows, jerseys;
    points and mountains 1 more, whether the edition has checkpoints).

    ``table`` is a key of the registry; what the template shows follows its
    ``kind``; the stage result adds ``stage_result_context`` (its winner, teams
    on a team time trial), the climbs and sprints ``checkpoint_context``.
    """
    info = registry.TABLES[table]
    teams = queries.edition_teams(stage.edition)
    # A team classification has no team filter (its form hides the field): a
    # ?team= left in the address neither narrows it nor follows to the next tab.
    codes = set() if info.kind == registry.TEAM else {t.code for t in teams}
    filters = TableFilters.from_query(query, codes, info.kind)
    all_rows, found = _rows_of(stage, table, info.kind)
    rows = queries.filter_rows(all_rows, team=filters.team, q=filters.q)
    every = filters.show_all or info.kind in EVERY_ROW
    shown = rows if every else rows[:TOP]
    neighbours, pager = _neighbours(stage, table)
    edition = stage.edition
    is_points = info.is_points and found is None
    url = table_url(stage, table)
    context = {
        "stage": stage,
        "edition": edition,
        "race": edition.race,
        "table": table,
        "kind": info.kind,
        "table_label": vocabulary.table_label(info.key),
        "tabs": tab_links(stage),
        "table_url": url,
        "canonical_url": url + filters.querystring(),
        **download_urls(stage, table, filters),
        "filters": filters,
        "filtered": bool(filters.team or filters.q),
        "filter_qs": filters.querystring(show_all=False),
        "show_all_url": url + filters.querystring(show_all=True),
        "top_url": url + filters.querystring(show_all=False),
        "teams": teams,
        "rows": shown,
        "row_count": len(rows),
        "total_count": len(all_rows),
        "truncated": len(shown) < len(rows),
        "top": TOP,
        "neighbours": neighbours,
        "pager": pager,
        "is_live": stage.status == Stage.Status.LIVE,
        "poll_seconds": poll_seconds(),
        "caption": vocabulary.caption(info, stage.number),
        "is_points": is_points,
        # Totals link to the rider page's "Climbs and sprints", if any (1 query).
        "scored_links": is_points and edition_has_checkpoints(edition.pk),
    }
    if found is not None:
        return context | checkpoint_context(stage, found, rows)
    context |= _row_flags(shown)
    if info.kind == registry.STAGE_RESULT:
        context |= stage_result_context(stage, all_rows, filters)
    return context


def _rows_of(
    stage: Stage, table: str, kind: str
) -> tuple[list, queries.CheckpointTable | None]:
    """Every row of the table; for the climbs and sprints its crossings, and the
    checkpoints they are grouped by (2 queries)."""
    if kind == registry.CHECKPOINTS:
        found = queries.checkpoint_table(stage)
        return found.rows, found
    return queries.table_rows(stage, table), None


def tab_links(stage: Stage) -> list[dict]:
    """A tab for each table of the registry, in its order."""
    return [
        {
            "key": t.key,
            "label": vocabulary.table_label(t.key),
            "url": table_url(stage, t.key),
        }
        for t in registry.TABLES.values()
    ]


def _row_flags(shown: list[Row]) -> dict:
    """Which of the optional columns the rows shown fill."""
    return {
        "has_bonus": any(r.bonus for r in shown),
        "has_penalty": any(r.penalty for r in shown),
        "has_status": any(r.status != "OK" for r in shown),
        "status_legend": STATUS_LEGEND,
    }


def checkpoint_context(
    stage: Stage, found: queries.CheckpointTable, rows: list[queries.Crossing]
) -> dict:
    """The climbs and sprints: one section per checkpoint in km order with the
    crossings the filters keep (no query), and every checkpoint (``checkpoints``,
    the route's). Unfiltered, every checkpoint shows,
    one without crossings too; filtered, those with a match. ``total_count``
    counts the checkpoints: a stage without any says so instead of a table."""
    kept = {id(r) for r in rows}
    filtered = len(rows) < len(found.rows)
    sections = []
    for checkpoint in found.checkpoints:
        crossings = [x for x in checkpoint.crossings if id(x) in kept]
        if crossings or not filtered:
            sections.append((checkpoint, crossings))
    return {
        "checkpoints": found.checkpoints,
        "checkpoint_sections": sections,
        "total_count": len(found.checkpoints),
        "rows": rows if filtered else found.rows,
        "time_trial": stage.is_time_trial,
    }


def download_urls(stage: Stage, table: str, filters: TableFilters) -> dict:
    """The table's CSV and JSON addresses with the active filters (never ``all``:
    a download has every matching row)."""
    e = stage.edition
    args = [e.race.slug, e.year, stage.number, table]
    qs = filters.querystring(show_all=False)
    return {
        "csv_url": reverse("api:table_csv", args=args) + qs,
        "json_url": reverse("api:table_json", args=args) + qs,
    }


def key_facts(stage: Stage) -> dict:
    """The stage page's key facts: the stage's top ten (teams on a team time
    trial), the GC top ten after the stage with its jerseys, and the leader of
    each classification after it, each with the address of its full table
    (4 queries)."""
    top = queries.stage_top(stage, KEY_FACTS_TOP)
    gc = queries.standing_rows(stage, registry.GENERAL.key, top=KEY_FACTS_TOP)
    worn = queries.jerseys_after(stage.edition, stage.number)
    for row in gc:
        row.jerseys = worn.get(row.entry_id, [])
    _, leaders = queries.leaders(stage.edition, stage_number=stage.number)
    if not (top.riders or top.teams or gc or leaders):
        return {}
    return {
        "facts": {
            "top": top,
            "gc": gc,
            "leaders": [
                (leader, table_url(stage, key)) for key, leader in leaders.items()
            ],
            "stage_url": table_url(stage, registry.STAGE.key),
            "gc_url": table_url(stage, registry.GENERAL.key),
        }
    }


def stage_result_context(stage: Stage, rows: list[Row], filters: TableFilters) -> dict:
    """The stage result's winner, from its rows (no query). On a team time trial
    the winner is a team and the table shows every team (a few dozen at most: no
    top 20) as ``ttt_teams``, each with its riders, narrowed by the filters
    (``queries.filter_teams``); ``rows`` are then the riders shown."""
    if stage.type != Stage.Type.TTT:
        return {"winner": next((r for r in rows if r.rank == 1), None)}
    ranked = queries.team_time_trial(rows)
    shown = queries.filter_teams(ranked, team=filters.team, q=filters.q)
    riders = [r for t in shown for r in t.riders]
    return {
        "winning_team": next((t for t in ranked if t.rank == 1), None),
        "ttt_teams": shown,
        "rows": riders,
        "row_count": len(shown),
        "truncated": False,
        "caption": TTT_CAPTION % {"number": stage.number},
        "has_status": any(r.status != "OK" for r in riders),
    }


def live_url(stage: Stage, name: str = "stages:live") -> str:
    e = stage.edition
    return reverse(name, args=[e.race.slug, e.year, stage.number])


def _rider_link(row: Row) -> str:
    """The rider's name linking to his page (``includes/rider_name.html``), for a
    sentence that names him (``{% blocktranslate with rider=... %}``)."""
    return render_to_string("includes/rider_name.html", {"rider": row.rider})


def live_context(stage: Stage, query: QueryDict) -> dict:
    """Context of the live panel: km to go, the groups on the road, the virtual GC
    (filtered as the tables are) and the newest ticker entries (10 queries while
    live; the ticker alone after it)."""
    is_live = stage.status == Stage.Status.LIVE
    where = live_queries.situation(stage) if is_live else live_queries.Situation()
    lines = live_queries.virtual_gc(stage, where) if is_live else []
    codes = {line.row.team.code for line in lines}
    filters = TableFilters.from_query(query, codes)
    matching = queries.filter_rows(
        lines, team=filters.team, q=filters.q, row_of=lambda line: line.row
    )
    shown = matching if filters.show_all else matching[:LIVE_TOP]
    for group in where.groups:
        if group.rest:
            group.count = sum(1 for v in lines if v.where == group.name)
    holder = next((v for v in lines if v.row.previous_rank == 1), None)
    road_leader = lines[0] if lines and stage.number > 1 else None
    if road_leader is holder:
        road_leader = None
    entries = live_queries.ticker(stage)
    url = live_url(stage)
    return {
        "stage": stage,
        "edition": stage.edition,
        "race": stage.edition.race,
        "live_panel": True,
        "is_live": is_live,
        "situation": where,
        "virtual": shown,
        "virtual_count": len(matching),
        "virtual_truncated": len(shown) < len(matching),
        "live_filters": filters,
        "road_leader": road_leader,
        "jersey_holder": holder,
        "jersey_holder_link": _rider_link(holder.row) if holder else "",
        "arrived": sum(1 for v in lines if v.where == "finished"),
        "ticker": [(e, render_inline(e.text)) for e in entries],
        "live_url": url,
        "live_poll_url": url + filters.querystring(),
        "live_all_url": url + filters.querystring(show_all=True),
        "live_feed_url": live_url(stage, "stages:live_feed"),
        "poll_seconds": poll_seconds(),
    }
