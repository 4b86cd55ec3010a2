"""Team list and team page, as a fan sees them."""

import re

import pytest

from stages.models import Stage, StageResult


def test_team_list_shows_every_team_with_its_page(client, tour):
    html = client.get("/races/tour-de-france/2023/teams/").content.decode()
    assert html.count('<th scope="row">') == 22
    assert 'href="/races/tour-de-france/2023/teams/cof/"' in html
    row = re.search(r"Jumbo-Visma</a>.*?</th>(.*?)</tr>", html, re.S).group(1)
    # Jumbo-Visma: 7 of 8 riders reached Paris, and won the team classification.
    assert "7 of 8" in row
    assert "1st" in row


def test_team_list_queries_are_fixed(client, tour, django_assert_max_num_queries):
    # 4, plus the data-version query of toursite.http.public_page.
    with django_assert_max_num_queries(5):
        assert client.get("/races/tour-de-france/2023/teams/").status_code == 200


def test_cofidis_page_lists_its_stage_wins(client, tour):
    html = client.get("/races/tour-de-france/2023/teams/cof/").content.decode()
    assert "<h1>Cofidis</h1>" in html
    start = html.index('id="wins-title"')
    wins = html[start : html.index("</ul>", start)]
    assert re.search(
        r'stage-12/">Stage 12</a>, Roanne → Belleville-en-Beaujolais:\s*'
        r'<a class="rider-name"\s+href="/riders/ion-izagirre/">',
        wins,
    )
    assert 'stage-2/">Stage 2</a>' in wins  # Victor Lafay in San Sebastián


def test_team_page_riders_with_bibs_and_status(client, tour):
    html = client.get("/races/tour-de-france/2023/teams/cof/").content.decode()
    riders = html[html.index('id="riders-title"') : html.index('id="wins-title"')]
    bibs = re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row">', riders)
    assert bibs == [str(b) for b in range(121, 129)]
    geschke = re.search(r"GESCHKE.*?</tr>", riders, re.S).group(0)
    assert 'title="Did not finish">DNF</abbr>' in geschke
    assert 'stage-18/">stage 18</a>' in geschke
    # In the Status column, and folded under the name for phones.
    assert len(re.findall(r'<td class="col-fold"[^>]*>\s*Finished', riders)) == 4
    assert len(re.findall(r'<span class="fold meta"[^>]*>\s*Finished', riders)) == 4


def test_team_page_during_the_race_says_in_the_race(client, tour):
    Stage.objects.filter(edition=tour, number=21).update(status="scheduled")
    StageResult.objects.filter(stage__edition=tour, stage__number=21).delete()
    html = client.get("/races/tour-de-france/2023/teams/cof/").content.decode()
    riders = html[html.index('id="riders-title"') : html.index('id="wins-title"')]
    assert riders.count("In the race") == 2 * 4  # the column and the fold
    assert "Finished" not in riders


def test_team_page_classification_stage_by_stage_and_best_rider(client, tour):
    html = client.get("/races/tour-de-france/2023/teams/cof/").content.decode()
    days = html[html.index('id="days-title"') :]
    assert len(re.findall(r'<th scope="row" class="num">', days)) == 21
    # Guillaume Martin finished 10th on GC, the team 11th.
    assert re.search(r"Best on GC</dt>\s*<dd>\s*<a[^>]*guillaume-martin", html)
    assert "10th" in html
    assert re.search(r"11th\s*after stage 21", html)


def test_team_page_queries_are_fixed(client, tour, django_assert_max_num_queries):
    # The data version, edition, team, the team's page (5) and its other
    # editions (tests/teams/test_other_editions.py: whatever their number).
    with django_assert_max_num_queries(9):
        assert client.get("/races/tour-de-france/2023/teams/tjv/").status_code == 200


@pytest.mark.parametrize("code", ["COF", "Cof", "cOF"])
def test_team_code_in_capitals_redirects_to_lower_case(client, tour, code):
    """One address per team: another letter case is a permanent redirect (and
    neither rendered nor stored apart)."""
    response = client.get(f"/races/tour-de-france/2023/teams/{code}/", {"x": "1"})
    assert response.status_code == 301
    assert response["Location"] == "/races/tour-de-france/2023/teams/cof/?x=1"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/races/tour-de-france/2023/teams/xyz/",
        "/races/tour-de-france/2023/teams/cofi/",
        "/races/tour-de-france/2023/teams/" + "c" * 500 + "/",
        "/races/vuelta-a-espana/2022/teams/cof/",  # no Vuelta 2022 in the data
        "/races/tour-de-france/2024/teams/",
        "/races/tour-de-france/123456789012345678901234567890/teams/",
        "/races/nope/2023/teams/cof/",
        "/races/tour-de-france/2023/teams/c%00f/",
    ],
)
def test_unknown_team_race_or_year_is_404(client, tour, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"not on the route" in response.content


def test_team_page_is_a_public_cacheable_page(client, tour):
    """The lower-case redirect wrapper passes the edition on by name, so the page
    gets its data version: an ETag, a public Cache-Control, stored once."""
    url = "/races/tour-de-france/2023/teams/cof/"
    response = client.get(url)
    assert response["Cache-Control"].startswith("public")
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
