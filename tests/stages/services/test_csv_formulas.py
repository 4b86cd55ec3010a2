"""CSV exports neutralise the text cells a spreadsheet would run as a formula (a
rider's or team's name starting with ``=``, ``+``, ``-``, ``@``), keep times, gaps
and numbers as they are, and read back exactly: export -> import gives the same
names and the same results."""

import csv
import io

import pytest
from django.core.management import call_command

from editions.models import Rider, Team
from racing.parsing.csvrows import read_csv, restore_cell
from stages.exports import neutralised
from stages.models import StageResult

FORMULA = '=HYPERLINK("http://example.com/x","win")'


@pytest.fixture
def formulas(race):
    """The small race with formulas for names: Aalto (bib 1, GC leader) is
    ``=HYPERLINK(…)``, Dahl (bib 11, second at 0:05) is ``-X`` ``@SUM(1)``, the
    second team's code is ``@SU``; Faure lost 5 points on stage 3."""
    Rider.objects.filter(pk=race.entry(1).rider_id).update(family_name=FORMULA)
    Rider.objects.filter(pk=race.entry(11).rider_id).update(
        given_name="@SUM(1)", family_name="-X"
    )
    Team.objects.filter(pk=race.teams[1].pk).update(code="@SU")
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(13)).update(
        points=-5
    )
    return race


def exported(client, race, table: str) -> list[dict]:
    slug, year = race.edition.race.slug, race.edition.year
    text = client.get(f"/races/{slug}/{year}/stage-3/{table}.csv").content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def by_bib(rows: list[dict]) -> dict[int, dict]:
    return {int(r["bib"]): r for r in rows}


@pytest.mark.parametrize("table", ["stage", "gc", "points"])
def test_names_that_are_formulas_are_neutralised(client, formulas, table):
    rows = by_bib(exported(client, formulas, table))
    assert rows[1]["rider"] == f"'{FORMULA.upper()} Test"
    assert rows[11]["rider"] == "'-X @SUM(1)"
    assert rows[11]["team"] == "'@SU"
    assert rows[2]["rider"] == "BERG Test"  # a plain name is written as it is


def test_teams_are_neutralised_and_times_gaps_and_numbers_are_not(client, formulas):
    teams = exported(client, formulas, "teams")
    assert [r["team"] for r in teams if r["team"].endswith("SU")] == ["'@SU"]
    gc = by_bib(exported(client, formulas, "gc"))
    assert (gc[11]["time"], gc[11]["gap"]) == ("3:00:06", "+0:00:04")
    stage = by_bib(exported(client, formulas, "stage"))
    assert (stage[11]["gap"], stage[13]["points"]) == ("+0:00:01", "-5")


def test_export_then_import_gives_the_same_names_and_results(
    client, formulas, tmp_path
):
    stage = formulas.stage(3)
    # Points left to the rules are exported as computed (and so imported).
    fields = ("entry__bib", "rank", "time_s", "status", "bonus", "penalty")
    results = StageResult.objects.filter(stage=stage).order_by("entry__bib")
    before = list(results.values_list(*fields))
    slug, year = formulas.edition.race.slug, formulas.edition.year
    text = client.get(f"/races/{slug}/{year}/stage-3/stage.csv").content
    rows = {int(r.get("bib")): r for r in read_csv("s.csv", text.decode(), ("bib",))}
    assert rows[1].get("rider") == f"{FORMULA.upper()} Test"
    assert rows[11].get("rider") == "-X @SUM(1)"
    assert rows[11].get("team") == "@SU"
    (tmp_path / "stage-03.csv").write_bytes(text)
    StageResult.objects.filter(stage=stage).delete()
    call_command(
        "import_results",
        f"--race={slug}",
        f"--year={year}",
        "--stage=3",
        str(tmp_path / "stage-03.csv"),
        stdout=io.StringIO(),
    )
    assert list(results.values_list(*fields)) == before
    assert client.get(f"/races/{slug}/{year}/stage-3/stage.csv").content == text


TRICKY = [
    FORMULA,
    "@SUM(1)",
    "-X",
    "+33",
    "%x",
    "|x",
    "=A|B",
    "=A\\|B",
    "'=x",
    "''@x",
    "'\\|x",
    "-5",
    "-1.5",
    "'t Hooft",
    "O'Connor",
    "",
    "Plain",
]


def test_every_text_cell_reads_back_exactly():
    written = neutralised([[cell] for cell in TRICKY])
    assert [restore_cell(cell) for (cell,) in written] == TRICKY
    dangerous = [c for (c,) in written if c[:1] in ("=", "+", "@", "|", "%")]
    assert dangerous == []
    assert [c for (c,) in written if c.startswith("-")] == ["-5", "-1.5"]
