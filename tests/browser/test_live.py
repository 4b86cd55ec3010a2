"""The live centre in a real browser: a fan's open stage page follows the desk's
writes without a reload, and a replayed finish fills the stage tab progressively
and ends with the official tables.

The poll interval is shortened with the TOURSITE_LIVE_POLL_SECONDS setting (5 s on
the site)."""

import time

from playwright.sync_api import expect

from stages.models import Stage
from stages.services.replay import replay_play, replay_prepare
from tests.browser.conftest import db_lock, db_unlocked, screenshot
from tests.browser.test_editor_flow import log_in_as_editor

STAGE_12 = "/races/tour-de-france/2023/stage-12/"


def _stage_12():
    return Stage.objects.select_related("edition__race").get(
        edition__race__slug="tour-de-france", edition__year=2023, number=12
    )


def test_a_fans_page_follows_the_desk_without_a_reload(
    browser, page, tour_live, settings
):
    """An editor posts a ticker entry and a group change on the live desk; a fan's
    open stage page shows both within the poll interval, without a reload."""
    settings.TOURSITE_LIVE_POLL_SECONDS = 2
    stage = replay_prepare(stage=_stage_12()).stage  # live, nobody over the line
    desk_context = browser.new_context(viewport={"width": 1366, "height": 900})
    desk = desk_context.new_page()
    log_in_as_editor(desk, tour_live.url)
    desk.goto(f"{tour_live.url}/admin/stages/stage/{stage.pk}/live/")
    page.goto(tour_live.url + STAGE_12)
    expect(page.locator("#live-panel")).to_be_visible()
    page.evaluate("() => { window.notReloaded = true; }")
    page.wait_for_timeout(2_500)  # the fan's page has polled: nothing new yet

    ticker = desk.locator("#ticker")
    ticker.get_by_label("Text").fill("**Izagirre** attacks on the Croix Montmain")
    ticker.get_by_label("Kind").select_option("attack")
    ticker.get_by_label("Km to go").fill("31")
    ticker.get_by_label("Riders (bibs)").fill("124")
    ticker.get_by_role("button", name="Post").click()
    expect(desk.locator(".messagelist")).to_contain_text("posted")
    posted = time.monotonic()
    expect(page.locator(".ticker__entry").first).to_contain_text(
        "Izagirre attacks on the Croix Montmain", timeout=3_000
    )
    assert time.monotonic() - posted <= 3.0  # the poll interval and a second
    situation = desk.locator("#situation")
    situation.get_by_label("Km to go").fill("30,5")
    situation.get_by_label("Group 1: name").fill("Izagirre")
    situation.get_by_label("Group 1: riders (bibs)").fill("124")
    situation.get_by_label("Group 2: name").fill("Peloton")
    situation.get_by_label("Group 2: gap").fill("1:35")
    situation.get_by_label("Group 2: everyone else").check()
    situation.get_by_role("button", name="Save the situation").click()
    expect(desk.locator(".messagelist")).to_contain_text("situation", ignore_case=True)
    saved = time.monotonic()
    expect(page.locator(".road-group").first).to_contain_text("IZAGIRRE", timeout=3_000)
    assert time.monotonic() - saved <= 3.0
    expect(page.locator(".road-group").nth(1)).to_contain_text("+1:35")
    expect(page.locator(".live-km")).to_have_text("30.5 km")
    expect(page.locator("#live-announce")).to_contain_text("Izagirre attacks")
    assert page.evaluate("() => window.notReloaded === true")
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"live-{width}")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], widths
    screenshot(desk, "live-desk-1366")

    arrivals = desk.locator("#arrivals")
    arrivals.get_by_label("Riders over the line").fill("1\t124\t4:14:35")
    arrivals.get_by_role("button", name="Add the arrivals").click()
    expect(desk.locator(".messagelist")).to_contain_text("1 over the line")
    desk.get_by_role("button", name="Make final").click()
    expect(desk.locator(".messagelist")).to_contain_text("final")
    expect(page.locator("#live-panel")).to_contain_text("official", timeout=5_000)
    expect(page.locator("#live-panel[hx-trigger]")).to_have_count(0)
    assert page.console_errors == []
    desk_context.close()


def test_a_replay_fills_the_stage_tab_and_ends_official(page, tour_live, settings):
    settings.TOURSITE_LIVE_POLL_SECONDS = 1
    stage = _stage_12()
    replay = replay_prepare(stage=stage)
    page.goto(tour_live.url + STAGE_12)
    expect(page.locator(".live-note")).to_be_visible()
    seen = []

    def wait(at):  # before each write: what the fan sees, a poll or two later
        with db_unlocked():
            page.wait_for_timeout(400)
        rows = page.locator("#stage-table tbody tr").count()
        if not seen or rows != seen[-1]:
            seen.append(rows)

    with db_lock():  # the replay writes from this thread
        replay_play(replay, speed=1e9, wait=wait)
    expect(page.locator(".stage-winner")).to_contain_text("Stage winner", timeout=5_000)
    expect(page.locator("#table-poll")).to_have_count(0)
    expect(page.locator("#stage-table tbody tr").first).to_contain_text("IZAGIRRE")
    assert len(seen) >= 3, seen  # the table grew in steps, not at once
    assert page.console_errors == []


def _tab_hidden(page, hidden: bool) -> None:
    """The tab goes to the background (or comes back), as the browser says it."""
    page.evaluate(
        """hidden => {
            const property = {value: hidden, configurable: true};
            Object.defineProperty(document, "hidden", property);
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_polling_pauses_while_the_tab_is_hidden(page, tour_live, settings):
    settings.TOURSITE_LIVE_POLL_SECONDS = 1
    replay_prepare(stage=_stage_12())
    polls = []
    page.on(
        "request",
        lambda r: polls.append(r.url) if r.headers.get("hx-request") else None,
    )
    page.goto(tour_live.url + STAGE_12 + "live/")
    page.wait_for_timeout(2_500)
    assert polls, "a live page polls"
    _tab_hidden(page, True)
    polls.clear()
    page.wait_for_timeout(3_000)
    assert polls == []
    _tab_hidden(page, False)
    page.wait_for_timeout(300)  # at once, not at the next tick
    assert polls
