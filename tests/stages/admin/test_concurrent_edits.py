"""A change form saved after its row was replaced or changed by another save (a
paste of the stage, another editor): the save is refused under the race's lock
with the reason on the form, nothing is written and no deleted row comes back."""

import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from editions.models import Entry
from stages.models import Stage, StageResult
from stages.services import corrections, recompute, results, startlist, writes
from stages.services import stage as stage_service
from stages.services.users import GROUP
from tests.factories import TIMES, paste_text, small_race
from tests.stages.admin.concurrency import run_in_thread
from tests.stages.admin.forms import messages_of, post_data

GONE = (
    "This result was deleted by another save since you opened it (for example a "
    "paste of the stage). Nothing was saved; reload the stage to see it now."
)
CHANGED = (
    "This result was changed by another save since you opened it. Nothing was "
    "saved; reload the page to see it as it is now, then make your change again."
)


def non_field_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def row(race, stage: int, bib: int) -> StageResult:
    return StageResult.objects.get(stage=race.stage(stage), entry=race.entry(bib))


def opened(client: Client, obj) -> tuple[str, dict]:
    """The change form of ``obj`` as an editor opens it: its URL and what the
    browser sends back when he saves it unchanged."""
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
    )
    page = client.get(url)
    assert page.status_code == 200
    return url, post_data(page.context["adminform"].form)


@pytest.fixture
def race(db):
    return small_race()


@pytest.fixture
def editor_client(db) -> Client:
    user = User.objects.create_user("eddy", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    client = Client()
    client.force_login(user)
    return client


# One thread (any database)


def test_an_unchanged_result_saves_normally(race, editor_client):
    result = row(race, 3, 13)
    url, data = opened(editor_client, result)
    response = editor_client.post(url, data | {"time": "1:00:40"})
    assert response.status_code == 302
    assert row(race, 3, 13).time_s == 3640
    assert LogEntry.objects.filter(object_id=str(result.pk)).exists()


def test_a_result_changed_since_the_form_opened_is_refused(race, editor_client):
    result = row(race, 3, 13)
    url, data = opened(editor_client, result)
    # Meanwhile another editor gives him a penalty.
    other = row(race, 3, 13)
    other.penalty = 20
    corrections.result_save(result=other)
    response = editor_client.post(url, data | {"time": "1:00:40"})
    assert response.status_code == 200
    assert non_field_errors(response) == [CHANGED]
    assert response.context["adminform"].form["time"].value() == "1:00:40"
    stored = row(race, 3, 13)
    assert (stored.time_s, stored.penalty) == (3630, 20)  # the other save's only
    assert not LogEntry.objects.filter(object_id=str(result.pk)).exists()
    # Opened again, it saves.
    url, data = opened(editor_client, stored)
    assert editor_client.post(url, data | {"time": "1:00:40"}).status_code == 302
    assert (row(race, 3, 13).time_s, row(race, 3, 13).penalty) == (3640, 20)


def test_a_result_a_paste_removed_is_not_brought_back(race, editor_client):
    result = row(race, 3, 13)
    url, data = opened(editor_client, result)
    without_13 = {bib: t for bib, t in TIMES[3].items() if bib != 13}
    results.result_paste_save(stage=race.stage(3), text=paste_text(without_13))
    response = editor_client.post(url, data | {"time": "1:00:40"}, follow=True)
    assert response.status_code == 200
    assert GONE in messages_of(response)
    assert not StageResult.objects.filter(pk=result.pk).exists()
    assert not StageResult.objects.filter(
        stage=race.stage(3), entry=race.entry(13)
    ).exists()
    assert StageResult.objects.filter(stage=race.stage(3)).count() == 5


def test_a_result_deleted_while_the_save_waits_for_the_lock_is_refused(
    race, editor_client
):
    """The row is read when the save comes in; another save deletes it before this
    one gets the race's lock (here: as the lock is taken). Checked under the lock:
    the form comes back with the reason and nothing is written."""
    result = row(race, 3, 13)
    url, data = opened(editor_client, result)
    lock = writes.lock_editions

    def deleted_meanwhile(ids):
        StageResult.objects.filter(pk=result.pk).delete()
        return lock(ids)

    with mock.patch.object(writes, "lock_editions", side_effect=deleted_meanwhile):
        response = editor_client.post(url, data | {"time": "1:00:40"})
    assert response.status_code == 200
    assert non_field_errors(response) == [GONE]
    # The save's transaction, the deletion included here, was rolled back.
    assert row(race, 3, 13).time_s == 3630


def test_a_changed_row_of_the_results_inline_is_refused(race, editor_client):
    stage = race.stage(3)
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    page = editor_client.get(url)
    context = page.context
    data = post_data(context["adminform"].form)
    for formset in context["inline_admin_formsets"]:
        data |= post_data(formset.formset.management_form, *formset.formset.forms)
    results_formset = next(
        f.formset
        for f in context["inline_admin_formsets"]
        if f.formset.model is StageResult
    )
    index = next(
        i
        for i, form in enumerate(results_formset.forms)
        if form.instance.entry_id == race.entry(13).pk
    )
    other = row(race, 3, 13)
    other.penalty = 20
    corrections.result_save(result=other)
    prefix = results_formset.prefix
    response = editor_client.post(url, data | {f"{prefix}-{index}-time": "1:00:40"})
    assert response.status_code == 200
    assert non_field_errors(response) == [f"13 FAURE Test: {CHANGED}"]
    assert (row(race, 3, 13).time_s, row(race, 3, 13).penalty) == (3630, 20)


def test_an_entry_changed_since_the_form_opened_is_refused(race, admin_client):
    entry = race.entry(13)
    url, data = opened(admin_client, entry)
    moved = Entry.objects.get(pk=entry.pk)
    moved.bib = 23
    startlist.entry_save(entry=moved, changed={"bib"})
    response = admin_client.post(url, data | {"bib": "33"})
    assert response.status_code == 200
    assert non_field_errors(response) == [
        "This entry was changed by another save since you opened it. Nothing was "
        "saved; reload the page to see it as it is now, then make your change again."
    ]
    assert Entry.objects.get(pk=entry.pk).bib == 23


def test_a_read_only_page_shows_no_token(race, client):
    viewer = User.objects.create_user("viewer", password="x" * 12, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_entry"))
    client.force_login(viewer)
    url = reverse("admin:editions_entry_change", args=[race.entry(13).pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "row_token" not in page.content.decode()
    assert "Row token" not in page.content.decode()


# Two editors at once (PostgreSQL: real row locks)


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("paste_keeps_him", [False, True], ids=["left-out", "kept"])
def test_a_result_saved_while_a_paste_commits(paste_keeps_him):
    """Editor 1 confirms a paste of stage 3 while editor 2 saves bib 13's result,
    read before the paste commits: no 500, no row brought back, the reason shown.
    (Transactional: the session's 2023 races are not there, a small race is.)"""
    race = small_race()
    editor = User.objects.create_superuser("boss", password="secret-pass-123")
    client = Client()
    client.force_login(editor)
    result = row(race, 3, 13)
    url, data = opened(client, result)
    times = (
        {**TIMES[3], 13: 3625}
        if paste_keeps_him
        else {bib: t for bib, t in TIMES[3].items() if bib != 13}
    )
    locked, errors, responses = threading.Event(), [], []

    def paste():
        with transaction.atomic():
            recompute.lock_edition(race.edition.pk)
            locked.set()
            time.sleep(0.5)  # editor 2's save comes in meanwhile
            results.result_paste_save(stage=race.stage(3), text=paste_text(times))

    def save():
        locked.wait(5)
        started = time.perf_counter()
        responses.append(client.post(url, data | {"time": "1:00:40"}))
        responses.append(time.perf_counter() - started)

    threads = [run_in_thread(paste, errors), run_in_thread(save, errors)]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    response, waited = responses
    assert waited >= 0.4  # it read the row, then waited for the paste's lock
    assert response.status_code == 200
    assert non_field_errors(response) == [GONE]
    assert not StageResult.objects.filter(pk=result.pk).exists()
    stored = StageResult.objects.filter(stage=race.stage(3), entry=race.entry(13))
    assert list(stored.values_list("time_s", flat=True)) == (
        [3625] if paste_keeps_him else []
    )
    assert StageResult.objects.filter(stage=race.stage(3)).count() == len(times)


def test_a_stage_deleted_while_its_page_is_saved_is_refused(race, editor_client):
    stage = race.stage(3)
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    context = editor_client.get(url).context
    data = post_data(context["adminform"].form)
    for formset in context["inline_admin_formsets"]:
        data |= post_data(formset.formset.management_form, *formset.formset.forms)
    touched = stage_service.rows_touched

    def deleted_meanwhile(*args):
        Stage.objects.filter(pk=stage.pk).delete()  # another editor, meanwhile
        return touched(*args)

    with mock.patch.object(
        stage_service, "rows_touched", side_effect=deleted_meanwhile
    ):
        response = editor_client.post(url, data | {"name": "Renamed"})
    assert response.status_code == 200
    assert non_field_errors(response) == [
        "This stage was deleted by another save since you opened it. Nothing was saved."
    ]
