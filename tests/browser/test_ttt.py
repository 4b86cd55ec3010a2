"""A team time trial's stage page in a real browser (Vuelta a España 2023, stage
1): on a 360 px phone the rank, the team and the team time stay in view without
scrolling sideways."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

STAGE_1 = "/races/vuelta-a-espana/2023/stage-1/"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def vuelta_live(transactional_db, live_server):
    """The 2023 Vuelta in the live server's database (see ``tour_live``)."""
    call_command(
        "import_race",
        str(Path(settings.BASE_DIR) / "races/vuelta-a-espana-2023"),
        verbosity=0,
    )
    return live_server


def test_teams_fit_a_phone(browser, vuelta_live):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(vuelta_live.url + STAGE_1)
        head = page.locator("#stage-table tbody.ttt-team").first.locator("tr").first
        expect(head).to_contain_text("Team dsm - firmenich")
        expect(head).to_contain_text("0:17:30")
        # The team's row heads its riders' rows for assistive technology.
        team_header = page.get_by_role("rowheader", name="Team dsm - firmenich")
        expect(team_header).to_have_count(1)
        for cell in ("td.col-rank", "th.col-name .team-name", "td.time"):
            box = head.locator(cell).first.bounding_box()
            assert box is not None
            assert box["x"] >= 0, cell
            assert box["x"] + box["width"] <= PHONE["width"], cell
        assert (
            page.evaluate("() => document.documentElement.scrollWidth")
            <= PHONE["width"]
        )
        screenshot(page, "ttt-phone")
        # A name filter keeps the teams with a matching rider, swapped in place.
        page.locator("#table-q").fill("ledanois")
        expect(page.locator("#stage-table tbody.ttt-team")).to_have_count(1)
        expect(page.locator("#stage-table tbody.ttt-team")).to_contain_text(
            "Team Arkéa Samsic"
        )
    finally:
        context.close()
