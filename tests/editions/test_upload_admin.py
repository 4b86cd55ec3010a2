"""Uploading a race package in the admin (issue 11, item 2), as an editor through
the test client: the preview (nothing saved), the confirm, the namesakes to
decide, and bad uploads refused with a message."""

import base64
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from editions.admin.upload import MAX_UPLOAD_BYTES, NEEDED
from editions.models import Edition, Entry, Rider
from racing.parsing.sources import files_from_folder
from stages.models import Stage, StageResult, Standing
from stages.services.startlist import editions_delete
from stages.services.users import editor_grant

VUELTA = Path(settings.BASE_DIR) / "races/vuelta-a-espana-2023"
UPLOAD = reverse("admin:editions_edition_upload")


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("eddy", password="secret-pass-123")
    editor_grant(user=user)
    return user


@pytest.fixture
def client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def no_vuelta(vuelta) -> None:
    """The database without the Vuelta 2023 (its riders stay: they are known)."""
    editions_delete(editions=[vuelta])


def vuelta_files() -> dict[str, bytes]:
    return files_from_folder(VUELTA)


def zipped(files: dict[str, bytes], folder: str = "vuelta-a-espana-2023") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}" if folder else name, data)
    return buffer.getvalue()


def result_rows(files: dict[str, bytes]) -> int:
    return sum(
        len(data.decode().strip().splitlines()) - 1
        for name, data in files.items()
        if name.startswith("results/")
    )


def upload(client: Client, files: dict[str, bytes], **choices: bool):
    """POST files (name -> bytes) as chosen in the file input; ``draft`` is
    ticked unless said otherwise, ``replace`` is not."""
    data = {
        "files": [SimpleUploadedFile(name, content) for name, content in files.items()],
        "preview": "Preview",
    }
    choices = {"draft": True, "replace": False, **choices}
    data.update({name: "on" for name, ticked in choices.items() if ticked})
    return client.post(UPLOAD, data)


def upload_zip(client: Client, files: dict[str, bytes], **choices: bool):
    return upload(client, {"vuelta-a-espana-2023.zip": zipped(files)}, **choices)


def confirm(client: Client, preview, decisions: dict[int, str] | None = None, **tick):
    """Send the preview's confirm form back as shown, ticked as ``tick`` says."""
    form = preview.context["confirm"]
    assert form is not None, "the preview has no confirm"
    data = {"package": form["package"].value(), "confirm": "Confirm"}
    ticked = {"draft": form["draft"].value(), "replace": form["replace"].value()}
    ticked.update(tick)
    data.update({name: "on" for name, on in ticked.items() if on})
    data.update({f"decide-{bib}": v for bib, v in (decisions or {}).items()})
    return client.post(UPLOAD, data)


def page_text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def vuelta_2023() -> Edition:
    return Edition.objects.get(race__slug="vuelta-a-espana", year=2023)


def gc_leader(edition: Edition, stage: int) -> str:
    return Standing.objects.get(
        stage__edition=edition, stage__number=stage, classification="gc", rank=1
    ).entry.rider.family_name


# Preview and confirm ---------------------------------------------------------------


def test_the_vuelta_zip_is_previewed_then_imported_as_a_draft(client, no_vuelta):
    files = vuelta_files()
    response = upload_zip(client, files)
    assert response.status_code == 200
    text = page_text(response)
    for count in ("21 stages", "22 teams", "176 riders"):
        assert count in text
    rows = result_rows(files)
    assert rows > 21 * 150
    assert f"{rows} result rows" in text
    assert "Already known riders (176)" in text
    assert 'href="/riders/' in text  # known riders link to their pages
    assert "Confirm and import Vuelta a España 2023" in text
    assert not Edition.objects.filter(race__slug="vuelta-a-espana", year=2023).exists()

    saved = confirm(client, response)
    edition = vuelta_2023()
    assert saved.status_code == 302
    assert saved["Location"] == reverse(
        "admin:editions_edition_change", args=[edition.pk]
    )
    assert not edition.published
    assert Stage.objects.filter(edition=edition).count() == 21
    assert StageResult.objects.filter(stage__edition=edition).count() == rows
    assert gc_leader(edition, 21) == "Kuss"
    message = messages_of(client.get(saved["Location"]))[0]
    assert message.startswith(
        "Vuelta a España 2023 imported as a draft: 21 stages, 22 teams, 176 riders, "
        f"{rows} result rows."
    )
    assert message.endswith("Publish it when ready.")
    log = LogEntry.objects.get(object_id=str(edition.pk))
    assert (log.action_flag, log.change_message) == (ADDITION, message)


def test_loose_files_are_a_package_too_and_publish_when_not_a_draft(client, no_vuelta):
    files = vuelta_files()
    # As a file dialog gives them: stage results without their folder.
    loose = {name.removeprefix("results/"): data for name, data in files.items()}
    assert {"stage-07.csv", "edition.toml"} <= loose.keys()
    response = upload(client, loose, draft=False)
    assert "21 stages" in page_text(response)

    confirm(client, response)
    edition = vuelta_2023()
    assert edition.published
    assert StageResult.objects.filter(stage__edition=edition).count() == result_rows(
        files
    )
    assert gc_leader(edition, 21) == "Kuss"


def test_a_package_with_one_bad_row_saves_nothing_and_names_file_and_line(
    client, no_vuelta
):
    files = vuelta_files()
    lines = files["results/stage-03.csv"].decode().splitlines()
    cells = lines[11].split(",")  # line 12 of the file
    cells[1] = "999"
    lines[11] = ",".join(cells)
    files["results/stage-03.csv"] = ("\n".join(lines) + "\n").encode()
    response = upload_zip(client, files)
    text = page_text(response)
    assert "1 problem: nothing can be saved" in text
    assertContains(response, "<h3>results/stage-03.csv</h3>", html=True)
    assert "results/stage-03.csv line 12: bib 999 is not on the start list" in text
    assert 'role="alert"' in text
    assert response.context["confirm"] is None
    assert 'name="confirm"' not in text
    assert not Edition.objects.filter(race__slug="vuelta-a-espana", year=2023).exists()


def test_a_confirm_reads_the_package_again(client, no_vuelta):
    """A package changed between the preview and the confirm is checked again."""
    response = upload_zip(client, vuelta_files())
    files = vuelta_files()
    files["riders.csv"] = files["riders.csv"].replace(b"\n2,Andrea,", b"\n1,Andrea,")
    carried = base64.b64encode(zipped(files)).decode()
    refused = client.post(
        UPLOAD, {"package": carried, "draft": "on", "confirm": "Confirm"}
    )
    assert refused.status_code == 200
    assert "Nothing was saved" in messages_of(refused)[0]
    assert "riders.csv line 3" in page_text(refused)
    assert not Edition.objects.filter(race__slug="vuelta-a-espana", year=2023).exists()
    assert response.context["confirm"] is not None


def test_an_existing_edition_is_replaced_only_when_asked(client, vuelta):
    response = upload_zip(client, vuelta_files())
    text = page_text(response)
    assert "exists already" in text
    assert "Tick “Replace the edition if it exists”" in text

    refused = confirm(client, response)
    assert refused.status_code == 200
    assert "Vuelta a España 2023 exists already: choose to replace it" in page_text(
        refused
    )
    assert vuelta_2023().pk == vuelta.pk
    assert refused.context["confirm"] is not None  # tick it and confirm again

    # Published with results: only an administrator may replace it.
    kept = confirm(client, refused, replace=True)
    assert "is published with results: only an administrator" in page_text(kept)
    assert vuelta_2023().pk == vuelta.pk
    # A draft (an editor's own upload being corrected) may be replaced.
    Edition.objects.filter(pk=vuelta.pk).update(published=False)
    saved = confirm(client, kept, replace=True)
    assert saved.status_code == 302
    replaced = vuelta_2023()
    assert replaced.pk != vuelta.pk
    assert not replaced.published
    assert "replacing the stored one" in messages_of(client.get(saved["Location"]))[0]
    assert gc_leader(replaced, 21) == "Kuss"


# Who the riders are ----------------------------------------------------------------


@pytest.fixture
def namesake(no_vuelta) -> Rider:
    """Juan Ayuso (bib 11) as stored, with another birth date than the
    package's."""
    rider = Rider.objects.get(given_name="Juan", family_name="Ayuso")
    Rider.objects.filter(pk=rider.pk).update(birth_date="2001-01-01")
    return rider


def test_a_namesake_must_be_decided(client, namesake):
    response = upload_zip(client, vuelta_files())
    [decision] = response.context["decisions"]
    bib = decision.match.person.key
    assert bib == 11
    text = page_text(response)
    assert "Riders to decide (1)" in text
    assert f"Bib {bib}: AYUSO Juan, born 2002-09-16" in text
    assert "The same rider as AYUSO Juan, born 2001-01-01" in text
    assert namesake.get_absolute_url() in text

    for nothing_chosen in ({}, {bib: "²"}, {bib: "someone"}):
        refused = confirm(client, response, nothing_chosen)
        assert f"bib {bib}: Juan Ayuso has the name of a known rider" in page_text(
            refused
        )
    refused = confirm(client, response, {bib: "999999"})
    assert f"bib {bib}: the rider chosen is not a namesake" in page_text(refused)
    assert not Edition.objects.filter(race__slug="vuelta-a-espana", year=2023).exists()


@pytest.mark.parametrize("same", [True, False])
def test_a_namesake_decided_is_that_rider_or_a_new_one(client, namesake, same):
    response = upload_zip(client, vuelta_files())
    bib = response.context["decisions"][0].match.person.key
    confirm(client, response, {bib: str(namesake.pk) if same else "new"})
    entry = Entry.objects.get(edition=vuelta_2023(), bib=bib)
    ayusos = Rider.objects.filter(given_name="Juan", family_name="Ayuso")
    if same:
        assert entry.rider == namesake
        assert ayusos.count() == 1
    else:
        assert entry.rider != namesake
        assert ayusos.count() == 2
        assert str(entry.rider.birth_date) == "2002-09-16"


def test_a_refused_confirm_keeps_the_decisions(client, vuelta):
    """Refused for another reason (here: "replace" unticked), the page asks again
    with the editor's choice still made."""
    ayuso = Rider.objects.get(given_name="Juan", family_name="Ayuso")
    Rider.objects.filter(pk=ayuso.pk).update(birth_date="2001-01-01")
    response = upload_zip(client, vuelta_files())
    refused = confirm(client, response, {11: str(ayuso.pk)})
    assert "exists already: choose to replace it" in page_text(refused)
    [decision] = refused.context["decisions"]
    assert decision.chosen == str(ayuso.pk)
    assertContains(
        refused,
        f'<input type="radio" name="decide-11" id="decide-11-{ayuso.pk}" '
        f'value="{ayuso.pk}" checked>',
        html=True,
    )

    confirm(client, refused, {11: str(ayuso.pk)}, replace=True)
    assert Entry.objects.get(edition=vuelta_2023(), bib=11).rider == ayuso


def files_riders(files: dict[str, bytes]) -> list[str]:
    return files["riders.csv"].decode().strip().splitlines()[1:]


def small_package(riders: str) -> dict[str, bytes]:
    """The Vuelta's edition, teams and stages, with these riders and no results."""
    files = vuelta_files()
    header = files["riders.csv"].decode().splitlines()[0]
    keep = ("edition.toml", "teams.csv", "stages.csv")
    return {name: files[name] for name in keep} | {
        "riders.csv": f"{header}\n{riders}".encode()
    }


def test_twins_with_one_birth_date_are_two_riders(client, no_vuelta):
    twins = "1,Mikel,Gemelo,ES,2001-05-05,SOQ\n2,Jon,Gemelo,ES,2001-05-05,SOQ\n"
    response = upload_zip(client, small_package(twins))
    assert "New riders (2)" in page_text(response)
    confirm(client, response)
    riders = [e.rider for e in Entry.objects.filter(edition=vuelta_2023())]
    assert sorted(r.given_name for r in riders) == ["Jon", "Mikel"]
    assert len({r.pk for r in riders}) == 2

    yates = "1,Simon,Yates,GB,1992-08-07,SOQ\n2,Adam,Yates,GB,1992-08-07,SOQ\n"
    response = upload_zip(client, small_package(yates), replace=True)
    assert "Already known riders (2)" in page_text(response)
    assert response.context["decisions"] == []


def test_the_preview_costs_the_same_queries_for_2_riders_or_176(
    client, no_vuelta, django_assert_num_queries
):
    """The session, the user and his permissions (4), a race of the same name at
    another address, the riders of the package's names and the edition of its
    race and year (3)."""
    small = small_package(
        "1,Remco,Evenepoel,BE,2000-01-25,SOQ\n2,Andrea,Bagioli,IT,1999-03-23,SOQ\n"
    )
    for files in (small, vuelta_files()):
        with django_assert_num_queries(7):
            response = upload_zip(client, files)
        assert response.context["confirm"] is not None
        assert len(response.context["preview"].known) == len(files_riders(files))


# Bad uploads -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"race.zip": b"PK\x03\x04 not really a zip"}, "race.zip: not a readable"),
        ({"notes.txt": b"hello"}, "notes.txt: not a file of a race package"),
        (
            {"evil.zip": zipped({"../edition.toml": b"x"}, folder="")},
            "evil.zip: ../edition.toml: a name outside the package",
        ),
        (
            {"a.zip": zipped({}), "teams.csv": b"code"},
            "a.zip: upload a .zip on its own",
        ),
        ({"teams.csv": b"code,name,country\n"}, "edition.toml: missing"),
    ],
)
def test_a_bad_upload_gets_a_message(client, no_vuelta, files, message):
    response = upload(client, files)
    assert response.status_code == 200
    assert message in page_text(response)
    assert response.context["confirm"] is None


def test_no_file_or_a_too_big_upload_is_refused(client, db):
    response = client.post(UPLOAD, {"draft": "on"})
    assert "This field is required." in page_text(response)
    big = {"vuelta.zip": b"0" * (MAX_UPLOAD_BYTES + 1)}
    response = upload(client, big)
    assert response.status_code == 200
    assert "a race package is far smaller (at most 5 MB)" in page_text(response)


def test_more_files_than_django_takes_is_a_bad_request_not_an_error(client, db):
    """Past DATA_UPLOAD_MAX_NUMBER_FILES Django refuses the request before the
    page (a Grand Tour's loose files are some 70, under its 100)."""
    files = {f"stage-{n:02d}.md": b"# A day\n" for n in range(1, 102)}
    assert upload(client, files).status_code == 400


def test_a_package_too_big_to_carry_is_refused_at_the_preview(client, no_vuelta):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100_000):
        response = upload_zip(client, vuelta_files())
    assert "more than this site takes in a form" in page_text(response)
    assert response.context["confirm"] is None


def test_a_broken_confirm_is_a_message(client, db):
    response = client.post(
        UPLOAD, {"package": "not base64!", "draft": "on", "confirm": "Confirm"}
    )
    assert response.status_code == 200
    assert "the previewed package: not a readable .zip file" in page_text(response)
    response = client.post(UPLOAD, {"draft": "on", "confirm": "Confirm"})
    assert "The previewed package was lost" in messages_of(response)[0]


# Who may upload --------------------------------------------------------------------


def test_the_page_needs_the_add_permissions(client, db):
    assert client.get(UPLOAD).status_code == 200
    staff = User.objects.create_user("viewer", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_edition", "add_edition"])
    )
    other = Client()
    other.force_login(staff)
    assert other.get(UPLOAD).status_code == 403
    assert upload(other, {"teams.csv": b"code"}).status_code == 403


def test_replacing_needs_the_delete_permission(vuelta):
    user = User.objects.create_user("adder", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[name.split(".")[1] for name in NEEDED] + ["view_edition"]
        )
    )
    adder = Client()
    adder.force_login(user)
    response = upload_zip(adder, vuelta_files(), replace=True)
    assert response.context["confirm"] is not None
    refused = confirm(adder, response)
    assert "you may not replace an edition" in page_text(refused)
    assert vuelta_2023().pk == vuelta.pk
