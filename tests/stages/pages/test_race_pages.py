"""Race pages (every edition of a race with its winners), the home page's races
and seasons, and stages not raced on the edition and home pages."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import Edition, Race
from racing import registry
from stages.models import Stage, StageResult
from stages.services import recompute
from stages.services.stage import stage_update
from tests.factories import EditionFactory, StageFactory, small_race

pytestmark = pytest.mark.django_db

TOUR = "/races/tour-de-france/"
VUELTA_2025 = "/races/vuelta-a-espana/2025/"
# Race page: version, editions with their dates, leaders of every edition.
RACE_QUERIES = 3


def squash(html: str) -> str:
    return " ".join(html.split())


def cards(html: str) -> list[str]:
    """The race page's editions, in page order, each as its squashed markup."""
    parts = html.split('<li class="card race-edition')[1:]
    return [squash(part.split("</article>")[0]) for part in parts]


def winner(card: str, label: str) -> str:
    """The squashed ``<dd>`` of the classification labelled ``label``."""
    return card.split(f"{label} </dt>")[1].split("</dd>")[0]


def race_page_queries(client, path: str) -> int:
    client.get(path)  # warm-up: once-per-process reads are not the editions'
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def cancel(stage: Stage) -> None:
    """Mark ``stage`` not raced, as an editor does (through the service)."""
    stage.status = Stage.Status.CANCELLED
    stage_update(stage=stage, changed={"status"})


# The race page


def test_the_tour_page_lists_its_four_editions_newest_first(client):
    response = client.get(TOUR)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tour de France</h1>" in html
    found = cards(html)
    assert len(found) == 4
    for card, year in zip(found, (2025, 2023, 2022, 2021), strict=True):
        assert f'<a href="/races/tour-de-france/{year}/">' in card
        assert "Winners" in card
        assert "Leaders after" not in card
    tour_2025, _, _, tour_2021 = found
    assert '<time datetime="2025-07-05">5 July</time>' in tour_2025
    assert '<time datetime="2025-07-27">27 July 2025</time>' in tour_2025
    assert "21 stages" in tour_2025
    assert '<time datetime="2021-06-26">26 June</time>' in tour_2021


def test_each_edition_names_the_winner_of_every_classification(client):
    tour_2025 = cards(client.get(TOUR).content.decode())[0]
    # The registry's labels, in its order.
    labels = [c.label for c in registry.CLASSIFICATIONS]
    positions = [tour_2025.index(f"{label} </dt>") for label in labels]
    assert positions == sorted(positions)
    gc = winner(tour_2025, registry.GENERAL.label)
    assert 'href="/riders/tadej-pogacar/"' in gc
    assert 'title="Nationality: Slovenia">SI<' in gc
    assert "UAE Team Emirates - XRG" in gc  # his team, under his name
    assert "MILAN" in winner(tour_2025, "Points")
    assert "POGAČAR" in winner(tour_2025, "Mountains")
    assert "LIPOWITZ" in winner(tour_2025, "Youth")
    teams = winner(tour_2025, registry.TEAMS.label)
    assert 'href="/races/tour-de-france/2025/teams/' in teams
    assert "Team Visma | Lease a Bike</a>" in teams
    assert "Yellow jersey" in tour_2025  # the Tour's jerseys
    # The Vuelta 2025 was won after a stage not raced: its standings count.
    vuelta_2025 = cards(client.get("/races/vuelta-a-espana/").content.decode())[0]
    assert "Winners" in vuelta_2025
    assert "VINGEGAARD" in winner(vuelta_2025, registry.GENERAL.label)
    assert "Red jersey" in vuelta_2025


def test_the_flag_is_the_riders_nationality_in_that_edition(client):
    race = small_race()
    leader = race.entry(1)  # bib 1 leads the GC after stage 3
    leader.nationality = "RU"
    leader.save()
    recompute.bump_version(race.edition)
    assert leader.rider.nationality == "FR"
    html = client.get(reverse("stages:race", args=[race.edition.race.slug]))
    gc = winner(cards(html.content.decode())[0], registry.GENERAL.label)
    assert "AALTO" in gc
    assert 'title="Nationality: Russia">RU<' in gc
    assert "Nationality: France" not in gc


def test_an_edition_being_raced_shows_its_leaders_not_winners(client):
    before = client.get(TOUR).content.decode()  # stored for this data version
    assert "Leaders after" not in before
    tour_2025 = Edition.objects.get(race__slug="tour-de-france", year=2025)
    StageResult.objects.filter(stage__edition=tour_2025, stage__number__gt=14).delete()
    Stage.objects.filter(edition=tour_2025, number__gt=14).update(
        status=Stage.Status.SCHEDULED
    )
    recompute.recompute_standings(tour_2025, from_stage=15)
    # A change to one edition of the race gives a new page.
    found = cards(client.get(TOUR).content.decode())
    assert "Leaders after stage 14 of 21" in found[0]
    assert "Winners" not in found[0]
    assert 'data-spoils="tour-de-france/2025/14"' in found[0]
    assert all("Winners" in card for card in found[1:])


def test_an_edition_without_results_shows_its_dates_and_not_started(client):
    tour = Race.objects.get(slug="tour-de-france")
    edition = EditionFactory(race=tour, year=2026)
    for number in (1, 2):
        StageFactory(
            edition=edition,
            number=number,
            date=date(2026, 7, 4) + timedelta(days=number - 1),
            status=Stage.Status.SCHEDULED,
        )
    recompute.bump_version(edition)
    found = cards(client.get(TOUR).content.decode())
    assert len(found) == 5
    assert '<a href="/races/tour-de-france/2026/">' in found[0]
    assert '<time datetime="2026-07-04">4 July</time>' in found[0]
    assert "Not started" in found[0]
    assert "Winners" not in found[0]
    assert "<dl" not in found[0]
    assert "Not started" not in "".join(found[1:])


def test_an_unknown_race_or_a_race_of_drafts_is_not_found(client):
    assert client.get("/races/tour-of-nowhere/").status_code == 404
    race = small_race()
    race.edition.published = False
    race.edition.save()
    path = reverse("stages:race", args=[race.edition.race.slug])
    assert client.get(path).status_code == 404
    staff = User.objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 200
    assert "<strong>Draft</strong>" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_the_race_page_query_count_does_not_grow_with_the_editions(
    client, django_assert_num_queries
):
    one = small_race()  # a race of one edition
    assert race_page_queries(client, TOUR) == RACE_QUERIES  # four editions
    one_path = reverse("stages:race", args=[one.edition.race.slug])
    assert race_page_queries(client, one_path) == RACE_QUERIES
    # Two more editions of the same race, with results.
    for year in (2031, 2032):
        more = small_race()
        Edition.objects.filter(pk=more.edition.pk).update(
            race=one.edition.race, year=year
        )
        recompute.bump_version(more.edition)
    html = client.get(one_path).content.decode()
    assert len(cards(html)) == 3
    assert race_page_queries(client, one_path) == RACE_QUERIES


# Links to the race pages


def test_the_home_page_links_every_race_and_every_season(client):
    html = client.get("/").content.decode()
    races = html.split('id="races-heading"')[1].split("</section>")[0]
    for slug in ("giro-d-italia", "tour-de-france", "vuelta-a-espana"):
        assert f'href="{reverse("stages:race", args=[slug])}"' in races
    assert "4 editions: 2025, 2023, 2022, 2021" in races
    assert "3 editions: 2025, 2023, 2021" in races
    # The current race links its own race page.
    hero = html.split("</section>")[0]
    assert 'href="/races/vuelta-a-espana/">Every Vuelta a España' in hero
    seasons = html.split('id="seasons-heading"')[1]
    for year in (2025, 2023, 2022, 2021):
        assert f'<a href="#season-{year}">{year}</a>' in seasons
        assert f'<h3 id="season-{year}">{year}</h3>' in seasons


@pytest.mark.parametrize(
    "path", [VUELTA_2025, f"{VUELTA_2025}stage-3/", f"{VUELTA_2025}riders/"]
)
def test_the_breadcrumbs_lead_to_the_race_page(client, path):
    html = client.get(path).content.decode()
    crumbs = squash(html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0])
    assert '<a href="/races/vuelta-a-espana/">Vuelta a España</a>' in crumbs


def test_the_race_page_is_its_own_crumb(client):
    html = client.get(TOUR).content.decode()
    crumbs = squash(html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0])
    assert '<a href="/">Races</a>' in crumbs
    assert '<li aria-current="page">Tour de France</li>' in crumbs


# Stages not raced


def stage_row(html: str, number: int) -> str:
    """The squashed row of stage ``number`` in the edition page's stage table."""
    body = html.split('class="results results--stages"')[1].split("</tbody>")[0]
    rows = body.split("<tr")[2:]  # past the header row
    return squash(rows[number - 1])


def test_the_vuelta_2025_page_shows_stage_21_not_raced_and_vingegaard_winner(client):
    html = client.get(VUELTA_2025).content.decode()
    row = stage_row(html, 21)
    assert "Not raced" in row
    assert "Alalpardo → Madrid" in row
    assert "108.0 km" in row
    assert '<time datetime="2025-09-14">' in row
    assert 'class="rider-name"' in row  # the leader after it, not a winner
    assert row.count('class="rider-name"') == 2  # and its phone copy
    assert "not raced yet" not in row
    assert "21 stages (1 not raced)" in squash(html)
    leaders = squash(html.split('id="leaders-heading"')[1].split("</section>")[0])
    assert leaders.startswith("> Final classifications </h2>")
    gc = leaders.split("</li>")[0]
    assert "VINGEGAARD" in gc


def test_a_stage_not_raced_at_the_end_ends_the_race(client):
    race = small_race(stages=2)
    cancel(race.stage(3))
    edition = f"/races/{race.edition.race.slug}/{race.edition.year}/"
    html = client.get(edition).content.decode()
    row = stage_row(html, 3)
    assert "Not raced" in row
    assert "Start 3 → Finish 3" in row
    assert "150.0 km" in row
    assert "DAHL" not in row.split("visually-hidden")[0]  # no winner
    assert "Final classifications" in html
    home = client.get("/").content.decode()
    assert "Race over" in home
    assert "Next: stage" not in home
    page = client.get(reverse("stages:race", args=[race.edition.race.slug]))
    assert "Winners" in cards(page.content.decode())[0]


def test_a_stage_not_raced_mid_race_is_not_the_next_stage(client):
    race = small_race(stages=1)
    cancel(race.stage(2))
    home = client.get("/").content.decode()
    assert "Next: stage 3" in home
    assert "Race over" not in home
    edition = f"/races/{race.edition.race.slug}/{race.edition.year}/"
    html = client.get(edition).content.decode()
    assert "Not raced" in stage_row(html, 2)
    assert "not raced yet" in stage_row(html, 3)
    assert "Final classifications" not in html
    page = client.get(reverse("stages:race", args=[race.edition.race.slug]))
    card = cards(page.content.decode())[0]
    assert "Winners" not in card
    assert "Leaders after stage" in card
