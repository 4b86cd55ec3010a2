"""The edition admin (issue 11): drafts and publishing, the edition page's stages
and teams, and the add form with each race's preset rules. Through the test
client, as an editor who is not a superuser."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import Edition, Race
from racing.standings.presets import PRESETS
from stages.models import Stage
from stages.services.users import GROUP
from tests.factories import EditionFactory, EntryFactory, TeamFactory, small_race
from tests.stages.admin.forms import messages_of

ADD = reverse("admin:editions_edition_add")
LIST = reverse("admin:editions_edition_changelist")


@pytest.fixture
def editor_client(db) -> Client:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    client = Client()
    client.force_login(user)
    return client


def change_url(edition: Edition) -> str:
    return reverse("admin:editions_edition_change", args=[edition.pk])


# Drafts and publishing


def test_the_list_says_draft_or_published_and_filters(editor_client, tour):
    draft = EditionFactory(year=2027, published=False)
    page = editor_client.get(LIST)
    html = page.content.decode()
    assert "Draft (staff only)" in html
    assert "Published" in html
    drafts = list(
        editor_client.get(LIST, {"published": "no"}).context["cl"].result_list
    )
    assert drafts == [draft]
    published = editor_client.get(LIST, {"published": "yes"}).context["cl"].result_list
    assert tour in published
    assert draft not in published


def test_publish_and_return_to_draft_from_the_list(editor_client):
    drafts = [EditionFactory(year=2027, published=False) for _ in range(2)]
    ids = [e.pk for e in drafts]
    response = editor_client.post(
        LIST, {"action": "publish", "_selected_action": ids}, follow=True
    )
    assert "2 editions published." in messages_of(response)
    assert Edition.objects.filter(pk__in=ids, published=True).count() == 2

    response = editor_client.post(
        LIST, {"action": "publish", "_selected_action": ids}, follow=True
    )
    assert "Nothing changed: already published." in messages_of(response)

    response = editor_client.post(
        LIST, {"action": "return_to_draft", "_selected_action": ids[:1]}, follow=True
    )
    assert any(
        m.startswith("1 edition returned to draft.") for m in messages_of(response)
    )
    assert not Edition.objects.get(pk=ids[0]).published
    assert Edition.objects.get(pk=ids[1]).published


def test_the_publish_button_of_a_draft(editor_client):
    draft = EditionFactory(year=2027, published=False)
    publish = reverse("admin:editions_edition_publish", args=[draft.pk])
    html = editor_client.get(change_url(draft)).content.decode()
    form = html.split(f'action="{publish}"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in html.split(f'action="{publish}"', 1)[0][-200:]
    assert "csrfmiddlewaretoken" in form
    assert ">Publish</button>" in form
    # The plain form does not publish: no such field.
    assert 'name="published"' not in html.split('id="edition_form"', 1)[1]

    assert editor_client.get(publish).status_code == 405
    response = editor_client.post(publish, {"published": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert "1 edition published." in messages_of(response)
    draft.refresh_from_db()
    assert draft.published
    html = response.content.decode()
    assert ">Return to draft</button>" in html


def test_the_publish_button_needs_csrf_and_the_right_to_change(db):
    draft = EditionFactory(year=2027, published=False)
    publish = reverse("admin:editions_edition_publish", args=[draft.pk])
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(publish, {"published": "1"}).status_code == 403
    viewer = User.objects.create_user("intern", password="x" * 12, is_staff=True)
    client = Client()
    client.force_login(viewer)
    assert client.post(publish, {"published": "1"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.published


def test_a_plain_save_keeps_the_publication(editor_client, tour):
    page = editor_client.get(change_url(tour))
    form = page.context["adminform"].form
    assert "published" not in form.fields
    data = {
        "race": tour.race_id,
        "year": tour.year,
        "rules": '{"youth_born_on_or_after": "1998-01-01"}',
        "youth_born_on_or_after": "1998-01-01",
        "published": "",  # a crafted field: ignored
        "row_token": form.initial["row_token"],
    }
    assert editor_client.post(change_url(tour), data).status_code == 302
    tour.refresh_from_db()
    assert tour.published


# The edition page: its stages and teams


def test_the_edition_page_lists_its_stages_and_teams(editor_client, tour):
    html = editor_client.get(change_url(tour)).content.decode()
    stage = Stage.objects.get(edition=tour, number=12)
    assert reverse("admin:stages_stage_change", args=[stage.pk]) in html
    assert reverse("admin:stages_stage_paste_results", args=[stage.pk]) in html
    assert f'href="{stage.get_absolute_url()}"' in html
    assert f"{stage.start} → {stage.finish}" in html
    assert "Stages (21)" in html
    assert "Teams (22)" in html
    team = tour.teams.get(code="UAD")
    assert reverse("admin:editions_team_change", args=[team.pk]) in html
    row = html.split(reverse("admin:editions_team_change", args=[team.pk]), 1)[1]
    assert '<td class="num">8</td>' in row.split("</tr>", 1)[0]  # riders
    results = html.split(f">{stage.start} → {stage.finish}<", 1)[1]
    assert '<td class="num">169</td>' in results.split("</tr>", 1)[0]
    add_stage = f"{reverse('admin:stages_stage_add')}?edition={tour.pk}"
    assert add_stage in html


def test_the_edition_page_queries_do_not_grow(editor_client, django_assert_num_queries):
    small = small_race()
    with CaptureQueriesContext(connection) as small_page:
        assert editor_client.get(change_url(small.edition)).status_code == 200
    for n in range(3):
        stage = Stage.objects.create(
            edition=small.edition,
            number=4 + n,
            date=date(2030, 7, 4 + n),
            start="A",
            finish="B",
            distance_km=100,
            type="flat",
        )
        assert stage.pk
        team = TeamFactory(edition=small.edition)
        for bib in range(4):
            EntryFactory(edition=small.edition, team=team, bib=100 + 10 * n + bib)
    with django_assert_num_queries(len(small_page.captured_queries)):
        response = editor_client.get(change_url(small.edition))
    assert len(response.context["edition_stages"]) == 6
    assert len(response.context["edition_teams"]) == 5


def test_add_stage_from_the_edition_page_is_filled_in(editor_client, tour):
    url = f"{reverse('admin:stages_stage_add')}?edition={tour.pk}"
    form = editor_client.get(url).context["adminform"].form
    assert str(form["edition"].value()) == str(tour.pk)
    assert form["number"].value() == 22  # after the last of 21


# The add form: presets, years, duplicates


def add(client: Client, race: Race, year, rules: str = "{}", youth: str = ""):
    return client.post(
        ADD,
        {
            "race": race.pk,
            "year": year,
            "rules": rules,
            "youth_born_on_or_after": youth,
        },
    )


def form_errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [str(e) for errors in form.errors.values() for e in errors]


def test_a_new_giro_gets_the_giro_preset(editor_client, giro):
    response = add(editor_client, giro.race, 2026)
    assert response.status_code == 302
    edition = Edition.objects.get(race=giro.race, year=2026)
    assert edition.rules == PRESETS["giro-d-italia"]
    assert edition.rules["checkpoint_bonus"] == [3, 2, 1]


def test_rules_given_are_kept_and_other_races_get_the_tour_rules(editor_client, giro):
    response = add(
        editor_client, giro.race, 2026, rules='{"finish_bonus": [20, 12, 8]}'
    )
    assert response.status_code == 302
    assert Edition.objects.get(race=giro.race, year=2026).rules == {
        "finish_bonus": [20, 12, 8]
    }
    other = Race.objects.create(name="Tour de Suisse", slug="tour-de-suisse")
    assert add(editor_client, other, 2026, rules="").status_code == 302
    assert Edition.objects.get(race=other, year=2026).rules == {}


def test_the_youth_cutoff_left_blank_comes_from_the_year(editor_client, vuelta):
    assert add(editor_client, vuelta.race, 2026).status_code == 302
    edition = Edition.objects.get(race=vuelta.race, year=2026)
    assert edition.youth_born_on_or_after == date(2001, 1, 1)
    assert add(editor_client, vuelta.race, 2024, youth="2000-06-30").status_code == 302
    kept = Edition.objects.get(race=vuelta.race, year=2024)
    assert kept.youth_born_on_or_after == date(2000, 6, 30)


def test_the_add_form_shows_each_race_preset_without_script(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert "Rules a new edition starts from" in html
    for race in ("Tour de France", "Giro d&#x27;Italia", "Vuelta a España"):
        assert f"<summary>{race}</summary>" in html
    assert "50-35-25-18-14-12-10-8-7-6-5-4-3-2-1" in html  # Giro, flat stages
    assert "20-17-15-13-10" in html  # Vuelta, sprints
    assert "Bonus-point seconds (s)" in html


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1850, "The first Grand Tour was the Tour de France of 1903"),
        (date.today().year + 20, "Editions are set up at most 5 years ahead"),
        ("twenty", "Enter a whole number."),
    ],
)
def test_a_year_out_of_range_is_refused_clearly(editor_client, giro, year, message):
    response = add(editor_client, giro.race, year)
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response)), form_errors(response)


def test_a_second_edition_of_the_same_year_is_refused_clearly(editor_client, tour):
    before = Edition.objects.count()
    response = add(editor_client, tour.race, 2023)
    assert response.status_code == 200
    assert form_errors(response) == [
        "Tour de France 2023 exists already: open it from the list of editions to "
        "change it, or enter another year."
    ]
    assert Edition.objects.count() == before


def test_rules_the_engine_cannot_read_are_refused_clearly(editor_client, giro):
    response = add(editor_client, giro.race, 2026, rules='{"finish_bonuses": [1]}')
    assert response.status_code == 200
    assert form_errors(response) == ["rules: unknown key 'finish_bonuses'"]
    response = add(editor_client, giro.race, 2026, rules="[1, 2]")
    assert response.status_code == 200
    assert form_errors(response) == [
        'Write the rules as a table: {"finish_bonus": [10, 6, 4]}.'
    ]
    assert not Edition.objects.filter(race=giro.race, year=2026).exists()


def test_rules_without_a_scale_the_climbs_score_on_are_refused(editor_client, giro):
    page = editor_client.get(change_url(giro))
    form = page.context["adminform"].form
    rules = dict(giro.rules)
    rules["climb_points"] = {
        k: v for k, v in rules["climb_points"].items() if k != "summit-1"
    }
    data = {
        "race": giro.race_id,
        "year": giro.year,
        "rules": json.dumps(rules),
        "youth_born_on_or_after": "1998-01-01",
        "row_token": form.initial["row_token"],
    }
    response = editor_client.post(change_url(giro), data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors[0] == (
        "stage 7: the climb 'Campo Imperatore' scores on the scale 'summit-1', which "
        "these rules do not have (add it to climb_points, or change the climb)"
    )
    assert len(errors) == 4  # the four summit finishes
    giro.refresh_from_db()
    assert "summit-1" in giro.rules["climb_points"]
    # With the scale, the same rules save.
    data["rules"] = json.dumps(giro.rules)
    assert editor_client.post(change_url(giro), data).status_code == 302
