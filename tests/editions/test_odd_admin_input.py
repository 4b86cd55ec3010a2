"""Numbers an editor's browser (or anyone) can send in the new admin pages:
digits that are not ASCII, numbers too long to be ids. A clear page, never a 500."""

import pytest
from django.contrib.auth.models import User

from tests.factories import small_race
from toursite.converters import form_int

pytestmark = pytest.mark.django_db

ODD = ["²", "٣", "9" * 5000, "-1", "1e3", ""]


@pytest.mark.parametrize("value", ODD)
def test_form_int_takes_only_short_ascii_numbers(value):
    assert form_int(value) is None


def test_form_int_reads_an_id():
    assert form_int("123456789") == 123456789


@pytest.fixture
def boss(client):
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
    return client


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_odd_numbers_in_admin_addresses_are_no_500(boss, value):
    race = small_race()
    urls = [
        f"/admin/autocomplete/?app_label=editions&model_name=entry&field_name=team"
        f"&edition={value}&term=a",
        f"/admin/editions/entry/add/?edition={value}",
        f"/admin/stages/stage/add/?edition={value}",
        f"/admin/stages/stageresult/?stage_number={value}",
        f"/admin/stages/stage/{race.stage(1).pk}/change/?results={value}",
    ]
    for url in urls:
        assert boss.get(url).status_code in (200, 302, 404), url
    for model in ("editions/team", "editions/edition", "stages/stage"):
        response = boss.get(f"/admin/{model}/{value}/change/")
        assert response.status_code in (200, 302, 404), model


def test_odd_decisions_and_numbers_in_a_start_list_paste_are_no_500(boss):
    race = small_race()
    url = f"/admin/editions/edition/{race.edition.pk}/paste-riders/"
    text = f"{'9' * 5000},Ana,Ruiz,ES,2000-01-01,{race.teams[0].code}\n"
    response = boss.post(
        url, {"text": text, "confirm": "1", "decide-²": "new", "decide-1": "²"}
    )
    assert response.status_code == 200
