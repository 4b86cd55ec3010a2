"""The stage page as issue 13 left it: the key facts before the report, the
tables' history and titles, downloads that follow the filters, the GC's compare
form, spoiler markers and the small faults fixed."""

import re

import pytest
from django.urls import reverse

from stages.models import Stage
from tests.factories import small_race

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
TTT = "/races/vuelta-a-espana/2023/stage-1/"
HX = {"HX-Request": "true"}
TITLE = "Stage 12: Roanne – Belleville-en-Beaujolais · Tour de France 2023"
# Version, stage, teams, rows, jerseys, stage numbers, key facts (stage top ten,
# GC top ten, its jerseys, leaders), reports, checkpoints.
PAGE_QUERIES = 12
SPOILS_12 = 'data-spoils="tour-de-france/2023/12"'

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return " ".join(html.split())


def part(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def key_facts(html: str) -> str:
    return part(html, '<section class="card key-facts"', "</section>")


# Key facts ------------------------------------------------------------------


def test_key_facts_come_before_the_report_and_the_tables(client):
    html = squash(client.get(STAGE_12).content.decode())
    facts_at = html.index('class="card key-facts"')
    assert facts_at < html.index('<article class="card report"')
    assert facts_at < html.index('id="stage-tables"')
    facts = key_facts(html)
    stage_top, gc_top, leaders = facts.split('<div class="fact"')[1:]
    assert stage_top.count("<li>") == 10
    assert stage_top.index("IZAGIRRE") < stage_top.index("BURGAUDEAU")
    assert "3:51:42" in stage_top  # the winner's time, the others' gaps
    assert "+0:58" in stage_top
    assert gc_top.count("<li>") == 10
    assert "General classification after stage 12" in gc_top
    assert gc_top.index("VINGEGAARD") < gc_top.index("POGAČAR")
    assert "Yellow jersey" in gc_top
    # The leaders after stage 12, not after the race's last stage.
    assert "Leaders after stage 12" in leaders
    assert "VINGEGAARD" in leaders
    assert "PHILIPSEN" in leaders
    assert "POWLESS" in leaders
    assert f'href="{STAGE_12}#tables-heading"' in stage_top
    assert f'href="{STAGE_12}gc/#tables-heading"' in gc_top
    assert f'href="{STAGE_12}mountains/#tables-heading"' in leaders


def test_key_facts_of_another_stage_show_that_stage(client):
    html = squash(client.get("/races/tour-de-france/2023/stage-5/").content.decode())
    facts = key_facts(html)
    assert "Leaders after stage 5" in facts
    assert "HINDLEY" in facts.split("Leaders after stage 5")[1]  # yellow after 5
    assert 'data-spoils="tour-de-france/2023/5"' in facts


def test_key_facts_of_a_team_time_trial_rank_teams(client):
    facts = key_facts(squash(client.get(TTT).content.decode()))
    assert "Stage 1: top teams" in facts
    top = facts.split('<div class="fact"')[1]
    assert top.index("Team dsm - firmenich") < top.index("Movistar Team")
    assert "rider-name" not in top


def test_no_key_facts_before_the_stage_is_raced(client, tour):
    Stage.objects.filter(edition=tour, number=12).update(status="scheduled")
    stage = Stage.objects.get(edition=tour, number=12)
    stage.results.all().delete()
    stage.standings.all().delete()
    html = client.get(STAGE_12).content.decode()
    assert "key-facts" not in html


def test_key_facts_keep_the_query_count_fixed(client, django_assert_num_queries):
    """The same count for the Tour's 176 riders and a 6-rider race."""
    race = small_race()
    small = f"/races/{race.edition.race.slug}/{race.edition.year}/stage-2/"
    for url in (STAGE_12, small):
        with django_assert_num_queries(PAGE_QUERIES):
            html = client.get(url).content.decode()
        assert "key-facts" in html


# Tabs, history and titles -----------------------------------------------------


def test_tabs_are_aria_tabs_and_still_links(client):
    html = squash(client.get(f"{STAGE_12}gc/?team=uad").content.decode())
    tablist = part(html, 'role="tablist"', "</ul>")
    tabs = re.findall(r"<a [^>]*>", tablist)
    assert len(tabs) == 7
    assert all('role="tab"' in t and 'aria-controls="table-panel"' in t for t in tabs)
    chosen = [t for t in tabs if 'aria-selected="true"' in t]
    assert len(chosen) == 1
    assert 'id="tab-gc"' in chosen[0]
    # Without JavaScript a tab lands on the tables, not the top of the page.
    assert f'href="{STAGE_12}points/?team=UAD#tables-heading"' in tablist
    assert 'id="table-panel" role="tabpanel" aria-labelledby="tab-gc"' in html


def test_fragment_carries_the_page_title_first(client):
    html = client.get(f"{STAGE_12}gc/", headers=HX).content.decode()
    assert html.lstrip().startswith("<title>")
    assert squash(part(html, "<title>", "</title>")) == f"{TITLE} · General"
    page = client.get(f"{STAGE_12}gc/").content.decode()
    assert squash(part(page, "<title>", "</title>")) == f"{TITLE} · General"


@pytest.mark.parametrize(
    ("trigger", "history"),
    [
        ("tab-points", "push"),  # a tab: a history entry at its clean address
        ("table-clear", "push"),
        ("table-q", None),  # typing: the input's hx-replace-url decides
        ("table-team", None),  # the team list: its hx-push-url
        ("table-poll", None),
    ],
)
def test_history_headers_by_trigger(client, trigger, history):
    response = client.get(
        f"{STAGE_12}gc/?team=&q=pog", headers=HX | {"HX-Trigger": trigger}
    )
    if history == "push":
        assert response["HX-Push-Url"] == f"{STAGE_12}gc/?q=pog"
    else:
        assert "HX-Push-Url" not in response
        assert "HX-Replace-Url" not in response


def test_filter_fields_say_how_they_update_history(client):
    form = squash(
        part(
            client.get(f"{STAGE_12}gc/").content.decode(),
            '<form id="table-filters"',
            "</form>",
        )
    )
    assert 'hx-disinherit="hx-push-url"' in form
    select = part(form, '<select id="table-team"', ">")
    assert 'hx-trigger="change delay:600ms"' in select
    assert 'hx-push-url="true"' in select
    box = part(form, '<input id="table-q"', ">")
    assert 'hx-replace-url="true"' in box
    assert "hx-push-url" not in box


def test_clear_is_a_link_shown_only_with_a_filter(client):
    plain = squash(client.get(f"{STAGE_12}gc/").content.decode())
    assert re.search(r'<a id="table-clear"[^>]* hidden>Clear</a>', plain)
    filtered = squash(client.get(f"{STAGE_12}gc/?q=pog").content.decode())
    clear = re.search(r'<a id="table-clear"[^>]*>Clear</a>', filtered).group(0)
    assert f'href="{STAGE_12}gc/"' in clear
    assert "hidden" not in clear


# Small faults -----------------------------------------------------------------


def test_no_match_message_has_no_stray_space(client):
    html = squash(client.get(f"{STAGE_12}gc/?q=zzz").content.decode())
    assert "Nothing matches “zzz”." in html
    html = squash(client.get(f"{STAGE_12}?team=tjv&q=zzz").content.decode())
    assert "Nothing matches “zzz” in that team." in html


def test_the_teams_table_shows_every_team_and_a_team_example(client):
    html = squash(client.get(f"{STAGE_12}teams/").content.decode())
    assert "Pogačar" not in part(html, '<input id="table-q"', ">")
    assert 'placeholder="e.g. AG2R Citroën Team"' in html
    assert "Top 20" not in html
    assert "22 rows." in html
    assert part(html, "<tbody>", "</tbody>").count("<tr") == 22


# Downloads, compare, spoilers ------------------------------------------------------


def test_downloads_follow_the_filters(client):
    html = squash(client.get(f"{STAGE_12}gc/?team=uad&q=yates&all=1").content.decode())
    csv_url = reverse("api:table_csv", args=["tour-de-france", 2023, 12, "gc"])
    json_url = reverse("api:table_json", args=["tour-de-france", 2023, 12, "gc"])
    foot = part(html, '<p class="downloads">', "</p>")
    assert f'href="{csv_url}?team=UAD&amp;q=yates"' in foot
    assert f'href="{json_url}?team=UAD&amp;q=yates"' in foot
    assert "filtered rows" in foot
    plain = part(
        squash(client.get(f"{STAGE_12}gc/").content.decode()),
        '<p class="downloads">',
        "</p>",
    )
    assert f'href="{csv_url}"' in plain
    assert "filtered" not in plain


def test_the_gc_table_is_a_compare_form(client):
    html = squash(client.get(f"{STAGE_12}gc/").content.decode())
    form = part(html, '<form id="compare-form"', "</form>")
    action = reverse("riders:compare", args=["tour-de-france", 2023])
    assert f'action="{action}"' in form
    assert 'method="get"' in form
    ticks = re.findall(r'<input type="checkbox" name="riders" value="([\w-]+)"', form)
    assert len(ticks) == 20
    assert ticks[0] == "jonas-vingegaard"
    assert "Compare selected (2–4)" in form
    # The tick sits in the rank cell, labelled with the rider's name.
    first = part(form, "<tbody>", "</tr>")
    assert "Compare VINGEGAARD Jonas" in first
    assert 'class="compare-pick"' in part(first, '<td class="col-rank">', "</td>")
    for other in ("", "youth/", "points/"):
        assert "compare-form" not in client.get(f"{STAGE_12}{other}").content.decode()


def test_every_outcome_carries_the_spoiler_marker(client):
    html = squash(client.get(STAGE_12).content.decode())
    assert re.search(r'<p class="stage-winner" ' + SPOILS_12, html)
    assert re.search(r'id="table-panel"[^>]*' + SPOILS_12, html)
    assert html.count(f'<div class="fact" {SPOILS_12}>') == 3
    report = re.search(r"<article [^>]*>", html).group(0)
    assert SPOILS_12 in report
    fragment = squash(client.get(STAGE_12, headers=HX).content.decode())
    assert re.search(r'id="table-panel"[^>]*' + SPOILS_12, fragment)


def test_the_live_panel_carries_the_spoiler_marker(client, tour):
    Stage.objects.filter(edition=tour, number=12).update(status=Stage.Status.LIVE)
    html = squash(client.get(f"{STAGE_12}live/").content.decode())
    assert re.search(r'<section id="live"[^>]*' + SPOILS_12, html)
