"""Race-package import: the 2023 demo, idempotence, and refusal of bad input."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from editions.models import Edition, Entry, Rider
from racing.parsing.csvrows import PackageError
from racing.timefmt import TimeFormatError, format_gap, format_time, parse_time_cell
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)
from stages.services.packages import package_import as import_race

RACES = Path(settings.BASE_DIR) / "races"
TOUR = RACES / "tour-de-france-2023"


def db_fingerprint() -> tuple:
    return (
        Edition.objects.count(),
        Entry.objects.count(),
        Rider.objects.count(),
        StageResult.objects.count(),
        Standing.objects.count(),
        tuple(StageResult.objects.order_by("pk").values_list("pk", "time_s")[:50]),
    )


@pytest.fixture
def tour_copy(tmp_path) -> Path:
    target = tmp_path / "tour"
    shutil.copytree(TOUR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Time syntax


@pytest.mark.parametrize(
    ("text", "kind", "seconds", "hundredths"),
    [
        ("3:51:42", "absolute", 13902, None),
        ("17:30", "absolute", 1050, None),
        ("0:17:30.25", "absolute", 1050, 25),
        ("+0:58", "gap", 58, None),
        ("+1:02:03", "gap", 3723, None),
        ("s.t.", "same", 0, None),
        ("", "blank", 0, None),
    ],
)
def test_time_cells(text, kind, seconds, hundredths):
    parsed = parse_time_cell(text)
    assert (parsed.kind, parsed.seconds, parsed.hundredths) == (
        kind,
        seconds,
        hundredths,
    )


@pytest.mark.parametrize("text", ["3:5:42", "3:61:00", "abc", "1:2:3:4", "+", "12"])
def test_malformed_times_are_refused(text):
    with pytest.raises(TimeFormatError, match="malformed time"):
        parse_time_cell(text)


def test_time_formats():
    assert format_time(13902) == "3:51:42"
    assert format_gap(17) == "+0:17"
    assert format_gap(3723) == "+1:02:03"
    assert format_gap(17, full=True) == "+0:00:17"


# The demo


@pytest.mark.django_db
def test_demo_has_eleven_editions_with_every_result():
    counts = {
        (e.race.slug, e.year): e.stages.count()
        for e in Edition.objects.select_related("race")
    }
    seasons = {2021: 3, 2022: 2, 2023: 3, 2025: 3}
    assert sorted(counts) == sorted(
        (slug, year)
        for year, races in seasons.items()
        for slug in ("giro-d-italia", "tour-de-france", "vuelta-a-espana")[:races]
    )
    assert set(counts.values()) == {21}
    results = {
        slug: StageResult.objects.filter(
            stage__edition__race__slug=slug, stage__edition__year=2023
        ).count()
        for slug in ("tour-de-france", "giro-d-italia", "vuelta-a-espana")
    }
    assert results == {
        "tour-de-france": 3475,
        "giro-d-italia": 3175,
        "vuelta-a-espana": 3384,
    }
    # Every stage has its results, except the one not raced.
    raced = Stage.objects.filter(results__isnull=False).distinct()
    assert raced.count() == 11 * 21 - 1
    assert list(Stage.objects.exclude(pk__in=raced).values_list("status")) == [
        ("cancelled",)
    ]


@pytest.mark.django_db
def test_a_rider_is_one_identity_across_editions(tour, giro, vuelta):
    tour_riders = set(
        Entry.objects.filter(edition=tour).values_list("rider", flat=True)
    )
    giro_riders = set(
        Entry.objects.filter(edition=giro).values_list("rider", flat=True)
    )
    vuelta_riders = set(
        Entry.objects.filter(edition=vuelta).values_list("rider", flat=True)
    )
    assert len(giro_riders & tour_riders) == 19
    assert len(vuelta_riders & tour_riders) == 23
    vingegaard = Rider.objects.get(slug="jonas-vingegaard")
    assert sorted(
        vingegaard.entries.filter(edition__year=2023).values_list(
            "edition__race__slug", "bib"
        )
    ) == [("tour-de-france", 1), ("vuelta-a-espana", 28)]


@pytest.mark.django_db
def test_stage_12_result_and_report(tour):
    stage = Stage.objects.get(edition=tour, number=12)
    podium = list(
        stage.results.filter(rank__lte=3)
        .order_by("rank")
        .values_list("entry__rider__family_name", "time_s")
    )
    assert podium == [("Izagirre", 13902), ("Burgaudeau", 13960), ("Jorgenson", 13960)]
    report = RaceReport.objects.published().get(stage=stage, language="en")
    assert "Izagirre" in report.headline
    assert "Croix Montmain" in report.body


@pytest.mark.django_db
def test_vuelta_stage_2_keeps_the_neutralised_gc_time(vuelta):
    kron = StageResult.objects.get(stage__edition=vuelta, stage__number=2, rank=1)
    assert (kron.time_s, kron.gc_time_s) == (
        4 * 3600 + 10 * 60 + 25,
        4 * 3600 + 10 * 60 + 6,
    )
    assert Stage.objects.get(edition=vuelta, number=2).team_times == "gc"


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing():
    before = db_fingerprint()
    call_command("load_demo", verbosity=0)
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_demo_loaded_without_checkpoints_gets_them_with_replace(tour, giro, vuelta):
    # A database loaded before the packages had checkpoints.
    Checkpoint.objects.all().delete()
    out = StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "[1/11] Giro d'Italia 2021: already loaded (21 stages, 184 riders, "
        "0 checkpoints, 0 crossings)."
    )
    at = lines.index(
        "[7/11] Tour de France 2023: already loaded (21 stages, 176 riders, "
        "0 checkpoints, 0 crossings)."
    )
    assert lines[at + 1] == (
        "  races/tour-de-france-2023 has 95 checkpoints: run load_demo --replace to "
        "load them (it loads the edition again)."
    )
    assert not Checkpoint.objects.exists()
    out = StringIO()
    call_command("load_demo", "--replace", stdout=out)
    assert out.getvalue().splitlines()[5:8] == [
        "[6/11] Giro d'Italia 2023: loaded again (21 stages, 176 riders, "
        "83 checkpoints, 463 crossings).",
        "[7/11] Tour de France 2023: loaded again (21 stages, 176 riders, "
        "95 checkpoints, 548 crossings).",
        "[8/11] Vuelta a España 2023: loaded again (21 stages, 176 riders, "
        "86 checkpoints, 337 crossings).",
    ]
    # The Giro's and the Vuelta's rules are their presets: their scales with them.
    scales = set(Checkpoint.objects.exclude(scale="").values_list("name", "scale"))
    assert scales == {
        ("Campo Imperatore", "summit-1"),
        ("Crans Montana", "summit-1"),
        ("Monte Bondone", "summit-1"),
        ("Monte Lussari", "summit-1"),
        ("Col du Tourmalet", "top"),
    }
    vuelta = Edition.objects.get(race__slug="vuelta-a-espana", year=2023)
    assert vuelta.rules["climb_order"] == ["top", "HC", "1", "2", "3"]


@pytest.mark.django_db
def test_replace_reimports_the_same_content(tour):
    def content():
        return sorted(
            StageResult.objects.filter(
                stage__edition__race__slug="tour-de-france", stage__edition__year=2023
            ).values_list(
                "stage__number",
                "entry__bib",
                "rank",
                "time_s",
                "status",
                "bonus",
                "points",
            )
        )

    before = content()
    riders_before = Rider.objects.count()
    call_command("import_race", str(TOUR), "--replace", verbosity=0)
    assert content() == before
    assert Rider.objects.count() == riders_before


# Bad input: refused with file, line and reason; nothing changes


BAD_PACKAGES = [
    (
        "results/stage-12.csv",
        "1,124,Ion Izagirre,3:51:42",
        "1,999,Ion Izagirre,3:51:42",
        "results/stage-12.csv line 2: bib 999 is not on the start list",
    ),
    (
        "riders.csv",
        "1,Jonas,Vingegaard,DK,1996-12-10,TJV",
        "1,Jonas,Vingegaard,DK,1996-12-10,XXX",
        "riders.csv line 2: unknown team code 'XXX'",
    ),
    (
        "riders.csv",
        "2,Tiesj,Benoot",
        "1,Tiesj,Benoot",
        "riders.csv line 3: duplicate bib 1",
    ),
    (
        "results/stage-12.csv",
        "2,213,Mathieu Burgaudeau",
        "1,213,Mathieu Burgaudeau",
        "results/stage-12.csv line 3: duplicate rank 1 (already on line 2)",
    ),
    (
        "results/stage-12.csv",
        "1,124,Ion Izagirre,3:51:42",
        "1,124,Ion Izagirre,+0:00",
        "results/stage-12.csv line 2: the rank-1 row needs an absolute time",
    ),
    (
        "results/stage-12.csv",
        "1,124,Ion Izagirre,3:51:42",
        "1,124,Ion Izagirre,3:5x:42",
        "results/stage-12.csv line 2: malformed time '3:5x:42'",
    ),
    (
        "results/stage-12.csv",
        "rank,bib,rider,time",
        "rank,bib,rider,duration",
        "results/stage-12.csv line 1: missing required column time",
    ),
    (
        "results/stage-12.csv",
        "1,124,Ion Izagirre,3:51:42",
        "1,124,Tadej Pogačar,3:51:42",
        "results/stage-12.csv line 2: rider 'Tadej Pogačar' does not match bib 124",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("file", "old", "new", "message"), BAD_PACKAGES)
def test_bad_package_is_refused_and_nothing_changes(tour_copy, file, old, new, message):
    edit(tour_copy / file, old, new)
    before = db_fingerprint()
    with pytest.raises(PackageError) as excinfo:
        import_race(tour_copy, replace=True)
    assert message in str(excinfo.value)
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_results_for_an_unknown_stage_are_refused(tour_copy):
    shutil.copy(tour_copy / "results/stage-21.csv", tour_copy / "results/stage-22.csv")
    with pytest.raises(
        PackageError,
        match=r"results/stage-22.csv line 1: stage 22 is after the race's last "
        r"stage \(21, stages.csv line 22\)",
    ):
        import_race(tour_copy, replace=True)


@pytest.mark.django_db
def test_checkpoint_on_a_stage_not_in_stages_csv_is_refused(tour_copy):
    (tour_copy / "checkpoints.csv").write_text(
        "stage,kind,name,km,category,multiplier\n30,climb,Col de Nulle Part,12,2,1\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PackageError, match="checkpoints.csv line 2: stage 30 is not in"
    ):
        import_race(tour_copy, replace=True)


@pytest.mark.django_db
def test_non_utf8_bytes_are_refused_with_the_line(tour_copy):
    path = tour_copy / "results/stage-03.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b"\xe9,", 1)
    path.write_bytes(b"\n".join(lines))
    before = db_fingerprint()
    with pytest.raises(
        PackageError, match=r"results/stage-03.csv line 5: is not UTF-8"
    ):
        import_race(tour_copy, replace=True)
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_rider_who_abandoned_cannot_appear_later(tour_copy):
    # Bib 131 (Enric Mas) abandoned on stage 1.
    path = tour_copy / "results/stage-02.csv"
    path.write_text(
        path.read_text(encoding="utf-8").rstrip("\n") + "\n,131,Enric Mas,,DNS,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(PackageError, match="bib 131 .* is already out of the race"):
        import_race(tour_copy, replace=True)


# import_results


@pytest.mark.django_db
def test_import_results_replaces_one_stage(tour, tmp_path):
    source = (TOUR / "results/stage-12.csv").read_text(encoding="utf-8")
    lines = source.splitlines()
    # Burgaudeau and Jorgenson swap places.
    lines[2], lines[3] = (
        lines[3].replace("3,135", "2,135"),
        lines[2].replace("2,213", "3,213"),
    )
    path = tmp_path / "stage-12.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command(
        "import_results",
        "--race",
        "tour-de-france",
        "--year",
        "2023",
        "--stage",
        "12",
        str(path),
        verbosity=0,
    )
    second = StageResult.objects.get(stage__edition=tour, stage__number=12, rank=2)
    assert second.entry.rider.family_name == "Jorgenson"
    assert (
        StageResult.objects.filter(stage__edition=tour, stage__number=12).count()
        == len(lines) - 1
    )


@pytest.mark.django_db
def test_import_results_with_a_bad_row_saves_nothing(tour, tmp_path):
    source = (TOUR / "results/stage-12.csv").read_text(encoding="utf-8")
    path = tmp_path / "stage-12.csv"
    path.write_text(source.replace("2,213,", "2,999,", 1), encoding="utf-8")
    before = db_fingerprint()
    with pytest.raises(
        CommandError, match="stage-12.csv line 3: bib 999 is not on the start list"
    ):
        call_command(
            "import_results",
            "--race",
            "tour-de-france",
            "--year",
            "2023",
            "--stage",
            "12",
            str(path),
            verbosity=0,
        )
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_import_results_for_an_unknown_stage(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("rank,bib,time\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No stage 30 in tour-de-france 2023"):
        call_command(
            "import_results",
            "--race",
            "tour-de-france",
            "--year",
            "2023",
            "--stage",
            "30",
            str(path),
        )


# Checkpoints and crossings

CROIX_MONTMAIN = (
    "stage,kind,name,km,category,multiplier\n"
    "12,climb,Col de la Croix Montmain,143.5,2,1\n"
)


@pytest.mark.django_db
def test_crossings_are_imported_with_their_checkpoints(tour_copy):
    (tour_copy / "checkpoints.csv").write_text(CROIX_MONTMAIN, encoding="utf-8")
    shutil.rmtree(tour_copy / "crossings")  # the real ones name other checkpoints
    (tour_copy / "crossings").mkdir()
    (tour_copy / "crossings/stage-12.csv").write_text(
        # Checkpoint names match with case and accents ignored.
        "checkpoint,rank,bib\ncol de la croix montmain,1,124\n"
        "Col de la Croix Montmain,2,213\n",
        encoding="utf-8",
    )
    edition, _ = import_race(tour_copy, replace=True)
    crossed = CheckpointCrossing.objects.filter(
        checkpoint__stage__edition=edition, checkpoint__name="Col de la Croix Montmain"
    ).values_list("rank", "entry__bib")
    assert sorted(crossed) == [(1, 124), (2, 213)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Col du Nulle Part,1,124\n", "line 2: checkpoint 'Col du Nulle Part' is not"),
        ("Col de la Croix Montmain,1,999\n", "line 2: bib 999 is not on the start"),
        (
            "Col de la Croix Montmain,1,124\nCol de la Croix Montmain,1,213\n",
            "line 3: duplicate rank 1 at Col de la Croix Montmain",
        ),
        ("Col de la Croix Montmain,first,124\n", "line 2: rank"),
    ],
)
def test_a_bad_crossing_is_refused_and_nothing_changes(tour_copy, rows, message):
    (tour_copy / "checkpoints.csv").write_text(CROIX_MONTMAIN, encoding="utf-8")
    shutil.rmtree(tour_copy / "crossings")  # the real ones name other checkpoints
    (tour_copy / "crossings").mkdir()
    (tour_copy / "crossings/stage-12.csv").write_text(
        "checkpoint,rank,bib\n" + rows, encoding="utf-8"
    )
    before = db_fingerprint()
    with pytest.raises(PackageError, match=f"crossings/stage-12.csv {message}"):
        import_race(tour_copy, replace=True)
    assert db_fingerprint() == before
