"""Languages in a real browser: the switcher keeps the fan on the same stage and
table (also after a table switched in place), the choice is remembered for a
first visit to "/", which otherwise follows the browser's languages; the stage
page in French and Italian on a 360 px phone (test-artifacts/lang-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, browser_page, screenshot

STAGE_12 = "/races/tour-de-france/2023/stage-12/"


def switch_to(page, code: str) -> None:
    page.locator(f'.language-switch button[value="{code}"]').click()


def test_switching_language_keeps_the_stage_and_the_table(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    # A table switched in place (htmx): the address moved since the page loaded.
    page.locator(".tabs").get_by_role("tab", name="Points", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(STAGE_12 + "points/") + "$"))
    switch_to(page, "fr")
    expect(page).to_have_url(re.compile(re.escape("/fr" + STAGE_12 + "points/") + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    current = page.locator('.tabs a[aria-current="page"]')
    expect(current).to_have_text("Points")
    expect(page.locator("#points-table tbody tr").first).to_contain_text(
        "PHILIPSEN Jasper"
    )
    expect(page.locator("#points-table caption")).to_contain_text(
        "Classement par points après l'étape 12"
    )
    # Tabs keep working in French, and the switcher follows the new address.
    page.locator(".tabs").get_by_role("tab", name="Général", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape("/fr" + STAGE_12 + "gc/") + "$"))
    switch_to(page, "it")
    expect(page).to_have_url(re.compile(re.escape("/it" + STAGE_12 + "gc/") + "$"))
    expect(page.locator('.tabs a[aria-current="page"]')).to_have_text("Generale")
    expect(
        page.locator(".language-switch button[aria-current=true]")
    ).to_have_attribute("value", "it")
    # Back and forward: each address keeps its language.
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape("/fr" + STAGE_12 + "gc/") + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.console_errors == []


def test_a_first_visit_to_the_home_page_follows_the_browser(browser, tour_live):
    context = browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        page.goto(tour_live.url + "/")
        expect(page).to_have_url(tour_live.url + "/es/")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        # A deep link never moves.
        page.goto(tour_live.url + STAGE_12)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        # Home from a page of the site: the visitor chose English there.
        page.locator("a.brand").click()
        page.wait_for_load_state("load")
        expect(page).to_have_url(tour_live.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


def test_the_choice_is_remembered_over_the_browsers_language(browser, tour_live):
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(tour_live.url + "/about/")
        switch_to(page, "it")
        expect(page).to_have_url(tour_live.url + "/it/about/")
        # A later first visit (typed address, no referrer) goes to Italian.
        other = context.new_page()
        other.goto(tour_live.url + "/")
        expect(other).to_have_url(tour_live.url + "/it/")
        switch_to(other, "en")
        expect(other).to_have_url(tour_live.url + "/")
        third = context.new_page()
        third.goto(tour_live.url + "/", wait_until="load")
        expect(third).to_have_url(tour_live.url + "/")
        expect(third.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("fr", ("Classement général", "Maillot jaune")),
        ("it", ("Classifica generale", "Maglia gialla")),
    ],
)
def test_the_stage_page_on_a_phone_in_french_and_italian(
    browser, tour_live, code, words
):
    with browser_page(browser, PHONE) as page:
        page.goto(f"{tour_live.url}/{code}{STAGE_12}gc/")
        body = page.locator("body")
        for word in words:
            expect(body).to_contain_text(word)
        # Rank, name and time in view at 360 px, without sideways scrolling.
        first = page.locator("#gc-table tbody tr").first
        expect(first).to_contain_text("VINGEGAARD")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        switcher = page.locator(".language-switch").bounding_box()
        assert switcher["x"] + switcher["width"] <= PHONE["width"]
        screenshot(page, f"lang-{code}-stage-12-phone")
        assert page.console_errors == []
