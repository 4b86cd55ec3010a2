"""CSV export of every table (RACE_PACKAGE.md "Export") and the stage round trip."""

import csv
import io

import pytest
from django.core.management import call_command

from stages.exports import COLUMNS
from stages.models import Stage, StageResult, Standing

BASE = "/races/tour-de-france/2023/stage-12/"


def read(client, table: str) -> list[dict]:
    response = client.get(f"{BASE}{table}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"stage-12-{table}.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")  # after its byte-order mark
    header = text.splitlines()[0].split(",")
    assert tuple(header) == COLUMNS[table]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_columns_are_the_documented_ones():
    assert COLUMNS["stage"] == (
        "rank", "bib", "rider", "team", "team_name", "time", "gap", "time_seconds",
        "gap_seconds", "status", "bonus", "penalty", "points", "kom_points",
    )  # fmt: skip
    assert COLUMNS["gc"] == COLUMNS["youth"] == (
        "rank", "bib", "rider", "team", "team_name", "time", "gap", "time_seconds",
        "gap_seconds",
    )  # fmt: skip
    assert COLUMNS["points"] == COLUMNS["mountains"] == (
        "rank", "bib", "rider", "team", "team_name", "points",
    )  # fmt: skip
    assert COLUMNS["teams"] == (
        "rank", "team", "team_name", "time", "gap", "time_seconds", "gap_seconds",
    )  # fmt: skip


@pytest.mark.django_db
def test_stage_csv(client):
    rows = read(client, "stage")
    assert (
        len(rows)
        == StageResult.objects.filter(
            stage__edition__race__slug="tour-de-france",
            stage__edition__year=2023,
            stage__number=12,
        ).count()
    )
    winner, second = rows[0], rows[1]
    assert winner["rider"] == "IZAGIRRE Ion"
    assert winner["team"] == "COF"
    assert winner["time"] == "3:51:42"
    assert winner["gap"] == "+0:00:00"
    assert winner["time_seconds"] == "13902"
    assert winner["gap_seconds"] == "0"
    assert winner["bonus"] == "18"
    assert second["gap"] == "+0:00:58"
    assert second["penalty"] == "10"
    out = [r for r in rows if r["status"] not in ("OK",)]
    assert all(r["rank"] == "" and r["time"] == "" for r in out)


@pytest.mark.django_db
def test_gc_csv(client):
    rows = read(client, "gc")
    assert rows[0]["rider"] == "VINGEGAARD Jonas"
    assert rows[0]["gap"] == "+0:00:00"
    assert rows[1]["rider"] == "POGAČAR Tadej"
    assert rows[1]["gap"] == "+0:00:17"
    assert rows[1]["gap_seconds"] == "17"
    assert int(rows[1]["time_seconds"]) - int(rows[0]["time_seconds"]) == 17


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["points", "mountains", "youth", "teams"])
def test_other_tables_match_the_standings(client, table):
    rows = read(client, table)
    stored = Standing.objects.filter(
        stage__edition__race__slug="tour-de-france",
        stage__edition__year=2023,
        stage__number=12,
        classification=table,
    ).order_by("rank")
    assert len(rows) == stored.count()
    first = stored.select_related("team").first()
    assert rows[0]["rank"] == "1"
    if table == "teams":
        assert rows[0]["team"] == first.team.code
        assert rows[0]["time_seconds"] == str(first.value)
    elif table == "youth":
        assert rows[0]["time_seconds"] == str(first.value)
    else:
        assert rows[0]["points"] == str(first.value)


def snapshot(stage: Stage) -> list[tuple]:
    return list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list(
            "entry__bib", "rank", "time_s", "hundredths", "status", "bonus",
            "penalty", "gc_time_s", "points", "kom_points",
        )
    )  # fmt: skip


def standings_of(stage: Stage) -> list[tuple]:
    return list(
        Standing.objects.filter(stage=stage)
        .order_by("classification", "rank")
        .values_list("classification", "rank", "entry_id", "team_id", "value", "gap")
    )


@pytest.mark.django_db
def test_stage_export_imports_again_unchanged(client, tour, tmp_path):
    stage = tour.stages.get(number=12)
    before, before_standings = snapshot(stage), standings_of(stage)
    exported = client.get(f"{BASE}stage.csv").content
    path = tmp_path / "stage-12.csv"
    path.write_bytes(exported)
    StageResult.objects.filter(stage=stage).update(time_s=1, rank=None, status="DNF")
    call_command(
        "import_results",
        "--race=tour-de-france",
        "--year=2023",
        "--stage=12",
        str(path),
        stdout=io.StringIO(),
    )
    assert snapshot(stage) == before
    assert standings_of(stage) == before_standings
    assert client.get(f"{BASE}stage.csv").content == exported


@pytest.mark.django_db
def test_computed_values_are_exported(client, tour):
    """Bonus and points left to the rules are exported as computed, so a re-import
    keeps them."""
    stage = tour.stages.get(number=12)
    StageResult.objects.filter(stage=stage).update(bonus=None, points=None)
    rows = read(client, "stage")
    # The stage winner's finish bonus (10 s) and the 8 s he took at the bonus
    # point of the Col de la Croix Montmain.
    assert rows[0]["bonus"] == "18"
    assert rows[0]["points"] != ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/races/tour-de-france/2023/stage-12/foo.csv",
        "/races/tour-de-france/2023/stage-99/gc.csv",
        "/races/tour-de-france/1999/stage-1/gc.csv",
    ],
)
def test_unknown_csv_is_404(client, path):
    assert client.get(path).status_code == 404
