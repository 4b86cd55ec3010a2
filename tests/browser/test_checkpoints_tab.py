"""The "Climbs & sprints" tab in a real browser: on a 360 px phone each
checkpoint's place, rider and points are in view without scrolling sideways;
with a keyboard the tab opens from the Stage tab (HTMX, history) and the
address works without JavaScript."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_stage_phone import no_sideways_scroll, outside

STAGE_17 = "/races/tour-de-france/2023/stage-17/"


def test_place_name_and_points_fit_a_phone(phone, tour_live):
    phone.goto(tour_live.url + STAGE_17 + "checkpoints/")
    expect(phone.locator("#checkpoints-table")).to_be_visible()
    loze = phone.locator(".checkpoint-result", has_text="Col de la Loze").first
    expect(loze.locator("h3")).to_contain_text("HC")
    expect(loze.locator("h3")).to_contain_text("×2")
    first = loze.locator("tbody tr").first
    expect(first.locator(".col-rank")).to_have_text("1")
    expect(first.locator(".rider-name")).to_contain_text("GALL")
    expect(first.locator(".col-points")).to_have_text("40")
    rows = "#checkpoints-table tbody tr"
    for selector in (
        f"{rows} > .col-rank",
        f"{rows} .rider-name",
        f"{rows} > .col-points",
        ".checkpoint-result__heading",
    ):
        assert phone.locator(selector).first.is_visible(), selector
        assert outside(phone, selector) == [], selector
    # The team and bib fold under the name; their columns hide.
    expect(first.locator(".row-meta")).to_be_visible()
    expect(first.locator(".col-team")).to_be_hidden()
    # Seven tabs still fit the phone's width (they wrap), each tappable.
    assert outside(phone, '[role="tab"]') == []
    tabs = phone.get_by_role("tab")
    expect(tabs).to_have_count(7)
    for i in range(7):
        box = tabs.nth(i).bounding_box()
        assert box["width"] >= 24
        assert box["height"] >= 24
    no_sideways_scroll(phone)
    screenshot(phone, "checkpoints-360")
    loze.screenshot(path=str(ARTIFACTS / "checkpoints-360-loze.png"))
    assert phone.console_errors == []


def test_the_tab_opens_with_the_keyboard(page, tour_live):
    page.goto(tour_live.url + STAGE_17)
    stage_tab = page.locator("#tab-stage")
    stage_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#checkpoints-table")).to_be_visible()
    chosen = page.locator('[role="tab"][aria-selected="true"]')
    expect(chosen).to_have_text("Climbs & sprints")
    expect(chosen).to_be_focused()
    expect(page).to_have_url(re.compile(r"/stage-17/checkpoints/$"))
    expect(page.locator(".checkpoint-result").first).to_contain_text("Col des Saisies")
    # The name filter narrows the checkpoints to those he scored at.
    page.locator("#table-q").fill("gall")
    expect(page.locator(".checkpoint-result", has_text="Beaufort")).to_have_count(0)
    expect(
        page.locator(".checkpoint-result", has_text="Col de la Loze").first
    ).to_be_visible()
    page.go_back()
    expect(page.locator("#stage-table")).to_be_visible()
    assert page.console_errors == []


def test_the_tab_works_without_javascript(browser, tour_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(tour_live.url + STAGE_17)
    page.locator("#tab-checkpoints").click()
    expect(page).to_have_url(re.compile(r"/stage-17/checkpoints/#tables-heading$"))
    expect(page.locator("#checkpoints-table")).to_contain_text("Col de la Loze")
    context.close()
