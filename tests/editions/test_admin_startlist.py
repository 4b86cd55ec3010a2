"""Start lists in the admin (issue 11): a team's page lists its riders, an entry's
boxes search riders and its edition's teams, and every search ignores case and
accents. Runs on SQLite and PostgreSQL alike (``DATABASE_URL``)."""

import html as htmllib

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import Entry, Rider, Team
from stages.models import Stage, StageResult
from stages.services.users import GROUP
from tests.factories import EntryFactory, RiderFactory, small_race

AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.fixture
def editor_client(db) -> Client:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, url: str, q: str) -> list:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# A team's page


def test_the_team_page_lists_its_riders(editor_client, tour):
    team = Team.objects.get(edition=tour, code="UAD")
    html = editor_client.get(
        reverse("admin:editions_team_change", args=[team.pk])
    ).content.decode()
    pogacar = Entry.objects.get(edition=tour, bib=11)
    assert "Riders (8)" in html
    row = html.split(reverse("admin:editions_rider_change", args=[pogacar.rider_id]))
    assert len(row) == 2
    assert "POGAČAR Tadej" in row[1].split("</tr>", 1)[0]
    assert "SI" in row[1].split("</tr>", 1)[0]
    assert "21 Sep 1998" in row[1].split("</tr>", 1)[0]
    assert '<td class="num">11</td>' in row[0].rsplit("<tr>", 1)[1]
    add = f"{reverse('admin:editions_entry_add')}?edition={tour.pk}&amp;team={team.pk}"
    assert add in html


def test_the_team_page_queries_do_not_grow(editor_client, django_assert_num_queries):
    race = small_race()
    team = race.teams[0]
    url = reverse("admin:editions_team_change", args=[team.pk])
    with CaptureQueriesContext(connection) as three:
        assert editor_client.get(url).status_code == 200
    for bib in range(30, 42):
        EntryFactory(edition=race.edition, team=team, bib=bib)
    with django_assert_num_queries(len(three.captured_queries)):
        response = editor_client.get(url)
    assert len(response.context["team_entries"]) == 15


# An entry's boxes


def test_the_team_autocomplete_lists_the_entry_edition_teams(editor_client, tour):
    asked = {
        "app_label": "editions",
        "model_name": "entry",
        "field_name": "team",
        "term": "team",
    }
    everywhere = editor_client.get(AUTOCOMPLETE, asked).json()["results"]
    editions = Team.objects.filter(pk__in=[int(r["id"]) for r in everywhere])
    assert editions.values("edition").distinct().count() == 3  # the 2023 Tours
    only = editor_client.get(AUTOCOMPLETE, asked | {"edition": tour.pk}).json()
    ids = {int(r["id"]) for r in only["results"]}
    assert ids
    assert ids <= set(Team.objects.filter(edition=tour).values_list("pk", flat=True))
    movistar = editor_client.get(
        AUTOCOMPLETE, asked | {"edition": tour.pk, "term": "movistar"}
    ).json()["results"]
    assert [r["text"] for r in movistar] == ["Movistar Team"]


def test_the_entry_form_asks_for_its_edition_teams(editor_client, tour):
    entry = Entry.objects.get(edition=tour, bib=11)
    html = editor_client.get(
        reverse("admin:editions_entry_change", args=[entry.pk])
    ).content.decode()
    own = reverse("admin:editions_entry_autocomplete")
    assert f'data-ajax--url="{own}?edition={tour.pk}"' in html
    assert "UAE Team Emirates (UAD, Tour de France 2023)" in html
    assert "POGAČAR Tadej (1998)" in html
    add = editor_client.get(
        reverse("admin:editions_entry_add"), {"edition": tour.pk}
    ).content.decode()
    assert f'data-ajax--url="{own}?edition={tour.pk}"' in add


def test_the_entry_boxes_tell_riders_and_teams_apart(editor_client, tour):
    RiderFactory(given_name="Tadej", family_name="Pogačar", slug="tadej-pogacar-2")
    own = reverse("admin:editions_entry_autocomplete")
    riders = editor_client.get(
        own,
        {
            "app_label": "editions",
            "model_name": "entry",
            "field_name": "rider",
            "term": "pogacar",
        },
    ).json()["results"]
    assert sorted(r["text"] for r in riders) == [
        "POGAČAR Tadej (1995)",
        "POGAČAR Tadej (1998)",
    ]
    teams = editor_client.get(
        own,
        {
            "app_label": "editions",
            "model_name": "entry",
            "field_name": "team",
            "term": "uae",
            "edition": tour.pk,
        },
    ).json()["results"]
    assert [r["text"] for r in teams] == [
        "UAE Team Emirates (UAD, Tour de France 2023)"
    ]


def test_an_entry_added_with_the_autocomplete_boxes(editor_client, tour):
    rider = RiderFactory(given_name="Jan", family_name="Nowak", slug="jan-nowak")
    team = Team.objects.get(edition=tour, code="MOV")
    response = editor_client.post(
        reverse("admin:editions_entry_add"),
        {"edition": tour.pk, "rider": rider.pk, "team": team.pk, "bib": 999},
    )
    assert response.status_code == 302
    assert Entry.objects.get(edition=tour, bib=999).rider == rider


# Searching without case or accents


@pytest.mark.parametrize(
    ("url", "q", "expected"),
    [
        ("/admin/editions/rider/", "pogacar", "Tadej Pogačar"),
        ("/admin/editions/rider/", "POGAČAR", "Tadej Pogačar"),
        ("/admin/editions/rider/", "tadej pogacar", "Tadej Pogačar"),
        ("/admin/editions/rider/", "MAS", "Enric Mas"),
        ("/admin/editions/rider/", "Soler", "Marc Soler"),
        ("/admin/editions/rider/", "arkea", "Warren Barguil"),
    ],
)
def test_the_rider_search(editor_client, tour, url, q, expected):
    assert expected in {r.full_name for r in listed(editor_client, url, q)}


def test_the_rider_search_finds_only_what_it_should(editor_client, tour):
    found = {
        r.full_name for r in listed(editor_client, "/admin/editions/rider/", "pogacar")
    }
    assert found == {"Tadej Pogačar"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("movistar", "Movistar Team"),
        ("MOVISTAR", "Movistar Team"),
        ("arkea", "Team Arkéa Samsic"),
        ("intermarche circus", "Intermarché - Circus - Wanty"),
        ("pogacar", "UAE Team Emirates"),
    ],
)
def test_the_team_search(editor_client, tour, q, expected):
    # Teams of every edition are searched; the Tour 2023's is among them, and
    # nothing that does not match.
    found = listed(editor_client, "/admin/editions/team/", q)
    assert expected in {t.name for t in found if t.edition_id == tour.pk}
    assert len(found) < 12


def test_the_entry_search(editor_client, tour):
    def bibs(q: str) -> list[int]:
        params = {"edition__id__exact": tour.pk, "q": q}
        response = editor_client.get("/admin/editions/entry/", params)
        return [e.bib for e in response.context["cl"].result_list]

    assert bibs("pogacar") == [11]
    assert bibs("11") == [11]
    arkea = Entry.objects.filter(edition=tour, team__code="ARK")
    assert bibs("arkea") == sorted(arkea.values_list("bib", flat=True))


def test_the_result_search(editor_client, tour):
    def bibs(q: str) -> list[int]:
        params = {"stage__edition__id__exact": tour.pk, "stage_number": 12, "q": q}
        response = editor_client.get("/admin/stages/stageresult/", params)
        rows = response.context["cl"].result_list
        assert {r.stage.number for r in rows} <= {12}
        return [r.entry.bib for r in rows]

    assert bibs("pogacar") == [11]
    assert bibs("cofidis izagirre") == [124]
    arkea = StageResult.objects.filter(
        stage__edition=tour, stage__number=12, entry__team__code="ARK"
    )
    assert arkea.exists()
    assert sorted(bibs("arkea")) == sorted(arkea.values_list("entry__bib", flat=True))
    assert bibs("POGAČAR uae") == [11]


def test_the_autocompletes_fold_too(editor_client, tour):
    stage = Stage.objects.get(edition=tour, number=12)
    results = editor_client.get(
        AUTOCOMPLETE,
        {
            "app_label": "stages",
            "model_name": "stageresult",
            "field_name": "entry",
            "term": "pogacar",
        },
        headers={
            "referer": "http://testserver"
            + reverse("admin:stages_stage_change", args=[stage.pk])
        },
    ).json()["results"]
    assert [htmllib.unescape(r["text"]) for r in results] == ["11 POGAČAR Tadej"]
    riders = editor_client.get(
        AUTOCOMPLETE,
        {
            "app_label": "editions",
            "model_name": "entry",
            "field_name": "rider",
            "term": "POGACAR",
        },
    ).json()["results"]
    assert [int(r["id"]) for r in riders] == list(
        Rider.objects.filter(slug__startswith="tadej-pogacar").values_list(
            "pk", flat=True
        )
    )
