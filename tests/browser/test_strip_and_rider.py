"""In Chromium: the stage strip's labels do not overlap on a 360 px phone nor at
1280 px (Tour 2023 stage 17, the Col de la Loze), and the rider page's "Climbs
and sprints" shows where Giulio Ciccone won his mountains points."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, browser_page, screenshot

STAGE_17 = "/races/tour-de-france/2023/stage-17/"
WIDTHS = [360, 1280]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def sized(request, browser):
    with browser_page(browser, {"width": request.param, "height": 900}) as page:
        page.width = request.param
        yield page


def open_page(page, url: str) -> None:
    page.goto(url)


def label_boxes(page) -> list[dict]:
    """The on-screen box of each label (all the text of one stop) and of each
    km tick of the strip shown."""
    return page.evaluate(
        """() => {
          const svg = [...document.querySelectorAll('.strip__svg')]
            .find((el) => el.getClientRects().length);
          const box = (els, name) => {
            const rects = els.map((el) => el.getBoundingClientRect());
            return {
              name,
              left: Math.min(...rects.map((r) => r.left)),
              right: Math.max(...rects.map((r) => r.right)),
              top: Math.min(...rects.map((r) => r.top)),
              bottom: Math.max(...rects.map((r) => r.bottom)),
            };
          };
          const stops = [...svg.querySelectorAll('.strip__stop')].map((g) =>
            box([...g.querySelectorAll('text')], g.querySelector('text').textContent));
          const ticks = [...svg.querySelectorAll('.strip__tick')].map((t) =>
            box([t], 'tick ' + t.textContent));
          return {svg: box([svg], 'svg'), labels: stops.concat(ticks)};
        }"""
    )


def test_strip_labels_do_not_overlap(sized, tour_live):
    page = sized
    open_page(page, tour_live.url + STAGE_17)
    strip = page.locator(".strip")
    expect(strip).to_be_visible()
    shown = page.locator(".strip__svg:visible")
    expect(shown).to_have_count(1)
    variant = "narrow" if page.width < 640 else "wide"
    expect(shown).to_have_class(f"strip__svg strip__svg--{variant}")
    expect(shown).to_have_attribute(
        "aria-label",
        "Stage 17: 165.7 km, 1 sprint, 4 climbs, 1 bonus point. "
        "Who scored at each: the Climbs & sprints table.",
    )
    found = label_boxes(page)
    labels, svg = found["labels"], found["svg"]
    assert [b["name"] for b in labels][:7] == [
        "Start",
        "Col des Saisies",
        "Beaufort",
        "Cormet de Roselend",
        "Côte de Longefoy",
        "Col de la Loze",
        "Finish",
    ]
    for i, a in enumerate(labels):
        assert svg["left"] - 0.5 <= a["left"], a
        assert a["right"] <= min(svg["right"], page.width) + 0.5, a
        for b in labels[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    # Its text alternative: the stage's Climbs & sprints table.
    link = strip.get_by_role("link", name="Climbs & sprints")
    expect(link).to_have_attribute("href", f"{STAGE_17}checkpoints/")
    names = strip.locator("text", has_text="Col de la Loze")
    assert "HC ×2" in shown.text_content()
    assert names.count() == 2  # drawn once in each of the two variants
    assert page.console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    strip.screenshot(path=str(ARTIFACTS / f"strip-stage-17-{page.width}.png"))
    screenshot(page, f"stage-17-with-strip-{page.width}")


def test_rider_page_shows_where_ciccone_scored(sized, tour_live):
    page = sized
    open_page(page, tour_live.url + "/riders/giulio-ciccone/")
    section = page.locator("#scored-tour-de-france-2023")
    expect(section.get_by_role("heading", name="Climbs and sprints")).to_be_visible()
    expect(section.locator(".ride-scored__summary")).to_contain_text(
        "13 climbs won, 1 sprint won; 106 mountains points"
    )
    # First over the Col des Saisies (cat. 1) on stage 17: 10 points.
    saisies = section.locator("tr.win", has_text="Col des Saisies")
    expect(saisies).to_contain_text("won")
    expect(saisies).to_contain_text("10 pts")
    first = section.locator("tbody tr").first
    link = first.get_by_role("link")
    expect(link).to_have_attribute(
        "href", "/races/tour-de-france/2023/stage-2/checkpoints/"
    )
    section.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / f"rider-scored-ciccone-{page.width}.png"))
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= page.width
    box = section.locator("table").bounding_box()
    assert box["x"] + box["width"] <= page.width + 0.5
    assert page.console_errors == []
