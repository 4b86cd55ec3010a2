"""Home, edition, rider, team, team list and start list on a 360 px phone, and in
dark mode: the tables' first rows in view without sideways scrolling, tap targets
of at least 24 x 24 px, the GC-gaps chart readable, colours following the system.

Screenshots (test-artifacts/phone-*.png, wide-*.png, dark-*.png) are for people
to look at; the assertions are what a fan would notice."""

import pytest

from stages.models import RaceReport
from tests.browser.conftest import PHONE, WIDE, screenshot

PAGES = {
    "home": "/",
    "edition": "/races/tour-de-france/2023/",
    "rider": "/riders/jonas-vingegaard/",
    "team": "/races/tour-de-france/2023/teams/cof/",
    "teams": "/races/tour-de-france/2023/teams/",
    "start-list": "/races/tour-de-france/2023/riders/",
}

# Every visible cell of each table's first rows: its box, and the table box's
# sideways overflow. Tables inside a closed <details> (the chart's data table)
# are not shown, so not measured.
FIRST_ROWS = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.getClientRects().length && !t.closest('details:not([open])'))
  .map(t => {
    const box = t.closest('.table-scroll') || t.parentElement;
    const rows = [...t.tBodies].flatMap(b => [...b.rows]).slice(0, 3);
    const cells = rows.flatMap(r => [...r.cells])
      .filter(c => c.getClientRects().length)
      .map(c => { const r = c.getBoundingClientRect();
        return {text: c.textContent.trim().slice(0, 30),
                left: r.left, right: r.right}; });
    const title = t.caption ? t.caption.textContent : t.className;
    return {caption: title.trim().slice(0, 40),
            overflow: box.scrollWidth - box.clientWidth, cells};
  })"""

# Links and buttons in tables and lists (not the running text of a report).
TAP_TARGETS = """() => [...document.querySelectorAll(
    'main :is(table, ul, ol, dl) :is(a, button)')]
  .filter(e => e.getClientRects().length && !e.closest('.prose, details:not([open])'))
  .map(e => { const r = e.getBoundingClientRect();
    return {text: e.textContent.trim().slice(0, 30),
            width: r.width, height: r.height}; })"""


def test_tables_fit_a_phone_with_rank_name_and_time_in_view(phone, tour_live):
    for name, path in PAGES.items():
        phone.goto(f"{tour_live.url}{path}")
        width = phone.evaluate("() => document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page scrolls sideways ({width})"
        tables = phone.evaluate(FIRST_ROWS)
        assert tables, f"{name}: no table"
        for table in tables:
            where = f"{name}, {table['caption']!r}"
            assert table["overflow"] <= 1, f"{where}: scrolls sideways"
            assert len(table["cells"]) >= 2, f"{where}: no rows"
            for cell in table["cells"]:
                inside = cell["left"] >= 0 and cell["right"] <= PHONE["width"]
                assert inside, f"{where}: {cell['text']!r} is off-screen"
        screenshot(phone, f"phone-{name}")


def test_tap_targets_are_at_least_24_px(phone, tour_live):
    for name, path in PAGES.items():
        phone.goto(f"{tour_live.url}{path}")
        targets = phone.evaluate(TAP_TARGETS)
        assert targets, f"{name}: no links in tables or lists"
        small = [
            t for t in targets if t["width"] < 23.5 or t["height"] < 23.5
        ]  # sub-pixel rounding
        assert not small, f"{name}: tap targets under 24 x 24 px: {small[:5]}"


def test_the_gap_chart_is_readable_on_a_phone(phone, tour_live):
    phone.goto(f"{tour_live.url}/races/tour-de-france/2023/")
    chart = phone.locator(".chart")
    wide = chart.locator(".chart__svg--wide")
    narrow = chart.locator(".chart__svg--narrow")
    assert not wide.is_visible()
    assert narrow.is_visible()
    box = narrow.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    # Its axis labels are at least 11 px on screen, and a legend names the lines.
    smallest = narrow.evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('text')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11
    legend = chart.locator(".chart-legend li")
    assert legend.count() == 10
    assert legend.first.is_visible()
    assert "VINGEGAARD" in legend.first.inner_text()
    # The data table is still there.
    chart.get_by_text("The same gaps as a table").click()
    assert chart.locator("table").is_visible()


def test_wide_screens_keep_the_labelled_chart(page, tour_live):
    for name, path in PAGES.items():
        page.goto(f"{tour_live.url}{path}")
        if name == "edition":
            assert page.locator(".chart__svg--wide").is_visible()
            assert not page.locator(".chart__svg--narrow").is_visible()
            assert not page.locator(".chart-legend").is_visible()
            labels = page.locator(".chart__svg--wide .chart__label")
            assert labels.count() == 10
        screenshot(page, f"wide-{name}")
    assert page.console_errors == []


def colour_of(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        f"e => getComputedStyle(e).{prop}", None
    )


@pytest.mark.parametrize("viewport", [PHONE, WIDE])
def test_dark_mode_follows_the_system(browser, tour_live, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{tour_live.url}/races/tour-de-france/2023/")
    light_bg = colour_of(page, "body", "backgroundColor")
    light_line = colour_of(page, ".chart__series--1 polyline", "stroke")
    page.emulate_media(color_scheme="dark")
    dark_bg = colour_of(page, "body", "backgroundColor")
    assert dark_bg != light_bg
    assert dark_bg == "rgb(13, 17, 23)"  # --canvas, dark
    # The chart's lines follow the theme (CSS classes, no fixed colours).
    assert colour_of(page, ".chart__series--1 polyline", "stroke") != light_line
    # Jerseys keep their own colours; their edge turns light to stay visible.
    edge = colour_of(page, ".leader-cards .jersey > path", "stroke")
    assert edge == "rgb(195, 202, 211)"
    # The focus ring shows on a link reached by keyboard.
    page.locator(".results--stages a").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert focused[0] == "solid"
    assert focused[1] == "3px"
    assert focused[2] == "rgb(122, 183, 255)"  # --focus, dark
    size = "phone" if viewport == PHONE else "wide"
    screenshot(page, f"dark-{size}-edition")
    page.goto(f"{tour_live.url}/")
    screenshot(page, f"dark-{size}-home")
    context.close()


def test_report_subheading_is_smaller_than_its_headline(page, tour_live):
    RaceReport.objects.filter(stage__number=12).update(
        body="Izagirre attacked.\n\n## The climb\n\nSteep, and he went alone."
    )
    page.goto(f"{tour_live.url}/races/tour-de-france/2023/stage-12/")
    report = page.locator("article.report").first
    headline = report.locator("h2").first
    sub = report.get_by_role("heading", name="The climb")
    assert sub.evaluate("e => e.tagName") == "H3"
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert sub.evaluate(size) <= 0.85 * headline.evaluate(size)
