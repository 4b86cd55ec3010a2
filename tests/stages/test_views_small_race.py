"""The fan pages on a small race built by the factories (3 stages, 2 teams of 3):
what a fan sees, page and fragment from one URL, and query counts that do not grow
with the field."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stages.models import Standing
from stages.services import recompute
from tests.factories import (
    EntryFactory,
    RiderFactory,
    StageResultFactory,
    small_race,
)

pytestmark = pytest.mark.django_db


def _url(race, suffix: str = "") -> str:
    e = race.edition
    return f"/races/{e.race.slug}/{e.year}/{suffix}"


def _order(html: str, *names: str) -> list[int]:
    return [html.index(name) for name in names]


def test_stage_page_shows_the_stage_winner_first(client):
    race = small_race()
    response = client.get(_url(race, "stage-2/"))
    assert response.status_code == 200
    # Bib 11 (Dahl) won stage 2; bib 1 (Aalto) was second.
    first, second = _order(response.content.decode(), "DAHL", "AALTO")
    assert first < second


def test_gc_table_follows_the_stored_standings_page_and_fragment(client):
    race = small_race()
    leader = (
        Standing.objects.filter(stage=race.stage(3), classification="gc", rank=1)
        .select_related("entry__rider")
        .get()
    )
    path = _url(race, "stage-3/gc/")
    page = client.get(path).content.decode()
    fragment = client.get(path, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in page
    assert "<html" not in fragment
    name = leader.entry.rider.family_name.upper()
    for html in (page, fragment):
        assert name in html


def test_scheduled_stage_has_no_tables_yet(client):
    race = small_race(stages=2)
    html = client.get(_url(race, "stage-3/")).content.decode()
    assert "DAHL" not in html
    assert "AALTO" not in html


def test_start_list_and_team_page_list_the_riders(client):
    race = small_race()
    start_list = client.get(_url(race, "riders/")).content.decode()
    for family in ("AALTO", "BERG", "CRUZ", "DAHL", "EKLUND", "FAURE"):
        assert family in start_list
    team = race.teams[1]
    page = client.get(_url(race, f"teams/{team.code.lower()}/")).content.decode()
    assert "DAHL" in page
    assert "AALTO" not in page


def _grow_field(race, riders: int) -> None:
    """``riders`` more riders on the first team, finishing every raced stage."""
    for n in range(riders):
        entry = EntryFactory(
            edition=race.edition,
            team=race.teams[0],
            rider=RiderFactory(birth_date=date(1990, 1, 1)),
            bib=100 + n,
        )
        for number in (1, 2, 3):
            StageResultFactory(
                stage=race.stage(number),
                entry=entry,
                rank=10 + n,
                time_s=4000 + n,
            )
    recompute.recompute_standings(race.edition)


@pytest.mark.parametrize(
    "suffix",
    ["", "stage-3/", "stage-3/gc/", "stage-3/teams/", "riders/", "teams/"],
)
def test_query_count_does_not_grow_with_the_field(client, suffix):
    race = small_race()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(race, suffix)).status_code == 200
        return len(captured)

    queries()  # warm-up: once-per-process reads are not the field's
    before = queries()
    _grow_field(race, 30)
    assert queries() == before


def test_race_page_query_count_does_not_grow_with_the_field(client):
    race = small_race()
    path = f"/races/{race.edition.race.slug}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        assert "AALTO" in response.content.decode()  # bib 1 won the GC
        return len(captured)

    queries()  # warm-up: once-per-process reads are not the field's
    before = queries()
    _grow_field(race, 30)
    assert queries() == before
