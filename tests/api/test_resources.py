"""Editions, stages, riders and teams as JSON, linked to each other by absolute
paths, cached like the pages, drafts private, CORS open on the .json addresses."""

import pytest
from django.contrib.auth.models import User

from racing import registry
from tests.factories import CheckpointFactory, small_race

pytestmark = pytest.mark.django_db

TOUR = "/races/tour-de-france/2023"


def test_editions_link_to_each_edition(client, tour, giro, vuelta):
    data = client.get("/api/editions.json").json()
    years = {(e["race"], e["year"]) for e in data["editions"]}
    assert ("tour-de-france", 2023) in years
    tour_doc = next(
        e
        for e in data["editions"]
        if (e["race"], e["year"]) == ("tour-de-france", 2023)
    )
    assert tour_doc["url"] == f"{TOUR}.json"
    assert tour_doc["gc_leader"]["slug"] == "jonas-vingegaard"
    assert client.get(tour_doc["url"]).status_code == 200


def test_edition_has_its_stages_winners_and_table_links(client, tour):
    data = client.get(f"{TOUR}.json").json()
    assert len(data["stages"]) == 21
    twelve = data["stages"][11]
    assert twelve["number"] == 12
    assert twelve["winner"]["rider"]["name"] == "IZAGIRRE Ion"
    assert twelve["gc_leader"]["rider"]["slug"] == "jonas-vingegaard"
    assert set(twelve["tables"]) == set(registry.TABLES)
    gc = twelve["tables"]["gc"]
    assert gc["url"] == f"{TOUR}/stage-12/gc.json"
    assert gc["csv"] == f"{TOUR}/stage-12/gc.csv"
    assert data["leaders"]["gc"]["rider"]["name"] == "VINGEGAARD Jonas"
    for link in (twelve["url"], gc["url"], data["riders"], data["teams"]):
        assert client.get(link).status_code == 200, link


def test_stage_has_route_top_ten_and_neighbours(client, tour):
    CheckpointFactory(stage=tour.stages.get(number=12), name="Col du Test")
    data = client.get(f"{TOUR}/stage-12.json").json()
    assert (data["start"], data["finish"]) == ("Roanne", "Belleville-en-Beaujolais")
    assert data["distance_km"] == 168.8
    assert len(data["top"]) == 10
    assert data["top"][0]["rider"]["name"] == "IZAGIRRE Ion"
    assert data["previous"] == f"{TOUR}/stage-11.json"
    assert data["next"] == f"{TOUR}/stage-13.json"
    assert "Col du Test" in [c["name"] for c in data["checkpoints"]]
    assert data["tables"]["stage"]["page"] == f"{TOUR}/stage-12/"


def test_first_stage_of_the_vuelta_is_won_by_a_team(client, vuelta):
    data = client.get("/races/vuelta-a-espana/2023/stage-1.json").json()
    assert data["previous"] is None
    assert data["top"] == []
    assert data["top_teams"][0]["rank"] == 1
    edition = client.get("/races/vuelta-a-espana/2023.json").json()
    assert (
        edition["stages"][0]["winning_team"]["code"]
        == data["top_teams"][0]["team"]["code"]
    )


def test_riders_and_teams_of_an_edition(client, tour):
    riders = client.get(f"{TOUR}/riders.json").json()
    assert sum(len(t["riders"]) for t in riders["teams"]) == 176
    first = riders["teams"][0]["riders"][0]
    assert first["url"] == f"/riders/{first['slug']}.json"
    teams = client.get(f"{TOUR}/teams.json").json()["teams"]
    assert len(teams) == 22
    uad = next(t for t in teams if t["code"] == "UAD")
    assert uad["url"] == f"{TOUR}/teams/uad.json"
    team = client.get(uad["url"]).json()
    assert team["name"] == "UAE Team Emirates"
    assert len(team["riders"]) == 8
    assert any(r["slug"] == "tadej-pogacar" for r in team["riders"])


def test_rider_with_every_stage_he_rode(client, tour):
    data = client.get("/riders/jonas-vingegaard.json").json()
    assert data["name"] == "VINGEGAARD Jonas"
    tour = ("tour-de-france", 2023)
    ride = next(
        r for r in data["rides"] if (r["edition"]["race"], r["edition"]["year"]) == tour
    )
    assert len(ride["stages"]) == 21
    assert ride["ranks"]["gc"] == 1
    assert ride["jerseys"][0]["classification"] == "gc"
    assert ride["team"]["url"] == f"{TOUR}/teams/tjv.json"


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/api/editions.json", 4),
        (f"{TOUR}.json", 6),
        (f"{TOUR}/stage-12.json", 6),
        ("/races/vuelta-a-espana/2023/stage-1.json", 6),
        (f"{TOUR}/riders.json", 4),
        (f"{TOUR}/teams.json", 6),
        (f"{TOUR}/teams/uad.json", 9),
        ("/riders/jonas-vingegaard.json", 9),
        ("/api/openapi.json", 4),
    ],
)
def test_queries_do_not_grow_with_the_field(
    client, tour, vuelta, django_assert_max_num_queries, path, limit
):
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/races/tour-de-france/1999.json",
        f"{TOUR}/stage-99.json",
        f"{TOUR}/teams/zzz.json",
        "/riders/nobody-at-all.json",
        "/races/tour-de-france/02023.json",
    ],
)
def test_unknown_resources_are_404(client, tour, path):
    assert client.get(path).status_code == 404


def test_etag_and_304(client, tour, stored_pages):
    first = client.get(f"{TOUR}.json")
    assert first["ETag"].startswith('W/"')
    again = client.get(f"{TOUR}.json", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_a_draft_is_404_for_visitors_and_private_for_staff(client):
    race = small_race()
    race.edition.published = False
    race.edition.save()
    e = race.edition
    base = f"/races/{e.race.slug}/{e.year}"
    code = race.teams[0].code.lower()
    paths = [f"{base}.json", f"{base}/stage-2.json", f"{base}/riders.json"]
    paths += [f"{base}/teams.json", f"{base}/teams/{code}.json"]
    rider = f"/riders/aalto-{e.race.slug}.json"
    for path in [*paths, rider]:
        assert client.get(path).status_code == 404, path
    assert e.race.slug not in client.get("/api/editions.json").content.decode()
    client.force_login(User.objects.create_user("ed", password="pw", is_staff=True))
    for path in [*paths, rider]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"], path


@pytest.mark.parametrize("code", ["UAD", "uAd"])
def test_team_json_in_another_case_redirects_to_lower_case(client, tour, code):
    response = client.get(f"{TOUR}/teams/{code}.json", headers={"HX-Request": "true"})
    assert response.status_code == 301
    assert response["Location"] == f"{TOUR}/teams/uad.json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(response["Location"]).json()["code"] == "UAD"


ORIGIN = {"Origin": "https://fan.example"}


@pytest.mark.parametrize(
    "path", ["/api/openapi.json", f"{TOUR}.json", f"{TOUR}/stage-12/gc.json"]
)
def test_cors_is_open_for_get_on_json(client, tour, path):
    response = client.get(path, headers=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "etag" in response["Access-Control-Expose-Headers"].lower()
    preflight = client.options(
        path, headers={**ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200
    methods = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    "path", ["/api/editions.json", f"{TOUR}.json", f"{TOUR}/stage-12/gc.json"]
)
def test_json_headers_are_the_same_with_or_without_origin(client, tour, path):
    """Every site gets "*": no Vary on Origin to split a CDN's copies, and a copy
    stored for a request without Origin serves a site's script too."""
    plain = client.get(path)
    cross = client.get(path, headers=ORIGIN)
    assert plain.status_code == cross.status_code == 200
    assert dict(plain.headers) == dict(cross.headers)
    vary = {v.strip().lower() for v in plain.get("Vary", "").split(",")}
    assert "origin" not in vary
    assert "accept-encoding" in vary
    assert plain["Access-Control-Allow-Origin"] == "*"
    assert "etag" in plain["Access-Control-Expose-Headers"].lower()


@pytest.mark.parametrize(
    "path", [f"{TOUR}/", f"{TOUR}/stage-12/gc/", "/api/", "/admin/login/"]
)
def test_no_cors_on_pages_or_admin(client, tour, path):
    response = client.get(path, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        path, headers={**ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in preflight
