"""Editors set editions up in the admin (issue 11): they add races, editions,
teams, riders and entries, delete what has no results, and are told when a
scheduled report appears. Through the test client, as an editor who is not a
superuser."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editions.models import Edition, Entry, Race, Rider, Team
from stages.models import RaceReport, Stage, StageResult
from stages.services import startlist
from stages.services.users import GROUP
from tests.factories import EditionFactory, TeamFactory, small_race
from tests.stages.admin.forms import messages_of


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def chief_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("chief", password="x" * 12))
    return client


# Creating


def test_an_editor_sets_an_edition_up_from_scratch(editor_client):
    response = editor_client.post(
        reverse("admin:editions_race_add"),
        {"name": "Tour de Pologne", "slug": "tour-de-pologne"},
    )
    assert response.status_code == 302
    race = Race.objects.get(slug="tour-de-pologne")

    response = editor_client.post(
        reverse("admin:editions_edition_add"),
        {"race": race.pk, "year": 2026, "rules": "{}", "youth_born_on_or_after": ""},
    )
    assert response.status_code == 302
    edition = Edition.objects.get(race=race, year=2026)
    assert not edition.published  # a draft until published
    assert edition.youth_born_on_or_after == date(2001, 1, 1)

    response = editor_client.post(
        reverse("admin:editions_team_add"),
        {"edition": edition.pk, "code": "QPL", "name": "Team Q", "country": "PL"},
    )
    assert response.status_code == 302
    team = Team.objects.get(edition=edition, code="QPL")

    response = editor_client.post(
        reverse("admin:editions_rider_add"),
        {
            "given_name": "Jan",
            "family_name": "Kowalski",
            "nationality": "PL",
            "birth_date": "2001-02-03",
            "slug": "jan-kowalski",
        },
    )
    assert response.status_code == 302
    rider = Rider.objects.get(slug="jan-kowalski")

    response = editor_client.post(
        reverse("admin:editions_entry_add"),
        {"edition": edition.pk, "rider": rider.pk, "team": team.pk, "bib": 1},
    )
    assert response.status_code == 302
    entry = Entry.objects.get(edition=edition, bib=1)
    assert (entry.rider, entry.team) == (rider, team)

    response = editor_client.post(
        reverse("admin:stages_stage_add"),
        {
            "edition": edition.pk,
            "number": 1,
            "date": "2026-08-03",
            "status": "scheduled",
            "start": "Wrocław",
            "finish": "Karpacz",
            "distance_km": "160",
            "type": "hilly",
            "team_times": "finish",
            "checkpoints-TOTAL_FORMS": 0,
            "checkpoints-INITIAL_FORMS": 0,
            "results-TOTAL_FORMS": 0,
            "results-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert Stage.objects.filter(edition=edition, number=1).exists()


# Deleting


@pytest.fixture
def race(db):
    return small_race()


def test_a_team_with_results_is_not_offered_for_deletion(editor_client, race):
    team = race.teams[0]
    url = reverse("admin:editions_team_delete", args=[team.pk])
    page = editor_client.get(reverse("admin:editions_team_change", args=[team.pk]))
    assert page.status_code == 200
    assert url not in page.content.decode()  # no Delete link
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Team.objects.filter(pk=team.pk).exists()
    assert StageResult.objects.filter(entry__team=team).exists()


def test_the_bulk_delete_refuses_teams_with_results_by_name(editor_client, race):
    empty = TeamFactory(edition=race.edition, name="Team Without Riders")
    response = editor_client.post(
        reverse("admin:editions_team_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [race.teams[0].pk, race.teams[1].pk, empty.pk],
            "post": "yes",
        },
        follow=True,
    )
    shown = messages_of(response)
    assert any(
        m.startswith("Nothing was deleted: ")
        and f"{race.teams[0].name} and {race.teams[1].name} have results" in m
        and "only a superuser" in m
        for m in shown
    ), shown
    assert Team.objects.filter(edition=race.edition).count() == 3


def test_the_service_refuses_it_whatever_is_posted(race):
    team, edition = race.teams[0], race.edition
    with pytest.raises(ValidationError, match="has results"):
        startlist.teams_delete(teams=[team], protect_results=True)
    with pytest.raises(ValidationError, match="has results"):
        startlist.editions_delete(editions=[edition], protect_results=True)
    with pytest.raises(ValidationError, match="has results"):
        startlist.riders_delete(riders=[race.entry(1).rider], protect_results=True)
    assert Team.objects.filter(pk=team.pk).exists()
    assert Edition.objects.filter(pk=edition.pk).exists()


def test_an_edition_with_results_stays(editor_client, race):
    url = reverse("admin:editions_edition_delete", args=[race.edition.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    response = editor_client.post(
        reverse("admin:editions_edition_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [race.edition.pk],
            "post": "yes",
        },
        follow=True,
    )
    assert any(f"{race.edition} has results" in m for m in messages_of(response))
    assert Edition.objects.filter(pk=race.edition.pk).exists()


def test_an_empty_draft_edition_is_deleted(editor_client):
    draft = EditionFactory(year=2027, published=False)
    url = reverse("admin:editions_edition_delete", args=[draft.pk])
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=draft.pk).exists()


def test_an_empty_team_is_deleted_in_bulk(editor_client, race):
    empty = TeamFactory(edition=race.edition)
    response = editor_client.post(
        reverse("admin:editions_team_changelist"),
        {"action": "delete_selected", "_selected_action": [empty.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Team.objects.filter(pk=empty.pk).exists()


def test_a_superuser_deletes_a_team_with_results(chief_client, race):
    team = race.teams[0]
    url = reverse("admin:editions_team_delete", args=[team.pk])
    response = chief_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    assert not StageResult.objects.filter(entry__team_id=team.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/auth/permission/",
    ],
)
def test_users_groups_and_permissions_stay_out_of_reach(editor_client, url):
    assert editor_client.get(url).status_code in (403, 404)


def test_make_editor_says_what_editors_do(db):
    User.objects.create_user("anna", password="x")
    out = StringIO()
    call_command("make_editor", "anna", stdout=out)
    assert "set editions up" in out.getvalue()
    anna = User.objects.get(username="anna")
    assert anna.has_perm("editions.add_edition")
    assert anna.has_perm("editions.delete_team")
    assert not anna.has_perm("editions.delete_race")
    assert not anna.has_perm("auth.change_user")


# What the editor is told


def test_a_scheduled_report_says_when_it_appears(editor_client, tour):
    stage = Stage.objects.select_related("edition__race").get(edition=tour, number=12)
    when = datetime(timezone.now().year + 1, 7, 29, 19, 30)
    response = editor_client.post(
        reverse("admin:stages_racereport_add"),
        {
            "stage": stage.pk,
            "language": "en",
            "headline": "Pogačar attacks",
            "body": "Later.",
            "status": RaceReport.Status.PUBLISHED,
            "published_at_0": when.strftime("%Y-%m-%d"),
            "published_at_1": "19:30:00",
        },
        follow=True,
    )
    html = response.content.decode()
    expected = f"appears on the site on 29 July {when.year} at 19:30 (Europe/Paris)"
    assert any(expected in m for m in messages_of(response)), messages_of(response)
    assert f'href="{stage.get_absolute_url()}"' in html
    page = editor_client.get(stage.get_absolute_url()).content.decode()
    assert "Pogačar attacks" in page
    assert "Preview: appears" in page


def test_a_report_shown_now_says_nothing_of_a_schedule(editor_client, tour):
    stage = Stage.objects.get(edition=tour, number=12)
    now = timezone.localtime() - timedelta(minutes=1)
    response = editor_client.post(
        reverse("admin:stages_racereport_add"),
        {
            "stage": stage.pk,
            "language": "en",
            "headline": "Pogačar attacks",
            "body": "Now.",
            "status": RaceReport.Status.PUBLISHED,
            "published_at_0": now.strftime("%Y-%m-%d"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    assert not any("appears on the site" in m for m in messages_of(response))


def test_the_results_table_names_its_units(editor_client, tour):
    stage = Stage.objects.get(edition=tour, number=12)
    html = editor_client.get(
        reverse("admin:stages_stage_change", args=[stage.pk])
    ).content.decode()
    for header in ("Bonus (s)", "Penalty (s)", "Points (pts)", "KOM (pts)"):
        assert header in html


def test_an_editor_deletes_an_entry_with_its_results(editor_client, race):
    entry = race.entry(13)
    url = reverse("admin:editions_entry_delete", args=[entry.pk])
    response = editor_client.post(url, {"post": "yes"}, follow=True)
    assert any(m.startswith("Standings updated") for m in messages_of(response))
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not StageResult.objects.filter(entry_id=entry.pk).exists()
