"""A real finish replayed live (``replay_stage``): the stage fills up arrival by
arrival through the live desk's services, and every table ends as it was."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from editions.models import Entry
from live.models import TickerEntry
from stages.models import Jersey, Stage, StageResult, Standing
from stages.services import live
from stages.services.replay import replay_play, replay_prepare

pytestmark = pytest.mark.django_db


def _tables(edition):
    """Everything a page of the race shows that a replay of stage 12 rewrites."""
    return (
        sorted(
            StageResult.objects.filter(stage__edition=edition).values_list(
                "stage__number", "entry_id", "rank", "time_s", "hundredths", "status",
                "bonus", "penalty", "gc_time_s", "points", "kom_points",
            )
        ),
        sorted(
            Standing.objects.filter(stage__edition=edition).values_list(
                "stage__number", "classification", "rank", "entry_id", "team_id",
                "value", "gap", "previous_rank",
            )
        ),
        sorted(
            Jersey.objects.filter(stage__edition=edition).values_list(
                "stage__number", "classification", "entry_id"
            )
        ),
        sorted(
            Entry.objects.filter(edition=edition).values_list(
                "bib", "exit_stage", "exit_status"
            )
        ),
    )  # fmt: skip


def test_a_replay_fills_the_stage_progressively_and_ends_as_it_began(tour, client):
    stage = Stage.objects.get(edition=tour, number=12)
    before = _tables(tour)
    page = reverse("stages:detail", args=["tour-de-france", 2023, 12])
    live.stage_go_live(stage=stage)
    live.ticker_post(stage=stage, text="Izagirre attacks", kind="attack", bibs=(124,))
    live.stage_make_final(stage=stage)

    replay = replay_prepare(stage=stage)
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.LIVE
    assert not StageResult.objects.filter(stage=stage).exists()
    assert not TickerEntry.objects.filter(stage=stage).exists()
    seen = []

    def wait(at):
        seen.append(StageResult.objects.filter(stage=stage).count())
        if len(seen) == 3:  # the ticker, the winner, the next bunch: a fan looks
            body = client.get(page).content.decode()
            assert "Leading so far" in body
            assert "IZAGIRRE" in body

    replay_play(replay, speed=1e9, wait=wait)
    assert seen[:3] == [0, 0, 1]  # the ticker first, then Izagirre alone
    assert seen == sorted(seen)
    assert seen[-1] < 176
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED
    assert _tables(tour) == before
    (entry,) = TickerEntry.objects.filter(stage=stage)
    assert entry.text == "Izagirre attacks"
    assert [e.bib for e in entry.riders.all()] == [124]


class Interrupted(Exception):
    """Ctrl-C, a crash: anything that stops a replay half way."""


@pytest.mark.parametrize("how", ["crash", "made final by an editor"])
def test_an_interrupted_replay_puts_the_stage_back(tour, how):
    stage = Stage.objects.get(edition=tour, number=12)
    live.stage_go_live(stage=stage)
    live.ticker_post(stage=stage, text="Izagirre attacks", kind="attack", bibs=(124,))
    live.stage_make_final(stage=stage)
    before = _tables(tour)
    replay = replay_prepare(stage=stage)
    steps = []

    def wait(at):
        steps.append(at)
        if len(steps) == 4:  # the ticker and two bunches are in
            if how == "crash":
                raise Interrupted
            live.stage_make_final(stage=stage)  # the next arrival is refused

    with pytest.raises(Interrupted if how == "crash" else live.LiveRefused):
        replay_play(replay, speed=1e9, wait=wait)
    assert Stage.objects.get(pk=stage.pk).status == Stage.Status.FINISHED
    assert _tables(tour) == before
    assert TickerEntry.objects.get(stage=stage).text == "Izagirre attacks"


def test_the_command_refuses_what_cannot_be_replayed(tour):
    with pytest.raises(CommandError, match="No stage 30"):
        call_command("replay_stage", "tour-de-france", "2023", "30")
    with pytest.raises(CommandError, match="--speed must be more than 0"):
        call_command("replay_stage", "tour-de-france", "2023", "12", "--speed", "0")
    stage = Stage.objects.get(edition=tour, number=12)
    live.stage_go_live(stage=stage)
    with pytest.raises(CommandError, match="only a finished stage"):
        call_command("replay_stage", "tour-de-france", "2023", "12")


def test_live_post_posts_through_the_desk_service(tour, capsys):
    stage = Stage.objects.get(edition=tour, number=12)
    with pytest.raises(CommandError, match="not live"):
        call_command("live_post", "tour-de-france", "2023", "12", "Too early")
    live.stage_go_live(stage=stage)
    call_command(
        "live_post", "tour-de-france", "2023", "12", "Izagirre goes clear",
        "--km-to-go", "31,5", "--kind", "attack", "--bibs", "44",
    )  # fmt: skip
    entry = TickerEntry.objects.get(stage=stage)
    assert (entry.kind, str(entry.km_to_go), entry.text) == (
        "attack", "31.5", "Izagirre goes clear"
    )  # fmt: skip
    assert "Posted" in capsys.readouterr().out
    with pytest.raises(CommandError, match="below zero"):
        call_command(
            "live_post", "tour-de-france", "2023", "12", "x", "--km-to-go", "-1"
        )
    with pytest.raises(CommandError, match="No rider has bib 999"):
        call_command("live_post", "tour-de-france", "2023", "12", "x", "--bibs", "999")
    for km in ("nan", "1e30", "12.55"):  # read as the desk reads them
        with pytest.raises(CommandError, match="--km-to-go"):
            call_command(
                "live_post", "tour-de-france", "2023", "12", "x", "--km-to-go", km
            )
    with pytest.raises(CommandError, match="--bibs"):
        call_command("live_post", "tour-de-france", "2023", "12", "x", "--bibs", "-4")
    assert TickerEntry.objects.filter(stage=stage).count() == 1
