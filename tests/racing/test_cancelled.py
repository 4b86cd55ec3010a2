"""A stage that was not raced (stages.csv ``status = cancelled``, RACE_PACKAGE.md):
read, refused with its results, and given the standings of the stage before by the
engine. Pure: no database."""

from dataclasses import replace

import pytest

from racing.package_writer import package_to_files
from racing.parsing.package import read_package
from racing.standings import StageInput, compute, stage_exits
from tests.racing.test_package import FILES, problems, write
from tests.racing.test_standings import RULES, field, ok, out, stage

STAGES = FILES["stages.csv"]
HEADER = "number,date,start,finish,distance_km,type,points_scale,team_times,status\n"
THREE = (
    HEADER + "1,2023-07-01,Lille,Arras,182.5,flat,,,\n"
    "2,2023-07-02,Arras,Arras,22,itt,,gc,\n"
    "3,2023-07-03,Arras,Paris,115,flat,,,cancelled\n"
)


def test_a_cancelled_stage_reads_with_its_route_and_no_results(tmp_path):
    package = read_package(write(tmp_path, **{"stages.csv": THREE}))
    third = package.stages[3]
    assert (third.cancelled, third.start, third.finish) == (True, "Arras", "Paris")
    assert third.line == 4
    assert not package.stages[2].cancelled
    assert 3 not in package.results


def test_the_status_column_reads_case_blind(tmp_path):
    text = THREE.replace("cancelled", "Cancelled")
    package = read_package(write(tmp_path, **{"stages.csv": text}))
    assert package.stages[3].cancelled


@pytest.mark.parametrize("status", ["postponed", "DNF", "finished", "yes"])
def test_any_other_status_is_refused_with_file_and_line(tmp_path, status):
    text = THREE.replace("cancelled", status)
    assert problems(write(tmp_path, **{"stages.csv": text})) == [
        f"stages.csv line 4: status {status!r} is not blank or 'cancelled' "
        "(a stage that was not raced)"
    ]


def test_a_cancelled_stage_with_a_results_file_is_refused(tmp_path):
    root = write(tmp_path, **{"stages.csv": THREE})
    (root / "results" / "stage-03.csv").write_text(
        FILES["results/stage-02.csv"], encoding="utf-8"
    )
    assert problems(root) == [
        "results/stage-03.csv line 1: stage 3 was not raced (status cancelled, "
        "stages.csv line 4): a cancelled stage has no results or crossings"
    ]


def test_crossings_of_a_cancelled_stage_are_refused_but_a_report_is_kept(tmp_path):
    root = write(tmp_path, **{"stages.csv": THREE})
    (root / "crossings" / "stage-03.csv").write_text(
        "checkpoint,rank,bib\nTown,1,3\n", encoding="utf-8"
    )
    (root / "reports" / "stage-03.md").write_text(
        "# Stage 3 cancelled\n\nProtests on the course.\n", encoding="utf-8"
    )
    assert problems(root) == [
        "crossings/stage-03.csv line 1: stage 3 was not raced (status cancelled, "
        "stages.csv line 4): a cancelled stage has no results or crossings"
    ]
    (root / "crossings" / "stage-03.csv").unlink()
    assert read_package(root).reports[3, "en"][0] == "Stage 3 cancelled"


def test_results_after_the_last_stage_name_it(tmp_path):
    root = write(tmp_path)
    (root / "results" / "stage-04.csv").write_text(
        FILES["results/stage-02.csv"], encoding="utf-8"
    )
    assert problems(root) == [
        "results/stage-04.csv line 1: stage 4 is after the race's last stage "
        "(2, stages.csv line 3)"
    ]


def test_the_writer_keeps_the_status(tmp_path):
    package = read_package(write(tmp_path, **{"stages.csv": THREE}))
    files = package_to_files(package)
    lines = files["stages.csv"].decode().splitlines()
    assert lines[0].endswith(",status")
    assert lines[3].endswith(",cancelled")
    assert lines[1].endswith(",")
    again = tmp_path / "again"
    for name, data in files.items():
        (again / name).parent.mkdir(parents=True, exist_ok=True)
        (again / name).write_bytes(data)
    assert read_package(again).stages == package.stages


# The engine


RIDERS = field({10: [1, 2, 3], 20: [4, 5, 6]})


def _race(*, cancelled: int | None) -> list[StageInput]:
    first = stage(1, *(ok(r, r, 3600 + r) for r in range(1, 7)))
    second = stage(2, *(ok(r, 7 - r, 3600 + 7 - r) for r in range(1, 6)), out(6, "DNF"))
    third = stage(3, *(ok(r, r, 3600) for r in range(1, 6)))
    stages = [first, second, third]
    if cancelled is not None:
        stages[cancelled - 1] = StageInput(cancelled, "flat", (), cancelled=True)
    return stages


def test_the_tables_after_a_cancelled_stage_are_those_of_the_stage_before():
    raced = compute(_race(cancelled=None), RIDERS, RULES)
    after = compute(_race(cancelled=3), RIDERS, RULES)
    assert [s.stage_number for s in after] == [1, 2, 3]
    for key, table in after[1].tables.items():
        assert after[2].tables[key] == tuple(
            replace(row, previous_rank=row.rank) for row in table
        ), key
        assert table == raced[1].tables[key]
    assert after[2].jerseys == after[1].jerseys
    assert after[2].exits == {}


def test_a_cancelled_stage_in_the_middle_changes_nothing_after_it():
    without_two = [s for s in _race(cancelled=None) if s.number != 2]
    skipped = compute(without_two, RIDERS, RULES)
    after = compute(_race(cancelled=2), RIDERS, RULES)
    assert after[2].tables["gc"] == skipped[1].tables["gc"]


def test_nobody_leaves_the_race_on_a_stage_not_raced():
    assert stage_exits(_race(cancelled=3)) == {6: stage_exits(_race(cancelled=None))[6]}
    first = _race(cancelled=None)[:1]
    assert stage_exits([*first, StageInput(2, "flat", (), cancelled=True)]) == {}


def test_the_engine_refuses_results_on_a_cancelled_stage():
    stages = _race(cancelled=None)
    stages[2] = replace(stages[2], cancelled=True)
    with pytest.raises(ValueError, match="stage 3 was not raced"):
        compute(stages, RIDERS, RULES)


def test_a_race_cancelled_from_its_first_stage_has_empty_tables():
    after = compute([StageInput(1, "flat", (), cancelled=True)], RIDERS, RULES)
    assert all(table == () for table in after[0].tables.values())
