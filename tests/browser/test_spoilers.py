"""Spoiler-free mode in a real browser: the switch, hiding, revealing per stage and
up to a stage, persistence across pages and reloads, htmx swaps, switching off."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

EDITION = "/races/tour-de-france/2023/"
STAGE_12 = EDITION + "stage-12/"


def switch(page):
    return page.locator(".spoiler-switch")


def turn_on(page, url: str) -> None:
    page.goto(url)
    expect(switch(page)).to_have_attribute("aria-pressed", "false")
    switch(page).click()
    expect(switch(page)).to_have_attribute("aria-pressed", "true")


def winner(page):
    return page.locator(".stage-winner")


def reveal(page, name: str) -> None:
    page.locator(".spoiler-placeholder").get_by_role("button", name=name).first.click()


def stage_list_winner(page, number: int):
    rows = page.locator("table.results--stages tbody tr:not(.spoiler-placeholder)")
    return rows.nth(number - 1).locator("td.col-winner:not(.spoiler-placeholder)")


def test_mode_off_shows_everything(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    expect(switch(page)).to_be_visible()
    expect(winner(page)).to_contain_text("IZAGIRRE")
    expect(page.locator(".report").first).to_be_visible()
    expect(page.locator(".spoiler-placeholder")).to_have_count(0)
    expect(page.locator(".spoiler-bar")).to_be_hidden()
    assert page.console_errors == []


def test_switch_on_hides_the_outcome_and_reveal_shows_it(page, tour_live):
    turn_on(page, tour_live.url + STAGE_12)
    expect(page.locator(".spoiler-bar")).to_be_visible()
    main = page.locator("main")
    for outcome in ("Izagirre", "IZAGIRRE", "VINGEGAARD", "goes alone over"):
        assert outcome not in main.inner_text(), outcome
    expect(winner(page)).to_be_hidden()
    expect(page.locator("#table-panel")).to_be_hidden()
    placeholders = page.locator(".spoiler-placeholder")
    expect(placeholders.first).to_contain_text("Results hidden (spoiler-free mode)")
    expect(page.get_by_role("button", name="Reveal stage 12").first).to_be_visible()
    # The route and the tabs stay.
    expect(page.locator("h1")).to_contain_text("Belleville-en-Beaujolais")
    expect(page.get_by_role("tab", name="General")).to_be_visible()

    reveal(page, "Reveal stage 12")
    expect(winner(page)).to_be_visible()
    expect(winner(page)).to_contain_text("IZAGIRRE")
    expect(page.locator(".spoiler-placeholder")).to_have_count(0)
    expect(page.locator("#spoiler-status")).to_have_text("Stage 12 result shown.")

    # Kept across a reload and on another page, where the other stages stay hidden.
    page.reload()
    expect(switch(page)).to_have_attribute("aria-pressed", "true")
    expect(winner(page)).to_be_visible()
    page.goto(tour_live.url + EDITION)
    expect(stage_list_winner(page, 12)).to_contain_text("IZAGIRRE")
    expect(stage_list_winner(page, 11)).to_be_hidden()
    expect(stage_list_winner(page, 13)).to_be_hidden()
    assert "POGAČAR" not in page.locator("main").inner_text()
    assert page.console_errors == []


def test_reveal_up_to_a_stage_shows_that_stage_and_earlier_only(page, tour_live):
    turn_on(page, tour_live.url + EDITION)
    row = page.locator("table.results--stages tbody tr").filter(
        has=page.locator("td.col-rank", has_text="10")
    )
    row.locator(".spoiler-reveal").first.click()  # per stage: stage 10 only
    expect(stage_list_winner(page, 10)).to_be_visible()
    expect(stage_list_winner(page, 9)).to_be_hidden()

    page.goto(tour_live.url + EDITION + "stage-8/")
    page.get_by_role("button", name="Reveal up to stage 8").first.click()
    expect(winner(page)).to_be_visible()
    page.goto(tour_live.url + EDITION)
    for number in (1, 5, 8, 10):
        expect(stage_list_winner(page, number)).to_be_visible()
    for number in (9, 11, 21):
        expect(stage_list_winner(page, number)).to_be_hidden()

    # "Hide everything again" forgets every reveal; the mode stays on.
    page.locator(".spoiler-bar").get_by_role(
        "button", name="Hide everything again"
    ).click()
    expect(stage_list_winner(page, 1)).to_be_hidden()
    expect(switch(page)).to_have_attribute("aria-pressed", "true")
    assert page.console_errors == []


def test_tab_swaps_stay_hidden_and_switching_off_shows_all(page, tour_live):
    turn_on(page, tour_live.url + STAGE_12)
    page.get_by_role("tab", name="General").click()
    expect(page).to_have_url(tour_live.url + STAGE_12 + "gc/")
    expect(page.locator("#gc-table")).to_be_attached()
    expect(page.locator("#gc-table")).to_be_hidden()
    assert "VINGEGAARD" not in page.locator("main").inner_text()
    expect(page.locator("#stage-tables .spoiler-placeholder")).to_have_count(1)

    page.locator(".spoiler-bar").get_by_role("button", name="Turn off").click()
    expect(switch(page)).to_have_attribute("aria-pressed", "false")
    expect(switch(page)).to_be_focused()
    expect(page.locator("#gc-table")).to_be_visible()
    expect(page.locator("#gc-table tbody tr").first).to_contain_text("VINGEGAARD")
    expect(page.locator(".spoiler-placeholder")).to_have_count(0)
    page.reload()
    expect(page.locator("#gc-table")).to_be_visible()
    assert page.console_errors == []


def test_phone_stage_page_with_the_mode_on(browser, tour_live):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    turn_on(page, tour_live.url + STAGE_12)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360
    for button in page.locator(".spoiler-reveal, .spoiler-switch").all():
        box = button.bounding_box()
        assert box["width"] >= 24
        assert box["height"] >= 24
    screenshot(page, "spoiler-free-stage-360")
    context.close()


# A rider's or a team's race so far ---------------------------------------------

# An exit or a win named with its stage (not "Reveal up to stage 21").
HINTS = re.compile(r"\b(stage 2|stage 12|stage 20)\b(?! ?[0-9])", re.I)


def placeholder_texts(page, within: str) -> list[str]:
    boxes = page.locator(f"{within} .spoiler-placeholder")
    return [" ".join(t.split()) for t in boxes.all_inner_texts()]


def test_rider_pages_tell_no_exit_or_win_in_spoiler_free_mode(page, tour_live):
    """Carapaz left on stage 2, Izagirre won stage 12: with the mode on, neither
    page says so, and their placeholders read the same."""
    seen = {}
    turn_on(page, tour_live.url + "/riders/richard-carapaz/")
    for slug in ("richard-carapaz", "ion-izagirre"):
        page.goto(f"{tour_live.url}/riders/{slug}/")
        expect(page.locator("#tour-de-france-2023 .ride-summary")).to_be_hidden()
        text = page.inner_text("main")
        assert not HINTS.search(text), (slug, HINTS.search(text))
        for outcome in ("Left the race", "Stage win", "did not start"):
            assert outcome not in text, (slug, outcome)
        seen[slug] = placeholder_texts(page, "#tour-de-france-2023")
    assert seen["richard-carapaz"] == seen["ion-izagirre"]
    assert seen["ion-izagirre"] == [
        "Results hidden (spoiler-free mode) Reveal stage 21 Reveal up to stage 21",
        "Results hidden (spoiler-free mode) Reveal up to stage 21",
        # His "Climbs and sprints", one block whether he scored or not.
        "Results hidden (spoiler-free mode) Reveal stage 21 Reveal up to stage 21",
    ]
    screenshot(page, "spoiler-free-rider-izagirre")

    # Revealed up to stage 21: his win, his table row by row.
    page.get_by_role("button", name="Reveal up to stage 21").first.click()
    expect(page.locator("#tour-de-france-2023 .ride-win")).to_contain_text("stage 12")
    expect(page.locator("#tour-de-france-2023 .spoiler-placeholder")).to_have_count(0)
    assert page.console_errors == []


def test_rider_who_left_shows_only_his_stages_with_the_mode_off(page, tour_live):
    page.goto(tour_live.url + "/riders/richard-carapaz/")
    rows = page.locator("#tour-de-france-2023 .ride-table tbody tr")
    expect(rows).to_have_count(21)  # in the page, for the mode
    expect(rows.locator("visible=true")).to_have_count(2)  # stages 1 and 2
    expect(page.locator("#tour-de-france-2023 .ride-exit")).to_contain_text("stage 2")


def test_team_page_tells_no_win_or_exit_in_spoiler_free_mode(page, tour_live):
    seen = {}
    turn_on(page, tour_live.url + "/races/tour-de-france/2023/teams/uad/")
    for code in ("uad", "efe"):
        page.goto(f"{tour_live.url}/races/tour-de-france/2023/teams/{code}/")
        text = page.inner_text("main")
        assert not HINTS.search(text), (code, HINTS.search(text))
        for outcome in ("No stage win yet", "DNF", "Finished", "Out on"):
            assert outcome not in text, (code, outcome)
        seen[code] = placeholder_texts(page, "section:has(#wins-title)")
    assert (
        seen["uad"]
        == seen["efe"]
        == ["Results hidden (spoiler-free mode) Reveal stage 21 Reveal up to stage 21"]
    )

    # Who left is not greyed while his status is hidden (Geschke, DNF on 18).
    page.goto(tour_live.url + "/races/tour-de-france/2023/teams/cof/")
    left = page.locator("tr.is-out").first.locator("th")
    still_in = page.locator("tbody tr:not(.is-out) th").first
    colour = "(e) => getComputedStyle(e).color"
    assert left.evaluate(colour) == still_in.evaluate(colour)
    page.locator("section:has(#riders-title)").get_by_role(
        "button", name="Reveal"
    ).first.click()
    expect(page.locator("tr.is-out").first).to_contain_text("stage 18")
    assert left.evaluate(colour) != still_in.evaluate(colour)
    assert page.console_errors == []


def test_start_list_hides_who_left_as_one_block(page, tour_live):
    turn_on(page, tour_live.url + "/races/tour-de-france/2023/riders/")
    text = page.inner_text("main")
    assert "left the race." not in text
    assert "CARAPAZ" in text  # in his team's card
    assert "Results hidden (spoiler-free mode)" in text


def test_phone_team_page_keeps_rank_name_and_gc_in_view(browser, tour_live):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(tour_live.url + "/races/tour-de-france/2023/teams/uad/")
    table = page.locator("table.team-riders")
    box = page.locator("section:has(#riders-title) .table-scroll")
    assert box.evaluate("(e) => e.scrollWidth - e.clientWidth") <= 1
    gc = table.locator("tbody tr").first.locator("td").last
    assert gc.bounding_box()["x"] + gc.bounding_box()["width"] <= 360
    # The status folds under the name.
    expect(table.locator("tbody tr").first.locator("th .fold")).to_be_visible()
    expect(table.locator("thead th", has_text="Status")).to_be_hidden()
    screenshot(page, "phone-team-uad")
    switch(page).click()
    assert box.evaluate("(e) => e.scrollWidth - e.clientWidth") <= 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    for button in page.locator(".spoiler-reveal").all():
        if button.is_visible():
            assert button.bounding_box()["height"] >= 24
    screenshot(page, "spoiler-free-phone-team-uad")
    context.close()


def test_without_storage_there_is_no_switch(browser, tour_live):
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() {"
        " throw new DOMException('blocked', 'SecurityError'); }});"
    )
    page = context.new_page()
    page.goto(tour_live.url + STAGE_12)
    expect(page.locator(".stage-winner")).to_be_visible()
    expect(switch(page)).to_be_hidden()
    context.close()
