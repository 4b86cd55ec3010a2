"""The admin paste of a stage result without its header line: the package's own
rows are recognised; rows in no known order get one message asking for the header."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from stages.models import Stage, StageResult

STAGE_12 = Path(settings.BASE_DIR) / "races/tour-de-france-2023/results/stage-12.csv"


@pytest.fixture
def chief_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("chief", password="x" * 12))
    return client


@pytest.fixture
def stage12(tour) -> Stage:
    return Stage.objects.select_related("edition__race").get(edition=tour, number=12)


def paste(client: Client, stage: Stage, text: str, action: str = "preview"):
    url = reverse("admin:stages_stage_paste_results", args=[stage.pk])
    return client.post(url, {"text": text, action: "1"})


def test_the_package_rows_without_their_header_preview_and_save(chief_client, stage12):
    header, *rows = STAGE_12.read_text().splitlines()
    assert header.startswith("rank,bib,rider,time,")
    text = "\n".join(rows).replace(
        ",1,Jonas Vingegaard,3:55:56,", ",1,Jonas Vingegaard,4:40:00,"
    )
    html = paste(chief_client, stage12, text).content.decode()
    assert 'class="paste-error"' not in html
    assert "has no rank" not in html
    assert f"Confirm and save {len(rows)} results" in html
    paste(chief_client, stage12, text, "confirm")
    assert StageResult.objects.get(stage=stage12, entry__bib=1).time_s == 16800


def test_rows_in_no_known_order_get_one_message(chief_client, stage12):
    rows = STAGE_12.read_text().splitlines()[1:]
    # Name first, then bib, rank and time: no known order.
    text = "\n".join(
        f"{cells[2]},{cells[1]},{cells[0]},{cells[3]}"
        for cells in (row.split(",") for row in rows)
    )
    html = paste(chief_client, stage12, text).content.decode()
    assert html.count("the rows have no header line") == 1
    assert "rank,bib,rider,time,status,bonus,penalty,gc_time,points,kom_points" in html
    assert "malformed time" not in html
    assert "unknown status" not in html
    assert 'name="confirm"' not in html
