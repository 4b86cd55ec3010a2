"""Rider and team pages read who left the race as stored on each entry
(``Entry.exit_stage``/``exit_status``, kept current by every recompute); they
derive nothing from the results themselves."""

import re

import pytest

from editions.models import Entry
from riders import queries as rider_queries
from stages.models import StageResult
from stages.services import recompute
from teams import queries as team_queries

START_LIST = "/races/tour-de-france/2023/riders/"


@pytest.fixture
def vingegaard_out(tour) -> Entry:
    """The winner of the 2023 Tour, stored as out on stage 5: a state no result
    row says, so only a page reading the stored exit can show it."""
    Entry.objects.filter(edition=tour, rider__slug="jonas-vingegaard").update(
        exit_stage=5, exit_status="DNS"
    )
    return Entry.objects.get(edition=tour, rider__slug="jonas-vingegaard")


def test_start_list_shows_the_stored_exit(client, vingegaard_out):
    html = client.get(START_LIST).content.decode()
    left = html[html.index('id="left-title"') : html.index("</table>")]
    # header, the 26 who left and him
    assert len(re.findall(r"<tr[ >]", left)) == 1 + 27
    assert left.index("CARAPAZ") < left.index("VINGEGAARD") < left.index("CAVENDISH")
    row = re.search(r"<tr>((?:(?!</tr>).)*VINGEGAARD.*?)</tr>", left, re.S)[1]
    assert 'stage-5/">5</a>' in row
    assert ">DNS</abbr>" in row


def test_rider_page_shows_the_stored_exit(client, vingegaard_out):
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    tour = html[html.index('id="tour-de-france-2023"') :]
    assert re.search(r'Left the race on <a href="[^"]*stage-5/">stage 5</a>', tour)
    assert "did not start (<abbr" in tour


def test_team_pages_count_the_stored_exit(client, vingegaard_out):
    html = client.get("/races/tour-de-france/2023/teams/").content.decode()
    row = re.search(r"Jumbo-Visma</a>.*?</th>(.*?)</tr>", html, re.S).group(1)
    assert "6 of 8" in row
    html = client.get("/races/tour-de-france/2023/teams/tjv/").content.decode()
    riders = html[html.index('id="riders-title"') : html.index('id="wins-title"')]
    vingegaard = re.search(r"VINGEGAARD.*?</tr>", riders, re.S).group(0)
    assert 'title="Did not start">DNS</abbr>' in vingegaard
    assert 'stage-5/">stage 5</a>' in vingegaard


def test_a_rider_whose_results_stop_is_out_after_the_recompute(client, tour):
    # His rows stop after stage 10 (no status saved); the write path recomputes.
    StageResult.objects.filter(
        stage__edition=tour, stage__number__gt=10, entry__rider__slug="jonas-vingegaard"
    ).delete()
    recompute.recompute_standings(tour)
    html = client.get(START_LIST).content.decode()
    left = html[html.index('id="left-title"') : html.index("</table>")]
    row = re.search(r"<tr>((?:(?!</tr>).)*VINGEGAARD.*?)</tr>", left, re.S)[1]
    assert 'stage-11/">11</a>' in row
    assert "No result" in row


def test_queries_do_not_grow_with_riders(tour, django_assert_num_queries):
    team = tour.teams.get(code="TJV")
    rider = Entry.objects.get(edition=tour, bib=1).rider
    with django_assert_num_queries(1):
        rider_queries.start_list(tour)
    with django_assert_num_queries(3):
        team_queries.team_rows(tour)
    with django_assert_num_queries(5):
        team_queries.team_page(team)
    with django_assert_num_queries(6):
        rider_queries.rides_of(rider)
