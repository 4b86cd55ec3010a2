"""The stage pages in a real browser: tabs, history, filters, live updates.

The live test shortens the poll interval with the TOURSITE_LIVE_POLL_SECONDS
setting (5 s on the site).
"""

import re

import pytest
from playwright.sync_api import expect

from editions.models import Edition
from stages.models import Stage, StageResult
from stages.services import recompute
from tests.browser.conftest import db_lock, screenshot

STAGE_12 = "/races/tour-de-france/2023/stage-12/"


def first_row(page, table: str):
    return page.locator(f"#{table}-table tbody tr").first


def mark_document(page) -> None:
    """Tag the document so a full reload (which would drop the tag) shows."""
    page.evaluate("() => { window.notReloaded = true; }")


def not_reloaded(page) -> bool:
    return page.evaluate("() => window.notReloaded === true")


def test_tabs_swap_the_table_and_push_the_url(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    expect(first_row(page, "stage")).to_contain_text("IZAGIRRE Ion")
    mark_document(page)
    for label, table in [
        ("General", "gc"),
        ("Points", "points"),
        ("Mountains", "mountains"),
        ("Youth", "youth"),
        ("Teams", "teams"),
        ("Stage", "stage"),
    ]:
        page.locator(".tabs").get_by_role("tab", name=label, exact=True).click()
        expect(page.locator(f"#{table}-table")).to_be_visible()
        suffix = "" if table == "stage" else f"{table}/"
        expect(page).to_have_url(re.compile(re.escape(STAGE_12 + suffix) + "$"))
        current = page.locator('.tabs a[aria-current="page"]')
        expect(current).to_have_text(label)
    assert not_reloaded(page)
    page.locator(".tabs").get_by_role("tab", name="General", exact=True).click()
    expect(first_row(page, "gc")).to_contain_text("VINGEGAARD Jonas")
    expect(page.locator("#gc-table tbody tr").nth(1)).to_contain_text("+0:17")
    # The pager follows the tab (refreshed out of band).
    expect(page.locator("#stage-pager a[rel=next]")).to_have_attribute(
        "href", re.compile(r"stage-13/gc/$")
    )
    assert page.console_errors == []


def test_back_restores_the_previous_table(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    page.locator(".tabs").get_by_role("tab", name="Points", exact=True).click()
    expect(page.locator("#points-table")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/stage-12/gc/$"))
    expect(page.locator("#gc-table")).to_be_visible()
    expect(first_row(page, "gc")).to_contain_text("VINGEGAARD")
    page.go_forward()
    expect(page.locator("#points-table")).to_be_visible()
    page.reload()
    expect(page.locator("#points-table")).to_be_visible()
    assert page.console_errors == []


def test_team_filter_narrows_the_rows(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    expect(page.locator("#gc-table tbody tr")).to_have_count(20)
    mark_document(page)
    page.get_by_label("Team", exact=True).select_option("TJV")
    expect(page.locator("#gc-table tbody tr")).to_have_count(8)
    expect(page).to_have_url(re.compile(r"/stage-12/gc/\?team=TJV$"))
    # The filter stays when switching tabs.
    page.locator(".tabs").get_by_role("tab", name="Stage", exact=True).click()
    expect(page).to_have_url(re.compile(r"/stage-12/\?team=TJV$"))
    expect(page.locator("#stage-table tbody tr")).to_have_count(8)
    assert not_reloaded(page)
    assert page.console_errors == []


def test_name_filter_as_you_type(page, tour_live):
    page.goto(tour_live.url + STAGE_12 + "gc/")
    page.get_by_label("Rider or team name").press_sequentially("pogac")
    expect(page.locator("#gc-table tbody tr")).to_have_count(1)
    expect(first_row(page, "gc")).to_contain_text("POGAČAR Tadej")
    expect(page.get_by_label("Rider or team name")).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?q=pogac$"))
    assert page.console_errors == []


def test_filters_work_without_javascript(browser, tour_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(tour_live.url + STAGE_12 + "gc/")
    page.get_by_label("Team", exact=True).select_option("UAD")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/stage-12/gc/\?team=UAD&q=$"))
    expect(page.locator("#gc-table tbody tr")).to_have_count(8)
    page.locator(".tabs").get_by_role("tab", name="Youth", exact=True).click()
    expect(page).to_have_url(re.compile(r"/stage-12/youth/\?team=UAD#tables-heading$"))
    context.close()


def test_live_stage_picks_up_a_saved_result(page, tour_live, settings):
    settings.TOURSITE_LIVE_POLL_SECONDS = 1
    edition = Edition.objects.get(race__slug="tour-de-france", year=2023)
    Stage.objects.filter(edition=edition, number=12).update(status="live")
    page.goto(tour_live.url + STAGE_12 + "gc/")
    expect(page.locator(".live-note")).to_be_visible()
    expect(first_row(page, "gc")).to_contain_text("VINGEGAARD")
    # The commissaires give Vingegaard a minute's penalty: Pogačar leads.
    with db_lock():  # the page polls meanwhile
        StageResult.objects.filter(
            stage__edition=edition, stage__number=12, entry__bib=1
        ).update(penalty=60)
        recompute.recompute_standings(edition, from_stage=12)
    expect(first_row(page, "gc")).to_contain_text("POGAČAR", timeout=10_000)
    # The stage ends: the next poll renders the table without the poller.
    with db_lock():
        Stage.objects.filter(edition=edition, number=12).update(status="finished")
    expect(page.locator("#table-poll")).to_have_count(0, timeout=10_000)
    assert page.console_errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(page, tour_live, width):
    """Pictures of the race pages to look at (test-artifacts/, not committed)."""
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in [
        ("home", "/"),
        ("edition", "/races/tour-de-france/2023/"),
        ("stage", STAGE_12),
        ("stage-gc", STAGE_12 + "gc/"),
    ]:
        page.goto(tour_live.url + path)
        screenshot(page, f"{name}-{width}")
        # Never sideways scrolling: wide tables scroll inside their box.
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], (name, widths)
    assert page.console_errors == []
