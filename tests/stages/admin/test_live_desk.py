"""The live desk (issue 12), as an editor who is not a superuser runs a stage
through the test client: a small race (tests/factories.py) whose third stage is
raced live. Every form posts to the desk; a save redirects back with a message,
a refusal shows its reasons next to the form, keeps what was typed and saves
nothing."""

import re
from datetime import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from editions.models import Entry
from live.models import RaceSituation, TickerEntry
from stages.models import Stage, StageResult
from stages.services import live
from stages.services.users import GROUP
from tests.factories import EntryFactory, small_race
from tests.stages.admin.forms import messages_of


@pytest.fixture
def race(db):
    return small_race(stages=2)


@pytest.fixture
def stage(race) -> Stage:
    return race.stage(3)


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("desk", password="secret-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def desk(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def live_stage(stage) -> Stage:
    live.stage_go_live(stage=stage)
    return stage


def desk_url(stage: Stage) -> str:
    return reverse("admin:stages_stage_live_desk", args=[stage.pk])


def post(client: Client, stage: Stage, action: str, prefix: str = "", **fields):
    data = {"action": action}
    data.update({f"{prefix}-{k}" if prefix else k: v for k, v in fields.items()})
    return client.post(desk_url(stage), data, follow=True)


def ticker(client: Client, stage: Stage, **fields):
    return post(client, stage, "ticker", "ticker", **{"kind": "other", **fields})


def situation(client: Client, stage: Stage, km: str, *rows: tuple):
    """Rows of (name, bibs, gap, everyone else)."""
    data = {
        "action": "situation",
        "situation-km_to_go": km,
        "group-TOTAL_FORMS": "6",
        "group-INITIAL_FORMS": "0",
    }
    for n, (name, bibs, gap, rest) in enumerate(rows):
        data |= {f"group-{n}-name": name, f"group-{n}-bibs": bibs}
        data |= {f"group-{n}-gap": gap} | ({f"group-{n}-rest": "on"} if rest else {})
    return client.post(desk_url(stage), data, follow=True)


def arrivals(client: Client, stage: Stage, text: str):
    return post(client, stage, "arrivals", "arrivals", text=text)


def page(response) -> str:
    return response.content.decode()


def shows(response, text: str) -> bool:
    return escape(text) in page(response)


def kept(response, value: str) -> bool:
    """Whether a single-line field holds ``value`` as typed."""
    return f'value="{escape(value)}"' in page(response)


def bibs_of(entry: TickerEntry) -> set[int]:
    return {e.bib for e in entry.riders.all()}


# Entry points and permissions


def test_the_stage_page_and_the_stage_list_link_to_the_desk(desk, stage):
    change = desk.get(reverse("admin:stages_stage_change", args=[stage.pk]))
    assert f'href="{desk_url(stage)}"' in page(change)
    listed = desk.get(reverse("admin:stages_stage_changelist"))
    assert f'href="{desk_url(stage)}"' in page(listed)


def test_the_desk_needs_the_stages_change_permission(client, stage):
    assert client.get(desk_url(stage)).status_code == 302  # to the sign-in
    staff = User.objects.create_user("staff", password="x" * 12, is_staff=True)
    client.force_login(staff)
    assert client.get(desk_url(stage)).status_code == 403
    response = client.post(desk_url(stage), {"action": "go-live"})
    assert response.status_code == 403
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.SCHEDULED


def test_an_unknown_action_or_stage_is_refused(desk, stage):
    assert desk.post(desk_url(stage), {"action": "nope"}).status_code == 400
    missing = reverse("admin:stages_stage_live_desk", args=[987654])
    assert desk.get(missing).status_code == 404


# A stage that is not live


def test_a_stage_not_live_shows_a_notice_and_refuses_the_live_forms(desk, stage):
    shown = page(desk.get(desk_url(stage)))
    assert "This stage is not live" in shown
    assert 'value="go-live"' in shown
    assert 'value="make-final"' not in shown
    refused = live.not_live_message(stage)
    response = ticker(desk, stage, text="Kilometre zero", bibs="11")
    assert shows(response, refused)
    assert kept(response, "Kilometre zero")
    response = situation(desk, stage, "100", ("Break", "11 3", "", False))
    assert shows(response, refused)
    assert arrivals(desk, stage, "1,11,3:55:00").status_code == 200
    assert not TickerEntry.objects.exists()
    assert not RaceSituation.objects.exists()
    assert not StageResult.objects.filter(stage=stage).exists()
    response = post(desk, stage, "make-final")
    assert "is not live: nothing to make final" in " ".join(messages_of(response))


# A stage run live from the desk


def test_an_editor_goes_live_and_posts_edits_and_deletes_a_ticker_entry(desk, stage):
    response = post(desk, stage, "go-live")
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.LIVE
    assert "Stage 3 is live" in " ".join(messages_of(response))
    assert 'value="make-final"' in page(response)
    assert "become official" in page(response)
    assert "Correct the entry" not in page(response)

    response = ticker(
        desk, stage, text="**Dahl** attacks", kind="attack", km_to_go="12,5",
        bibs="11, 3 11",
    )  # fmt: skip
    entry = TickerEntry.objects.get(stage=stage)
    assert (entry.text, entry.kind, entry.km_to_go) == (
        "**Dahl** attacks",
        "attack",
        Decimal("12.5"),
    )
    assert bibs_of(entry) == {3, 11}
    assert response.redirect_chain == [(desk_url(stage), 302)]
    assert "Ticker entry of" in " ".join(messages_of(response))
    assert "<strong>Dahl</strong> attacks" in page(response)  # as fans see it
    assert "Bibs 3, 11" in page(response)

    form = page(desk.get(desk_url(stage) + f"?edit={entry.pk}"))
    assert "Correct the entry of" in form
    assert 'value="**Dahl** attacks"' in form
    assert 'value="3 11"' in form
    day = timezone.localtime(entry.at).date()
    response = ticker(
        desk, stage, text="**Dahl** attacks again", kind="attack", km_to_go="10",
        bibs="11", at="14:05", entry=str(entry.pk),
    )  # fmt: skip
    assert "corrected" in " ".join(messages_of(response))
    entry = TickerEntry.objects.get(pk=entry.pk)  # the same row
    assert entry.text == "**Dahl** attacks again"
    assert bibs_of(entry) == {11}
    assert timezone.localtime(entry.at).time() == time(14, 5)
    assert timezone.localtime(entry.at).date() == day

    response = post(desk, stage, "delete", entry=str(entry.pk))
    assert not TickerEntry.objects.exists()
    assert "deleted" in " ".join(messages_of(response))
    again = post(desk, stage, "delete", entry=str(entry.pk))
    assert "deleted already" in " ".join(messages_of(again))


def test_an_edit_keeps_the_time_of_day_when_left_as_shown(desk, live_stage):
    entry = live.ticker_post(stage=live_stage, text="Start")
    shown = f"{timezone.localtime(entry.at):%H:%M:%S}"
    ticker(desk, live_stage, text="Start!", at=shown, entry=str(entry.pk))
    assert TickerEntry.objects.get(pk=entry.pk).at == entry.at


def test_the_situation_is_saved_whole_and_shown_again(desk, live_stage):
    response = situation(
        desk, live_stage, "45,5",
        ("Break", "11, 3", "", False),
        ("Chase", "2", "0:45", False),
        ("", "", "", False),  # a blank row is no group
        ("Peloton", "", "90", True),
    )  # fmt: skip
    assert "Race situation saved: 3 groups, 45.5 km to go." in messages_of(response)
    stored = RaceSituation.objects.get(stage=live_stage)
    assert stored.km_to_go == Decimal("45.5")
    groups = list(stored.groups.order_by("position"))
    assert [(g.name, g.gap_s, g.rest) for g in groups] == [
        ("Break", 0, False),
        ("Chase", 45, False),
        ("Peloton", 90, True),
    ]
    assert {e.bib for e in groups[0].riders.all()} == {3, 11}
    shown = page(response)  # the form holds the situation as saved
    assert 'value="45.5"' in shown
    assert 'value="Chase"' in shown
    assert 'value="0:45"' in shown
    assert 'value="1:30"' in shown
    assert 'value="3 11"' in shown

    situation(desk, live_stage, "", ("Peloton", "", "", True))
    stored = RaceSituation.objects.get(stage=live_stage)
    assert stored.km_to_go is None
    assert [g.name for g in stored.groups.all()] == ["Peloton"]


def test_arrivals_come_in_partial_pastes_then_the_stage_is_made_final(desk, live_stage):
    live.ticker_post(stage=live_stage, text="Flamme rouge", km_to_go=1)
    situation(desk, live_stage, "1", ("Break", "11 1", "", False))
    response = arrivals(desk, live_stage, "rank,bib,time\n1,11,3:55:00\n")
    assert "Arrivals saved: 1 over the line." in messages_of(response)
    response = arrivals(desk, live_stage, "2,1,+0:30\n3,2,s.t.\n")
    times = dict(
        StageResult.objects.filter(stage=live_stage).values_list("entry__bib", "time_s")
    )
    assert times == {11: 14100, 1: 14130, 2: 14130}
    shown = page(response)
    assert "<strong>3</strong> riders over the line" in shown
    assert "+0:30" in shown  # the last riders in, with their gaps
    # Riders over the line leave their group on the road.
    group = RaceSituation.objects.get(stage=live_stage).groups.get()
    assert not group.riders.exists()

    response = post(desk, live_stage, "make-final")
    assert Stage.objects.get(pk=live_stage.pk).status == Stage.Status.FINISHED
    assert "tables are official" in " ".join(messages_of(response))
    assert not RaceSituation.objects.filter(stage=live_stage).exists()
    assert TickerEntry.objects.filter(stage=live_stage).count() == 1
    assert "This stage is not live" in page(response)


# Bad input: the reason next to the form, nothing saved, the input kept


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"text": "Attack", "bibs": "99"}, "No rider has bib 99 in this race."),
        ({"text": "Attack", "bibs": "12a, 7"}, "“12a” is not"),
        ({"text": "Attack", "km_to_go": "-3"}, "Km to go cannot be below zero."),
        ({"text": "Attack", "km_to_go": "12.25"}, "one decimal at most"),
        ({"text": "Attack", "km_to_go": "far"}, "is not a distance"),
        ({"text": "Attack", "km_to_go": "151"}, "more than the stage"),
        ({"text": "Attack", "at": "25:70"}, "Enter a valid time"),
        ({"text": "", "bibs": "11"}, "Write the ticker text."),
        ({"text": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_bad_ticker_entry_is_refused_with_its_reason(
    desk, live_stage, fields, reason
):
    response = ticker(desk, live_stage, **fields)
    assert response.status_code == 200
    assert not response.redirect_chain
    assert shows(response, reason)
    assert any("Nothing was saved" in m for m in messages_of(response))
    assert not TickerEntry.objects.exists()
    for value in fields.values():
        if value:
            assert kept(response, value)  # kept as typed


def test_a_correction_of_an_entry_deleted_meanwhile_becomes_a_new_one(desk, live_stage):
    entry = live.ticker_post(stage=live_stage, text="Crash")
    live.ticker_delete(entry=entry)
    response = ticker(desk, live_stage, text="Crash at km 40", entry=str(entry.pk))
    assert "deleted meanwhile" in page(response)
    assert kept(response, "Crash at km 40")
    ticker(desk, live_stage, text="Crash at km 40", entry="")
    assert TickerEntry.objects.get().text == "Crash at km 40"


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([("Break", "11 99", "", False)], "no rider has bib 99 in this race"),
        ([("Break", "11 x", "", False)], "“x” is not"),
        ([("Break", "11 3", "", False), ("Chase", "3", "0:20", False)],
         "bib 3 is already in Break"),
        ([("Break", "11", "", False), ("Chase", "2", "1:00", False),
          ("Peloton", "", "0:30", True)],
         "is smaller than the gap of the group ahead"),
        ([("Break", "11", "", False), ("Chase", "2", "", False)],
         "Give the gap to the head of the race"),
        ([("Break", "11", "", False), ("Chase", "2", "1:7x", False)],
         "“1:7x” is not a gap"),
        ([("Break", "13", "", False)], "bib 13 is out of the race (DNF on stage 2)"),
        ([("Break", "", "", False)], "no riders (paste bibs, or tick everyone else)"),
    ],
)  # fmt: skip
def test_a_bad_situation_is_refused_with_its_reason(
    desk, race, live_stage, rows, reason
):
    Entry.objects.filter(pk=race.entry(13).pk).update(exit_stage=2, exit_status="DNF")
    response = situation(desk, live_stage, "30", *rows)
    assert not response.redirect_chain
    assert shows(response, reason)
    assert not RaceSituation.objects.exists()
    assert 'value="30"' in page(response)
    for name, bibs, gap, _ in rows:
        for value in (name, bibs, gap):
            if value:
                assert kept(response, value)


def input_tag(response, name: str) -> str:
    return re.search(rf'<input [^>]*name="{name}"[^>]*>', page(response))[0]


def test_km_to_go_below_zero_refuses_the_situation(desk, live_stage):
    assert "autofocus" in input_tag(desk.get(desk_url(live_stage)), "ticker-text")
    response = situation(desk, live_stage, "-1", ("Peloton", "", "", True))
    assert shows(response, "Km to go cannot be below zero.")
    assert not RaceSituation.objects.exists()
    # The keyboard is back in the form refused.
    assert "autofocus" in input_tag(response, "situation-km_to_go")
    assert "autofocus" not in input_tag(response, "ticker-text")


def test_a_rider_over_the_line_cannot_be_in_a_group(desk, live_stage):
    arrivals(desk, live_stage, "1,11,3:55:00")
    response = situation(desk, live_stage, "5", ("Chase", "11 2", "", False))
    assert "bib 11 has already finished the stage" in page(response)


@pytest.mark.parametrize(
    ("second", "reason"),
    [
        ("2,11,+0:10", "Bib 11 already has a row (rank 1)."),
        ("1,2,3:56:00", "Rank 1 is already taken."),
        ("2,99,+0:10", "99"),
        ("", "Paste the riders who have arrived first."),
    ],
)
def test_bad_arrivals_are_refused_with_their_reason(desk, live_stage, second, reason):
    arrivals(desk, live_stage, "1,11,3:55:00")
    response = arrivals(desk, live_stage, second)
    assert not response.redirect_chain
    assert shows(response, reason)
    assert escape(second) in page(response)  # the paste is kept
    assert StageResult.objects.filter(stage=live_stage).count() == 1


# Cost


@pytest.mark.parametrize("riders", [6, 60])
def test_the_desk_costs_the_same_queries_whatever_the_field(
    desk, race, live_stage, riders, django_assert_max_num_queries
):
    bibs = range(20, 20 + riders)
    for bib in bibs:
        EntryFactory(edition=race.edition, team=race.teams[0], bib=bib)
    every = " ".join(str(b) for b in bibs)
    situation(desk, live_stage, "20", ("Break", every, "", False),
              ("Peloton", "", "1:00", True))  # fmt: skip
    for n in range(riders // 3):
        live.ticker_post(stage=live_stage, text=f"News {n}", bibs=list(bibs)[:3])
    arrivals(desk, live_stage, "1,20,3:55:00\n2,21,+0:01\n3,22,s.t.")
    with django_assert_max_num_queries(16):
        response = desk.get(desk_url(live_stage))
    assert response.status_code == 200
    assert f'value="{" ".join(str(b) for b in bibs if b > 22)}"' in page(response)
