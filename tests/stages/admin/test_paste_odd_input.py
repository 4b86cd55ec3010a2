"""Pastes an editor's spreadsheet or a slip of the hand can produce: each gets a
problem on its line in the preview and saves nothing, never an error page."""

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
    client = Client(raise_request_exception=False)  # a 500 shows as a 500
    client.force_login(User.objects.create_superuser("chief", password="x" * 12))
    return client


@pytest.fixture
def stage12(tour) -> Stage:
    return Stage.objects.get(edition=tour, number=12)


def paste(client: Client, stage: Stage, text: str, action: str = "preview"):
    url = reverse("admin:stages_stage_paste_results", args=[stage.pk])
    return client.post(url, {"text": text, action: "1"})


def with_row_12(change) -> str:
    """The stage-12 file with Izagirre's row (rank 1) changed by ``change``."""
    lines = STAGE_12.read_text().splitlines()
    cells = lines[1].split(",")
    change(cells)
    return "\n".join([lines[0], ",".join(cells), *lines[2:]])


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda c: c.__setitem__(0, "99999999999999999999"), "is too large"),
        (lambda c: c.__setitem__(5, "99999999999999999999"), "bonus"),
        (lambda c: c.__setitem__(6, "4000000000"), "penalty 4000000000 is too large"),
        (lambda c: c.__setitem__(3, "99999999999:00:00"), "malformed time"),
    ],
)
def test_numbers_no_column_holds_are_a_problem_on_their_line(
    chief_client, stage12, change, problem
):
    before = list(StageResult.objects.filter(stage=stage12).values_list("pk", "time_s"))
    text = with_row_12(change)
    for action in ("preview", "confirm"):
        response = paste(chief_client, stage12, text, action)
        assert response.status_code == 200
        assert problem in response.content.decode()
    after = list(StageResult.objects.filter(stage=stage12).values_list("pk", "time_s"))
    assert after == before


def test_old_mac_line_endings_read_as_lines(chief_client, stage12):
    text = STAGE_12.read_text().replace("\n", "\r")
    html = paste(chief_client, stage12, text).content.decode()
    assert 'class="paste-error"' not in html
    assert "Confirm and save" in html
