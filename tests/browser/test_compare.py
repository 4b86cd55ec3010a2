"""Head-to-head in a real browser: from a rider page's form to the comparison, on a
phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

COMPARE = "/races/tour-de-france/2023/compare/"
QUARTET = "riders=jonas-vingegaard,wout-van-aert,tadej-pogacar,mark-cavendish"


def in_view(cells, width: int = 360) -> None:
    """Each cell is inside the page's width (not cut at its right edge)."""
    for cell in cells.all():
        box = cell.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width, cell.inner_text()


def test_rider_page_form_leads_to_the_comparison_on_a_phone(browser, tour_live):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{tour_live.url}/riders/jonas-vingegaard/")
    page.get_by_role("button", name="Compare with other riders of the Tour").click()
    expect(page.get_by_role("alert")).to_contain_text("one more rider")
    page.get_by_label("Rider 2").select_option("tadej-pogacar")
    page.get_by_role("button", name="Compare", exact=True).click()
    # The form's repeated parameters end at the canonical comma form.
    expect(page).to_have_url(
        f"{tour_live.url}{COMPARE}?riders=jonas-vingegaard,tadej-pogacar"
    )
    chart = page.locator("figure.chart-h2h svg")
    expect(chart).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    box = chart.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    # Who finished ahead: both riders' names, short on a phone, in view.
    duels = page.locator("table.h2h-duels")
    in_view(duels.locator("tbody th, tbody td"))
    expect(duels.locator("tbody tr").first).to_contain_text("VIN")
    screenshot(page, "compare-360")
    assert errors == []
    context.close()


def test_four_riders_tables_fit_a_phone(browser, tour_live):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{tour_live.url}{COMPARE}?{QUARTET}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    region = page.locator(".h2h-scroll[aria-labelledby=h2h-stages-caption]")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_be_visible()
    # Stage number and all four riders' values are in view at once.
    row = region.locator("tbody tr").nth(7)  # stage 8: Cavendish abandons
    in_view(row.locator("th, td"))
    expect(row.locator("td").nth(3)).to_have_text("DNF")
    # Who finished ahead: six pairs, every name and count in view.
    duels = page.locator("table.h2h-duels")
    expect(duels.locator("tbody tr")).to_have_count(6)
    duels.scroll_into_view_if_needed()
    in_view(duels.locator("tbody th, tbody td"))
    expect(duels.get_by_text("CAV", exact=True)).to_have_count(3)
    screenshot(page, "compare-four-360")
    context.close()


def test_comparison_on_a_desktop(page, tour_live):
    page.goto(f"{tour_live.url}{COMPARE}?{QUARTET}")
    expect(page.locator("figure.chart-h2h polyline")).to_have_count(4)
    expect(page.get_by_role("region", name="GC after each stage rank")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    screenshot(page, "compare-1280")
    assert page.console_errors == []
