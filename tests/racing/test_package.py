"""Reading a race package (RACE_PACKAGE.md) from its folder: the rows it gives and
the problems it names (file, line and field). Pure: no database."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from racing.parsing.csvrows import PackageError
from racing.parsing.package import CheckpointSpec, StageSpec, read_package
from racing.parsing.results import StartListRider, parse_results_table

FILES = {
    "edition.toml": 'race = "Test Tour"\nyear = 2023\n',
    "teams.csv": "code,name,country\nAAA,Team Alpha,FR\nbbb,Team Bravo,dk\n",
    "riders.csv": (
        "bib,first_name,last_name,nationality,birth_date,team\n"
        "1,Ann,Alpha,FR,1990-05-01,AAA\n"
        "2,Bob,Bravo,DK,2001-02-03,AAA\n"
        "3,Cid,Charlie,BE,,AAA\n"
        "4,Dan,Delta,SI,1999-12-31,BBB\n"
        "5,Eve,Echo,IT,1995-01-01,BBB\n"
        "6,Fay,Foxtrot,ES,1996-06-06,BBB\n"
    ),
    "stages.csv": (
        "number,date,start,finish,distance_km,type,points_scale,team_times\n"
        "1,2023-07-01,Lille,Arras,182.5,flat,,\n"
        "2,2023-07-02,Arras,Arras,22,itt,,gc\n"
    ),
    "checkpoints.csv": (
        "stage,kind,name,km,category,multiplier\n"
        "1,sprint,Town,80.5,,\n"
        "1,climb,Col du Test,120,2,2\n"
    ),
    "results/stage-01.csv": (
        "rank,bib,rider,time,status\n"
        "1,1,Ann Alpha,4:00:00,\n"
        "2,2,BRAVO Bob,s.t.,\n"
        "3,4,Delta,+0:10,\n"
        "4,3,Charlie,s.t.,\n"
        ",5,Echo,,DNF\n"
        "5,6,Foxtrot,+1:00:00,OTL\n"
    ),
    # Rider 6, outside the time limit on stage 1, was reinstated: he rides on.
    "results/stage-02.csv": (
        "rank,bib,time,status\n"
        "1,2,17:30.25,\n"
        "2,1,+0:01.50,\n"
        "3,4,17:40,\n"
        "4,3,+0:20,\n"
        "5,6,+0:30,\n"
    ),
    "crossings/stage-01.csv": "checkpoint,rank,bib\ntown,1,3\nCol du Test,1,4\n",
    "reports/stage-01.md": "# Alpha wins in Arras\n\nA long day in the wind.\n",
}


def write(root: Path, **changed: str | None) -> Path:
    """The package FILES in ``root``, with files changed by name (``results/``
    written ``results__``); None leaves a file out."""
    files = dict(FILES)
    files.update({name.replace("__", "/"): text for name, text in changed.items()})
    for name, text in files.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(PackageError) as caught:
        read_package(root)
    return caught.value.problems


def test_a_small_package_reads_into_plain_rows(tmp_path):
    package = read_package(write(tmp_path))
    assert (package.race_name, package.slug, package.year) == (
        "Test Tour",
        "test-tour",
        2023,
    )
    assert package.rules == {}
    assert package.youth_born_on_or_after == date(1998, 1, 1)
    assert package.teams == {"AAA": ("Team Alpha", "FR"), "BBB": ("Team Bravo", "DK")}
    assert package.riders[2] == (
        StartListRider(2, "Bob", "Bravo", "AAA"),
        "DK",
        date(2001, 2, 3),
    )
    assert package.riders[3][2] is None
    assert package.stages == {
        1: StageSpec(
            1,
            date(2023, 7, 1),
            "Lille",
            "Arras",
            Decimal("182.5"),
            "flat",
            "",
            "finish",
        ),
        2: StageSpec(
            2, date(2023, 7, 2), "Arras", "Arras", Decimal(22), "itt", "", "gc"
        ),
    }
    assert package.checkpoints == [
        CheckpointSpec(1, "sprint", "Town", Decimal("80.5"), "", 1),
        CheckpointSpec(1, "climb", "Col du Test", Decimal(120), "2", 2),
    ]
    assert package.crossings == {1: [("Town", 1, 3), ("Col du Test", 1, 4)]}
    assert package.reports == {
        (1, "en"): ("Alpha wins in Arras", "A long day in the wind.")
    }


def test_result_times_resolve_gaps_and_same_time(tmp_path):
    package = read_package(write(tmp_path))
    first = [(r.bib, r.rank, r.time_s, r.status) for r in package.results[1].rows]
    assert first == [
        (1, 1, 14400, "OK"),
        (2, 2, 14400, "OK"),
        (4, 3, 14410, "OK"),
        (3, 4, 14410, "OK"),
        (5, None, None, "DNF"),
        (6, 5, 18000, "OTL"),
    ]
    second = [(r.bib, r.time_s, r.hundredths) for r in package.results[2].rows]
    assert second == [
        (2, 1050, 25),
        (1, 1051, 50),
        (4, 1060, None),
        (3, 1070, None),
        (6, 1080, None),
    ]
    # Columns left out are computed by the engine; a present column is published.
    row = package.results[2].rows[0]
    assert (row.bonus, row.points, row.kom_points, row.penalty) == (None, None, None, 0)


def test_rule_overrides_are_kept_as_json(tmp_path):
    toml = FILES["edition.toml"] + "[rules]\nyouth_born_on_or_after = 2000-01-01\n"
    package = read_package(write(tmp_path, **{"edition.toml": toml}))
    assert package.rules == {"youth_born_on_or_after": "2000-01-01"}
    assert package.youth_born_on_or_after == date(2000, 1, 1)


def test_a_bad_row_names_file_line_and_field(tmp_path):
    riders = FILES["riders.csv"].replace("2001-02-03", "2001-02-30")
    assert problems(write(tmp_path, **{"riders.csv": riders})) == [
        "riders.csv line 3: birth_date '2001-02-30' is not YYYY-MM-DD"
    ]


def test_every_problem_of_every_file_is_listed_in_file_order(tmp_path):
    stages = FILES["stages.csv"].replace("22,itt", "-3,itt")
    result = FILES["results/stage-01.csv"].replace("3,4,Delta,+0:10", "3,99,X,+0:61")
    changed = {"stages.csv": stages, "results__stage-01.csv": result}
    assert problems(write(tmp_path, **changed)) == [
        "stages.csv line 3: distance_km '-3' is not a distance",
        "results/stage-01.csv line 4: bib 99 is not on the start list",
        "results/stage-01.csv line 4: malformed time '0:61' (minutes and seconds < 60)",
    ]


def test_a_row_for_a_rider_who_abandoned_on_an_earlier_stage_is_refused(tmp_path):
    second = FILES["results/stage-02.csv"] + ",5,,DNS\n"
    assert problems(write(tmp_path, **{"results__stage-02.csv": second})) == [
        "results/stage-02.csv line 7: bib 5 (Echo) is already out of the race "
        "(DNF on stage 1)"
    ]


def test_a_rider_with_no_row_on_a_stage_may_come_back(tmp_path):
    # Rider 5 is missing from stage 2, not out for good: a later row is read.
    first = FILES["results/stage-01.csv"].replace(",5,Echo,,DNF", "6,5,Echo,+0:30,")
    third = "rank,bib,time\n1,5,3:00:00\n"
    stages = FILES["stages.csv"] + "3,2023-07-03,Arras,Lens,150,flat,,\n"
    changed = {
        "results__stage-01.csv": first,
        "results__stage-03.csv": third,
        "stages.csv": stages,
    }
    package = read_package(write(tmp_path, **changed))
    assert [r.bib for r in package.results[3].rows] == [5]


def test_a_package_without_edition_toml_is_refused_at_once(tmp_path):
    assert problems(write(tmp_path, **{"edition.toml": None})) == [
        "edition.toml: missing"
    ]


def test_a_file_that_is_neither_a_folder_nor_a_zip_is_refused(tmp_path):
    path = tmp_path / "race.zip"
    path.write_bytes(b"PK")
    assert problems(path) == ["race.zip: not a folder or a .zip file"]


def test_result_and_report_files_must_name_a_stage(tmp_path):
    changed = {
        "results__stage-1.csv": "rank,bib,time\n",
        "results__stage-09.csv": "rank,bib,time\n",
        "reports__stage-02.md": "No headline\n",
    }
    assert problems(write(tmp_path, **changed)) == [
        "results/stage-09.csv line 1: stage 9 is after the race's last stage (2, "
        "stages.csv line 3)",
        "results/stage-1.csv: file name must be stage-NN.csv",
        'reports/stage-02.md line 1: first line must be "# Headline"',
    ]


def test_a_report_may_come_in_each_of_the_sites_languages(tmp_path):
    root = write(
        tmp_path,
        **{
            "reports__stage-01.fr.md": "# Alpha gagne à Arras\n\nUne longue journée.\n",
            "reports__stage-02.es.md": "# Contrarreloj\n\nUn día duro.\n",
        },
    )
    reports = read_package(root).reports
    assert reports[1, "en"][0] == "Alpha wins in Arras"
    assert reports[1, "fr"] == ("Alpha gagne à Arras", "Une longue journée.")
    assert reports[2, "es"][0] == "Contrarreloj"
    assert (2, "en") not in reports


def test_a_report_in_another_language_or_a_translated_result_is_refused(tmp_path):
    changed = {
        "reports__stage-01.de.md": "# Alpha gewinnt\n",
        "reports__stage-02.en.md": "# Beta wins\n",
        "results__stage-01.fr.csv": "rank,bib,time\n",
    }
    assert problems(write(tmp_path, **changed)) == [
        "results/stage-01.fr.csv: file name must be stage-NN.csv",
        "reports/stage-01.de.md: language 'de' is not one of the site's "
        "(en, es, fr, it)",
        "reports/stage-02.en.md: an English report is stage-NN.md, without '.en'",
    ]


# The results table on its own (shared with the admin paste)

START = {
    bib: StartListRider(bib, given, family, "AAA")
    for bib, given, family in [(1, "Ann", "Alpha"), (2, "Bob", "Bravo")]
}


def test_a_gap_without_a_rank_one_row_is_refused():
    table = parse_results_table("paste", "rank,bib,time\n2,1,+0:05\n", START)
    assert table.problems == ["paste line 2: a time gap needs a rank-1 row"]


def test_same_time_with_no_time_above_is_refused():
    text = "rank,bib,time,status\n,2,,DNF\n1,1,s.t.,\n"
    table = parse_results_table("paste", text, START)
    assert table.problems == [
        "paste line 3: the rank-1 row needs an absolute time, not a gap or s.t.",
        "paste line 3: s.t. in time with no time above it",
    ]


def test_a_gc_time_gap_counts_from_the_winners_gc_time():
    text = "rank,bib,time,gc_time\n1,1,4:00:00,3:59:00\n2,2,+0:10,+0:20\n"
    table = parse_results_table("paste", text, START)
    assert table.ok
    assert [(r.time_s, r.gc_time_s) for r in table.rows] == [
        (14400, 14340),
        (14410, 14360),
    ]


def test_a_pasted_table_without_a_header_and_with_a_slipped_row():
    text = "1,1,4:00:00\n2,2,s.t.\n"
    table = parse_results_table("paste", text, START, header_optional=True)
    assert table.ok
    assert [r.time_s for r in table.rows] == [14400, 14400]
    slipped = "rank,bib,rider,time\n1,1,Bravo,4:00:00\n"
    assert parse_results_table("paste", slipped, START).problems == [
        "paste line 2: rider 'Bravo' does not match bib 1 (Ann Alpha)"
    ]


def test_duplicates_name_the_line_of_the_first():
    text = "rank,bib,time\n1,1,4:00:00\n1,1,4:00:05\n"
    assert parse_results_table("paste", text, START).problems == [
        "paste line 3: duplicate bib 1 (already on line 2)",
        "paste line 3: duplicate rank 1 (already on line 2)",
    ]
