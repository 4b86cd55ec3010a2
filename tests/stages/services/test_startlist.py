"""services.startlist: races, editions, teams, riders and entries. What the
standings are computed from recomputes them; anything else bumps the pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from editions.models import Edition, Entry, Race, Rider, Team
from stages.models import Standing
from stages.services import startlist
from tests.factories import EditionFactory, RiderFactory, TeamFactory


def version(edition: Edition) -> int:
    return Edition.objects.get(pk=edition.pk).version


def leader(race, classification: str) -> Standing:
    return Standing.objects.get(
        stage=race.stage(3), classification=classification, rank=1
    )


def test_a_renamed_race_bumps_its_editions(race):
    elsewhere = EditionFactory()
    before = version(race.edition), version(elsewhere)
    race.edition.race.name = "Grand Tour of Testland"
    startlist.race_save(race=race.edition.race)
    assert (version(race.edition), version(elsewhere)) == (before[0] + 1, before[1])
    assert str(Edition.objects.get(pk=race.edition.pk)) == "Grand Tour of Testland 2030"


def test_a_new_race_and_a_race_without_editions_deleted(db):
    new = Race(name="Tour of Nowhere", slug="tour-of-nowhere")
    startlist.race_save(race=new)
    startlist.races_delete(races=[new])
    assert not Race.objects.filter(slug="tour-of-nowhere").exists()


def test_a_race_with_editions_cannot_be_deleted(race):
    with pytest.raises(ProtectedError):
        startlist.races_delete(races=[race.edition.race])


def test_a_new_youth_cutoff_recomputes_the_youth_classification(race, engine_runs):
    edition = race.edition
    edition.youth_born_on_or_after = date(1990, 1, 1)  # everybody is young now
    lines = startlist.edition_save(edition=edition, changed=["youth_born_on_or_after"])
    assert lines[0].startswith("Standings updated after stage 1:")
    assert "Aalto leads the youth classification" in lines[0]
    assert engine_runs.call_count == 1
    assert leader(race, "youth").entry == race.entry(1)


def test_new_rules_recompute_with_the_rules_saved(race):
    edition = race.edition
    edition.rules = {"points_scales": {"flat": [1]}}
    startlist.edition_save(edition=edition, changed=["rules"])
    points = Standing.objects.get(
        stage=race.stage(3), classification="points", entry=race.entry(1)
    )
    assert points.value == 2  # won stages 1 and 3: one point each


def test_an_edition_change_that_moves_nothing(race, engine_runs):
    before = version(race.edition)
    assert startlist.edition_save(edition=race.edition, changed=["year"]) == []
    assert engine_runs.call_count == 0
    assert version(race.edition) == before + 1


def test_an_invalid_edition_is_refused(race):
    race.edition.year = 1850
    with pytest.raises(ValidationError):
        startlist.edition_save(edition=race.edition, changed=["year"])
    assert Edition.objects.get(pk=race.edition.pk).year == 2030


def test_editions_delete_takes_everything_with_them(race):
    startlist.editions_delete(editions=[race.edition])
    assert not Entry.objects.filter(pk=race.entry(1).pk).exists()
    assert not Standing.objects.filter(stage__pk=race.stage(1).pk).exists()


def test_a_renamed_team_bumps_its_race(race):
    before = version(race.edition)
    team = race.teams[0]
    team.name = "Team Renamed"
    assert startlist.team_save(team=team) is None
    assert Team.objects.get(pk=team.pk).name == "Team Renamed"
    assert version(race.edition) == before + 1


def test_a_team_with_a_bad_code_is_refused(race):
    team = TeamFactory.build(edition=race.edition, code="TOOLONG")
    with pytest.raises(ValidationError):
        startlist.team_save(team=team)


def test_teams_delete_takes_their_riders_results(race, engine_runs):
    lines = startlist.teams_delete(teams=[race.teams[0]])
    assert engine_runs.call_count == 1
    assert lines[0].startswith("Standings updated after stage 1: Dahl leads the GC")
    assert leader(race, "gc").entry == race.entry(11)


def test_a_rider_born_later_joins_the_youth_classification(race):
    aalto = race.entry(1).rider
    aalto.birth_date = date(2009, 1, 1)
    lines = startlist.rider_save(rider=aalto, changed=["birth_date"])
    assert "Aalto leads the youth classification" in lines[0]
    assert leader(race, "youth").entry == race.entry(1)


def test_a_renamed_rider_bumps_every_race(race):
    elsewhere = EditionFactory()
    before = version(race.edition), version(elsewhere)
    rider = race.entry(2).rider
    rider.family_name = "Bergström"
    assert startlist.rider_save(rider=rider, changed=["family_name"]) == []
    assert (version(race.edition), version(elsewhere)) == (before[0] + 1, before[1] + 1)


def test_riders_on_a_start_list_are_kept(race):
    with pytest.raises(ProtectedError):
        startlist.riders_delete(riders=[race.entry(2).rider])
    loner = RiderFactory()
    startlist.riders_delete(riders=[loner])
    assert not Rider.objects.filter(pk=loner.pk).exists()


def test_an_entry_moved_to_the_other_team_moves_the_team_classification(race):
    entry = race.entry(3)  # Cruz: the first team is left with two riders
    entry.team = race.teams[1]
    lines = startlist.entry_save(entry=entry, changed=["team"])
    first, second = (team.name for team in race.teams)
    assert f"{second} lead the team classification" in lines[0]
    assert f"(was {first})" in lines[0]
    teams = Standing.objects.filter(stage=race.stage(1), classification="teams")
    assert list(teams.values_list("team", flat=True)) == [race.teams[1].pk]


def test_a_new_bib_only_bumps_the_race(race, engine_runs):
    before = version(race.edition)
    entry = race.entry(13)
    entry.bib = 33
    assert startlist.entry_save(entry=entry, changed=["bib"]) == []
    assert engine_runs.call_count == 0
    assert version(race.edition) == before + 1


def test_entries_delete_recomputes_without_them(race):
    lines = startlist.entries_delete(entries=[race.entry(1)])
    assert lines[0].startswith("Standings updated after stage 1: Dahl leads the GC")
    assert not Entry.objects.filter(pk=race.entry(1).pk).exists()
