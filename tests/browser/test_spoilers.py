"""Spoiler-free mode in a real browser: the switch, hiding, revealing per stage and
up to a stage, persistence across pages and reloads, htmx swaps, switching off."""

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
    for outcome in ("Izagirre", "IZAGIRRE", "VINGEGAARD", "Croix Montmain"):
        assert outcome not in main.inner_text(), outcome
    expect(winner(page)).to_be_hidden()
    expect(page.locator("#table-panel")).to_be_hidden()
    placeholders = page.locator(".spoiler-placeholder")
    expect(placeholders.first).to_contain_text("Stage 12 result hidden")
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
