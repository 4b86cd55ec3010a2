"""Rider, team, start-list, search, about and 404 pages in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

PAGES = {
    "rider": "/riders/jonas-vingegaard/",
    "team": "/races/tour-de-france/2023/teams/cof/",
    "start-list": "/races/tour-de-france/2023/riders/",
    "teams": "/races/tour-de-france/2023/teams/",
    "search": "/search/?q=izagirre",
    "about": "/about/",
    "404": "/riders/nobody-of-that-name/",
}


def test_search_as_you_type_shows_riders_and_replaces_the_url(page, tour_live):
    page.goto(f"{tour_live.url}/search/")
    entries = page.evaluate("() => history.length")
    box = page.get_by_label("Rider, team, town or race")
    box.press_sequentially("vinge", delay=40)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="VINGEGAARD Jonas")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=vinge$"))
    # Still the same page: htmx swapped only the results.
    expect(page.locator("h1")).to_have_text("Search")
    box.fill("cofidis")
    tour_team = results.get_by_role("link", name="Cofidis Tour de France 2023")
    expect(tour_team).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=cofidis$"))
    # Typing replaces the history entry (tests/browser/test_search.py: Back).
    assert page.evaluate("() => history.length") == entries
    box.fill("vinge")
    expect(page).to_have_url(re.compile(r"/search/\?q=vinge$"))
    results.get_by_role("link", name="VINGEGAARD Jonas").click()
    expect(page.locator("h1")).to_contain_text("VINGEGAARD")
    assert page.console_errors == []


def test_search_form_works_without_javascript(browser, tour_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{tour_live.url}/search/")
    page.get_by_label("Rider, team, town or race").fill("pogacar")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=pogacar$"))
    expect(page.get_by_role("link", name="POGAČAR Tadej")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_fit_the_screen_without_console_errors(page, tour_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in PAGES.items():
        seen = len(page.console_errors)
        page.goto(f"{tour_live.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        screenshot(page, f"people-{name}-{width}")
        errors = page.console_errors[seen:]
        if name == "404":  # the browser reports the page's own 404 status
            errors = [e for e in errors if "status of 404" not in e]
        assert errors == [], f"console errors on the {name} page"


def test_rider_chart_and_skip_link(page, tour_live):
    page.goto(f"{tour_live.url}/riders/ion-izagirre/")
    chart = page.get_by_role("img", name=re.compile("general classification rank"))
    expect(chart).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    assert page.console_errors == []
