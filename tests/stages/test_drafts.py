"""Draft editions: invisible to visitors (404 everywhere, in no list) until
published; staff see them, marked "Draft", never from a stored public page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from stages.services.recompute import bump_version
from stages.services.startlist import editions_publish
from tests.factories import RaceReportFactory, small_race
from toursite import versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    race = small_race()
    race.edition.published = False
    race.edition.save()
    return race


def _base(race) -> str:
    e = race.edition
    return f"/races/{e.race.slug}/{e.year}/"


def _pages(race) -> list[str]:
    base = _base(race)
    team = race.teams[0].code.lower()
    return [
        base,
        f"{base}stage-2/",
        f"{base}stage-2/gc/",
        f"{base}stage-2/gc.csv",
        f"{base}riders/",
        f"{base}teams/",
        f"{base}teams/{team}/",
    ]


def test_a_draft_is_not_found_by_visitors_on_any_of_its_pages(client, draft):
    for path in _pages(draft):
        assert client.get(path).status_code == 404, path
        fragment = client.get(path, headers={"HX-Request": "true"})
        assert fragment.status_code == 404, path


def test_a_draft_is_in_no_list_a_visitor_sees(client, draft):
    RaceReportFactory(stage=draft.stage(2), headline="Secret headline")
    name = draft.edition.race.name
    home = client.get("/").content.decode()
    assert name not in home
    assert "Secret headline" not in home
    assert "Secret headline" not in client.get("/feed/reports.atom").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert _base(draft) not in sitemap
    assert "aalto" not in sitemap  # his only race is the draft
    rider = f"/riders/aalto-{draft.edition.race.slug}/"
    team = draft.teams[0].name
    assert rider not in client.get("/search/", {"q": "Aalto"}).content.decode()
    # (On PostgreSQL a near name of a published team may come up: not the draft's.)
    assert _base(draft) not in client.get("/search/", {"q": team}).content.decode()
    assert client.get(rider).status_code == 404


def test_staff_see_a_draft_marked_and_never_stored(client, draft):
    staff = User.objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(staff)
    for path in _pages(draft):
        response = client.get(path)
        assert response.status_code == 200, path
        if not path.endswith(".csv"):
            assert "Draft." in response.content.decode(), path
        assert "private" in response.headers.get("Cache-Control", ""), path
    rider = client.get(f"/riders/aalto-{draft.edition.race.slug}/")
    assert rider.status_code == 200


def test_a_signed_in_fan_who_is_not_staff_sees_no_draft(client, draft):
    client.force_login(User.objects.create_user("fan", password="pw"))
    assert client.get(_base(draft)).status_code == 404


def test_publishing_shows_the_edition_on_every_page_at_once(client, draft):
    home_before = client.get("/").content.decode()  # stored for the site version
    assert draft.edition.race.name not in home_before
    assert editions_publish(editions=[draft.edition]) == 1
    for path in _pages(draft):
        assert client.get(path).status_code == 200, path
    assert draft.edition.race.name in client.get("/").content.decode()
    assert _base(draft) in client.get("/sitemap.xml").content.decode()
    # Publishing twice changes nothing.
    assert editions_publish(editions=[draft.edition]) == 0


def test_publish_edition_command_publishes_and_returns_to_draft(client, draft):
    e = draft.edition
    call_command("publish_edition", e.race.slug, str(e.year), verbosity=0)
    assert client.get(_base(draft)).status_code == 200
    call_command("publish_edition", e.race.slug, str(e.year), "--draft", verbosity=0)
    assert client.get(_base(draft)).status_code == 404


def test_publish_edition_command_names_an_unknown_edition(draft):
    with pytest.raises(Exception, match="No edition tour-of-nowhere 2031"):
        call_command("publish_edition", "tour-of-nowhere", "2031")


def test_staff_preview_a_scheduled_report_visitors_do_not_see(client):
    race = small_race()
    later = timezone.now() + timedelta(hours=3)
    RaceReportFactory(
        stage=race.stage(2), headline="Tonight's story", published_at=later
    )
    path = f"{_base(race)}stage-2/"
    assert "Tonight&#x27;s story" not in client.get(path).content.decode()
    client.force_login(User.objects.create_user("ed", password="pw", is_staff=True))
    page = client.get(path).content.decode()
    assert "Tonight&#x27;s story" in page
    assert "Preview: appears" in page


def test_a_drafts_writes_leave_the_pages_spanning_editions_alone(draft):
    before = versions.site_data_version()
    bump_version(draft.edition.pk)
    assert versions.site_data_version() == before
    editions_publish(editions=[draft.edition])
    assert versions.site_data_version() != before


def test_a_rider_left_without_a_published_race_has_no_public_page(client, draft):
    # Entered in a draft, then taken off its start list: still nobody's to see.
    entry = draft.entry(1)
    slug = entry.rider.slug
    entry.delete()
    assert client.get(f"/riders/{slug}/").status_code == 404
