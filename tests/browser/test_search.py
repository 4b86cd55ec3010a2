"""The header search box in a real browser: from a stage page to the results, on a
wide screen and on a 360 px phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

STAGE_12 = "/races/tour-de-france/2023/stage-12/"


def header_search(page):
    return page.get_by_role("search", name="Site")


def test_header_box_on_the_stage_page_finds_courchevel(page, tour_live):
    page.goto(f"{tour_live.url}{STAGE_12}")
    box = header_search(page).get_by_label("Search riders, teams, towns and races")
    box.press_sequentially("courchevel", delay=20)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=courchevel$"))
    results = page.locator("#search-results")
    name = re.compile("Tour de France 2023, stage 17")
    stage = results.get_by_role("link", name=name)
    expect(stage).to_be_visible()
    expect(stage).to_contain_text("Saint-Gervais Mont-Blanc → Courchevel")
    expect(results.get_by_role("heading", name="Stages (1)")).to_be_visible()
    screenshot(page, "search-courchevel-1280")
    stage.click()
    expect(page).to_have_url(re.compile(r"/races/tour-de-france/2023/stage-17/$"))
    assert page.console_errors == []


@pytest.mark.parametrize("javascript", [True, False])
def test_header_box_fits_and_works_on_a_phone(browser, tour_live, javascript):
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{tour_live.url}{STAGE_12}")
    form = header_search(page)
    box = form.get_by_role("searchbox")
    button = form.get_by_role("button", name="Search")
    for control in (box, button):
        expect(control).to_be_in_viewport()
        size = control.bounding_box()
        assert size["width"] >= 24
        assert size["height"] >= 24
        assert size["x"] + size["width"] <= 360
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"
    if javascript:
        screenshot(page, "search-header-360")
    box.fill("Puy de Dome")
    button.click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Puy\+de\+Dome$"))
    expect(
        page.get_by_role("link", name=re.compile("Tour de France 2023, stage 9"))
    ).to_be_visible()
    if javascript:
        screenshot(page, "search-results-360")
    context.close()
