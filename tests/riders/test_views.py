"""Rider profile and start list, as a fan sees them (search: test_search.py)."""

import re

import pytest
from django.utils import timezone

from editions.models import Rider
from stages.models import StageResult
from stages.services import recompute


def section(html: str, anchor: str) -> str:
    """The HTML of one edition's section of a rider page."""
    start = html.index(f'id="{anchor}"')
    end = html.index("</section>", start)
    # Up to its "Climbs and sprints" (test_scored.py), if any.
    nested = html.find("<section", start)
    return html[start : end if nested == -1 else min(end, nested)]


# Rider profile -------------------------------------------------------------


def test_vingegaard_page_shows_his_tour_stage_by_stage(client, tour):
    response = client.get("/riders/jonas-vingegaard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert "VINGEGAARD</span> Jonas" in html
    assert "10 December 1996" in html
    today = timezone.localdate()
    age = today.year - 1996 - ((today.month, today.day) < (12, 10))
    assert f"(age {age})" in html
    tdf = section(html, "tour-de-france-2023")
    stage_links = re.findall(r'<th scope="row">\s*<a href="([^"]+)">Stage', tdf)
    assert stage_links == [
        f"/races/tour-de-france/2023/stage-{n}/" for n in range(1, 22)
    ]
    assert 'Bib <span class="bib">1</span>' in tdf
    assert "Jumbo-Visma" in tdf
    # Fifteen days in yellow: he took it on stage 6 and wore it from stage 7 to Paris.
    assert re.search(r"Yellow jersey</strong>: 15 days\s*\(stages 7–21\)", tdf)
    assert "<strong>1st</strong> general" in tdf


def test_rider_page_stage_row_shows_rank_gap_and_gc(client, tour):
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    tdf = section(html, "tour-de-france-2023")
    row = re.search(r'stage-16/">Stage 16</a>.*?</th>(.*?)</tr>', tdf, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in row.split("</td>")]
    # Stage 16, the Combloux time trial: he won it, and led the GC after it.
    assert cells[0] == "1"  # stage rank
    assert cells[1] == "1"  # GC rank after the stage
    assert re.fullmatch(r"\d:\d\d:\d\d", cells[2])  # the winner's time
    assert "Yellow jersey" in row


def test_rider_page_gc_chart_is_accessible_svg(client, tour):
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    tdf = section(html, "tour-de-france-2023")
    figure = tdf[tdf.index('<figure class="chart rank-chart') :]
    svg = figure[: figure.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "Stage 6: 1st" in svg
    assert "Stage 1: 9th" in svg
    assert "style=" not in svg  # strict CSP: no inline styles
    assert svg.count("<circle") == 21


def test_izagirre_page_shows_his_stage_12_win(client, tour):
    html = client.get("/riders/ion-izagirre/").content.decode()
    tdf = section(html, "tour-de-france-2023")
    assert re.search(
        r"Stage win</strong>: <a href=\"/races/tour-de-france/2023/stage-12/\">"
        r"stage 12</a>, Roanne → Belleville-en-Beaujolais",
        tdf,
    )
    assert tdf.count('class="win"') == 1


def test_rider_of_giro_and_tour_shows_both_editions_newest_first(client, tour, giro):
    html = client.get("/riders/mark-cavendish/").content.decode()
    assert html.index('id="tour-de-france-2023"') < html.index(
        'id="giro-d-italia-2023"'
    )
    giro_part = section(html, "giro-d-italia-2023")
    tour_part = section(html, "tour-de-france-2023")
    assert 'stage-21/">stage 21</a>' in giro_part  # won in Rome
    assert "Left the race on" in tour_part
    assert "stage 8</a>" in tour_part
    assert "did not finish (<abbr" in tour_part
    # The list of his Grand Tours leads to each edition's section.
    assert 'href="#tour-de-france-2023"' in html
    assert 'href="#giro-d-italia-2023"' in html


def test_rider_page_queries_do_not_grow_with_editions(
    client, tour, django_assert_max_num_queries
):
    # Sepp Kuss rode eight of the eleven Grand Tours loaded (exact counts, and a
    # rider of one edition: test_careers.py).
    with django_assert_max_num_queries(9):
        response = client.get("/riders/sepp-kuss/")
    assert response.content.decode().count('class="ride"') == 8
    with django_assert_max_num_queries(9):
        client.get("/riders/ion-izagirre/")


@pytest.mark.parametrize(
    "path",
    [
        "/riders/nobody-at-all/",
        "/riders/jonas-vingegaard-2/",
        "/riders/" + "x" * 300 + "/",
        "/riders/%00/",
        "/riders/jonas%20vingegaard/",
    ],
)
def test_unknown_rider_is_a_404_page(client, tour, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"not on the route" in response.content


# Start list ----------------------------------------------------------------


def test_start_list_shows_teams_riders_and_bibs(client, tour):
    html = client.get("/races/tour-de-france/2023/riders/").content.decode()
    assert "22 teams, 176 riders." in html
    assert html.count('class="card team-card"') == 22
    assert len(re.findall(r'<span class="bib">\d+</span>', html)) == 176
    # Start-list order: Jumbo-Visma (bibs 1-8) first, Cofidis (121-128) later.
    cards = html[html.index('id="teams-title"') :]
    assert cards.index("Jumbo-Visma") < cards.index("Cofidis")
    assert re.search(
        r'<span class="bib">1</span>\s*<span class="who">.*?VINGEGAARD', cards, re.S
    )


def test_start_list_shows_who_left_and_on_which_stage(client, tour):
    html = client.get("/races/tour-de-france/2023/riders/").content.decode()
    left = html[html.index('id="left-title"') : html.index("</table>")]
    # The header row and the 26 riders who left.
    assert len(re.findall(r"<tr[ >]", left)) == 1 + 26
    row = re.search(r"<tr[^>]*>((?:(?!</tr>).)*CAVENDISH.*?)</tr>", left, re.S)[1]
    assert 'stage-8/">8</a>' in row
    assert ">DNF</abbr>" in row
    # Carapaz did not start stage 2; the list runs by stage.
    assert left.index("CARAPAZ") < left.index("CAVENDISH") < left.index("LAFAY")
    # Exits are in this table only: a status beside a name in the team cards
    # would show, in spoiler-free mode, who left (its placeholder).
    cards = html[html.index("</table>") :]
    assert "CAVENDISH" in cards
    assert "stage 8" not in cards
    # The whole section waits for the latest stage to be revealed, not his.
    assert 'aria-labelledby="left-title" data-spoils="tour-de-france/2023/21"' in html


def test_start_list_counts_a_rider_whose_results_stop(client, tour):
    # His result rows simply stop after stage 10 (no status saved); the services
    # recompute after every write, which stores where he left.
    StageResult.objects.filter(
        stage__edition=tour, stage__number__gt=10, entry__rider__slug="jonas-vingegaard"
    ).delete()
    recompute.recompute_standings(tour)
    html = client.get("/races/tour-de-france/2023/riders/").content.decode()
    left = html[html.index('id="left-title"') : html.index("</table>")]
    row = re.search(r"<tr>((?:(?!</tr>).)*VINGEGAARD.*?)</tr>", left, re.S)[1]
    assert 'stage-11/">11</a>' in row


def test_start_list_queries_do_not_grow_with_riders(
    client, tour, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/races/tour-de-france/2023/riders/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/races/tour-de-france/1999/riders/",
        "/races/tour-de-france/0/riders/",
        "/races/tour-de-france/99999999999999999999999/riders/",
        "/races/tour-de-pologne/2023/riders/",
        "/races/tour-de-france/2023x/riders/",
    ],
)
def test_unknown_race_or_year_start_list_is_404(client, tour, path):
    assert client.get(path).status_code == 404


def test_birth_date_unknown_is_left_out(client, tour):

    Rider.objects.filter(slug="ion-izagirre").update(birth_date=None)
    html = client.get("/riders/ion-izagirre/").content.decode()
    # (Not the word alone: he rode the Tour 2021 through Le Grand-Bornand.)
    assert "<dt>Born</dt>" not in html
    assert "aged" not in html
    assert "Stage win" in html
