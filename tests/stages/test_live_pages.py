"""The fans' live panel, ticker feed and provisional tables, through the pages:
a small race whose third stage is raced live (times in tests/factories.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from racing.live import Group
from stages.models import Stage
from stages.services import live
from tests.factories import small_race

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "live-panel"}


@pytest.fixture
def race(db):
    race = small_race(stages=2)
    live.stage_go_live(stage=race.stage(3))
    return race


def _url(race, name="stages:live", number=3):
    e = race.edition
    return reverse(name, args=[e.race.slug, e.year, number])


def _break_away(race):
    """Dahl (bib 11, 2nd at 0:03) and Cruz in the break, the rest 0:30 behind."""
    live.situation_save(
        stage=race.stage(3),
        km_to_go=Decimal("12.5"),
        groups=[Group("Break", 0, (11, 3)), Group("Peloton", 30, rest=True)],
    )


def test_the_live_page_shows_the_situation_the_virtual_gc_and_the_ticker(client, race):
    _break_away(race)
    live.ticker_post(
        stage=race.stage(3), text="**Dahl** attacks", kind="attack", bibs=(11,)
    )
    response = client.get(_url(race))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert 'id="stage-tables"' in page
    assert "12.5 km</strong> to go" in page
    assert "Break" in page
    assert "everyone else (4)" in page
    assert "<strong>Dahl</strong> attacks" in page
    # Dahl leads on the road; Aalto, leader this morning, is 0:27 behind.
    assert "Leader on the road" in page
    virtual = page[page.index("results--virtual") :]
    assert virtual.index("DAHL") < virtual.index("AALTO") < virtual.index("BERG")
    assert "+0:27" in virtual
    assert 'hx-trigger="every 5s, refresh"' in page


def test_an_htmx_request_gets_the_panel_alone(client, race):
    live.ticker_post(stage=race.stage(3), text="Crash in the peloton", kind="crash")
    response = client.get(_url(race), **HX)
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="live-panel"')
    assert "Crash in the peloton" in page
    # The poll and the filter form share this stored fragment: no pushed address
    # (the form pushes its own), or every poll would add a history entry.
    assert "HX-Push-Url" not in response.headers
    filtered = client.get(
        _url(race), HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="live-filters"
    )
    assert "HX-Push-Url" not in filtered.headers


def test_every_live_write_changes_the_etag_and_a_poll_in_between_gets_304(client, race):
    first = client.get(_url(race), **HX)
    etag = first.headers["ETag"]
    assert (
        first.headers["Cache-Control"] == "public, max-age=1, stale-while-revalidate=10"
    )
    again = client.get(_url(race), HTTP_IF_NONE_MATCH=etag, **HX)
    assert again.status_code == 304
    live.ticker_post(stage=race.stage(3), text="Flamme rouge", km_to_go=1)
    fresh = client.get(_url(race), HTTP_IF_NONE_MATCH=etag, **HX)
    assert fresh.status_code == 200
    assert "Flamme rouge" in fresh.content.decode()


def test_bad_parameters_fall_back_without_a_new_variant(client, race):
    plain = client.get(_url(race), **HX).headers["ETag"]
    junk = client.get(_url(race) + "?team=NOPE&all=yes&zzz=1", **HX)
    assert junk.status_code == 200
    assert junk.headers["ETag"] == plain


def test_the_virtual_gc_takes_the_usual_filters(client, race):
    _break_away(race)
    code = race.teams[1].code
    page = client.get(_url(race) + f"?team={code}", **HX).content.decode()
    virtual = page[page.index("results--virtual") :]
    assert "DAHL" in virtual
    assert "AALTO" not in virtual


def test_arrivals_make_provisional_tables_and_the_end_stops_polling(client, race):
    stage = race.stage(3)
    live.arrivals_paste_save(stage=stage, text="1,11,1:00:00\n")
    live.arrivals_paste_save(stage=stage, text="rank,bib,time\n2,1,+0:04\n")
    table = client.get(_url(race, "stages:detail")).content.decode()
    assert "Leading so far" in table
    assert "Provisional" in table
    assert 'id="table-poll"' in table
    csv = client.get(
        reverse(
            "api:table_csv",
            args=[race.edition.race.slug, race.edition.year, 3, "gc"],
        )
    )
    assert "provisional" in csv.headers["Content-Disposition"]
    panel = client.get(_url(race), **HX).content.decode()
    assert "2 riders over the line" in panel
    live.stage_make_final(stage=stage)
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED
    done = client.get(_url(race), **HX).content.decode()
    assert "hx-trigger" not in done
    assert "tables below are official" in done
    table = client.get(_url(race, "stages:detail")).content.decode()
    assert "table-poll" not in table
    assert "Stage winner" in table


def test_the_stage_page_shows_the_panel_only_while_live(client, race):
    assert 'id="live-panel"' in client.get(_url(race, "stages:detail")).content.decode()
    finished = client.get(_url(race, "stages:detail", number=2)).content.decode()
    assert 'id="live-panel"' not in finished


def test_the_ticker_is_an_atom_feed_of_the_stage(client, race):
    live.ticker_post(stage=race.stage(3), text="Start of the stage", km_to_go=150)
    live.ticker_post(stage=race.stage(3), text="*Attack* by Berg", bibs=(2,))
    response = client.get(_url(race, "stages:live_feed"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert feed.index("Attack") < feed.index("Start of the stage")  # newest first
    assert "150.0 km to go" in feed
    missing = reverse(
        "stages:live_feed", args=[race.edition.race.slug, race.edition.year, 9]
    )
    assert client.get(missing).status_code == 404


def test_drafts_have_no_live_pages_for_visitors(client, race):
    race.edition.published = False
    race.edition.save()
    assert client.get(_url(race)).status_code == 404
    assert client.get(_url(race, "stages:live_feed")).status_code == 404


@pytest.mark.parametrize("riders", [3, 40])
def test_the_panel_costs_the_same_queries_whatever_the_field(
    client, race, riders, django_assert_max_num_queries
):
    from tests.factories import EntryFactory

    for bib in range(20, 20 + riders):
        EntryFactory(edition=race.edition, team=race.teams[0], bib=bib)
    live.situation_save(
        stage=race.stage(3),
        km_to_go=None,
        groups=[
            Group("Break", 0, tuple(range(20, 20 + riders))),
            Group("Peloton", 30, rest=True),
        ],
    )
    with django_assert_max_num_queries(14):
        assert client.get(_url(race), **HX).status_code == 200


def test_bonus_seconds_won_on_the_road_count_in_the_virtual_gc(client, race):
    from tests.factories import CheckpointCrossingFactory, CheckpointFactory

    stage = race.stage(3)
    bonus = CheckpointFactory(stage=stage, kind="bonus", name="Côte", km=100)
    CheckpointCrossingFactory(checkpoint=bonus, rank=1, entry=race.entry(1))
    live.situation_save(
        stage=stage, km_to_go=None, groups=[Group("Peloton", 0, rest=True)]
    )
    page = client.get(_url(race), **HX).content.decode()
    virtual = page[page.index("results--virtual") :]
    # Aalto led Dahl by 0:03 this morning and took 8 s at the Côte: 0:11 now.
    assert virtual.index("AALTO") < virtual.index("DAHL")
    assert "+0:11" in virtual


def test_the_feed_shows_the_time_of_day_where_the_race_is(client, race, settings):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "Europe/Paris"
    at = datetime(2023, 7, 13, 12, 5, tzinfo=UTC)  # 14:05 in France
    live.ticker_post(stage=race.stage(3), text="Summer time", at=at)
    assert "14:05" in client.get(_url(race, "stages:live_feed")).content.decode()


@pytest.mark.parametrize("entries", [1, 20])
def test_the_feed_costs_the_same_queries_whatever_the_ticker(
    client, race, entries, django_assert_max_num_queries
):
    for n in range(entries):
        live.ticker_post(stage=race.stage(3), text=f"Entry {n}")
    with django_assert_max_num_queries(6):
        assert client.get(_url(race, "stages:live_feed")).status_code == 200


def test_after_the_first_finisher_gaps_count_from_the_winner(client, race):
    stage = race.stage(3)
    live.arrivals_paste_save(stage=stage, text="1,11,1:00:00\n")
    live.situation_save(
        stage=stage, km_to_go=None, groups=[Group("Peloton", 60, rest=True)]
    )
    page = client.get(_url(race), **HX).content.decode()
    assert "+1:00" in page[page.index("road-groups") :]
    virtual = page[page.index("results--virtual") :]
    # Dahl won (10 s bonus); Aalto, 0:03 ahead this morning, is a minute down.
    assert virtual.index("DAHL") < virtual.index("AALTO")
    assert "+1:07" in virtual
