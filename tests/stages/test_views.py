"""Race pages seen by a fan: home, edition, stage and its table fragments."""

import pytest
from django.urls import reverse

from stages.models import RaceReport, Stage, StageResult
from stages.services import recompute
from stages.tables import TOP

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
TABLES = ("stage", "checkpoints", "gc", "points", "mountains", "youth", "teams")
HX = {"HX-Request": "true"}

# Query ceilings: fixed, whatever the number of riders (176 on stage 12). Every
# page starts with the data-version query (toursite.http.public_page).
# Stage page: version, stage, teams, rows, jerseys, stage numbers, key facts
# (stage top ten, GC top ten, its jerseys, leaders), reports, checkpoints.
PAGE_QUERIES = 12
# Fragment: version, stage, teams, rows, jerseys, numbers.
FRAGMENT_QUERIES = 6
# Points and mountains also ask whether the edition has checkpoints (their
# totals then link to the rider page's "Climbs and sprints").
POINTS_TABLES = ("points", "mountains")
# Home: version, latest stage, top ten, its jerseys, leaders, next stage, reports,
# editions (2).
HOME_QUERIES = 9
# Edition: version, edition, stages, winners, GC leaders, classification leaders,
# gaps.
EDITION_QUERIES = 7


def squash(html: str) -> str:
    """Markup with runs of whitespace as one space (templates are reformatted)."""
    return " ".join(html.split())


def table_url(table: str) -> str:
    return STAGE_12 if table == "stage" else f"{STAGE_12}{table}/"


@pytest.mark.django_db
class TestStage12:
    def test_izagirre_wins(self, client):
        response = client.get(STAGE_12)
        assert response.status_code == 200
        html = response.content.decode()
        rows = html.split("<tbody>")[1]
        first = rows.split("</tr>")[0]
        assert "IZAGIRRE</span> Ion" in first
        assert "3:51:42" in first
        assert 'aria-current="page" class="is-active">Stage<' in html
        # The published report is rendered from Markdown.
        assert "Izagirre goes alone over the Croix Montmain" in html

    def test_gc_tab(self, client):
        html = client.get(f"{STAGE_12}gc/").content.decode()
        rows = html.split("<tbody>")[1].split("</tr>")
        assert "VINGEGAARD</span> Jonas" in rows[0]
        assert "POGAČAR</span> Tadej" in rows[1]
        assert "+0:17" in rows[1]
        assert 'aria-current="page" class="is-active">General<' in html
        # Jerseys: the GC leader after stage 12 wears yellow on stage 13.
        assert "Yellow jersey" in rows[0]

    def test_stage_result_marks_same_time_and_bonus(self, client):
        html = client.get(STAGE_12).content.decode()
        rows = html.split("<tbody>")[1].split("</tr>")
        assert "+0:58" in rows[1]  # Burgaudeau, 58 s behind
        assert "s.t." in rows[2]  # Jorgenson, same time
        assert "18″" in rows[0]  # Izagirre's bonus
        assert "10″" in rows[1]  # Burgaudeau's penalty

    @pytest.mark.parametrize("table", TABLES)
    def test_each_table_page_and_fragment(
        self, client, table, django_assert_max_num_queries
    ):
        extra = table in POINTS_TABLES
        with django_assert_max_num_queries(PAGE_QUERIES + extra):
            page = client.get(table_url(table))
        assert page.status_code == 200
        page_html = page.content.decode()
        assert "<html" in page_html
        assert f'id="{table}-table"' in page_html
        assert "HX-Request" in page["Vary"]
        with django_assert_max_num_queries(FRAGMENT_QUERIES + extra):
            fragment = client.get(table_url(table), headers=HX)
        assert fragment.status_code == 200
        html = fragment.content.decode()
        assert f'id="{table}-table"' in html
        assert "<html" not in html
        assert "<caption" in html
        assert f"{table}.csv" in html
        assert fragment["HX-Push-Url"] == table_url(table)
        # A tab switch also refreshes the filter form out of band.
        assert 'id="table-filters"' in html
        assert 'hx-swap-oob="true"' in html

    def test_filter_request_swaps_the_table_only(self, client):
        html = client.get(
            f"{STAGE_12}gc/?q=vinge", headers={**HX, "HX-Trigger": "table-q"}
        ).content.decode()
        assert "hx-swap-oob" not in html
        assert "VINGEGAARD" in html
        assert "POGAČAR" not in html

    def test_top_20_and_show_all(self, client):
        html = client.get(STAGE_12).content.decode()
        assert html.split("<tbody>")[1].count("<tr") == TOP
        assert "?all=1" in html
        everything = client.get(f"{STAGE_12}?all=1").content.decode()
        finishers = StageResult.objects.filter(
            stage__edition__race__slug="tour-de-france",
            stage__edition__year=2023,
            stage__number=12,
        ).count()
        assert everything.split("<tbody>")[1].count("<tr") == finishers == 169

    def test_team_filter(self, client):
        html = client.get(f"{STAGE_12}gc/?team=tjv").content.decode()
        body = html.split("<tbody>")[1]
        assert body.count("<tr") == 8
        assert body.count("Jumbo-Visma") == 8
        assert '<option value="TJV" selected>' in squash(html)

    def test_team_classification_ignores_a_team_filter(self, client):
        # Its form has no team field, so the tabs leaving it must not carry one.
        html = client.get(f"{STAGE_12}teams/?team=tjv").content.decode()
        # Every team: a team classification has no top 20.
        assert html.split("<tbody>")[1].count("<tr") == 22
        tabs = html.split('<nav class="tabs"')[1].split("</nav>")[0]
        assert "team=" not in tabs

    def test_name_filter_ignores_accents(self, client):
        html = client.get(f"{STAGE_12}gc/?q=pogacar").content.decode()
        body = html.split("<tbody>")[1]
        assert body.count("<tr") == 1
        assert "POGAČAR" in body

    def test_no_match_message(self, client):
        html = client.get(f"{STAGE_12}?q=nobody-at-all").content.decode()
        assert "Nothing matches" in html
        assert "<tbody>" not in html

    def test_movement_since_previous_stage(self, client):
        html = client.get(f"{STAGE_12}gc/?all=1").content.decode()
        assert "move--up" in html
        assert "move--down" in html
        assert 'visually-hidden">up ' in html

    def test_pager_keeps_the_tab(self, client):
        html = client.get(f"{STAGE_12}mountains/").content.decode()
        assert 'href="/races/tour-de-france/2023/stage-11/mountains/"' in html
        assert 'href="/races/tour-de-france/2023/stage-13/mountains/"' in html

    def test_status_codes_and_legend(self, client):
        html = client.get("/races/tour-de-france/2023/stage-14/?all=1").content.decode()
        assert '<abbr class="status" title="Did not finish">DNF</abbr>' in squash(html)
        assert "Outside the time limit" in html


@pytest.mark.django_db
def test_stage_without_results_says_so(client, tour):
    stage = tour.stages.get(number=21)
    StageResult.objects.filter(stage=stage).delete()
    recompute.recompute_standings(tour, from_stage=21)
    Stage.objects.filter(pk=stage.pk).update(status=Stage.Status.SCHEDULED)
    # The climbs and sprints show the route before the stage (tests/stages/pages/
    # test_checkpoints.py): every other table waits for results.
    for table in (t for t in TABLES if t != "checkpoints"):
        url = reverse("stages:table", args=["tour-de-france", 2023, 21, table])
        response = client.get(url)
        assert response.status_code == 200
        assert "No results yet for stage 21" in response.content.decode()


@pytest.mark.django_db
def test_unpublished_report_is_not_shown(client):
    RaceReport.objects.update(status=RaceReport.Status.DRAFT)
    html = client.get(STAGE_12).content.decode()
    assert "Izagirre goes alone over the Croix Montmain" not in html


@pytest.mark.django_db
class TestLive:
    @pytest.fixture
    def live(self, tour):
        Stage.objects.filter(edition=tour, number=12).update(status=Stage.Status.LIVE)

    def test_live_fragment_polls(self, client, live):
        html = client.get(f"{STAGE_12}gc/", headers=HX).content.decode()
        assert 'hx-trigger="every 5s, refresh"' in html
        assert 'id="table-poll"' in html

    def test_finished_fragment_stops_polling(self, client):
        html = client.get(f"{STAGE_12}gc/", headers=HX).content.decode()
        assert 'hx-trigger="every' not in html

    def test_poll_interval_setting(self, client, live, settings):
        settings.TOURSITE_LIVE_POLL_SECONDS = 2
        html = client.get(STAGE_12).content.decode()
        assert 'hx-trigger="every 2s, refresh"' in html

    def test_unchanged_table_answers_304(self, client, live, tour):
        poll = {**HX, "HX-Trigger": "table-poll"}
        first = client.get(f"{STAGE_12}gc/", headers=poll)
        etag = first["ETag"]
        # Live: browsers and CDNs keep a fragment a few seconds, then revalidate.
        assert first["Cache-Control"] == (
            "public, max-age=1, stale-while-revalidate=10"
        )
        assert "HX-Push-Url" not in first
        again = client.get(f"{STAGE_12}gc/", headers={**poll, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        # A save recomputes the standings and bumps the version: a new table.
        recompute.recompute_standings(tour, from_stage=12)
        changed = client.get(f"{STAGE_12}gc/", headers={**poll, "If-None-Match": etag})
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        assert 'id="gc-table"' in changed.content.decode()

    def test_unchanged_page_answers_304(self, client, live):
        first = client.get(STAGE_12)
        assert first["ETag"].startswith('W/"')
        again = client.get(STAGE_12, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        # The page and its fragment are different representations.
        fragment = client.get(STAGE_12, headers=HX)
        assert fragment["ETag"] != first["ETag"]
        assert {"HX-Request", "HX-Trigger"} <= {
            v.strip() for v in first["Vary"].split(",")
        }


HOSTILE = [
    "/races/tour-de-france/2023/stage-999/",
    "/races/tour-de-france/2023/stage-0/",
    "/races/tour-de-france/2023/stage-12/foo/",
    "/races/tour-de-france/2023/stage-12/foo.csv",
    "/races/tour-de-france/2023/stage-99999999999999999999999/",
    "/races/tour-de-france/99999999999999999999/",
    "/races/tour-de-france/99999999999999999999/stage-1/gc/",
    "/races/tour-de-france/2023/stage-99999999999999999999/gc.csv",
    "/races/no-such-race/2023/",
    "/races/tour-de-france/1066/",
    "/races/tour-de-france/2023/stage-12/gc",
]
HOSTILE_PARAMS = [
    "?team=<script>alert(1)</script>",
    "?team=%00",
    "?q=%00",
    "?q=" + "x" * 5000,
    "?q=%ff%fe",
    "?all=abc",
    "?all=99999999999999999999",
    "?team=TJV&team=UAD&q=a&q=b",
    "?q=%27%3B+DROP+TABLE+stages_stage%3B--",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_paths_are_404(client, path):
    assert client.get(path).status_code in (301, 404)
    assert client.get(path, headers=HX).status_code in (301, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("params", HOSTILE_PARAMS)
@pytest.mark.parametrize("table", ["stage", "gc", "teams"])
def test_hostile_params_fall_back(client, params, table):
    for headers in ({}, HX):
        response = client.get(table_url(table) + params, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "\x00" not in html


@pytest.mark.django_db
def test_home(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    # The current race: the latest stage with results (the Vuelta 2025 ended
    # last; its stage 21 was not raced, so stage 20 is its latest result).
    assert "Vuelta a España 2025</a>" in html.split("</h1>")[0]
    assert "Stage 20: top 10" in html
    assert "Final leaders" in html
    assert "Red jersey" in html
    assert "Race over" in html  # no "Next: stage 21": it was not raced
    assert "Next: stage" not in html
    assert "Izagirre goes alone" in html  # the latest published report
    # Every edition of the eleven, by season, newest first.
    seasons = " ".join(html.split('id="seasons-heading"')[1].split())
    years = [seasons.index(f'id="season-{year}"') for year in (2025, 2023, 2022, 2021)]
    assert years == sorted(years)
    assert seasons.count('class="edition-card__link"') == 11
    for race in ("Tour de France", "Giro d'Italia", "Vuelta a España"):
        for year in (2021, 2023, 2025):
            assert f"{race} {year}</a>" in seasons
    assert "Vuelta a España 2022" not in seasons  # there was one, not in the data
    assert "Winner: VINGEGAARD Jonas" in seasons
    assert "Winner: ROGLIČ Primož" in seasons
    assert "Winner: POGAČAR Tadej" in seasons


@pytest.mark.django_db
def test_home_shows_next_stage_of_a_race_in_progress(
    client, tour, django_assert_max_num_queries
):
    later = tour.stages.filter(number__gt=12)
    RaceReport.objects.filter(stage__in=later).delete()
    StageResult.objects.filter(stage__in=later).delete()
    later.update(status=Stage.Status.SCHEDULED)
    recompute.recompute_standings(tour, from_stage=13)
    Stage.objects.exclude(edition=tour).update(date="2023-01-01")
    with django_assert_max_num_queries(HOME_QUERIES):  # the next stage's link too
        html = client.get("/").content.decode()
    assert "Stage 12: top 10" in html
    assert "Next: stage 13" in html
    assert 'href="/races/tour-de-france/2023/stage-13/"' in html
    assert "Leaders after stage 12" in html
    seasons = squash(html.split('id="seasons-heading"')[1])
    assert "Leader: VINGEGAARD Jonas" in seasons  # the Tour 2023, still raced


@pytest.mark.django_db
def test_edition(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(EDITION_QUERIES):
        response = client.get("/races/tour-de-france/2023/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("/races/tour-de-france/2023/stage-") >= 21
    assert "Roanne → Belleville-en-Beaujolais" in html
    assert "Final classifications" in html
    assert 'role="img"' in html
    assert '<title id="chart-title">' in html
    assert html.count("<polyline") == 20  # the wide chart, and the phone's
    assert "1. J. VINGEGAARD" in html
    assert "3. A. YATES" in html
    assert reverse("riders:start_list", args=["tour-de-france", 2023]) in html
    assert reverse("teams:list", args=["tour-de-france", 2023]) in html
    assert "Individual time trial" in html
