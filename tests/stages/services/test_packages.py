"""services.packages: a race package (RACE_PACKAGE.md) written whole or not at all,
its standings stored once."""

from pathlib import Path

import pytest

from editions.models import Edition, Entry
from racing.parsing.csvrows import PackageError
from stages.models import RaceReport, Stage, StageResult, Standing
from stages.services.packages import package_import
from tests.factories import FAMILY_NAMES, TIMES, paste_text


def write_package(folder: Path, *, results: tuple[int, ...] = (1, 2)) -> Path:
    """The small race of tests.factories as a package: 3 stages, 2 teams."""
    (folder / "results").mkdir(parents=True)
    (folder / "reports").mkdir()
    (folder / "edition.toml").write_text(
        'race = "Tour of Packageland"\nslug = "tour-of-packageland"\nyear = 2023\n'
    )
    (folder / "teams.csv").write_text(
        "code,name,country\nPKA,Team Alpha,FR\nPKB,Team Bravo,BE\n"
    )
    riders = [
        f"{bib},Test,{family},FR,1995-01-01,{'PKA' if bib < 10 else 'PKB'}"
        for bib, family in FAMILY_NAMES.items()
    ]
    (folder / "riders.csv").write_text(
        "bib,first_name,last_name,nationality,birth_date,team\n"
        + "\n".join(riders)
        + "\n"
    )
    (folder / "stages.csv").write_text(
        "number,date,start,finish,distance_km,type\n"
        + "".join(f"{n},2023-07-0{n},A{n},B{n},150.0,flat\n" for n in (1, 2, 3))
    )
    for number in results:
        (folder / "results" / f"stage-{number:02d}.csv").write_text(
            paste_text(TIMES[number])
        )
    (folder / "reports" / "stage-02.md").write_text("# Dahl wins\n\nA **fast** day.\n")
    return folder


def test_a_package_is_written_with_its_standings(tmp_path, db, engine_runs):
    edition, created = package_import(write_package(tmp_path / "pkg"))
    assert created
    assert engine_runs.call_count == 1
    assert Entry.objects.filter(edition=edition).count() == 6
    stages = Stage.objects.filter(edition=edition).order_by("number")
    assert [s.status for s in stages] == ["finished", "finished", "scheduled"]
    leader = Standing.objects.get(stage=stages[1], classification="gc", rank=1)
    assert (
        leader.entry.bib,
        Standing.objects.get(stage=stages[1], classification="gc", rank=2).gap,
    ) == (1, 3)
    assert RaceReport.objects.published().get(stage=stages[1]).headline == "Dahl wins"
    assert Edition.objects.get(pk=edition.pk).version == 1  # bumped once


def test_the_same_package_again_changes_nothing(tmp_path, db):
    folder = write_package(tmp_path / "pkg")
    first, _ = package_import(folder)
    again, created = package_import(folder)
    assert (again, created) == (first, False)
    assert StageResult.objects.filter(stage__edition=first).count() == 12


def test_replace_writes_the_package_again(tmp_path, db):
    first, _ = package_import(write_package(tmp_path / "one"))
    second, created = package_import(
        write_package(tmp_path / "two", results=(1, 2, 3)), replace=True
    )
    assert created
    assert not Edition.objects.filter(pk=first.pk).exists()
    assert StageResult.objects.filter(stage__edition=second).count() == 18


def test_a_package_with_a_bad_row_writes_nothing(tmp_path, db):
    folder = write_package(tmp_path / "pkg")
    bad = folder / "results" / "stage-02.csv"
    bad.write_text(bad.read_text().replace("\n2,1,", "\n2,99,"))
    with pytest.raises(PackageError, match="bib 99"):
        package_import(folder)
    assert not Edition.objects.filter(race__slug="tour-of-packageland").exists()
