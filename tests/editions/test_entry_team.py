"""An entry rides for a team of its own edition: the admin and the services refuse
another edition's team with the reason, and the database refuses it too (a
composite foreign key on PostgreSQL, triggers on SQLite: migration 0003)."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from editions.models import Edition, Entry, Team
from stages.services import startlist
from tests.factories import EditionFactory, RiderFactory

WRONG_TEAM = (
    "Jumbo-Visma is a team of Tour de France 2023, not of Tour de France 2027. "
    "Choose a team of Tour de France 2027."
)


@pytest.fixture
def tour_2027(tour) -> Edition:
    return EditionFactory(race=tour.race, year=2027)


@pytest.fixture
def jumbo(tour) -> Team:
    return Team.objects.get(edition=tour, name="Jumbo-Visma")


@pytest.fixture
def admin_of_start_lists(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="pw-12345678"))
    return client


def test_the_admin_refuses_a_team_of_another_edition(
    admin_of_start_lists, tour_2027, jumbo
):
    rider = RiderFactory()
    url = reverse("admin:editions_entry_add")
    data = {"edition": tour_2027.pk, "rider": rider.pk, "team": jumbo.pk, "bib": 1}
    response = admin_of_start_lists.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["team"] == [WRONG_TEAM]
    assert not Entry.objects.filter(edition=tour_2027).exists()
    # A team of the 2027 edition is taken.
    team_2027 = Team.objects.create(
        edition=tour_2027, code="TVL", name="Visma-Lease a Bike", country="NL"
    )
    response = admin_of_start_lists.post(url, data | {"team": team_2027.pk})
    assert response.status_code == 302
    assert Entry.objects.get(edition=tour_2027).team == team_2027


def test_a_change_cannot_move_an_entry_to_another_edition_s_team(
    admin_of_start_lists, tour, giro
):
    entry = Entry.objects.get(edition=tour, bib=1)
    url = reverse("admin:editions_entry_change", args=[entry.pk])
    page = admin_of_start_lists.get(url)
    # The team box searches the teams of the entry's edition.
    teams = f"{reverse('admin:editions_entry_autocomplete')}?edition={tour.pk}"
    assert f'data-ajax--url="{teams}"' in page.content.decode()
    giro_team = Team.objects.filter(edition=giro).first()
    data = {"edition": tour.pk, "rider": entry.rider_id, "team": giro_team.pk}
    response = admin_of_start_lists.post(url, data | {"bib": 1})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["team"] == [
        f"{giro_team.name} is a team of Giro d'Italia 2023, not of Tour de France "
        "2023. Choose a team of Tour de France 2023."
    ]
    assert Entry.objects.get(pk=entry.pk).team.edition == tour


def test_the_add_form_for_an_edition_looks_up_its_teams(
    admin_of_start_lists, tour_2027
):
    url = reverse("admin:editions_entry_add") + f"?edition={tour_2027.pk}"
    page = admin_of_start_lists.get(url)
    teams = f"{reverse('admin:editions_entry_autocomplete')}?edition={tour_2027.pk}"
    assert f'data-ajax--url="{teams}"' in page.content.decode()


def test_the_service_refuses_it(tour_2027, jumbo):
    entry = Entry(edition=tour_2027, team=jumbo, rider=RiderFactory(), bib=1)
    with pytest.raises(ValidationError) as refused:
        startlist.entry_save(entry=entry)
    assert refused.value.message_dict["team"] == [WRONG_TEAM]
    assert not Entry.objects.filter(edition=tour_2027).exists()


def test_the_database_refuses_an_entry_with_another_edition_s_team(tour_2027, jumbo):
    rider = RiderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(edition=tour_2027, team=jumbo, rider=rider, bib=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create(
            [Entry(edition=tour_2027, team=jumbo, rider=rider, bib=1)]
        )
    assert not Entry.objects.filter(edition=tour_2027).exists()


def test_the_database_refuses_moving_an_entry_or_a_team_across_editions(
    tour, giro, jumbo
):
    entries = Entry.objects.filter(team=jumbo)
    giro_team = Team.objects.filter(edition=giro).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        entries.update(team=giro_team)
    with pytest.raises(IntegrityError), transaction.atomic():
        entries.update(edition=giro)
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.filter(pk=jumbo.pk).update(edition=giro)
    assert set(entries.values_list("edition_id", flat=True)) == {tour.pk}
    assert Team.objects.get(pk=jumbo.pk).edition == tour


def test_a_team_with_riders_stays_in_its_edition(admin_of_start_lists, giro, jumbo):
    url = reverse("admin:editions_team_change", args=[jumbo.pk])
    data = {"edition": giro.pk, "code": "TJV", "name": "Jumbo-Visma", "country": "NL"}
    response = admin_of_start_lists.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["edition"] == [
        "Riders of this team are on the start list of another edition: a team "
        "cannot move to another edition while riders ride for it."
    ]
    assert Team.objects.get(pk=jumbo.pk).edition.year == 2023
    assert Team.objects.get(pk=jumbo.pk).edition.race.slug == "tour-de-france"
