"""The live desk's services (``stages.services.live``): a small race whose third
stage is raced live (times and bibs in tests/factories.py). Each write is checked
under the race's lock, refused whole with its reasons, and bumps the data version
of the race's pages."""

from decimal import Decimal

import pytest

from editions.models import Entry
from live.models import RaceSituation, RoadGroup, TickerEntry
from racing.live import Group
from stages.models import Stage, StageResult
from stages.services import live
from tests.factories import SmallRace, small_race
from toursite.versions import edition_data_version


@pytest.fixture
def race(db) -> SmallRace:
    return small_race(stages=2)


@pytest.fixture
def stage(race) -> Stage:
    live.stage_go_live(stage=race.stage(3))
    return race.stage(3)


def token(race: SmallRace) -> str:
    return edition_data_version(race.edition).token


def refusal(call, **kwargs) -> list[str]:
    with pytest.raises(live.LiveRefused) as refused:
        call(**kwargs)
    return refused.value.messages


# Not live


def test_a_stage_not_live_refuses_the_ticker_situation_and_arrivals(race):
    stage = race.stage(3)
    before = token(race)
    expected = [live.not_live_message(stage)]
    assert refusal(live.ticker_post, stage=stage, text="Start") == expected
    groups = [Group("Peloton", 0, rest=True)]
    assert refusal(live.situation_save, stage=stage, km_to_go=None, groups=groups) == (
        expected
    )
    assert refusal(live.arrivals_paste_save, stage=stage, text="1,1,1:00:00") == (
        expected
    )
    assert "not live (scheduled)" in expected[0]
    assert not TickerEntry.objects.exists()
    assert not RaceSituation.objects.exists()
    assert not StageResult.objects.filter(stage=stage).exists()
    assert token(race) == before  # nothing written, nothing for fans to fetch


def test_a_finished_stages_ticker_can_still_be_corrected(race, stage):
    entry = live.ticker_post(stage=stage, text="Crahs", kind="crash")
    live.arrivals_paste_save(stage=stage, text="1,1,1:00:00\n")
    live.stage_make_final(stage=stage)
    line = live.TickerLine("Crash", kind="crash")
    assert live.ticker_update(entry=entry, line=line).text == "Crash"
    assert refusal(live.ticker_post, stage=stage, text="Late news") == [
        live.not_live_message(stage)
    ]


# The ticker


def test_a_ticker_entry_keeps_its_riders_and_refuses_unknown_bibs(race, stage):
    entry = live.ticker_post(
        stage=stage, text="Dahl attacks", kind="attack", km_to_go=12, bibs=(11, 3)
    )
    assert {e.bib for e in entry.riders.all()} == {3, 11}
    messages = refusal(
        live.ticker_post, stage=stage, text="Who?", bibs=(11, 98, 99), km_to_go=-1
    )
    assert messages == [
        "Km to go cannot be below zero.",
        "No rider has bib 98 in this race.",
        "No rider has bib 99 in this race.",
    ]
    assert TickerEntry.objects.count() == 1


# The race situation


def test_the_situation_is_replaced_whole(race, stage):
    live.situation_save(
        stage=stage,
        km_to_go=Decimal("40"),
        groups=[Group("Break", 0, (11, 3)), Group("Peloton", 45, rest=True)],
    )
    live.situation_save(
        stage=stage, km_to_go=Decimal("20.5"), groups=[Group("Peloton", 0, rest=True)]
    )
    stored = RaceSituation.objects.get(stage=stage)
    assert stored.km_to_go == Decimal("20.5")
    assert [(g.name, g.gap_s, g.rest) for g in stored.groups.all()] == [
        ("Peloton", 0, True)
    ]
    assert RoadGroup.objects.count() == 1


def test_situation_problems_are_all_told_and_nothing_is_saved(race, stage):
    live.arrivals_paste_save(stage=stage, text="1,12,3:50:00")
    Entry.objects.filter(pk=race.entry(13).pk).update(exit_stage=2, exit_status="DNF")
    groups = [
        Group("Break", 0, (11, 99, 13)),
        Group("Chase", 60, (11, 12)),
        Group("", 30, (2,)),
        Group("Peloton", 90, rest=True),
        Group("Grupetto", 900, rest=True),
    ]
    messages = refusal(
        live.situation_save, stage=stage, km_to_go=Decimal("-2"), groups=groups
    )
    assert messages == [
        "Km to go cannot be below zero.",
        "Group 1 (Break): no rider has bib 99 in this race.",
        "Group 1 (Break): bib 13 is out of the race (DNF on stage 2).",
        "Group 2 (Chase): bib 11 is already in Break.",
        "Group 2 (Chase): bib 12 has already finished the stage.",
        "Group 3: give the group a name.",
        "Group 3 (no name): its gap (0:30) is smaller than the gap of the group "
        "ahead of it, Chase (1:00). List the groups from the head of the race "
        "backwards.",
        "Only one group can be everyone else.",
    ]
    assert not RaceSituation.objects.exists()


def test_km_to_go_beyond_the_stage_is_refused(race, stage):
    messages = refusal(
        live.situation_save, stage=stage, km_to_go=Decimal("150.5"), groups=[]
    )
    assert messages == ["Km to go (150.5) is more than the stage's 150.0 km."]


# Arrivals


def test_arrivals_add_up_and_leave_their_group(race, stage):
    live.situation_save(
        stage=stage, km_to_go=Decimal("0.5"), groups=[Group("Break", 0, (11, 1, 2))]
    )
    live.arrivals_paste_save(stage=stage, text="rank,bib,time\n1,11,3:55:00\n")
    live.arrivals_paste_save(stage=stage, text="2,1,+0:04\n3,2,s.t.\n")
    rows = StageResult.objects.filter(stage=stage).order_by("rank")
    assert [(r.entry.bib, r.time_s) for r in rows] == [
        (11, 14100),
        (1, 14104),
        (2, 14104),
    ]
    assert not RoadGroup.objects.get().riders.exists()


def test_an_arrival_clash_is_refused_whole(race, stage):
    live.arrivals_paste_save(stage=stage, text="1,11,3:55:00\n2,1,+0:04")
    assert refusal(
        live.arrivals_paste_save, stage=stage, text="3,2,+0:10\n4,11,+0:10"
    ) == ["Bib 11 already has a row (rank 1)."]
    assert refusal(live.arrivals_paste_save, stage=stage, text="2,12,+0:10") == [
        "Rank 2 is already taken."
    ]
    assert StageResult.objects.filter(stage=stage).count() == 2  # bib 2 not in
    assert refusal(live.arrivals_paste_save, stage=stage, text="  \n") == [
        "Paste the riders who have arrived first."
    ]


# Every live write reaches the fans' pages


def test_every_live_write_bumps_the_data_version(race):
    stage = race.stage(3)
    seen = [token(race)]

    def wrote() -> None:
        seen.append(token(race))
        assert seen[-1] != seen[-2]

    live.stage_go_live(stage=stage)
    wrote()
    entry = live.ticker_post(stage=stage, text="Start", km_to_go=150)
    wrote()
    live.ticker_update(entry=entry, line=live.TickerLine("Start!", km_to_go=149))
    wrote()
    live.ticker_delete(entry=entry)
    wrote()
    live.situation_save(stage=stage, km_to_go=Decimal(3), groups=[])
    wrote()
    live.arrivals_paste_save(stage=stage, text="1,11,3:55:00")
    wrote()
    live.stage_make_final(stage=stage)
    wrote()
    assert len(set(seen)) == len(seen)


def test_making_a_stage_final_removes_the_situation_and_keeps_the_ticker(race, stage):
    live.ticker_post(stage=stage, text="Finish", km_to_go=0)
    live.situation_save(
        stage=stage, km_to_go=Decimal(1), groups=[Group("Peloton", 0, rest=True)]
    )
    assert refusal(live.stage_make_final, stage=stage) == [live.NOBODY_IN]
    assert RaceSituation.objects.filter(stage=stage).exists()
    live.arrivals_paste_save(stage=stage, text="1,1,1:00:00\n")
    live.stage_make_final(stage=stage)
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED
    assert stage.status == Stage.Status.FINISHED
    assert not RaceSituation.objects.filter(stage=stage).exists()
    assert not RoadGroup.objects.exists()
    assert TickerEntry.objects.get(stage=stage).text == "Finish"
