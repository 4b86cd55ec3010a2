"""Checkpoints edited in the admin, on their own page and inline on their stage's:
a name another checkpoint of the stage has, case and accents ignored, and a scale
the edition's rules do not have are errors of the form, never a 500; the scale
of a climb is shown and saved."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from editions.models import Edition
from stages.models import Checkpoint
from stages.services import corrections
from stages.services.users import GROUP
from tests.factories import CheckpointFactory, SmallRace, small_race
from tests.stages.admin.forms import post_data

SUMMIT = {"climb_points": {"summit-1": [50, 24, 16, 9, 6, 4, 2, 1]}}


@pytest.fixture
def race(db) -> SmallRace:
    race = small_race()
    Edition.objects.filter(pk=race.edition.pk).update(rules=SUMMIT)
    race.edition.refresh_from_db()
    return race


@pytest.fixture
def editor_client(db) -> Client:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    client = Client()
    client.force_login(user)
    return client


def add_checkpoint(client: Client, stage, **fields):
    data = {"stage": stage.pk, "kind": "climb", "km": "100", "multiplier": "1"}
    data.update(fields)
    return client.post(reverse("admin:stages_checkpoint_add"), data)


def errors_of(response, field: str = "name") -> list[str]:
    assert response.status_code == 200  # the form again, not a redirect
    return list(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Jaizkibel", "JAIZKIBEL"),
        ("Col de la Loze", "COL DE LA LOZE"),
        ("Côte de Bagnols", "Cote de Bagnols"),
        ("Col de la Loze", "Col de la Loze"),
    ],
)
def test_a_name_of_the_stage_in_another_spelling_is_a_form_error(
    editor_client, race, stored, typed
):
    stage = race.stage(1)
    CheckpointFactory(stage=stage, kind="climb", name=stored, category="1")
    response = add_checkpoint(editor_client, stage, name=typed, category="2")
    [error] = errors_of(response)
    assert error.startswith(f"{typed!r} is ")
    assert Checkpoint.objects.filter(stage=stage).count() == 1


def test_the_message_names_both_spellings(editor_client, race):
    stage = race.stage(1)
    CheckpointFactory(stage=stage, kind="climb", name="Jaizkibel", category="1")
    response = add_checkpoint(editor_client, stage, name="JAIZKIBEL", category="2")
    assert errors_of(response) == [
        "'JAIZKIBEL' is the same name as 'Jaizkibel' (a checkpoint of this stage) "
        "once case and accents are ignored: checkpoint names must differ on a stage"
    ]


def test_the_same_name_on_another_stage_is_fine(editor_client, race):
    CheckpointFactory(stage=race.stage(1), kind="climb", name="Jaizkibel", category="1")
    response = add_checkpoint(
        editor_client, race.stage(2), name="JAIZKIBEL", category="1"
    )
    assert response.status_code == 302
    assert Checkpoint.objects.filter(stage=race.stage(2), name="JAIZKIBEL").exists()


def test_a_climb_saves_a_scale_of_the_rules(editor_client, race):
    response = add_checkpoint(
        editor_client, race.stage(1), name="Campo", category="1", scale="summit-1"
    )
    assert response.status_code == 302
    assert Checkpoint.objects.get(name="Campo").scale == "summit-1"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"category": "1", "scale": "top"},
            "scale 'top' is not a climb_points scale of the rules "
            "(HC, 1, 2, 3, 4, summit-1)",
        ),
        (
            {"kind": "sprint", "category": "", "scale": "summit-1"},
            "scale 'summit-1': only a climb has a scale (this is a sprint)",
        ),
    ],
)
def test_a_bad_scale_is_a_form_error(editor_client, race, fields, error):
    response = add_checkpoint(editor_client, race.stage(1), name="Campo", **fields)
    assert errors_of(response, "scale") == [error]
    assert not Checkpoint.objects.filter(name="Campo").exists()


def inline_data(client: Client, stage, rows: list[dict]) -> tuple[str, dict]:
    """The stage page's POST data with ``rows`` added to the checkpoints inline."""
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    page = client.get(url)
    assert page.status_code == 200
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = post_data(*forms)
    first = int(data["checkpoints-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=first):
        data.update({f"checkpoints-{i}-{k}": v for k, v in row.items()})
        data[f"checkpoints-{i}-stage"] = stage.pk
    data["checkpoints-TOTAL_FORMS"] = first + len(rows)
    return url, data


def test_the_stage_page_shows_the_scale_of_its_climbs(editor_client, race):
    stage = race.stage(1)
    CheckpointFactory(
        stage=stage, kind="climb", name="Campo", category="1", scale="summit-1"
    )
    page = editor_client.get(reverse("admin:stages_stage_change", args=[stage.pk]))
    assert 'name="checkpoints-0-scale"' in page.content.decode()
    assert 'value="summit-1"' in page.content.decode()


def inline_name_errors(response) -> list[str]:
    """The stage page's checkpoint rows' errors on their names."""
    return [
        error
        for inline in response.context["inline_admin_formsets"]
        for form_errors in inline.formset.errors
        for error in form_errors.get("name", [])
    ]


def test_two_new_rows_of_one_name_on_the_stage_page_are_refused(editor_client, race):
    stage = race.stage(1)
    climb = {"kind": "climb", "category": "2", "multiplier": "1"}
    url, data = inline_data(
        editor_client,
        stage,
        [{**climb, "name": "Jaizkibel", "km": "10"}, {**climb, "name": "JAIZKIBEL"}],
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = inline_name_errors(response)
    assert errors == [
        "'JAIZKIBEL' is the same name as 'Jaizkibel' (row 1) once case and accents "
        "are ignored: checkpoint names must differ on a stage"
    ]
    assert not Checkpoint.objects.filter(stage=stage).exists()


def test_a_new_row_with_a_scale_on_the_stage_page_is_saved(editor_client, race):
    stage = race.stage(1)
    row = {"kind": "climb", "category": "1", "multiplier": "1", "name": "Campo"}
    url, data = inline_data(editor_client, stage, [{**row, "scale": "summit-1"}])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert Checkpoint.objects.get(stage=stage).scale == "summit-1"


def test_the_service_refuses_a_clash_the_form_did_not_see(race):
    stage = race.stage(1)
    CheckpointFactory(stage=stage, kind="climb", name="Côte de Bagnols", category="3")
    clash = Checkpoint(stage=stage, kind="climb", name="COTE DE BAGNOLS", category="3")
    with pytest.raises(ValidationError, match="same name as 'Côte de Bagnols'"):
        corrections.checkpoint_save(checkpoint=clash)
    assert Checkpoint.objects.filter(stage=stage).count() == 1


@pytest.fixture
def legacy_pair(race):
    """Two checkpoints of one name stored before the rule, and a third."""
    stage = race.stage(1)
    for name, category in (("Jaizkibel", "1"), ("JAIZKIBEL", "2")):
        Checkpoint.objects.create(
            stage=stage, kind="climb", name=name, km=10, category=category
        )
    Checkpoint.objects.create(stage=stage, kind="sprint", name="Town", km=80)
    return stage


def change_checkpoint(client: Client, checkpoint: Checkpoint, **fields):
    url = reverse("admin:stages_checkpoint_change", args=[checkpoint.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = post_data(page.context["adminform"].form)
    data.update(fields)
    return client.post(url, data)


def test_a_stored_pair_of_one_name_keeps_its_stage_page_saving(
    editor_client, legacy_pair
):
    climb = {"kind": "climb", "category": "3", "multiplier": "1"}
    url, data = inline_data(
        editor_client, legacy_pair, [{**climb, "name": "Alto", "km": "50"}]
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert Checkpoint.objects.filter(stage=legacy_pair).count() == 4


def test_a_row_renamed_to_the_pairs_name_on_the_stage_page_is_refused(
    editor_client, legacy_pair
):
    url, data = inline_data(editor_client, legacy_pair, [])
    [town] = [k for k, v in data.items() if k.endswith("-name") and v == "Town"]
    data[town] = "jaizkibel"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = inline_name_errors(response)
    assert len(errors) == 1
    assert errors[0].startswith("'jaizkibel' is the same name")
    assert Checkpoint.objects.filter(stage=legacy_pair, name="Town").exists()


def test_one_of_a_stored_pair_is_corrected_on_its_own_page(editor_client, legacy_pair):
    climb = Checkpoint.objects.get(stage=legacy_pair, name="JAIZKIBEL")
    response = change_checkpoint(editor_client, climb, km="12.5")
    assert response.status_code == 302
    assert str(Checkpoint.objects.get(pk=climb.pk).km) == "12.5"
    response = change_checkpoint(editor_client, climb, name="Jaízkibel")
    assert errors_of(response) == [
        "'Jaízkibel' is the same name as 'Jaizkibel' (a checkpoint of this stage) "
        "once case and accents are ignored: checkpoint names must differ on a stage"
    ]
