"""An edition set up by pasting its tables: the stage list, the teams, the start
list and a stage's checkpoints, each previewed (nothing saved) and then saved
(``stages.services.setup_paste``)."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editions.models import Entry, Rider, Team
from stages.models import Checkpoint, Stage, Standing
from stages.services import setup_paste_startlist, startlist
from stages.services.identity import riders_for
from stages.services.setup_paste import (
    CHANGED,
    KEPT,
    NEW,
    REMOVED,
    UNCHANGED,
    SetupRefused,
    stages_paste_save,
    stages_preview,
)
from stages.services.setup_paste_checkpoints import (
    checkpoints_paste_save,
    checkpoints_preview,
)
from stages.services.setup_paste_startlist import (
    riders_paste_save,
    riders_preview,
    teams_paste_save,
    teams_preview,
)
from tests.factories import (
    CheckpointCrossingFactory,
    CheckpointFactory,
    EditionFactory,
    EntryFactory,
    RiderFactory,
    StageFactory,
    TeamFactory,
)

STAGES = """number,date,start,finish,distance_km,type
1,2030-07-06,Lille,Lille,185,flat
2,2030-07-07,Lille,Arras,199.5,hilly
3,2030-07-08,Pau,Hautacam,145,mountain
"""


@pytest.fixture
def edition(db):
    return EditionFactory(year=2030, published=False)


def statuses(preview) -> dict[str, str]:
    return {row.key: row.status for row in preview.rows}


# The stage list ---------------------------------------------------------------------


def test_a_stage_list_with_its_header_adds_every_stage(edition):
    preview = stages_preview(edition, STAGES)
    assert preview.ok
    assert statuses(preview) == {"1": NEW, "2": NEW, "3": NEW}
    assert Stage.objects.filter(edition=edition).count() == 0  # a preview saves nothing

    message = stages_paste_save(
        edition=edition, text=STAGES, expected_digest=preview.digest
    )

    assert message.startswith("Pasted stages saved: 3 new")
    stage = Stage.objects.get(edition=edition, number=2)
    assert (stage.date, stage.start, stage.finish) == (
        date(2030, 7, 7),
        "Lille",
        "Arras",
    )
    assert (stage.distance_km, stage.type) == (Decimal("199.5"), "hilly")
    assert (stage.status, stage.team_times) == ("scheduled", "finish")


def test_a_spreadsheet_copy_without_header_reads_as_the_same_rows(edition):
    tabs = "\n".join(line.replace(",", "\t") for line in STAGES.splitlines()[1:])
    with_header, copied = stages_preview(edition, STAGES), stages_preview(edition, tabs)
    assert copied.ok
    assert [r.cells for r in copied.rows] == [r.cells for r in with_header.rows]
    # Lines are the pasted ones: without the header, stage 1 is on line 1.
    assert [r.line for r in copied.rows] == [1, 2, 3]
    assert [r.line for r in with_header.rows] == [2, 3, 4]


def test_a_bad_row_saves_nothing_and_names_its_line_and_field(edition):
    text = STAGES.replace("2030-07-07", "2030-07-32").replace("Pau,", "P" * 130 + ",")
    preview = stages_preview(edition, text)
    assert not preview.ok
    assert (
        "Pasted stages line 3: date '2030-07-32' is not YYYY-MM-DD" in preview.problems
    )
    assert any(
        p.startswith("Pasted stages line 4: start: Ensure this value has at most 120")
        for p in preview.problems
    )
    with pytest.raises(SetupRefused) as refused:
        stages_paste_save(edition=edition, text=text)
    assert "2 problems" in refused.value.message
    assert not Stage.objects.filter(edition=edition).exists()


def test_stored_stages_are_updated_added_or_kept(edition):
    StageFactory(edition=edition, number=1, start="Lille", finish="Lille")
    StageFactory(edition=edition, number=2, start="Lille", finish="Roubaix")
    text = "2,2030-07-07,Lille,Arras,199.5,hilly\n4,2030-07-09,Tarbes,Pau,170,flat\n"

    preview = stages_preview(edition, text)

    assert statuses(preview) == {"2": CHANGED, "4": NEW, "1": KEPT}
    changes = {c.field: (c.old, c.new) for c in preview.rows[0].changes}
    assert changes["finish"] == ("Roubaix", "Arras")
    assert changes["type"] == ("flat", "hilly")
    stages_paste_save(edition=edition, text=text, expected_digest=preview.digest)
    stored = dict(Stage.objects.filter(edition=edition).values_list("number", "finish"))
    assert stored == {1: "Lille", 2: "Arras", 4: "Pau"}


def test_an_optional_column_left_out_keeps_the_stored_value(edition):
    StageFactory(edition=edition, number=1, team_times="gc", points_scale="hilly")
    text = "1,2030-07-06,Lille,Lille,185,flat\n"
    preview = stages_preview(edition, text)
    assert {c.field for c in preview.rows[0].changes} == {
        "date",
        "start",
        "finish",
        "distance_km",
    }
    stages_paste_save(edition=edition, text=text)
    stage = Stage.objects.get(edition=edition, number=1)
    assert (stage.team_times, stage.points_scale) == ("gc", "hilly")


def test_a_stage_with_results_changing_its_type_recomputes_the_standings(
    race, engine_runs
):
    def points_of_bib_11() -> int:
        return Standing.objects.get(
            stage=race.stage(3), classification="points", entry=race.entry(11)
        ).value

    before = points_of_bib_11()
    text = "2,2030-07-02,Start 2,Finish 2,150,mountain\n"
    preview = stages_preview(race.edition, text)
    assert preview.touched.moved == {race.edition.pk: 2}
    assert "computed again from stage 2" in preview.rows[0].notes[0]

    message = stages_paste_save(edition=race.edition, text=text)

    # Bib 11 won stage 2: a mountain stage's finish pays fewer points than a flat one.
    assert points_of_bib_11() < before
    assert "Standings updated" in message
    assert engine_runs.call_count == 1


# Teams ------------------------------------------------------------------------------


def test_teams_are_added_and_updated_with_or_without_header(edition):
    TeamFactory(edition=edition, code="TJV", name="Jumbo", country="NL")
    TeamFactory(edition=edition, code="UAD", name="UAE Team Emirates", country="AE")
    text = "code\tname\tcountry\nTJV\tJumbo-Visma\tNL\nsoq\tSoudal Quick-Step\tbe\n"
    preview = teams_preview(edition, text)
    assert statuses(preview) == {"TJV": CHANGED, "SOQ": NEW, "UAD": KEPT}
    teams_paste_save(edition=edition, text=text, expected_digest=preview.digest)
    stored = dict(Team.objects.filter(edition=edition).values_list("code", "name"))
    assert stored == {
        "TJV": "Jumbo-Visma",
        "SOQ": "Soudal Quick-Step",
        "UAD": "UAE Team Emirates",
    }
    same = teams_preview(edition, "TJV,Jumbo-Visma,NL\n")
    assert statuses(same)["TJV"] == UNCHANGED


def test_a_repeated_team_code_is_refused(edition):
    preview = teams_preview(edition, "TJV,Jumbo-Visma,NL\nTJV,Visma,NL\n")
    assert "Pasted teams line 2: duplicate team code TJV" in preview.problems
    with pytest.raises(SetupRefused):
        teams_paste_save(edition=edition, text="TJV,Jumbo-Visma,NL\nTJV,Visma,NL\n")
    assert not Team.objects.filter(edition=edition).exists()


# The start list ---------------------------------------------------------------------


@pytest.fixture
def teams(edition) -> list[Team]:
    return [
        TeamFactory(edition=edition, code="TJV", name="Jumbo-Visma"),
        TeamFactory(edition=edition, code="UAD", name="UAE Team Emirates"),
    ]


def test_a_start_list_matches_known_riders_and_creates_new_ones(edition, teams):
    known = RiderFactory(
        given_name="Jonas", family_name="Testgaard", birth_date=date(1996, 12, 10)
    )
    EntryFactory(rider=known, bib=1)  # he rode another edition
    text = (
        "1\tJONAS\tTestgaard\tDK\t1996-12-10\tTJV\n"
        "11\tTadej\tTestačar\tSI\t1998-09-21\tUAD\n"
    )
    riders_before = Rider.objects.count()
    preview = riders_preview(edition, text)
    assert statuses(preview) == {"1": NEW, "11": NEW}
    assert preview.rows[0].cells[-1] == "Known rider (born 1996-12-10)"
    assert preview.rows[1].cells[-1] == "New rider"

    riders_paste_save(edition=edition, text=text, expected_digest=preview.digest)

    assert Entry.objects.get(edition=edition, bib=1).rider == known
    tadej = Entry.objects.get(edition=edition, bib=11)
    assert (tadej.rider.family_name, tadej.team.code) == ("Testačar", "UAD")
    assert tadej.rider.slug == "tadej-testacar"
    assert Rider.objects.count() == riders_before + 1


def test_a_namesake_with_another_birth_date_waits_for_the_editors_choice(
    edition, teams
):
    stored = RiderFactory(
        given_name="Adam", family_name="Testyates", birth_date=date(1992, 8, 7)
    )
    text = "2,Adam,Testyates,GB,1992-08-08,UAD\n"
    preview = riders_preview(edition, text)
    assert preview.ok
    assert [c.namesakes for c in preview.choices] == [(stored,)]
    assert len(preview.undecided) == 1
    assert preview.undecided[0].startswith("bib 2: Adam Testyates")

    with pytest.raises(SetupRefused) as refused:
        riders_paste_save(edition=edition, text=text)
    assert "bib 2" in refused.value.message
    assert not Entry.objects.filter(edition=edition).exists()

    riders_paste_save(edition=edition, text=text, decisions={2: stored.pk})
    assert Entry.objects.get(edition=edition, bib=2).rider == stored


def test_a_namesake_decided_new_is_a_second_rider(edition, teams):
    stored = RiderFactory(
        given_name="Adam", family_name="Testyates", birth_date=date(1992, 8, 7)
    )
    riders_paste_save(
        edition=edition,
        text="2,Adam,Testyates,GB,1992-08-08,UAD\n",
        decisions={2: None},
    )
    rider = Entry.objects.get(edition=edition, bib=2).rider
    assert rider != stored
    assert (rider.birth_date, rider.slug) == (date(1992, 8, 8), "adam-testyates-1992")


def test_a_team_of_another_edition_is_refused(edition, teams):
    other = TeamFactory(code="QZZ")  # of another edition
    text = f"5,Wout,van Aert,BE,1994-09-15,{other.code}\n"
    preview = riders_preview(edition, text)
    assert "Pasted start list line 1: unknown team code 'QZZ'" in preview.problems
    assert preview.notes == [
        f"The teams of {edition}: TJV, UAD. A rider's team must be one of them: "
        "paste the missing teams first."
    ]
    with pytest.raises(SetupRefused):
        riders_paste_save(edition=edition, text=text)
    assert not Entry.objects.filter(edition=edition).exists()


def named(race, bib: int) -> Rider:
    """The rider of ``bib``, his slug his names' as every import makes it (the
    small race's are not: the rider match looks riders up by slug)."""
    rider = race.entry(bib).rider
    rider.slug = "test-" + rider.family_name.lower()
    rider.save()
    return rider


def test_a_bib_with_results_keeps_its_rider_but_may_change_team(race):
    named(race, 1)
    new_team = TeamFactory(edition=race.edition, code="NEW")
    ranked = Standing.objects.filter(stage=race.stage(3), classification="teams")
    assert ranked.count() == 2
    aalto = race.entry(1).rider
    other_rider = f"1,Someone,Else,FR,1990-01-01,{race.teams[0].code}\n"
    preview = riders_preview(race.edition, other_rider)
    assert preview.problems == [
        "Pasted start list line 1: bib 1 is AALTO Test's, who has results in this "
        "edition: it cannot pass to ELSE Someone. Check the bib, or correct his "
        "results first."
    ]
    with pytest.raises(SetupRefused):
        riders_paste_save(edition=race.edition, text=other_rider)
    assert race.entry(1).rider == Entry.objects.get(pk=race.entry(1).pk).rider

    moved = "1,Test,Aalto,FR,1995-01-01,NEW\n"
    preview = riders_preview(race.edition, moved)
    assert preview.ok
    assert statuses(preview)["1"] == CHANGED
    assert preview.touched.moved == {race.edition.pk: 1}
    message = riders_paste_save(edition=race.edition, text=moved)
    entry = Entry.objects.get(pk=race.entry(1).pk)
    assert (entry.rider, entry.team) == (aalto, new_team)
    assert "Standings updated" in message
    # The first team is left with two riders: the team classification ranks
    # teams of three.
    ranked = Standing.objects.filter(stage=race.stage(3), classification="teams")
    assert list(ranked.values_list("team", flat=True)) == [race.teams[1].pk]


def test_a_rider_rides_an_edition_once(race):
    named(race, 1)
    aalto = race.entry(1)
    text = (
        f"50,Test,Aalto,FR,1995-01-01,{race.teams[0].code}\n"
        f"51,Jan,Jansen,NL,1990-01-01,{race.teams[0].code}\n"
        f"52,Jan,Jansen,NL,1990-01-01,{race.teams[0].code}\n"
    )
    preview = riders_preview(race.edition, text)
    assert preview.problems == [
        "Pasted start list line 1: Test Aalto already rides this edition with bib "
        f"{aalto.bib} (a bib is changed on the entry's page)",
        "Pasted start list line 3: the same rider as bib 51",
    ]


def test_the_preview_of_a_start_list_costs_the_same_queries_for_any_length(
    edition, teams, django_assert_num_queries
):
    def rows(n: int) -> str:
        return "".join(
            f"{bib},Given{bib},Family{bib},FR,1990-01-{bib % 28 + 1:02d},TJV\n"
            for bib in range(1, n + 1)
        )

    with django_assert_num_queries(3):  # teams, entries, the riders matched
        small = riders_preview(edition, rows(3))
    with django_assert_num_queries(3):
        large = riders_preview(edition, rows(60))
    assert (len(small.rows), len(large.rows)) == (3, 60)
    assert large.ok
    with CaptureQueriesContext(connection) as few:
        riders_paste_save(edition=edition, text=rows(3))
    Entry.objects.filter(edition=edition).delete()
    with CaptureQueriesContext(connection) as many:
        riders_paste_save(edition=edition, text=rows(60))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Entry.objects.filter(edition=edition).count() == 60


# Two editors at once ----------------------------------------------------------------


def test_a_save_refuses_when_the_edition_changed_since_the_preview(edition):
    text = "TJV,Jumbo-Visma,NL\n"
    preview = teams_preview(edition, text)
    # Another editor adds a team in between.
    startlist.team_save(
        team=Team(edition=edition, code="UAD", name="UAE", country="AE")
    )
    with pytest.raises(SetupRefused) as refused:
        teams_paste_save(edition=edition, text=text, expected_digest=preview.digest)
    assert "changed since your preview" in refused.value.message
    assert statuses(refused.value.preview) == {"TJV": NEW, "UAD": KEPT}
    assert not Team.objects.filter(edition=edition, code="TJV").exists()
    # Confirmed again from the fresh preview, it saves.
    teams_paste_save(
        edition=edition, text=text, expected_digest=refused.value.preview.digest
    )
    assert Team.objects.filter(edition=edition, code="TJV").exists()


# Checkpoints ------------------------------------------------------------------------


def test_checkpoints_are_matched_by_name_without_case_or_accents(edition):
    stage = StageFactory(edition=edition, number=6)
    CheckpointFactory(stage=stage, kind="climb", name="Col du Tourmalet", category="1")
    CheckpointFactory(stage=stage, kind="sprint", name="Sprint at Lourdes", km=60)
    text = (
        "km,kind,name,category,multiplier,altitude\n"
        "118.5,climb,COL DU TOURMALET,HC,2,2115\n"
        "145,climb,Côte de Hautacam,1,,1520\n"
    )
    preview = checkpoints_preview(stage, text)
    assert statuses(preview) == {
        "COL DU TOURMALET": CHANGED,
        "Côte de Hautacam": NEW,
        "Sprint at Lourdes": KEPT,
    }
    checkpoints_paste_save(stage=stage, text=text, expected_digest=preview.digest)
    stored = {c.name: c for c in Checkpoint.objects.filter(stage=stage)}
    assert set(stored) == {"COL DU TOURMALET", "Côte de Hautacam", "Sprint at Lourdes"}
    tourmalet = stored["COL DU TOURMALET"]
    assert (tourmalet.category, tourmalet.multiplier) == ("HC", 2)
    assert (tourmalet.km, tourmalet.altitude_m) == (Decimal("118.5"), 2115)
    assert stored["Côte de Hautacam"].altitude_m == 1520


def test_replacing_checkpoints_keeps_those_with_crossings_and_says_so(race):
    stage = race.stage(2)
    crossed = CheckpointFactory(stage=stage, name="Sprint crossed")
    CheckpointCrossingFactory(checkpoint=crossed, entry=race.entry(1), rank=1)
    CheckpointFactory(stage=stage, name="Sprint never crossed")
    text = "40,bonus,Bonus at the top,\n"
    preview = checkpoints_preview(stage, text, remove_missing=True)
    assert statuses(preview) == {
        "Bonus at the top": NEW,
        "Sprint crossed": KEPT,
        "Sprint never crossed": REMOVED,
    }
    kept = next(r for r in preview.rows if r.key == "Sprint crossed")
    assert kept.notes[0].startswith("Kept: 1 crossing recorded here.")
    checkpoints_paste_save(stage=stage, text=text, remove_missing=True)
    names = set(Checkpoint.objects.filter(stage=stage).values_list("name", flat=True))
    assert names == {"Bonus at the top", "Sprint crossed"}


def test_a_checkpoint_paste_names_the_line_of_a_bad_row(edition):
    stage = StageFactory(edition=edition, number=1)
    text = "12,sprint,Sprint A,\n80,climb,Col B,5\n90,climb,col b,1\n"
    preview = checkpoints_preview(stage, text)
    assert preview.problems == [
        "Pasted checkpoints line 2: climb category '5' is not HC or 1-4",
        "Pasted checkpoints line 3: 'col b' is the same name as 'Col B' (line 2) "
        "once case and accents are ignored: checkpoint names must differ on a stage",
    ]
    with pytest.raises(SetupRefused):
        checkpoints_paste_save(stage=stage, text=text)
    assert not Checkpoint.objects.filter(stage=stage).exists()


def test_a_rider_saved_meanwhile_by_another_edition_refuses_without_a_500(
    edition, teams
):
    """A new rider's slug is not under this edition's lock: taken in between by
    another edition's paste, the save is refused and nothing is written."""
    text = "1,Kai,Racer,DE,1999-09-09,TJV\n"

    def taken_meanwhile(*args, **kwargs):
        RiderFactory(given_name="Kai", family_name="Racer", slug="kai-racer")
        return riders_for(*args, **kwargs)

    with mock.patch.object(
        setup_paste_startlist, "riders_for", side_effect=taken_meanwhile
    ):
        with pytest.raises(SetupRefused) as refused:
            riders_paste_save(edition=edition, text=text)
    assert "changed since your preview" in refused.value.message
    assert not Entry.objects.filter(edition=edition).exists()
    assert not Rider.objects.filter(slug="kai-racer").exists()  # rolled back
