"""The editors' admin through the test client: roles, pastes, corrections,
reports, lists and safety (login, 403, CSRF, history)."""

from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from editions.models import Edition, Entry
from racing import standings
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)
from stages.services import corrections, recompute
from stages.services.users import GROUP, PERMISSIONS
from tests.stages.admin.forms import messages_of, post_data

STAGE_12 = Path(settings.BASE_DIR) / "races/tour-de-france-2023/results/stage-12.csv"


@pytest.fixture
def engine_runs():
    """The engine's runs (``racing.standings.compute``) during the test."""
    with mock.patch.object(standings, "compute", wraps=standings.compute) as runs:
        yield runs


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
def stage12(tour) -> Stage:
    return Stage.objects.select_related("edition__race").get(edition=tour, number=12)


def paste_url(stage: Stage, kind: str = "results") -> str:
    return reverse(f"admin:stages_stage_paste_{kind}", args=[stage.pk])


def change_form_data(response) -> dict:
    """The POST data of an admin change page as rendered, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    return post_data(*forms)


def gc_leader(stage: Stage) -> int:
    return Standing.objects.get(stage=stage, classification="gc", rank=1).entry.bib


# Roles


def test_editors_group_has_exactly_its_permissions(db):
    group = Group.objects.get(name=GROUP)
    codes = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
    }
    assert codes == {
        f"{app}.{action}_{model}"
        for (app, model), actions in PERMISSIONS.items()
        for action in actions
    }
    assert "stages.add_stageresult" in codes
    assert "stages.change_racereport" in codes
    # Editors set editions up (issue 11); results keep editions, teams and riders.
    assert {"editions.add_edition", "editions.add_entry", "editions.delete_team"} <= (
        codes
    )
    forbidden = {
        "editions.delete_race",
        "stages.delete_stage",
        "auth.change_user",
        "auth.view_user",
        "auth.change_group",
        "auth.change_permission",
    }
    assert not codes & forbidden


def admin_urls(stage: Stage) -> list[str]:
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return [
        reverse("admin:index"),
        *urls,
        reverse("admin:stages_stage_change", args=[stage.pk]),
        paste_url(stage),
        paste_url(stage, "crossings"),
        reverse("admin:stages_racereport_preview"),
    ]


def test_no_admin_page_without_login(client, stage12):
    login = reverse("admin:login")
    for url in admin_urls(stage12):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    response = client.post(paste_url(stage12), {"text": "x", "confirm": "1"})
    assert response.status_code == 302


def test_a_user_who_is_not_staff_cannot_enter(client, stage12):
    user = User.objects.create_user("fan", password="secret-pass-123")
    user.groups.add(Group.objects.get(name=GROUP))
    client.force_login(user)
    response = client.get(paste_url(stage12))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_login_page_logs_an_editor_in(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "eddy", "password": "secret-pass-123", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_editor_gets_403_outside_their_work(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_editor_cannot_delete_editions_teams_or_riders_with_results(
    editor_client, tour
):
    entry = Entry.objects.filter(edition=tour).select_related("team", "rider").first()
    for url in [
        reverse("admin:editions_edition_delete", args=[tour.pk]),
        reverse("admin:editions_team_delete", args=[entry.team.pk]),
        reverse("admin:editions_rider_delete", args=[entry.rider.pk]),
    ]:
        assert editor_client.get(url).status_code == 403, url
        assert editor_client.post(url, {"post": "yes"}).status_code == 403, url
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_editor_reaches_every_page_of_their_work(editor_client, stage12):
    for url in [
        "/admin/",
        "/admin/stages/stage/",
        reverse("admin:stages_stage_change", args=[stage12.pk]),
        paste_url(stage12),
        paste_url(stage12, "crossings"),
        "/admin/stages/stageresult/",
        "/admin/stages/racereport/add/",
        "/admin/editions/entry/",
        "/admin/editions/rider/",
        "/admin/editions/team/",
        "/admin/editions/edition/",
        "/admin/editions/edition/add/",
        "/admin/editions/team/add/",
        "/admin/editions/rider/add/",
        "/admin/editions/entry/add/",
        "/admin/editions/race/add/",
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_staff_without_the_group_cannot_paste(client, stage12):
    user = User.objects.create_user("intern", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(paste_url(stage12)).status_code == 403


def test_csrf_less_posts_are_refused(editor, stage12):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = list(StageResult.objects.filter(stage=stage12).values_list("pk"))
    text = STAGE_12.read_text().replace("\n1,124,", "\n1,1,", 1)
    response = client.post(paste_url(stage12), {"text": text, "confirm": "1"})
    assert response.status_code == 403
    assert list(StageResult.objects.filter(stage=stage12).values_list("pk")) == before
    response = client.post(reverse("admin:stages_racereport_preview"), {"body": "x"})
    assert response.status_code == 403


# Pasting results


def test_paste_preview_with_errors_saves_nothing(editor_client, stage12):
    text = STAGE_12.read_text().replace("\n2,213,", "\n2,999,")
    response = editor_client.post(paste_url(stage12), {"text": text, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "bib 999 is not on the start list" in html
    assert 'class="paste-error"' in html
    assert 'name="confirm"' not in html
    assert "nothing can be saved" in html
    assert text.splitlines()[3] in html  # the pasted text is kept in the textarea
    assert not LogEntry.objects.exists()


def test_paste_preview_then_confirm(editor_client, editor, stage12):
    text = "\n".join(
        line.replace(",1,Jonas Vingegaard,3:55:56,", ",1,Jonas Vingegaard,4:40:00,")
        for line in STAGE_12.read_text().splitlines()
    )
    assert "4:40:00" in text
    response = editor_client.post(paste_url(stage12), {"text": text, "preview": "1"})
    html = response.content.decode()
    assert "Confirm and save 169 results" in html
    assert "After stage 12: Pogačar leads the GC by" in html
    assert "(was Vingegaard)" in html
    assert "IZAGIRRE Ion" in html
    assert gc_leader(stage12) == 1  # nothing saved by the preview

    version = response.context["version"]
    response = editor_client.post(
        paste_url(stage12),
        {"text": text, "version": version, "confirm": "1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:stages_stage_change", args=[stage12.pk]
    )
    assert any(
        m.startswith("Standings updated after stage 12: Pogačar leads the GC")
        for m in messages_of(response)
    )
    assert gc_leader(stage12) != 1
    assert StageResult.objects.get(stage=stage12, entry__bib=1).time_s == 16800
    entry = LogEntry.objects.get(user=editor)
    assert entry.object_id == str(stage12.pk)
    assert entry.get_change_message().startswith("Pasted results")
    assert "Pogačar leads the GC" in entry.get_change_message()


def test_confirm_revalidates_and_refuses_bad_rows(editor_client, stage12):
    text = STAGE_12.read_text().replace("\n2,213,", "\n2,999,")
    response = editor_client.post(paste_url(stage12), {"text": text, "confirm": "1"})
    assert response.status_code == 200
    assert any(m.startswith("Nothing was saved") for m in messages_of(response))
    assert "bib 999 is not on the start list" in response.content.decode()
    assert not StageResult.objects.filter(stage=stage12, entry__bib=999).exists()
    assert StageResult.objects.filter(stage=stage12, entry__bib=213).exists()


def test_confirm_after_someone_else_saved_asks_to_check_again(editor_client, stage12):
    text = STAGE_12.read_text()
    response = editor_client.post(
        paste_url(stage12),
        {"text": text, "version": "a-stale-preview", "confirm": "1"},
    )
    assert response.status_code == 200
    assert any("changed since your preview" in m for m in messages_of(response))


LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-admin-tests",
    }
}


def test_preview_and_confirm_run_the_engine_once(editor_client, stage12, engine_runs):
    text = STAGE_12.read_text().replace(
        ",1,Jonas Vingegaard,3:55:56,", ",1,Jonas Vingegaard,4:40:00,"
    )
    with override_settings(CACHES=LOCMEM):
        cache.clear()
        preview = editor_client.post(paste_url(stage12), {"text": text, "preview": "1"})
        assert "(was Vingegaard)" in preview.content.decode()
        assert engine_runs.call_count == 1
        confirm = editor_client.post(
            paste_url(stage12),
            {"text": text, "version": preview.context["version"], "confirm": "1"},
            follow=True,
        )
        cache.clear()
    assert any("Pogačar leads the GC" in m for m in messages_of(confirm))
    assert engine_runs.call_count == 1  # the confirm stored the preview's standings
    assert gc_leader(stage12) != 1


def test_a_refused_confirm_offers_the_fresh_preview(editor_client, stage12):
    response = editor_client.post(
        paste_url(stage12),
        {"text": STAGE_12.read_text(), "version": "a-stale-preview", "confirm": "1"},
    )
    html = response.content.decode()
    assert "Confirm and save 169 results" in html
    assert response.context["version"] == recompute.results_digest(stage12.edition)
    assert f'value="{response.context["version"]}"' in html


def test_paste_of_an_unknown_stage_is_404(editor_client):
    assert editor_client.get(
        "/admin/stages/stage/999999/paste-results/"
    ).status_code in (
        302,
        404,
    )


# Corrections and status


def test_inline_correction_on_the_stage_page_recomputes(
    editor_client, stage12, engine_runs
):
    url = reverse("admin:stages_stage_change", args=[stage12.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    # Vingegaard (bib 1) is the row with his entry id; give him 50 minutes more.
    vingegaard = Entry.objects.get(edition=stage12.edition, bib=1).pk
    prefix = next(
        k.removesuffix("-entry")
        for k, v in data.items()
        if k.endswith("-entry") and str(v) == str(vingegaard)
    )
    data[f"{prefix}-time"] = "4:42:40"
    data["_continue"] = "1"
    engine_runs.reset_mock()
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not response.context.get("errors"), response.context.get("errors")
    assert any(
        m.startswith("Standings updated after stage 12: Pogačar leads the GC")
        for m in messages_of(response)
    )
    assert engine_runs.call_count == 1  # the leaders before are the stored ones
    assert gc_leader(stage12) != 1
    change = LogEntry.objects.latest("action_time").get_change_message()
    assert change.startswith("Changed time for stage result")


def test_autocomplete_offers_the_stage_race_start_list(editor_client, stage12):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "stages",
            "model_name": "stageresult",
            "field_name": "entry",
            "term": "1",
        },
        headers={
            "referer": "http://testserver"
            + reverse("admin:stages_stage_change", args=[stage12.pk])
        },
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids
    assert ids <= set(
        Entry.objects.filter(edition=stage12.edition).values_list("pk", flat=True)
    )
    by_name = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "stages",
            "model_name": "stageresult",
            "field_name": "entry",
            "term": "vingeg",
        },
    ).json()["results"]
    assert any("VINGEGAARD" in r["text"] for r in by_name)


def test_result_change_page_recomputes_and_says_so(editor_client, stage12):
    result = StageResult.objects.get(stage=stage12, entry__bib=1)
    url = reverse("admin:stages_stageresult_change", args=[result.pk])
    data = post_data(editor_client.get(url).context["adminform"].form)
    assert data["time"] == "3:55:56"
    data["time"] = "4:42:40"
    response = editor_client.post(url, data, follow=True)
    assert any("Pogačar leads the GC" in m for m in messages_of(response))
    result.refresh_from_db()
    assert result.time_s == 4 * 3600 + 42 * 60 + 40


def test_a_save_the_service_refuses_saves_nothing(editor_client, stage12):
    """A row another editor replaced between the form's check and the save (under
    the lock) is refused by the service: the page comes back with the reason."""
    result = StageResult.objects.get(stage=stage12, entry__bib=1)
    url = reverse("admin:stages_stageresult_change", args=[result.pk])
    data = post_data(editor_client.get(url).context["adminform"].form)
    refusal = ValidationError("Stage result 7 was replaced by another save.")
    with mock.patch.object(corrections, "result_save", side_effect=refusal):
        response = editor_client.post(url, data | {"time": "4:42:40"})
    assert response.status_code == 302
    assert response["Location"] == url
    shown = messages_of(editor_client.get(url))
    assert "Nothing was saved: Stage result 7 was replaced by another save." in shown
    assert StageResult.objects.get(pk=result.pk).time_s == 3 * 3600 + 55 * 60 + 56
    assert not LogEntry.objects.filter(object_id=str(result.pk)).exists()


def test_result_form_refuses_a_malformed_time(editor_client, stage12):
    result = StageResult.objects.get(stage=stage12, entry__bib=1)
    url = reverse("admin:stages_stageresult_change", args=[result.pk])
    data = post_data(editor_client.get(url).context["adminform"].form)
    data["time"] = "3:5x:40"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "malformed time" in response.content.decode()
    result.refresh_from_db()
    assert result.time_s == 3 * 3600 + 55 * 60 + 56


def test_deleting_a_result_recomputes(editor_client, stage12):
    result = StageResult.objects.get(stage=stage12, entry__bib=1)
    url = reverse("admin:stages_stageresult_delete", args=[result.pk])
    response = editor_client.post(url, {"post": "yes"}, follow=True)
    assert any("Standings updated after stage 12" in m for m in messages_of(response))
    # Without a result on stage 12 Vingegaard is out of the race from stage 12.
    assert gc_leader(stage12) != 1


def test_status_from_the_change_list(editor_client, tour, engine_runs):
    # A rider whose row is missing from the finished stage 21 left the race there.
    gone = Entry.objects.get(edition=tour, bib=1)
    StageResult.objects.filter(stage__number=21, entry=gone).delete()
    recompute.recompute_standings(tour, from_stage=21)
    gone.refresh_from_db()
    assert (gone.exit_stage, gone.exit_status) == (21, "")
    url = reverse("admin:stages_stage_changelist") + f"?edition__id__exact={tour.pk}"
    page = editor_client.get(url)
    formset = page.context["cl"].formset
    data = post_data(formset.management_form, *formset.forms)
    stage = next(f.instance for f in formset.forms if f.instance.number == 21)
    index = next(i for i, f in enumerate(formset.forms) if f.instance == stage)
    data[f"form-{index}-status"] = Stage.Status.LIVE
    data["_save"] = "Save"
    tour.refresh_from_db()
    version = tour.version
    rows = set(Standing.objects.filter(stage__edition=tour).values_list("pk"))
    engine_runs.reset_mock()
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    stage.refresh_from_db()
    tour.refresh_from_db()
    assert stage.status == Stage.Status.LIVE
    # A status alone moves no standings (not recomputed: same rows), but the
    # public pages show it (the data version is bumped once).
    assert set(Standing.objects.filter(stage__edition=tour).values_list("pk")) == rows
    assert engine_runs.call_count == 0
    assert tour.version == version + 1
    assert LogEntry.objects.filter(object_id=str(stage.pk)).exists()
    # Who left the race follows it: a live stage's missing row is still to come.
    gone.refresh_from_db()
    assert gone.exit is None


def test_status_from_the_stage_page(editor_client, stage12):
    url = reverse("admin:stages_stage_change", args=[stage12.pk])
    data = change_form_data(editor_client.get(url))
    data["status"] = Stage.Status.LIVE
    response = editor_client.post(url, data)
    assert response.status_code == 302
    stage12.refresh_from_db()
    assert stage12.status == Stage.Status.LIVE


# Race reports


def report_data(stage: Stage, **overrides) -> dict:
    when = timezone.localtime() + overrides.pop("delay", timedelta(0))
    data = {
        "stage": stage.pk,
        "language": "en",
        "headline": "Vingegaard holds on",
        "body": "A **hard** day.\n\n<script>alert(1)</script>",
        "status": RaceReport.Status.PUBLISHED,
        "published_at_0": when.strftime("%Y-%m-%d"),
        "published_at_1": when.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return data


def test_report_form_defaults_author_and_stage(editor_client, editor, stage12):
    response = editor_client.get(
        reverse("admin:stages_racereport_add") + f"?stage={stage12.pk}"
    )
    form = response.context["adminform"].form
    assert form["author"].value() == editor.pk
    assert str(form["stage"].value()) == str(stage12.pk)
    html = response.content.decode()
    assert 'hx-post="/admin/stages/racereport/preview/"' in html
    assert 'name="htmx-config"' in html
    assert "htmx" in html
    assert 'id="report-preview"' in html
    assert " style=" not in html.split("<body", 1)[1].split('id="footer"')[0]


def test_report_is_saved_with_its_author_and_shown(editor_client, editor, stage12):
    response = editor_client.post(
        reverse("admin:stages_racereport_add"),
        report_data(stage12, author=""),
    )
    assert response.status_code == 302
    report = RaceReport.objects.get(headline="Vingegaard holds on")
    assert report.author == editor
    assert report in RaceReport.objects.published()
    assert LogEntry.objects.filter(object_id=str(report.pk), user=editor).exists()
    change = editor_client.get(
        reverse("admin:stages_racereport_change", args=[report.pk])
    )
    html = change.content.decode()
    assert "<strong>hard</strong>" in html
    assert "<script>alert" not in html


def test_scheduled_report_stays_hidden_until_its_time(editor_client, stage12):
    editor_client.post(
        reverse("admin:stages_racereport_add"),
        report_data(stage12, delay=timedelta(hours=2)),
    )
    report = RaceReport.objects.get(headline="Vingegaard holds on")
    assert report.status == RaceReport.Status.PUBLISHED
    assert report not in RaceReport.objects.published()
    RaceReport.objects.filter(pk=report.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert report in RaceReport.objects.published()
    listing = editor_client.get("/admin/stages/racereport/?visible=scheduled")
    assert report not in listing.context["cl"].result_list


def test_draft_report_is_not_published(editor_client, stage12):
    editor_client.post(
        reverse("admin:stages_racereport_add"), report_data(stage12, status="draft")
    )
    report = RaceReport.objects.get(headline="Vingegaard holds on")
    assert report not in RaceReport.objects.published()


def test_report_view_on_site_goes_to_the_stage_page(editor_client, stage12):
    report = RaceReport.objects.create(stage=stage12, headline="h", body="b")
    page = editor_client.get(
        reverse("admin:stages_racereport_change", args=[report.pk])
    )
    link = reverse(
        "admin:view_on_site",
        args=[page.context["adminform"].model_admin.opts.app_config and 0, report.pk],
    )
    assert link  # the admin renders a View on site link for objects with a URL
    assert "View on site" in page.content.decode()
    assert report.get_absolute_url() == "/races/tour-de-france/2023/stage-12/"


def test_report_preview_endpoint(editor_client):
    url = reverse("admin:stages_racereport_preview")
    response = editor_client.post(
        url, {"body": "**Bold** <img src=x onerror=alert(1)> [x](javascript:y)"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert 'id="report-preview"' in html
    assert "<html" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert editor_client.get(url).status_code == 405


# Lists


def changelist(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_results_search_by_bib_name_and_team(editor_client, tour):
    base = f"/admin/stages/stageresult/?stage__edition__id__exact={tour.pk}"
    by_bib = changelist(editor_client, base + "&q=124")
    assert {r.entry.bib for r in by_bib} == {124}
    by_name = changelist(editor_client, base + "&q=Izagirre")
    assert {r.entry.rider.full_name for r in by_name} == {
        "Ion Izagirre",
        "Gorka Izagirre",
    }
    by_team = changelist(editor_client, base + "&q=Cofidis")
    assert by_team
    assert {r.entry.team.name for r in by_team} == {"Cofidis"}


def test_results_filters_and_order(editor_client, tour):
    url = (
        f"/admin/stages/stageresult/?stage__edition__id__exact={tour.pk}"
        "&stage_number=12"
    )
    rows = changelist(editor_client, url)
    assert len(rows) == 169
    assert {r.stage.number for r in rows} == {12}
    ranks = [r.rank for r in rows if r.rank is not None]
    assert ranks == sorted(ranks)
    assert rows[0].rank == 1
    assert rows[-1].rank is None  # non-finishers last
    dnf = changelist(editor_client, url + "&status__exact=DNS")
    assert dnf
    assert {r.status for r in dnf} == {"DNS"}


def test_results_change_list_query_count_does_not_grow(
    editor_client, tour, django_assert_max_num_queries
):
    base = f"/admin/stages/stageresult/?stage__edition__id__exact={tour.pk}"
    with django_assert_max_num_queries(12):
        response = editor_client.get(base + "&stage_number=12")
    assert len(response.context["cl"].result_list) == 169
    with django_assert_max_num_queries(12):
        response = editor_client.get(base)
    assert len(response.context["cl"].result_list) == 200


def results_formset(response):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "results"
    )


def test_stage_page_shows_results_in_pages_with_few_queries(
    editor_client, stage12, django_assert_max_num_queries
):
    url = reverse("admin:stages_stage_change", args=[stage12.pk])
    with django_assert_max_num_queries(20):
        first = editor_client.get(url)
    ranks = [f.instance.rank for f in results_formset(first).forms]
    assert ranks == list(range(1, 51))
    html = first.content.decode()
    assert "169 results, by rank" in html
    assert 'href="?results=4#results-group"' in html
    with django_assert_max_num_queries(20):
        last = editor_client.get(url + "?results=4")
    rows = results_formset(last).forms
    assert len(rows) == 19
    assert rows[-1].instance.rank is None  # non-finishers at the end
    # Out-of-range page numbers fall back to a page that exists.
    assert len(results_formset(editor_client.get(url + "?results=99")).forms) == 19
    assert len(results_formset(editor_client.get(url + "?results=x")).forms) == 50


def test_inline_correction_on_a_later_page(editor_client, stage12):
    url = reverse("admin:stages_stage_change", args=[stage12.pk]) + "?results=3"
    data = change_form_data(editor_client.get(url))
    row = next(k for k, v in data.items() if k.endswith("-rank") and v == 101)
    data[row.replace("-rank", "-penalty")] = "20"
    data["_continue"] = "1"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("?results=3")
    assert StageResult.objects.get(stage=stage12, rank=101).penalty == 20


@pytest.mark.parametrize(
    ("url", "q", "expected"),
    [
        ("/admin/editions/entry/", "1", "VINGEGAARD"),
        ("/admin/editions/entry/", "Vingegaard", "VINGEGAARD"),
        ("/admin/editions/entry/", "Cofidis", "IZAGIRRE"),
        ("/admin/editions/rider/", "124", "Izagirre"),
        ("/admin/editions/rider/", "Jumbo", "Vingegaard"),
        ("/admin/editions/team/", "Pogačar", "UAE"),
        ("/admin/stages/racereport/", "Izagirre", "Izagirre"),
    ],
)
def test_search_everywhere(editor_client, url, q, expected, tour):
    response = editor_client.get(url, {"q": q})
    assert response.status_code == 200
    assert expected in response.content.decode()


# History


def test_every_change_is_in_the_history(editor_client, editor, stage12):
    editor_client.post(
        paste_url(stage12), {"text": STAGE_12.read_text(), "confirm": "1"}
    )
    report = editor_client.post(
        reverse("admin:stages_racereport_add"), report_data(stage12)
    )
    assert report.status_code == 302
    history = editor_client.get(
        reverse("admin:stages_stage_history", args=[stage12.pk])
    )
    assert "Pasted results" in history.content.decode()
    assert "eddy" in history.content.decode()
    assert LogEntry.objects.filter(user=editor).count() == 2


# Start lists and corrections one row at a time


@pytest.fixture
def chief_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("chief", password="x" * 12))
    return client


def test_a_new_youth_cutoff_in_the_admin_recomputes(chief_client, tour):
    url = reverse("admin:editions_edition_change", args=[tour.pk])
    data = post_data(chief_client.get(url).context["adminform"].form)
    data["youth_born_on_or_after"] = "1996-01-01"  # Vingegaard is young again
    response = chief_client.post(url, data, follow=True)
    lines = [m for m in messages_of(response) if m.startswith("Standings updated")]
    assert len(lines) == 1
    assert "Vingegaard leads the youth classification" in lines[0]
    youth = Standing.objects.get(
        stage__edition=tour, stage__number=21, classification="youth", rank=1
    )
    assert youth.entry.bib == 1


def test_a_renamed_edition_race_moves_no_standings(chief_client, tour):
    race = tour.race
    url = reverse("admin:editions_race_change", args=[race.pk])
    data = post_data(chief_client.get(url).context["adminform"].form)
    data["name"] = "Le Tour de France"
    version = tour.version
    response = chief_client.post(url, data, follow=True)
    assert not [m for m in messages_of(response) if m.startswith("Standings")]
    assert Edition.objects.get(pk=tour.pk).version == version + 1


def test_a_crossing_of_a_rider_of_another_race_is_refused(editor_client, stage12, giro):
    sprint = Checkpoint.objects.create(stage=stage12, kind="sprint", name="Sprint")
    stranger = Entry.objects.filter(edition=giro).first()
    response = editor_client.post(
        reverse("admin:stages_checkpointcrossing_add"),
        {"checkpoint": sprint.pk, "rank": 1, "entry": stranger.pk},
    )
    assert response.status_code == 200
    assert "not on this race&#x27;s start list" in response.content.decode()
    assert not CheckpointCrossing.objects.filter(checkpoint=sprint).exists()


def test_a_crossing_added_in_the_admin_recomputes(editor_client, stage12):
    sprint = Checkpoint.objects.create(stage=stage12, kind="sprint", name="Sprint")
    izagirre = Entry.objects.get(edition=stage12.edition, bib=124)
    response = editor_client.post(
        reverse("admin:stages_checkpointcrossing_add"),
        {"checkpoint": sprint.pk, "rank": 1, "entry": izagirre.pk},
        follow=True,
    )
    assert any(
        m.startswith("Standings updated after stage 12") for m in messages_of(response)
    )
    assert CheckpointCrossing.objects.get(checkpoint=sprint).entry == izagirre


# make_editor


def test_make_editor(db):
    User.objects.create_user("anna", password="x")
    out = StringIO()
    call_command("make_editor", "anna", stdout=out)
    anna = User.objects.get(username="anna")
    assert anna.is_staff
    assert anna.groups.filter(name=GROUP).exists()
    assert "anna is an editor" in out.getvalue()
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("make_editor", "nobody")
    with pytest.raises(CommandError, match="needs a terminal"):
        call_command("make_editor", "nobody", "--create")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/riders/rider/", "/admin/editions/rider/"),
        ("/admin/riders/entry/?q=1", "/admin/editions/entry/"),
        ("/admin/teams/team/12/change/", "/admin/editions/team/12/change/"),
        ("/admin/stages/edition/", "/admin/editions/edition/"),
        ("/admin/stages/race/add/", "/admin/editions/race/add/"),
    ],
)
def test_admin_pages_of_moved_models_redirect(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"].startswith(new)


def test_stage_admin_pages_do_not_redirect(client):
    assert client.get("/admin/stages/stage/").status_code == 302  # to the login
    assert "login" in client.get("/admin/stages/stage/")["Location"]
