"""The CSV downloads open in a spreadsheet (a UTF-8 byte-order mark), name each
team beside its code, and still read back: Python's csv module, pandas when it
is installed, and our own importer (the stage export's round trip)."""

import csv
import io

import pytest
from django.core.management import call_command

from racing import registry
from racing.parsing.results import parse_results_table
from stages.models import StageResult
from stages.services.results import read_stage_results

pytestmark = pytest.mark.django_db

STAGE_12 = "/races/tour-de-france/2023/stage-12/"


@pytest.mark.parametrize("table", list(registry.TABLES))
def test_csv_starts_with_a_byte_order_mark_and_reads_as_utf8(client, tour, table):
    data = client.get(f"{STAGE_12}{table}.csv").content
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(registry.TABLES[table].csv_columns)
    assert rows[0]["team"]
    if "team_name" in rows[0]:
        assert rows[0]["team_name"]


def test_team_name_is_beside_the_code(client, tour):
    text = client.get(f"{STAGE_12}gc.csv").content.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header.index("team_name") == header.index("team") + 1
    rows = list(csv.DictReader(io.StringIO(text)))
    assert (rows[1]["rider"], rows[1]["team"], rows[1]["team_name"]) == (
        "POGAČAR Tadej",
        "UAD",
        "UAE Team Emirates",
    )
    teams = list(csv.DictReader(io.StringIO(
        client.get(f"{STAGE_12}teams.csv").content.decode("utf-8-sig")
    )))  # fmt: skip
    assert all(r["team_name"] and r["team_name"] != r["team"] for r in teams)


def test_pandas_reads_it(client, tour):
    pandas = pytest.importorskip("pandas")
    data = client.get(f"{STAGE_12}gc.csv").content
    frame = pandas.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns) == list(registry.GENERAL.csv_columns)
    assert frame["rider"][1] == "POGAČAR Tadej"


def snapshot(stage) -> list[tuple]:
    return list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list("entry__bib", "rank", "time_s", "status", "bonus", "penalty")
    )


def test_the_stage_export_with_mark_and_team_name_imports_unchanged(
    client, tour, tmp_path
):
    stage = tour.stages.get(number=12)
    before = snapshot(stage)
    exported = client.get(f"{STAGE_12}stage.csv").content
    assert exported.startswith(b"\xef\xbb\xbf")
    assert b",team_name," in exported.splitlines()[0]
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
    assert client.get(f"{STAGE_12}stage.csv").content == exported


def test_pasted_export_text_with_its_mark_reads_with_or_without_header(client, tour):
    """An editor pastes the export (a text editor keeps the mark), with its
    header line or without it (the rows alone, the new column included)."""
    stage = tour.stages.get(number=12)
    text = client.get(f"{STAGE_12}stage.csv").content.decode("utf-8")
    assert text.startswith("\ufeff")
    with_header = read_stage_results(stage, "paste", text)
    assert with_header.ok, with_header.problems[:3]
    rows_only = "\n".join(text.splitlines()[1:])
    headerless = read_stage_results(stage, "paste", rows_only, header_optional=True)
    assert headerless.ok, headerless.problems[:3]
    assert [r.time_s for r in headerless.rows] == [r.time_s for r in with_header.rows]


def test_a_mark_in_front_of_the_header_is_not_part_of_the_first_column():
    table = parse_results_table("r.csv", "\ufeffrank,bib,time\n1,1,1:00:00\n", {})
    assert table.columns == frozenset({"rank", "bib", "time"})
