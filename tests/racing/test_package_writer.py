"""Writing a race package (RACE_PACKAGE.md) from plain data: the files of the
layout, zipped in one top folder, that ``read_package`` reads back to the same
package; the same package gives the same bytes. Pure: no database."""

import csv
import io
import tomllib
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from racing.package_writer import (
    package_folder,
    package_to_files,
    package_zip,
    write_package_zip,
)
from racing.parsing.package import Package, read_package
from racing.parsing.racefiles import CheckpointSpec
from racing.parsing.results import ResultRow, ResultsTable, StartListRider
from racing.parsing.sources import files_from_zip
from racing.parsing.stagelist import StageSpec
from racing.standings import Rules

ROOT = Path(__file__).resolve().parents[2]
VALUES = ("bib", "rank", "time_s", "hundredths", "status", "bonus", "penalty")
VALUES += ("gc_time_s", "points", "kom_points")

# Names a spreadsheet would run as formulas, and one that already looks
# neutralised: each must read back exactly.
FORMULA = '=HYPERLINK("http://example.com/x","win")'


def _rider(bib: int, given: str, family: str, team: str) -> StartListRider:
    return StartListRider(bib, given, family, team)


def _row(bib: int, rank: int | None, time_s: int | None, **values) -> ResultRow:
    values.setdefault("bonus", 0)
    values.setdefault("points", 0)
    values.setdefault("kom_points", 0)
    return ResultRow(line=0, bib=bib, rank=rank, time_s=time_s, **values)


def _table(*rows: ResultRow) -> ResultsTable:
    return ResultsTable(list(rows), [], frozenset())


def small_package() -> Package:
    """Two teams of three (names that are formulas among them), a road stage with
    every status, an ITT with hundredths, a TTT, checkpoints and crossings, a
    report, and rules with scale tables."""
    riders = [
        (1, "Ann", "-Alpha", "AAA", date(1990, 5, 1)),
        (2, "@Bob", FORMULA, "AAA", date(2001, 2, 3)),
        (3, "'=Cid", "Charlie", "AAA", None),
        (4, "Dan", "|Delta", "BBB", date(1999, 12, 31)),
        (5, "Eve", "Echo", "BBB", date(1995, 1, 1)),
        (6, "Fay", "Foxtrot", "BBB", date(1996, 6, 6)),
    ]
    stage = StageSpec
    return Package(
        race_name='Tour d\'"Essai" \\ -Test',
        slug="tour-d-essai",
        year=2023,
        rules={
            "finish_bonus": [10, 6, 4],
            "points_scales.flat": [40, 20, 10],
            "climb_points": {"HC": [25, 15], "5": [1], "summit": [30, 20]},
            "sprint_bonus": [3, 2, 1],
            "category_names": {"summit": "Summit finish"},
        },
        youth_born_on_or_after=date(1998, 1, 1),
        teams={"AAA": ("-Team", "FR"), "BBB": ("+Plus Team", "DK")},
        riders={
            bib: (_rider(bib, given, family, team), "FR", born)
            for bib, given, family, team, born in riders
        },
        stages={
            1: stage(1, date(2023, 7, 1), "=Lille", "Arras", Decimal("182.5"), *_F),
            2: stage(2, date(2023, 7, 2), "Arras", "Arras", Decimal("22.0"), *_ITT),
            3: stage(3, date(2023, 7, 3), "Douai", "Douai", Decimal("30.0"), *_TTT),
        },
        checkpoints=[
            CheckpointSpec(1, "sprint", "-Town", None, "", 1),
            CheckpointSpec(
                1, "climb", "Col du Test", Decimal("120.0"), "HC", 2, 1850, "summit"
            ),
            CheckpointSpec(1, "bonus", "Bonus", Decimal("150.0"), "", 1),
        ],
        results={
            1: _table(
                _row(1, 1, 14400, bonus=10, points=40, kom_points=50),
                _row(2, 2, 14400, bonus=6, points=-5, gc_time_s=14300, penalty=20),
                _row(6, 3, 16200, status="OTL"),
                _row(4, None, None, status="OTL"),
                _row(3, None, None, status="DNF"),
                _row(5, None, None, status="DNS"),
            ),
            # Points and bonuses left to the rules on the whole stage.
            2: _table(
                _row(1, 1, 1050, hundredths=25, bonus=None, points=None),
                _row(2, 2, 1051, hundredths=None, bonus=None, points=None),
                _row(4, 3, 1060, hundredths=0, bonus=None, points=None),
                _row(6, 4, 1080, hundredths=99, bonus=None, points=None),
            ),
            3: _table(
                _row(2, 1, 1800, hundredths=12),
                _row(1, 2, 1800, hundredths=12),
                _row(6, 3, 1830, hundredths=40),
                _row(4, 4, 1830, hundredths=40),
            ),
        },
        crossings={1: [("-Town", 1, 4), ("Col du Test", 1, 1), ("Bonus", 1, 2)]},
        reports={(1, "en"): ("Alpha wins in Arras", "A **long** day.\n\nIn the wind.")},
    )


_F = ("flat", "", "finish")
_ITT = ("itt", "", "gc")
_TTT = ("ttt", "hilly", "finish")


def unzipped(data: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
    return into


def read_back(data: bytes) -> Package:
    """The package a zip holds, read as ``import_race`` reads an uploaded zip."""
    return read_package(files_from_zip(data))


def values(table: ResultsTable) -> list[tuple]:
    return sorted(tuple(getattr(r, v) for v in VALUES) for r in table.rows)


def assert_same_package(read: Package, written: Package) -> None:
    same = ("race_name", "slug", "year", "youth_born_on_or_after", "teams")
    same += ("riders", "stages", "checkpoints", "crossings", "reports")
    for name in same:
        assert getattr(read, name) == getattr(written, name), name
    assert read.results.keys() == written.results.keys()
    for number, table in written.results.items():
        assert values(read.results[number]) == values(table), number
    year = written.year
    assert Rules.from_overrides(read.rules, year) == Rules.from_overrides(
        {**written.rules, "youth_born_on_or_after": written.youth_born_on_or_after},
        year,
    )


def test_a_written_package_reads_back_the_same(tmp_path):
    package = small_package()
    data = write_package_zip(package)
    assert_same_package(read_back(data), package)
    # Unpacked, the folder reads the same, and so does the zip file itself.
    assert_same_package(
        read_package(unzipped(data, tmp_path) / "tour-d-essai-2023"), package
    )
    (tmp_path / "tour-d-essai-2023.zip").write_bytes(data)
    assert_same_package(read_package(tmp_path / "tour-d-essai-2023.zip"), package)
    # The files themselves, before any zip.
    assert_same_package(read_package(package_to_files(package)), package)


@pytest.mark.parametrize(
    "name", ["tour-de-france-2023", "giro-d-italia-2023", "vuelta-a-espana-2023"]
)
def test_a_real_package_written_again_reads_the_same(name):
    package = read_package(ROOT / "races" / name)
    data = write_package_zip(package)
    again = read_back(data)
    assert_same_package(again, package)
    assert write_package_zip(again) == data


def test_the_same_package_gives_the_same_bytes():
    first, second = (
        write_package_zip(small_package()),
        write_package_zip(small_package()),
    )
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {n.split("/")[0] for n in names} == {"tour-d-essai-2023"}
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [n.removeprefix("tour-d-essai-2023/") for n in names] == [
        "checkpoints.csv",
        "crossings/stage-01.csv",
        "edition.toml",
        "reports/stage-01.md",
        "results/stage-01.csv",
        "results/stage-02.csv",
        "results/stage-03.csv",
        "riders.csv",
        "stages.csv",
        "teams.csv",
    ]


def test_package_zip_puts_every_file_under_the_folder():
    data = package_zip({"b.csv": b"b", "a/c.md": b"c"}, "race-2024")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["race-2024/a/c.md", "race-2024/b.csv"]
        assert archive.read("race-2024/b.csv") == b"b"


def lines(package: Package, name: str) -> list[str]:
    return package_to_files(package)[name].decode().splitlines()


def cells(package: Package, name: str) -> list[list[str]]:
    """The file's rows as a spreadsheet reads them (cells still neutralised)."""
    return list(csv.reader(io.StringIO(package_to_files(package)[name].decode())))


def test_cells_a_spreadsheet_would_run_are_neutralised():
    package = small_package()
    assert lines(package, "teams.csv")[1:] == ["AAA,'-Team,FR", "BBB,'+Plus Team,DK"]
    riders = cells(package, "riders.csv")
    assert riders[1] == ["1", "Ann", "'-Alpha", "FR", "1990-05-01", "AAA"]
    assert riders[2][1:3] == ["'@Bob", "'" + FORMULA]
    assert riders[3][1] == "''=Cid"  # looked neutralised: one apostrophe more
    assert riders[4][2] == "'\\|Delta"
    stage = cells(package, "stages.csv")[1]
    assert stage[:4] == ["1", "2023-07-01", "'=Lille", "Arras"]
    assert lines(package, "crossings/stage-01.csv")[1] == "'-Town,1,4"
    assert lines(package, "checkpoints.csv")[1:] == [
        "1,sprint,'-Town,,,1,,",
        "1,climb,Col du Test,120.0,HC,2,1850,summit",
        "1,bonus,Bonus,150.0,,1,,",
    ]


def test_results_carry_every_column_times_absolute():
    formula = "'" + FORMULA.upper()
    assert cells(small_package(), "results/stage-01.csv") == [
        "rank,bib,rider,time,status,bonus,penalty,gc_time,points,kom_points".split(","),
        ["1", "1", "'-ALPHA Ann", "4:00:00", "OK", "10", "0", "", "40", "50"],
        # Negative points are a number, written as it is.
        ["2", "2", f"{formula} @Bob", "4:00:00", "OK", "6", "20", "3:58:20", "-5", "0"],
        ["3", "6", "FOXTROT Fay", "4:30:00", "OTL", "0", "0", "", "0", "0"],
        ["", "3", "CHARLIE '=Cid", "", "DNF", "0", "0", "", "0", "0"],
        # Eliminated, listed without a rank or a time.
        ["", "4", "'\\|DELTA Dan", "", "OTL", "0", "0", "", "0", "0"],
        ["", "5", "ECHO Eve", "", "DNS", "0", "0", "", "0", "0"],
    ]


def test_time_trials_keep_their_hundredths_where_recorded():
    itt = cells(small_package(), "results/stage-02.csv")
    # Bonuses and points left to the rules on the whole stage: no such columns,
    # so that the import computes them again.
    assert itt[0] == ["rank", "bib", "rider", "time", "status", "penalty"] + [
        "gc_time",
        "kom_points",
    ]
    times = [row[3] for row in itt[1:]]
    assert times == ["0:17:30.25", "0:17:31", "0:17:40.00", "0:18:00.99"]
    ttt = cells(small_package(), "results/stage-03.csv")
    assert [row[:5] for row in ttt[1:]] == [
        ["1", "2", f"'{FORMULA.upper()} @Bob", "0:30:00.12", "OK"],
        ["2", "1", "'-ALPHA Ann", "0:30:00.12", "OK"],
        ["3", "6", "FOXTROT Fay", "0:30:30.40", "OK"],
        ["4", "4", "'\\|DELTA Dan", "0:30:30.40", "OK"],
    ]


def test_gc_time_is_written_only_where_it_differs_from_time():
    package = small_package()
    rows = package.results[1].rows
    rows[0].gc_time_s = rows[0].time_s  # stored, but the same as the finish
    results = cells(package, "results/stage-01.csv")
    assert (results[1][7], results[2][7]) == ("", "3:58:20")


def test_an_award_left_to_the_rules_among_published_ones_is_refused():
    package = small_package()
    package.results[1].rows[3].points = None
    with pytest.raises(ValueError, match=r"stage 1, bib 4: points is left to the"):
        package_to_files(package)


def test_edition_toml_reads_back_to_the_same_rules():
    package = small_package()
    text = package_to_files(package)["edition.toml"].decode()
    assert "[rules.points_scales]" in text
    assert "[rules.climb_points]" in text
    meta = tomllib.loads(text)
    assert (meta["race"], meta["slug"], meta["year"]) == (
        'Tour d\'"Essai" \\ -Test',
        "tour-d-essai",
        2023,
    )
    assert meta["rules"] == {
        "finish_bonus": [10, 6, 4],
        "points_scales": {"flat": [40, 20, 10]},
        "climb_points": {"HC": [25, 15], "5": [1], "summit": [30, 20]},
        "sprint_bonus": [3, 2, 1],
        "category_names": {"summit": "Summit finish"},
        "youth_born_on_or_after": date(1998, 1, 1),
    }
    rules = Rules.from_overrides(meta["rules"], 2023)
    assert rules == Rules.from_overrides(
        {**package.rules, "youth_born_on_or_after": "1998-01-01"}, 2023
    )
    assert rules.points_scales["flat"] == (40, 20, 10)
    assert rules.climb_points["5"] == (1,)
    assert rules.category_label("HC", "summit") == "Summit finish"


def test_edition_toml_writes_the_stored_youth_cut_off_over_the_rules_one():
    package = small_package()
    package.rules = {"youth_born_on_or_after": "1990-01-01", "finish_bonus": []}
    package.youth_born_on_or_after = date(1997, 6, 1)
    meta = tomllib.loads(package_to_files(package)["edition.toml"].decode())
    assert meta["rules"] == {
        "youth_born_on_or_after": date(1997, 6, 1),
        "finish_bonus": [],
    }


def test_a_value_toml_cannot_hold_is_refused():
    package = small_package()
    package.rules = {"finish_bonus": None}
    with pytest.raises(ValueError, match="cannot write None"):
        package_to_files(package)


def test_reports_start_with_their_headline():
    package = small_package()
    assert package_to_files(package)["reports/stage-01.md"] == (
        b"# Alpha wins in Arras\n\nA **long** day.\n\nIn the wind.\n"
    )
    assert package_folder(package) == "tour-d-essai-2023"
