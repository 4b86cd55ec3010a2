"""The results paste preview compares the paste with the stage's saved results
(issue "Hardening", item 6): every change rider by rider, the riders added and
removed, and every saved value the paste would remove, before anything is saved."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stages.models import Stage, StageResult
from stages.services import paste, paste_diff
from stages.services.users import editor_grant
from tests.factories import paste_text, small_race

STAGE_12 = Path(settings.BASE_DIR) / "races/tour-de-france-2023/results/stage-12.csv"
POGACAR = 11  # bib; 12th on stage 12 in 3:55:56


@pytest.fixture
def editor_client(db) -> Client:
    user = User.objects.create_user("eddy", password="secret-pass-123")
    editor_grant(user=user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stage12(tour) -> Stage:
    return Stage.objects.select_related("edition__race").get(edition=tour, number=12)


def preview_page(client: Client, stage: Stage, text: str) -> str:
    url = reverse("admin:stages_stage_paste_results", args=[stage.pk])
    response = client.post(url, {"text": text, "preview": "1"})
    assert response.status_code == 200
    assert 'name="confirm"' in response.content.decode()  # a valid paste
    return response.content.decode()


def diff_text(page: str) -> str:
    """The comparison section as a screen reader reads it (tags dropped)."""
    found = re.search(r'<section class="paste-diff".*?</section>', page, re.S)
    assert found, "the preview shows no comparison with the saved results"
    text = re.sub(r'<span aria-hidden="true">.*?</span>', "", found.group(0))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def without_columns(text: str, *names: str) -> str:
    """The CSV with the named columns left out, as a shorter spreadsheet pastes."""
    rows = [line.split(",") for line in text.strip().splitlines()]
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    return "\n".join(",".join(row[i] for i in keep) for row in rows) + "\n"


def test_a_paste_without_the_penalty_column_lists_the_saved_penalty_it_removes(
    editor_client, stage12
):
    StageResult.objects.filter(stage=stage12, entry__bib=POGACAR).update(penalty=20)
    text = without_columns(STAGE_12.read_text(), "penalty")
    shown = diff_text(preview_page(editor_client, stage12, text))
    assert (
        "POGAČAR Tadej: penalty 20 s will be removed "
        "(the paste has no penalty column)" in shown
    )
    # The official result's 10 s of Burgaudeau and Sagan go the same way.
    assert "BURGAUDEAU Mathieu: penalty 10 s will be removed" in shown
    assert "SAGAN Peter: penalty 10 s will be removed" in shown
    assert "3 riders change, 3 saved penalties removed" in shown
    assert "POGAČAR Tadej Changed penalty 20 s becomes 0 s" in shown
    assert "bonus" not in shown  # the other columns are all pasted unchanged


def test_a_changed_time_is_listed_old_to_new(editor_client, stage12):
    text = STAGE_12.read_text().replace(
        "12,11,Tadej Pogačar,3:55:56,", "12,11,Tadej Pogačar,3:56:06,"
    )
    shown = diff_text(preview_page(editor_client, stage12, text))
    assert "1 rider changes" in shown
    assert "11 POGAČAR Tadej Changed time 3:55:56 becomes 3:56:06" in shown
    assert "will be removed" not in shown


def test_an_unchanged_re_paste_says_there_are_no_changes(editor_client, stage12):
    page = preview_page(editor_client, stage12, STAGE_12.read_text())
    shown = diff_text(page)
    assert "No changes: the paste matches the saved results." in shown
    assert "Changes to the saved results" not in shown
    assert "will be removed" not in shown


def test_a_rider_left_out_of_the_paste_has_his_saved_result_listed(
    editor_client, stage12
):
    lines = STAGE_12.read_text().splitlines()
    text = "\n".join(line for line in lines if ",11,Tadej Pogačar," not in line)
    shown = diff_text(preview_page(editor_client, stage12, text))
    assert "1 saved result removed (rider not in the paste)" in shown
    assert (
        "POGAČAR Tadej: saved result (rank 12, time 3:55:56, bonus 0 s, points 5, "
        "mountains points 0) will be removed (the rider has no row in the paste)"
    ) in shown


def test_a_rider_who_now_abandons_loses_rank_and_time(editor_client, stage12):
    # Rank 12 left empty: the ranks below keep their numbers, as the paste allows.
    text = STAGE_12.read_text().replace(
        "12,11,Tadej Pogačar,3:55:56,,0,0,,5,0", ",11,Tadej Pogačar,,DNF,0,0,,5,0"
    )
    shown = diff_text(preview_page(editor_client, stage12, text))
    assert "status OK becomes DNF" in shown
    assert "POGAČAR Tadej: rank 12 will be removed (status DNF in the paste)" in shown
    assert "POGAČAR Tadej: time 3:55:56 will be removed (status DNF in the paste)" in (
        shown
    )


def test_a_first_paste_shows_no_comparison(editor_client):
    race = small_race(stages=2)
    stage = race.stage(3)
    page = preview_page(editor_client, stage, paste_text({1: 3600, 11: 3601, 2: 3610}))
    shown = diff_text(page)
    assert "First paste for this stage: no results are saved yet." in shown
    assert "Changes to the saved results" not in shown


def test_the_comparison_is_a_table_with_headers(editor_client, stage12):
    text = without_columns(STAGE_12.read_text(), "penalty")
    page = preview_page(editor_client, stage12, text)
    table = re.search(
        r'<table class="paste-table paste-diff-table">.*?</table>', page, re.S
    )
    assert table
    assert "<caption>" in table.group(0)
    assert '<th scope="col">Rider</th>' in table.group(0)
    assert '<th scope="row">BURGAUDEAU Mathieu</th>' in table.group(0)


def test_the_comparison_costs_the_same_queries_for_few_and_many_rows(stage12):
    full = STAGE_12.read_text()
    short = "\n".join(full.splitlines()[:11])  # the header and ten riders
    counts, summaries = [], []
    for text in (short, full):
        with CaptureQueriesContext(connection) as queries:
            preview = paste.result_preview(stage12, text)
        assert preview.ok, preview.problems
        counts.append(len(queries))
        summaries.append(preview.diff.summary)
    assert counts[0] == counts[1]
    assert summaries == [
        "159 saved results removed (rider not in the paste)",
        "No changes: the paste matches the saved results.",
    ]
    # The comparison itself reads the saved results once.
    names = {r.bib: r.rider for r in preview.rows}
    entry_ids = paste.entry_ids_by_bib(stage12)
    with CaptureQueriesContext(connection) as queries:
        paste_diff.result_diff(stage12, preview.table, entry_ids, names)
    assert len(queries) == 1
