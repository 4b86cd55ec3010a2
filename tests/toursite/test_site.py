"""Site-wide pages: about, Atom feed, sitemap, error pages, layout, hostile URLs."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.utils import timezone

from stages.models import RaceReport, Stage
from tests.factories import RaceReportFactory
from toursite import urls, views

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_about_credits_both_data_sources(client, tour):
    html = client.get("/about/").content.decode()
    assert '<a href="https://www.procyclingstats.com/">ProCyclingStats</a>' in html
    assert '<a href="https://www.letour.fr/">letour.fr</a>' in html
    terms = re.findall(r"<dt>(.*?)</dt>", html, re.S)
    names = [re.sub(r"<svg.*?</svg>|\s+", " ", t, flags=re.S).strip() for t in terms]
    for name in ("General classification", "Points", "Mountains", "Youth", "Teams"):
        assert any(n.startswith(name) for n in names), name
    assert 'aria-label="Yellow jersey' in html


def test_layout_has_skip_link_language_nav_and_footer_credits(client, tour):
    html = client.get("/about/").content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert re.search(r'href="/about/"\s+aria-current="page">About', html)
    footer = html[html.index("<footer") :]
    assert "procyclingstats.com" in footer
    assert "letour.fr" in footer
    assert "style=" not in html


# Atom feed -----------------------------------------------------------------


@override_settings(SITE_URL="https://toursite.example")
def test_feed_lists_the_published_stage_12_report(client, tour):
    response = client.get("/feed/reports.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title").startswith("Izagirre goes alone")
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "https://toursite.example/races/tour-de-france/2023/stage-12/"
    summary = entry.findtext(f"{ATOM}summary")
    assert "<p>Ion Izagirre gave Cofidis" in summary
    assert entry.findtext(f"{ATOM}published").startswith("2023-07-13")


def test_feed_leaves_out_drafts_and_reports_not_yet_due(client, tour):
    stage = Stage.objects.get(edition=tour, number=13)
    RaceReport.objects.create(stage=stage, headline="Draft about 13", body="x")
    RaceReport.objects.create(
        stage=stage,
        headline="Tomorrow's news",
        body="x",
        status=RaceReport.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    RaceReport.objects.create(
        stage=stage,
        headline="Grand Colombier: Kwiatkowski",
        body="**Bold** <script>alert(1)</script>",
        status=RaceReport.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=1),
    )
    feed = ET.fromstring(client.get("/feed/reports.atom").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles[0] == "Grand Colombier: Kwiatkowski"
    assert len(titles) == 2
    summary = feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert "<strong>Bold</strong>" in summary
    assert "<script" not in summary
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert len(set(ids)) == 2


@pytest.mark.parametrize(
    ("feed", "title"),
    [
        ("/feed/reports.atom", "Pink on the Zoncolan"),
        (
            "/feed/reports-spoiler-free.atom",
            "Giro d'Italia 2021 · stage 14: race report",
        ),
    ],
)
def test_feeds_carry_the_reports_of_every_edition(client, tour, feed, title):
    """Only the Tour 2023 package has reports: one written on the Giro 2021 and
    one on the Vuelta 2025 show in both feeds, newest first, under their
    edition."""
    older = RaceReportFactory(
        stage=Stage.objects.get(
            edition__race__slug="vuelta-a-espana", edition__year=2025, number=20
        ),
        published_at=timezone.now() - timedelta(hours=2),
    )
    RaceReportFactory(
        stage=Stage.objects.get(
            edition__race__slug="giro-d-italia", edition__year=2021, number=14
        ),
        headline="Pink on the Zoncolan",
    )
    entries = ET.fromstring(client.get(feed).content).findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert entries[0].findtext(f"{ATOM}title") == title
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith("/races/giro-d-italia/2021/stage-14/")
    assert entries[0].find(f"{ATOM}category").get("term") == "Giro d'Italia 2021"
    second = entries[1].find(f"{ATOM}link").get("href")
    assert second.endswith(older.stage.get_absolute_url())


# Sitemap -------------------------------------------------------------------


def test_sitemap_lists_stages_riders_teams_and_editions(client, tour):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls_ = {
        loc.text.removeprefix(settings.SITE_URL)
        for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")
    }
    assert "/" in urls_
    assert "/about/" in urls_
    assert "/races/tour-de-france/2023/" in urls_
    stages = {u for u in urls_ if "/stage-" in u and u.startswith("/races/")}
    assert len(stages) == 11 * 21  # 21 stages in each of the eleven Grand Tours
    # Each page in every language.
    assert {u for u in urls_ if "/stage-" in u} == {
        prefix + stage for stage in stages for prefix in ("", "/fr", "/it", "/es")
    }
    assert "/races/tour-de-france/2023/stage-12/" in stages
    assert "/riders/jonas-vingegaard/" in urls_
    assert "/races/tour-de-france/2023/teams/cof/" in urls_


def test_sitemap_queries_are_fixed(client, tour, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get("/sitemap.xml")


# Error pages ---------------------------------------------------------------


def test_404_page_is_friendly_and_offers_a_search(client, tour):
    response = client.get("/riders/tadej-pogachar/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "not on the route" in html
    assert 'href="/"' in html
    assert 'action="/search/"' in html
    assert 'value="tadej pogachar"' in html
    assert '<a class="skip-link"' in html


def test_404_for_an_address_no_view_knows(client, tour):
    response = client.get("/nothing/here/at/all")
    assert response.status_code == 404
    assert b"not on the route" in response.content


def test_500_page_needs_no_database_and_no_request_context():
    # No db fixture: pytest-django makes any database access here an error.
    assert urls.handler500 == "toursite.views.server_error"
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'href="/"' in html
    assert "<script" not in html


def test_a_crashing_view_shows_the_500_page(client, tour, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("riders.queries.rides_of", boom)
    client.raise_request_exception = False
    response = client.get("/riders/jonas-vingegaard/")
    assert response.status_code == 500
    assert b"Crash in the peloton" in response.content
    assert b"database on fire" not in response.content


# Hostile input ---------------------------------------------------------------

HOSTILE_PATHS = [
    "/riders/%00/",
    "/riders/../../etc/passwd",
    "/riders/" + "a" * 5000 + "/",
    "/races/tour-de-france/-1/riders/",
    "/races/tour-de-france/2023/riders/?page=%00",
    "/races/tour-de-france/2023/teams/%2e%2e/",
    "/races/tour-de-france/2023/teams/cof/?q=%00",
    "/races/%F0%9F%9A%B4/2023/teams/",
    "/races/tour-de-france/9223372036854775808/teams/cof/",
    "/search/?q=%00%00%00",
    "/search/?q=" + "%C3%A9" * 3000,
    "/search/?q=%FF%FE",
    "/search/?q[]=x",
    "/feed/reports.atom?page=-1",
    "/sitemap.xml?p=abc",
    "/sitemap.xml?p=999",
    "/about/?%00=%00",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_no_hostile_address_gives_a_500(client, tour, path):
    client.raise_request_exception = False
    assert client.get(path).status_code < 500
