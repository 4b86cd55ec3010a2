"""The stage page on a 360 px phone: on every table the rank, the whole rider or
team name with its jerseys and the time or gap are in view without scrolling
sideways; the key facts come before the report; the GC's compare ticks fit."""

import re

import pytest
from playwright.sync_api import expect

from racing import registry
from stages.models import Stage
from stages.services.replay import replay_prepare
from tests.browser.conftest import PHONE, screenshot

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
TABS = ["stage", "gc", "points", "mountains", "youth", "teams"]
FIRST_ROWS = 5


def outside(page, selector: str) -> list[str]:
    """What of ``selector`` does not fit the viewport's width (text of each)."""
    return page.evaluate(
        """(selector) => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length)
            .filter((el) => {
              const box = el.getBoundingClientRect();
              return box.left < 0 || box.right > width + 0.5;
            })
            .map((el) => el.textContent.trim().slice(0, 40));
        }""",
        selector,
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]


def assert_rows_fit(page, table_id: str, value_cell: str, jerseys: bool = True) -> None:
    rows = f"#{table_id} tbody tr:nth-child(-n+{FIRST_ROWS})"
    cells = [
        f"{rows} > .col-rank",
        f"{rows} > .col-name",
        f"{rows} .rider-name, {rows} .team-name",
        f"{rows} > {value_cell}",
    ]
    if jerseys:
        cells.append(f"#{table_id} tbody .jersey")
    for selector in cells:
        assert page.locator(selector).first.is_visible(), selector
        assert outside(page, selector) == [], (table_id, selector)
    names = page.locator(f"{rows} .rider-name, {rows} .team-name")
    for i in range(names.count()):
        # The whole name shows: nothing cut off with an ellipsis.
        assert names.nth(i).evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    no_sideways_scroll(page)


@pytest.mark.parametrize("table", TABS)
def test_every_table_fits_a_phone(phone, tour_live, table):
    suffix = "" if table == "stage" else f"{table}/"
    phone.goto(tour_live.url + STAGE_12 + suffix)
    expect(phone.locator(f"#{table}-table")).to_be_visible()
    value = ".col-points" if table in ("points", "mountains") else ".col-gap"
    if table in ("gc", "youth", "teams"):
        # The leader's time sits in the gap column on a phone.
        leader_gap = phone.locator(f"#{table}-table tbody tr").first.locator(".col-gap")
        expect(leader_gap).to_have_text(re.compile(r"\d+:\d\d:\d\d"))
    assert_rows_fit(phone, f"{table}-table", value, jerseys=table != "teams")
    # Folded under the name: team code and bib.
    if table != "teams":
        meta = phone.locator(f"#{table}-table tbody tr").first.locator(".row-meta")
        expect(meta).to_be_visible()
        expect(meta).to_contain_text("#")
        expect(phone.locator(f"#{table}-table thead .col-bib")).to_be_hidden()
    screenshot(phone, f"stage-phone-{table}-360")
    assert phone.console_errors == []


def test_tabs_are_usable_on_a_phone(phone, tour_live):
    phone.goto(tour_live.url + STAGE_12)
    tabs = phone.get_by_role("tab")
    expect(tabs).to_have_count(len(registry.TABLES))
    assert outside(phone, '[role="tab"]') == []
    for i in range(len(registry.TABLES)):
        box = tabs.nth(i).bounding_box()
        assert box["width"] >= 24
        assert box["height"] >= 24
    phone.locator("#tab-gc").click()
    expect(phone.locator("#gc-table")).to_be_visible()
    no_sideways_scroll(phone)


def test_compare_ticks_fit_in_the_rank_cell(phone, tour_live):
    phone.goto(tour_live.url + STAGE_12 + "gc/")
    ticks = phone.locator('#compare-form input[name="riders"]')
    expect(ticks).to_have_count(20)
    assert outside(phone, "#gc-table tbody tr:nth-child(-n+5) .compare-pick") == []
    box = phone.locator(".compare-pick").first.bounding_box()
    assert box["width"] >= 24
    assert box["height"] >= 24
    ticks.nth(0).check()
    ticks.nth(1).check()
    phone.get_by_role("button", name="Compare selected (2–4)").click()
    expect(phone).to_have_url(
        re.compile(r"/compare/\?riders=jonas-vingegaard(,|%2C|&riders=)tadej-pogacar$")
    )


def test_key_facts_come_before_the_report(phone, tour_live):
    phone.goto(tour_live.url + STAGE_12)
    facts = phone.locator(".key-facts")
    expect(facts).to_be_visible()
    report = phone.locator("article.report").first
    assert facts.bounding_box()["y"] < report.bounding_box()["y"]
    expect(facts.locator(".fact").nth(0)).to_contain_text("IZAGIRRE")
    expect(facts.locator(".fact").nth(1)).to_contain_text("VINGEGAARD")
    assert outside(phone, ".key-facts li") == []
    no_sideways_scroll(phone)
    screenshot(phone, "stage-phone-page-360")


def test_the_virtual_gc_fits_a_phone(phone, tour_live):
    replay_prepare(
        stage=Stage.objects.select_related("edition__race").get(
            edition__race__slug="tour-de-france", edition__year=2023, number=12
        )
    )
    phone.goto(tour_live.url + STAGE_12 + "live/")
    expect(phone.locator("#virtual-table")).to_be_visible()
    rows = f"#virtual-table tbody tr:nth-child(-n+{FIRST_ROWS})"
    for selector in (
        f"{rows} > .col-rank",
        f"{rows} > .col-name",
        f"{rows} .rider-name",
        f"{rows} > .gap",
        "#virtual-table tbody .jersey",
    ):
        assert phone.locator(selector).first.is_visible(), selector
        assert outside(phone, selector) == [], selector
    no_sideways_scroll(phone)
    screenshot(phone, "stage-phone-live-360")


def test_wide_screen_puts_the_facts_beside_the_report(page, tour_live):
    page.goto(tour_live.url + STAGE_12)
    facts = page.locator(".key-facts").bounding_box()
    report = page.locator("article.report").first.bounding_box()
    assert facts["x"] + facts["width"] <= report["x"]
    assert abs(facts["y"] - report["y"]) < 5
    screenshot(page, "stage-page-1280")
    page.goto(tour_live.url + STAGE_12 + "gc/")
    screenshot(page, "stage-gc-1280")
