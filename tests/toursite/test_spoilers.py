"""Spoiler-free mode, server side: the mode lives in the browser (static/js/
spoilers.js), so every page is the same for everybody (a CDN can cache it); what
the server does is mark outcomes with data-spoils and offer a feed without them."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import override_settings

from editions.models import Entry
from stages.models import Stage, StageResult

ATOM = "{http://www.w3.org/2005/Atom}"
STAGE_12 = "/races/tour-de-france/2023/stage-12/"
PAGES = [
    "/",
    "/races/tour-de-france/2023/",
    STAGE_12,
    STAGE_12 + "gc/",
    "/riders/ion-izagirre/",
    "/races/tour-de-france/2023/teams/",
    "/races/tour-de-france/2023/teams/cof/",
    "/races/tour-de-france/2023/riders/",
    "/about/",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr"}


class Unmarked(HTMLParser):
    """The text of a page's body outside every [data-spoils] element: what a
    spoiler-free visitor can read."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0: inside a marked element
        self.in_body = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.in_body = self.in_body or tag == "body"
        if tag in VOID:
            return
        if self.depth or "data-spoils" in dict(attrs):
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.in_body and not self.depth:
            self.text.append(data)


def unmarked_text(html: str) -> str:
    parser = Unmarked()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())


def render(source: str, **context) -> str:
    return Template("{% load racing %}" + source).render(Context(context))


def test_spoils_tag_marks_an_edition_and_stage_number(tour):
    assert render("<div{% spoils e 12 %}>", e=tour) == (
        '<div data-spoils="tour-de-france/2023/12">'
    )
    stage = Stage.objects.select_related("edition__race").get(edition=tour, number=5)
    assert render("<td{% spoils s %}>", s=stage) == (
        '<td data-spoils="tour-de-france/2023/5">'
    )
    assert render("<td{% spoils s 7 %}>", s=stage) == (
        '<td data-spoils="tour-de-france/2023/7">'
    )
    # No stage known (nothing raced yet): no marker, nothing hidden.
    assert render("<p{% spoils e n %}>", e=tour, n=None) == "<p>"


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_the_same_whatever_the_visitor_set(client, tour, path):
    """Nothing about the mode reaches the server: a cookie or a stored setting
    cannot change a byte, and no response varies on Cookie, so one cached copy
    serves every visitor."""
    plain = client.get(path)
    client.cookies["toursite.spoilers"] = '{"on": true}'
    with_cookie = client.get(path, HTTP_X_SPOILER_FREE="1")
    assert plain.status_code == with_cookie.status_code == 200
    assert plain.content == with_cookie.content
    assert "Cookie" not in plain.get("Vary", "")
    assert plain["Cache-Control"].startswith("public")
    assert plain.cookies == {}


def test_every_page_loads_the_mode_before_the_body_is_painted(client, tour):
    html = client.get(STAGE_12).content.decode()
    head = html[: html.index("</head>")]
    # Not deferred (runs before the body), then the rest deferred.
    assert '<script src="/static/js/spoilers-head.js"></script>' in head
    assert '<script src="/static/js/spoilers.js" defer></script>' in head
    assert "/static/css/site.css" in head
    # The switch is there but hidden: without JavaScript the mode cannot be on.
    assert (
        '<button type="button" class="spoiler-switch" aria-pressed="false" hidden>'
        in (html)
    )


def test_stage_12_outcome_is_inside_markers_only(client, tour):
    """The winner, the report and the tables of stage 12 carry data-spoils: with
    the mode on (all of them hidden) the page names no winner."""
    html = client.get(STAGE_12).content.decode()
    assert 'data-spoils="tour-de-france/2023/12"' in html
    visible = unmarked_text(html)
    assert "Roanne" in visible  # the route stays
    # The climbs of the route stay too; the report's headline does not.
    for outcome in ("Izagirre", "IZAGIRRE", "goes alone over", "+0:17"):
        assert outcome not in visible, outcome


def test_stage_12_gc_tab_fragment_is_marked(client, tour):
    """The tab swapped in by htmx carries its own marker (hidden at once)."""
    response = client.get(STAGE_12 + "gc/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-spoils="tour-de-france/2023/12"' in html
    assert "VINGEGAARD" not in unmarked_text("<body>" + html)


@override_settings(SITE_URL="https://toursite.example")
def test_spoiler_free_feed_names_the_stage_and_no_headline(client, tour):
    response = client.get("/feed/reports-spoiler-free.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Cache-Control"].startswith("public")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "toursite race reports (spoiler-free)"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "https://toursite.example/feed/reports-spoiler-free.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == (
        "Tour de France 2023 · stage 12: race report"
    )
    assert entry.find(f"{ATOM}summary") is None
    assert entry.find(f"{ATOM}content") is None
    body = response.content.decode()
    assert "Izagirre" not in body
    assert "Croix Montmain" not in body
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "https://toursite.example" + STAGE_12


def test_normal_feed_and_its_link_stay_as_they_are(client, tour):
    feed = ET.fromstring(client.get("/feed/reports.atom").content)
    title = feed.find(f"{ATOM}entry").findtext(f"{ATOM}title")
    assert title.startswith("Izagirre goes alone")
    html = client.get("/").content.decode()
    assert 'title="toursite race reports"' in html
    assert 'href="/feed/reports.atom"' in html


def test_about_page_explains_the_mode_and_its_limits(client, tour):
    html = client.get("/about/").content.decode()
    assert 'id="spoiler-free"' in html
    assert 'href="/feed/reports-spoiler-free.atom"' in html
    assert "JavaScript" in html


# Pages listing a rider's or a team's race so far --------------------------------

TOUR_21 = "tour-de-france/2023/21"
MARKER = re.compile(r'<(\w+)[^>]*?\sdata-spoils="([^"]+)"')


def markers(html: str) -> list[tuple[str, str]]:
    """Each marked element's tag and marker, in page order."""
    return MARKER.findall(html)


def tour_ride(client, slug: str) -> str:
    html = client.get(f"/riders/{slug}/").content.decode()
    start = html.index('<section class="ride"\n               id="tour-de-france-2023"')
    # Up to his "Climbs and sprints" (one block of its own, tested there).
    return html[start : html.index('<section class="ride-scored"', start)]


@pytest.mark.parametrize(
    "slug",
    # Left on stage 2 (did not start); won stage 12; left on stage 12 (DNF).
    ["richard-carapaz", "ion-izagirre", "wilco-kelderman"],
)
def test_rider_page_marks_his_race_the_same_whoever_he_is(client, tour, slug):
    """Summary (exit, wins, jerseys, latest ranks, chart) as one block with the
    edition's latest stage, then a row for every stage raced, each with its own:
    the same markers for a winner, a rider who left and anybody else, so what the
    placeholders say tells nobody apart."""
    ride = tour_ride(client, slug)
    assert markers(ride) == [("div", TOUR_21)] + [
        ("tr", f"tour-de-france/2023/{n}") for n in range(1, 22)
    ]
    assert "{#" not in ride  # no template comment shows
    visible = unmarked_text("<body>" + ride)
    for hint in ("Left the race", "Stage win", "After stage", "stage 2", "Stage 12"):
        assert hint not in visible, hint


def test_rider_who_left_keeps_his_exit_and_rows_of_his_own(client, tour):
    ride = tour_ride(client, "richard-carapaz")
    summary = ride[ride.index('class="ride-summary"') : ride.index("</ul>")]
    assert 'stage-2/">stage 2</a>' in summary  # Left the race on stage 2
    # Stages 3 to 21 went on without him: rows for spoiler-free mode only
    # (site.css hides them otherwise), saying so to screen readers.
    absent = re.findall(
        r'<tr class="is-out ride-absent" data-spoils="[^"]+/(\d+)"', ride
    )
    assert absent == [str(n) for n in range(3, 22)]
    assert ride.count("not in the race") == 19


def test_rider_page_reads_the_latest_stage_without_more_queries(
    client, tour, django_assert_max_num_queries
):
    # Sepp Kuss rode all three Grand Tours: each edition's latest stage comes with
    # the stages already read, not in a query per edition.
    with django_assert_max_num_queries(9):
        html = client.get("/riders/sepp-kuss/").content.decode()
    for race in ("tour-de-france", "giro-d-italia", "vuelta-a-espana"):
        assert f'<div class="ride-summary" data-spoils="{race}/2023/21">' in html


@pytest.mark.parametrize("code", ["uad", "efe", "cof"])
def test_team_page_marks_riders_and_wins_with_the_latest_stage(client, tour, code):
    """Status, GC and wins (or "No stage win yet.") wait for the latest stage as
    blocks, whoever left or won when; only the stage-by-stage rows carry their
    own stage, every one of them."""
    html = client.get(f"/races/tour-de-france/2023/teams/{code}/").content.decode()
    days = html.index('id="days-title"')
    assert {m for _, m in markers(html[:days])} == {TOUR_21}
    assert [m for _, m in markers(html[days:])] == [
        f"tour-de-france/2023/{n}" for n in range(1, 22)
    ]
    assert "{#" not in html
    wins = html[html.index('id="wins-title"') : days]
    assert wins.count("data-spoils") == 1
    visible = unmarked_text(html)
    for hint in ("No stage win yet", "Stage 2", "stage 18", "DNF", "Finished"):
        assert hint not in visible, hint


def test_team_without_a_win_says_so_inside_the_marker(client, tour):
    html = client.get("/races/tour-de-france/2023/teams/efe/").content.decode()
    assert re.search(
        r'<div class="team-wins" data-spoils="tour-de-france/2023/21">\s*'
        r"<p>No stage win yet.</p>",
        html,
    )


def test_start_list_has_the_left_block_even_when_nobody_left(client, tour):
    Entry.objects.filter(edition=tour).update(exit_stage=None, exit_status="")
    html = client.get("/races/tour-de-france/2023/riders/").content.decode()
    assert f'aria-labelledby="left-title" data-spoils="{TOUR_21}"' in html
    assert re.search(
        rf'<span data-spoils="{TOUR_21}">\s*Nobody has left the race.\s*</span>', html
    )
    assert "Nobody has left" not in unmarked_text(html)
    assert "{#" not in html
    # Before any result there is nothing to hide, and no block.
    StageResult.objects.filter(stage__edition=tour).delete()
    html = client.get("/races/tour-de-france/2023/riders/").content.decode()
    assert 'id="left-title"' not in html
    assert "data-spoils" not in html
