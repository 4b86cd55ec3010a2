"""An edition exported as a race package zip (RACE_PACKAGE.md "Export") and
imported again gives the same standings after every stage, the same results, the
same checkpoints, crossings and public reports; the export reads a fixed number of
queries, whatever the size of the race."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from editions.models import Edition, Entry
from racing.parsing.package import Package
from racing.parsing.racefiles import CheckpointSpec
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    Jersey,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)
from stages.package_export import (
    edition_package,
    edition_package_zip,
    package_filename,
)
from stages.services.packages import package_import
from stages.services.recompute import recompute_standings
from tests.factories import (
    CheckpointCrossingFactory,
    CheckpointFactory,
    RaceReportFactory,
    SmallRace,
    small_race,
)

# Marked, not only asked for through fixtures: a test that takes ``tour`` by name
# must run with the tests that see the session's demo data, before any flush.
pytestmark = pytest.mark.django_db


def snapshot(edition: Edition) -> dict[str, list[tuple]]:
    """What the site shows of an edition, by bib and team code (not by ids): every
    classification after every stage, the jerseys, the exits, the results."""
    standings = Standing.objects.filter(stage__edition=edition).order_by(
        "stage__number", "classification", "rank"
    )
    results = StageResult.objects.filter(stage__edition=edition).order_by(
        "stage__number", "entry__bib"
    )
    return {
        "standings": list(
            standings.values_list(
                "stage__number",
                "classification",
                "rank",
                "entry__bib",
                "team__code",
                "value",
                "gap",
                "previous_rank",
            )
        ),
        "jerseys": list(
            Jersey.objects.filter(stage__edition=edition)
            .order_by("stage__number", "classification")
            .values_list("stage__number", "classification", "entry__bib")
        ),
        "exits": list(
            Entry.objects.filter(edition=edition)
            .order_by("bib")
            .values_list("bib", "exit_stage", "exit_status")
        ),
        "results": list(
            results.values_list(
                "stage__number", "entry__bib", *StageResult.VALUE_FIELDS
            )
        ),
        "checkpoints": list(
            Checkpoint.objects.filter(stage__edition=edition)
            .order_by("stage__number", "name")
            .values_list(
                *("stage__number", "name", "kind", "km", "category", "multiplier"),
                *("altitude_m", "scale"),
            )
        ),
    }


def imported_again(data: bytes, tmp_path: Path, folder: str) -> Edition:
    """The zip saved as a file and imported over the edition (``import_race
    --replace``), its files all in the one top folder."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {folder}
    path = tmp_path / f"{folder}.zip"
    path.write_bytes(data)
    edition, created = package_import(path, replace=True)
    assert created
    return edition


@pytest.mark.parametrize("fixture", ["tour", "giro", "vuelta"])
def test_a_grand_tour_exported_and_imported_again_has_the_same_standings(
    request, tmp_path, fixture
):
    # The Vuelta adds a team time trial and a stage neutralised for the teams;
    # the Giro and the Vuelta climbs scored on scales of their own (summit-1, top).
    edition = request.getfixturevalue(fixture)
    before = snapshot(edition)
    assert len({row[0] for row in before["standings"]}) == 21
    data = edition_package_zip(edition)
    folder = f"{edition.race.slug}-2023"
    again = imported_again(data, tmp_path, folder)
    assert not Edition.objects.filter(pk=edition.pk).exists()
    assert snapshot(again) == before
    assert again.youth_born_on_or_after == edition.youth_born_on_or_after
    assert again.rules == edition.rules
    assert edition_package_zip(again) == data


def test_the_giro_package_names_the_scale_of_its_summit_finishes(giro):
    with zipfile.ZipFile(io.BytesIO(edition_package_zip(giro))) as archive:
        checkpoints = archive.read("giro-d-italia-2023/checkpoints.csv").decode()
        toml = archive.read("giro-d-italia-2023/edition.toml").decode()
    lines = checkpoints.splitlines()
    assert lines[0] == "stage,kind,name,km,category,multiplier,altitude,scale"
    assert [line for line in lines if line.endswith(",summit-1")] == [
        "7,climb,Campo Imperatore,218.0,1,1,,summit-1",
        "13,climb,Crans Montana,74.6,1,1,,summit-1",
        "16,climb,Monte Bondone,203.0,1,1,,summit-1",
        "20,climb,Monte Lussari,18.6,1,1,,summit-1",
    ]
    # The merged rules: the preset's scales and names travel with the package.
    assert "summit-1 = [50, 24, 16, 9, 6, 4, 2, 1]" in toml
    assert 'HC = "Cima Coppi"' in toml


def test_the_tour_package_holds_its_report_and_its_name(tour, tmp_path):
    assert package_filename(tour) == "tour-de-france-2023.zip"
    with zipfile.ZipFile(io.BytesIO(edition_package_zip(tour))) as archive:
        report = archive.read("tour-de-france-2023/reports/stage-12.md").decode()
        french = archive.read("tour-de-france-2023/reports/stage-12.fr.md").decode()
        results = archive.read("tour-de-france-2023/results/stage-01.csv").decode()
        names = archive.namelist()
    published = RaceReport.objects.published().filter(stage__edition=tour)
    assert report.startswith(f"# {published.get(language='en').headline}\n\n")
    assert french.startswith(f"# {published.get(language='fr').headline}\n\n")
    # One file per language written: the Italian page shows the English report.
    assert sorted(n for n in names if "/reports/" in n) == [
        "tour-de-france-2023/reports/stage-12.es.md",
        "tour-de-france-2023/reports/stage-12.fr.md",
        "tour-de-france-2023/reports/stage-12.md",
    ]
    assert results.splitlines()[:2] == [
        "rank,bib,rider,time,status,bonus,penalty,gc_time,points,kom_points",
        "1,19,YATES Adam,4:22:49,OK,10,0,,30,0",
    ]


def test_the_export_reads_as_many_queries_for_a_grand_tour_as_for_a_small_race(
    race, tour, django_assert_num_queries
):
    small = Edition.objects.select_related("race").get(pk=race.edition.pk)
    with django_assert_num_queries(7):
        edition_package_zip(small)
    with django_assert_num_queries(7):
        edition_package_zip(tour)


# Points on stage 3 (flat: 50, 30, 20, 18, 16 by rank): Aalto's as published, the
# others' as the rules give them, Faure's none (eliminated, no rank).
STAGE_3_POINTS = {1: 5, 11: 30, 2: 20, 12: 18, 3: 16, 13: 0}


@pytest.fixture
def race(db) -> SmallRace:
    return small_race()


@pytest.fixture
def eventful(race: SmallRace) -> SmallRace:
    """The small race with what a package can hold beyond finish times: a sprint
    and a climb on stage 1 (bonuses published, points left to the rules), stage 2
    an individual time trial with hundredths, Faure (bib 13) eliminated on stage 3
    without a rank or a time, Aalto's points published on stage 3 and the
    others' left to the rules, a team named like a formula, and reports."""
    sprint = CheckpointFactory(stage=race.stage(1), name="-Sprint", km=Decimal(80))
    climb = CheckpointFactory(
        stage=race.stage(1),
        kind="climb",
        name="Col",
        km=None,
        category="2",
        altitude_m=1250,
    )
    for checkpoint, bibs in ((sprint, (12, 13)), (climb, (3,))):
        for rank, bib in enumerate(bibs, start=1):
            CheckpointCrossingFactory(
                checkpoint=checkpoint, rank=rank, entry=race.entry(bib)
            )
    Stage.objects.filter(pk=race.stage(2).pk).update(type="itt")
    for bib, hundredths in ((1, 25), (11, 0), (2, 99)):
        StageResult.objects.filter(stage=race.stage(2), entry__bib=bib).update(
            hundredths=hundredths
        )
    stage_3 = StageResult.objects.filter(stage=race.stage(3))
    stage_3.filter(entry__bib=13).update(rank=None, time_s=None, status="OTL")
    stage_3.filter(entry__bib=1).update(points=5)
    race.teams[1].name = "=Dahl & Co"
    race.teams[1].save()
    now = timezone.now()
    for headline, hours, status in (
        ("Old news", -5, "published"),
        ("Dahl wins", -1, "published"),
        ("Not yet", -0.5, "draft"),
        ("Tomorrow", 24, "published"),
    ):
        RaceReportFactory(
            stage=race.stage(2),
            headline=headline,
            status=status,
            published_at=now + timedelta(hours=hours),
        )
    recompute_standings(race.edition)
    race.edition.refresh_from_db()
    return race


def test_the_package_holds_what_the_public_sees(eventful):
    package: Package = edition_package(eventful.edition)
    assert package.teams[eventful.teams[1].code] == ("=Dahl & Co", "FR")
    # The newest report the public sees: not a draft, not one still to come.
    assert package.reports == {(2, "en"): ("Dahl wins", "A **hard** day.")}
    assert package.checkpoints == [
        CheckpointSpec(1, "sprint", "-Sprint", Decimal("80.0"), "", 1, None),
        CheckpointSpec(1, "climb", "Col", None, "2", 1, 1250),
    ]
    assert package.crossings == {
        1: [("-Sprint", 1, 12), ("-Sprint", 2, 13), ("Col", 1, 3)]
    }
    stage_3 = {row.bib: row for row in package.results[3].rows}
    assert (stage_3[13].rank, stage_3[13].time_s, stage_3[13].status) == (
        None,
        None,
        "OTL",
    )
    assert {bib: row.points for bib, row in stage_3.items()} == STAGE_3_POINTS


def test_a_small_race_exported_and_imported_again_is_the_same(eventful, tmp_path):
    edition = eventful.edition
    before = snapshot(edition)
    data = edition_package_zip(edition)
    folder = f"{edition.race.slug}-{edition.year}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        itt = archive.read(f"{folder}/results/stage-02.csv").decode()
        teams = archive.read(f"{folder}/teams.csv").decode()
    # Points and mountains points left to the rules on the whole stage: left out.
    assert itt.splitlines()[0] == "rank,bib,rider,time,status,bonus,penalty,gc_time"
    assert "1,11,DAHL Test,1:00:00.00,OK," in itt
    assert "2,1,AALTO Test,1:00:02.25,OK," in itt
    assert "3,12,EKLUND Test,1:00:10,OK," in itt
    assert "'=Dahl & Co" in teams
    again = imported_again(data, tmp_path, folder)
    after = snapshot(again)
    assert after["standings"] == before["standings"]
    assert (after["jerseys"], after["exits"]) == (before["jerseys"], before["exits"])
    # Every result as stored, but the points computed on stage 3 (then published).
    filled = {
        (number, bib)
        for number, bib, *_, points, _ in before["results"]
        if number == 3 and points is None
    }
    assert {r[1]: r[-2] for r in after["results"] if r[0] == 3} == STAGE_3_POINTS
    assert len(filled) == 5
    assert [r for r in after["results"] if (r[0], r[1]) not in filled] == [
        r for r in before["results"] if (r[0], r[1]) not in filled
    ]
    checkpoints = Checkpoint.objects.filter(stage__edition=again).order_by("name")
    assert list(checkpoints.values_list("name", "km", "altitude_m")) == [
        ("-Sprint", Decimal("80.0"), None),
        ("Col", None, 1250),
    ]
    crossings = CheckpointCrossing.objects.filter(checkpoint__stage__edition=again)
    assert crossings.count() == 3
    report = RaceReport.objects.get(stage__edition=again)
    assert (report.headline, report.body) == ("Dahl wins", "A **hard** day.")
