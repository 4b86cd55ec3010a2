"""An editor builds an edition in the admin by pasting its stages, teams and start
list (and a stage's checkpoints), each with a preview and a confirm: the test client
as a member of the Editors group, not a superuser."""

import re
import threading
import time
from datetime import date

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import Edition, Entry, Team
from stages.models import Checkpoint, Stage
from stages.services import recompute, setup_paste_startlist, startlist
from stages.services.users import GROUP, editor_grant
from tests.factories import (
    CheckpointCrossingFactory,
    CheckpointFactory,
    EditionFactory,
    RiderFactory,
    TeamFactory,
    small_race,
)
from tests.stages.admin.concurrency import run_in_thread
from tests.stages.admin.forms import messages_of

STAGES = (
    "1\t2031-05-10\tTorino\tTorino\t8.4\titt\n"
    "2\t2031-05-11\tTorino\tCuneo\t180\tflat\n"
    "3\t2031-05-12\tCuneo\tSestriere\t152.5\tmountain\n"
)
TEAMS = "code,name,country\nQRA,Red Arrows,IT\nQBL,Blue Lions,FR\n"


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def edition(db) -> Edition:
    return EditionFactory(year=2031, published=False)


def url(edition: Edition, kind: str) -> str:
    return reverse(f"admin:editions_edition_paste_{kind}", args=[edition.pk])


def preview(client: Client, edition: Edition, kind: str, text: str, **data):
    return client.post(url(edition, kind), {"text": text, "preview": "1", **data})


def confirm(client: Client, edition: Edition, kind: str, text: str, **data):
    """Confirm a paste as its preview's button does: with the preview's digest."""
    shown = preview(client, edition, kind, text)
    version = shown.context["version"]
    data = {"text": text, "version": version, "confirm": "1", **data}
    return client.post(url(edition, kind), data)


def test_an_editor_pastes_the_stage_list_previews_it_and_confirms(client, edition):
    page = client.get(url(edition, "stages"))
    assert page.status_code == 200
    assert '<label for="id_text" class="required">Rows</label>' in page.content.decode()

    shown = preview(client, edition, "stages", STAGES)

    html = shown.content.decode()
    assert "What this paste does: <strong>3 new</strong>." in html
    assert 'value="Confirm and save"' in html
    assert '<th scope="col">Distance (km)</th>' in html
    assert '<th scope="row">3</th>' in html
    assert not Stage.objects.filter(edition=edition).exists()

    response = confirm(client, edition, "stages", STAGES)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:editions_edition_change", args=[edition.pk]
    )
    numbers = Stage.objects.filter(edition=edition).values_list("number", "finish")
    assert list(numbers) == [(1, "Torino"), (2, "Cuneo"), (3, "Sestriere")]
    followed = client.get(response["Location"])
    assert "Pasted stages saved: 3 new." in messages_of(followed)
    entry = LogEntry.objects.get(object_id=str(edition.pk))
    assert entry.get_change_message().startswith("Pasted stages (3 lines).")


def test_a_bad_row_is_shown_by_line_and_field_and_nothing_can_be_saved(client, edition):
    text = STAGES.replace("mountain", "climb").replace("180", "18,0")
    html = preview(client, edition, "stages", text).content.decode()
    assert 'class="errornote" role="alert"' in html
    assert "Pasted stages line 3: type &#x27;climb&#x27; is not one of" in html
    assert "Pasted stages line 2: 7 cells" not in html  # a tab paste: 18,0 is a cell
    assert 'name="confirm"' not in html
    response = client.post(
        url(edition, "stages"), {"text": text, "version": "", "confirm": "1"}
    )
    assert response.status_code == 200
    assert "Nothing was saved" in " ".join(messages_of(response))
    assert not Stage.objects.filter(edition=edition).exists()


def test_teams_then_a_start_list_with_a_known_rider(client, edition):
    assert confirm(client, edition, "teams", TEAMS).status_code == 302
    assert set(edition.teams.values_list("code", flat=True)) == {"QRA", "QBL"}
    known = RiderFactory(
        given_name="Nils", family_name="Knownsen", birth_date=date(1999, 3, 3)
    )
    text = (
        "bib,first_name,last_name,nationality,birth_date,team\n"
        "1,Nils,Knownsen,NO,1999-03-03,QRA\n"
        "2,Ole,Newsen,NO,2001-04-04,QBL\n"
    )
    html = preview(client, edition, "riders", text).content.decode()
    assert "Known rider (born 1999-03-03)" in html
    assert "New rider" in html
    assert confirm(client, edition, "riders", text).status_code == 302
    assert Entry.objects.get(edition=edition, bib=1).rider == known
    assert Entry.objects.get(edition=edition, bib=2).rider.family_name == "Newsen"


def test_a_namesake_is_decided_on_the_preview_and_the_confirm_requires_it(
    client, edition
):
    TeamFactory(edition=edition, code="QRA")
    namesake = RiderFactory(
        given_name="Jan", family_name="Twosen", birth_date=date(1990, 1, 1)
    )
    text = "7,Jan,Twosen,NL,1991-02-02,QRA\n"
    html = preview(client, edition, "riders", text).content.decode()
    assert "Bib 7: who is TWOSEN Jan, born 1991-02-02?" in html
    radios = re.findall(r'name="decide-7"\s+id="decide-7-(\w+)"\s+value="(\w+)"', html)
    assert radios == [(str(namesake.pk),) * 2, ("new", "new")]
    assert "The same rider as TWOSEN Jan, born 1990-01-01" in html

    undecided = confirm(client, edition, "riders", text)
    assert undecided.status_code == 200
    assert "bib 7: Jan Twosen has the name of a known rider" in " ".join(
        messages_of(undecided)
    )
    assert not Entry.objects.filter(edition=edition).exists()

    chosen = confirm(client, edition, "riders", text, **{"decide-7": namesake.pk})
    assert chosen.status_code == 302
    assert Entry.objects.get(edition=edition, bib=7).rider == namesake


def test_a_team_of_another_edition_is_refused_with_the_editions_teams(client, edition):
    TeamFactory(edition=edition, code="QRA")
    TeamFactory(code="QZZ")  # another edition's
    html = preview(
        client, edition, "riders", "3,Ada,Other,FR,1995-05-05,QZZ\n"
    ).content.decode()
    assert "Pasted start list line 1: unknown team code &#x27;QZZ&#x27;" in html
    assert f"The teams of {edition}: QRA." in html
    assert 'name="confirm"' not in html


def test_a_bib_with_results_keeps_its_rider(client):
    race = small_race()
    code = race.teams[0].code
    text = f"1,Some,Body,FR,1990-01-01,{code}\n"
    html = preview(client, race.edition, "riders", text).content.decode()
    assert "bib 1 is AALTO Test&#x27;s, who has results in this edition" in html
    assert 'name="confirm"' not in html


def test_a_confirm_after_another_save_is_refused_and_shows_the_fresh_preview(
    client, edition
):
    shown = preview(client, edition, "teams", TEAMS)
    startlist.team_save(
        team=Team(edition=edition, code="QRA", name="Red", country="IT")
    )
    response = client.post(
        url(edition, "teams"),
        {"text": TEAMS, "version": shown.context["version"], "confirm": "1"},
    )
    assert response.status_code == 200
    assert "this edition changed since your preview" in " ".join(messages_of(response))
    assert Team.objects.get(edition=edition, code="QRA").name == "Red"
    assert not Team.objects.filter(edition=edition, code="QBL").exists()
    assert response.context["version"] != shown.context["version"]
    assert "Changed" in response.content.decode()  # QRA: Red becomes Red Arrows


@pytest.mark.parametrize(
    "perms",
    [
        (),  # staff with no permission
        ("change_edition",),  # not the stages'
        ("change_edition", "add_stage"),  # add without change
    ],
)
def test_a_user_without_the_permissions_gets_403(db, edition, perms):
    user = User.objects.create_user("staff", password="x" * 12, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    client = Client()
    client.force_login(user)
    assert client.get(url(edition, "stages")).status_code == 403
    assert preview(client, edition, "stages", STAGES).status_code == 403
    assert not Stage.objects.filter(edition=edition).exists()


def test_no_such_edition_is_404_and_anonymous_users_log_in(client, edition):
    missing = reverse("admin:editions_edition_paste_teams", args=[999_999])
    assert client.get(missing).status_code == 404
    anonymous = Client().get(url(edition, "teams"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")


def test_the_preview_page_costs_the_same_queries_for_any_number_of_riders(
    client, edition
):
    TeamFactory(edition=edition, code="QRA")

    def queries(riders: int) -> int:
        text = "".join(
            f"{bib},Given{bib},Family{bib},IT,1990-01-{bib % 28 + 1:02d},QRA\n"
            for bib in range(1, riders + 1)
        )
        with CaptureQueriesContext(connection) as captured:
            response = preview(client, edition, "riders", text)
        assert f"<strong>{riders} new</strong>" in response.content.decode()
        return len(captured.captured_queries)

    assert queries(3) == queries(40)


def test_a_stages_checkpoints_are_pasted_on_its_paste_page(client):
    race = small_race()
    stage = race.stage(2)
    crossed = CheckpointFactory(stage=stage, name="Sprint crossed")
    CheckpointCrossingFactory(checkpoint=crossed, entry=race.entry(1), rank=1)
    CheckpointFactory(stage=stage, name="Sprint never crossed")
    page = reverse("admin:stages_stage_paste_checkpoints", args=[stage.pk])
    form = client.get(page).content.decode()
    assert "<code>km,kind,name,category[,multiplier,altitude,scale]</code>" in form
    assert '<label for="id_remove"' in form
    text = "km\tkind\tname\tcategory\taltitude\n98\tclimb\tCol Test\t2\t1410\n"
    html = client.post(
        page, {"text": text, "remove": "on", "preview": "1"}
    ).content.decode()
    assert '<th scope="col">Altitude (m)</th>' in html
    assert "Kept: 1 crossing recorded here." in html
    assert '<input type="hidden" name="remove" value="on">' in html
    version = client.post(page, {"text": text, "remove": "on", "preview": "1"})
    response = client.post(
        page,
        {
            "text": text,
            "remove": "on",
            "version": version.context["version"],
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    stored = dict(
        Checkpoint.objects.filter(stage=stage).values_list("name", "altitude_m")
    )
    assert stored == {"Col Test": 1410, "Sprint crossed": None}


# Two editors at once (PostgreSQL: real row locks)


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_two_editors_confirm_start_lists_at_once():
    """Editor 1's start list commits while editor 2 confirms his, previewed before:
    editor 2's waits for the lock, then is refused with the fresh preview; no
    500, no row lost or mixed. (Transactional: the session's races are not there.)"""
    edition = EditionFactory(year=2031, published=False)
    TeamFactory(edition=edition, code="QRA")
    user = User.objects.create_user("eddy", password="secret-pass-123")
    editor_grant(user=user)
    client = Client()
    client.force_login(user)
    first = "1,Anna,First,NL,1990-01-01,QRA\n2,Bea,First,NL,1991-01-01,QRA\n"
    second = "2,Cora,Second,FR,1992-01-01,QRA\n3,Dina,Second,FR,1993-01-01,QRA\n"
    version = preview(client, edition, "riders", second).context["version"]
    locked, errors, responses = threading.Event(), [], []

    def editor_1():
        with transaction.atomic():
            recompute.lock_edition(edition.pk)
            locked.set()
            time.sleep(0.5)  # editor 2 confirms meanwhile
            setup_paste_startlist.riders_paste_save(edition=edition, text=first)

    def editor_2():
        locked.wait(5)
        data = {"text": second, "version": version, "confirm": "1"}
        responses.append(client.post(url(edition, "riders"), data))

    threads = [run_in_thread(editor_1, errors), run_in_thread(editor_2, errors)]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    (response,) = responses
    assert response.status_code == 200
    assert "this edition changed since your preview" in " ".join(messages_of(response))
    stored = Entry.objects.filter(edition=edition).order_by("bib")
    assert [(e.bib, e.rider.given_name) for e in stored] == [(1, "Anna"), (2, "Bea")]
    fresh = {row.key: row.status for row in response.context["preview"].rows}
    assert fresh == {"2": "changed", "3": "new", "1": "kept"}
