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
    # One stage finishes in Courchevel in the Tour 2023 (the live server's
    # database may also hold the other editions, whose Tour 2025 goes there too).
    stages = results.get_by_role("heading", name=re.compile(r"^Stages \((1|2)\)$"))
    expect(stages).to_be_visible()
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


def test_typing_with_pauses_keeps_one_history_entry_and_back_restores_it(
    page, tour_live
):
    """Each pause fetches results and puts the query in the address, but in the
    same history entry: Back leaves the search, and coming back shows the box
    and the results of the same query."""
    page.goto(f"{tour_live.url}{STAGE_12}")
    page.goto(f"{tour_live.url}/search/")
    entries = page.evaluate("() => history.length")
    box = page.get_by_label("Rider, team, town or race")
    for letter in "vinge":
        box.press_sequentially(letter)
        page.wait_for_timeout(450)  # past the 300 ms pause: one request each
    expect(page).to_have_url(re.compile(r"/search/\?q=vinge$"))
    results = page.locator("#search-results")
    rider = results.get_by_role("link", name=re.compile("vingegaard", re.I))
    expect(rider).to_be_visible()
    status = page.locator("#search-status[role=status]")
    expect(status).to_contain_text("for “vinge”")
    assert "aria-live" not in (results.get_attribute("aria-live") or "")
    assert page.evaluate("() => history.length") == entries
    box.press("Enter")  # the same query: no second entry
    expect(page).to_have_url(re.compile(r"/search/\?q=vinge$"))
    assert page.evaluate("() => history.length") == entries

    rider.click()
    expect(page).to_have_url(re.compile(r"/riders/jonas-vingegaard/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=vinge$"))
    expect(box).to_have_value("vinge")
    expect(rider).to_be_visible()
    expect(status).to_contain_text("for “vinge”")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/stage-12/$"))
    assert page.console_errors == []


def test_a_restored_snapshot_refills_the_box_from_the_address(page, tour_live):
    """htmx's own history restore (a snapshot of the page) shows the results of
    the address: the box says the same (search.js), not what it was rendered
    with."""
    page.goto(f"{tour_live.url}/search/?q=kuss")
    box = page.get_by_label("Rider, team, town or race")
    box.fill("pogacar")
    expect(page).to_have_url(re.compile(r"/search/\?q=pogacar$"))
    expect(page.locator("#search-results")).to_contain_text("POGAČAR")
    # A snapshot whose box was rendered with "kuss" while its results and
    # address say "pogacar", as htmx keeps it: restored on popstate.
    page.evaluate(
        """() => {
        history.pushState({htmx: true}, "", "/search/?q=other");
        history.back();
    }"""
    )
    expect(page).to_have_url(re.compile(r"/search/\?q=pogacar$"))
    expect(box).to_have_value("pogacar")
    expect(page.locator("#search-results")).to_contain_text("POGAČAR")
    assert page.console_errors == []
