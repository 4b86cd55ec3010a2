"""An editor's evening in a real browser: log in, paste a stage result, confirm,
write the report with its live preview, and see it all on the public stage page."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from stages.models import Stage
from tests.browser.conftest import ARTIFACTS, screenshot

TOUR = Path(settings.BASE_DIR) / "races/tour-de-france-2023"
PASSWORD = "an-editors-pass-42"


def stage_1_with_simon_yates_winning() -> str:
    """The official stage 1 (176 riders) with the Yates twins' rows swapped."""
    lines = (TOUR / "results/stage-01.csv").read_text().splitlines()
    first, second = lines[1].split(","), lines[2].split(",")
    first[1:3], second[1:3] = second[1:3], first[1:3]
    lines[1], lines[2] = ",".join(first), ",".join(second)
    return "\n".join(lines) + "\n"


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - innerWidth")


def log_in_as_editor(page, base_url: str) -> None:
    User.objects.create_user("eddy", password=PASSWORD)
    call_command("make_editor", "eddy", verbosity=0)
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("eddy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Races, stages and reports")
    ).to_be_visible()


def test_editor_pastes_a_result_and_a_report_and_fans_see_them(page, tour_live):
    base = tour_live.url
    log_in_as_editor(page, base)
    stage = Stage.objects.get(
        edition__race__slug="tour-de-france", edition__year=2023, number=1
    )
    text = stage_1_with_simon_yates_winning()
    assert len(text.splitlines()) == 177

    started = time.perf_counter()
    page.goto(f"{base}/admin/stages/stage/{stage.pk}/change/")
    page.get_by_role("link", name="Paste results").click()
    page.get_by_label("Rows").fill(text)
    page.get_by_role("button", name="Preview").click()
    changes = page.locator(".paste-changes")
    expect(changes).to_contain_text("Stage winner: YATES Simon")
    expect(changes).to_contain_text("Simon Yates leads the GC by 0:08 (was Adam Yates)")
    expect(page.locator(".paste-rows tbody tr")).to_have_count(176)
    expect(page.locator(".paste-warning")).to_have_count(0)
    page.get_by_role("button", name="Confirm and save 176 results").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Standings updated after stage 1: Simon Yates leads the GC by 0:08"
    )

    page.get_by_role("link", name="Write a report").click()
    page.get_by_label("Headline").fill("Simon Yates wins in Bilbao")
    body = page.get_by_label("Body")
    body.fill("Simon Yates **outsprints** his brother.\n\n<script>alert(1)</script>")
    body.press("End")  # a keystroke, as when typing
    preview = page.locator("#report-preview")
    expect(preview.locator("strong")).to_have_text("outsprints")
    expect(preview).not_to_contain_text("alert")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{base}/races/tour-de-france/2023/stage-1/")
    expect(page.locator("#stage-table tbody tr").first).to_contain_text("YATES Simon")
    expect(page.locator("article.report h2")).to_have_text("Simon Yates wins in Bilbao")
    expect(page.locator("article.report strong")).to_have_text("outsprints")
    page.goto(f"{base}/races/tour-de-france/2023/stage-1/gc/")
    expect(page.locator("#gc-table tbody tr").first).to_contain_text("YATES Simon")
    elapsed = time.perf_counter() - started
    print(f"\npaste-to-published, 176-rider stage, in the browser: {elapsed:.1f} s")
    assert page.console_errors == []


def test_a_bad_paste_is_refused_in_the_browser(page, tour_live):
    base = tour_live.url
    log_in_as_editor(page, base)
    stage = Stage.objects.get(
        edition__race__slug="tour-de-france", edition__year=2023, number=1
    )
    text = stage_1_with_simon_yates_winning().replace("\n3,11,", "\n3,999,")
    page.goto(f"{base}/admin/stages/stage/{stage.pk}/paste-results/")
    page.get_by_label("Rows").fill(text)
    page.get_by_role("button", name="Preview").click()
    error_row = page.locator(".paste-rows tr.paste-error")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("bib 999 is not on the start list")
    expect(page.get_by_role("button", name="Confirm", exact=False)).to_have_count(0)
    expect(page.get_by_label("Rows")).to_have_value(text)
    assert page.console_errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_the_editors_pages(page, tour_live, width):
    """Pictures to look at (test-artifacts/, not committed)."""
    base = tour_live.url
    page.set_viewport_size({"width": width, "height": 900})
    log_in_as_editor(page, base)
    stage = Stage.objects.get(
        edition__race__slug="tour-de-france", edition__year=2023, number=1
    )
    paste = f"{base}/admin/stages/stage/{stage.pk}/paste-results/"
    good = stage_1_with_simon_yates_winning()
    head = "\n".join(good.splitlines()[:12]) + "\n"
    for name, text in [
        ("paste-preview", head),
        ("paste-preview-error", head.replace("\n3,11,", "\n3,999,")),
    ]:
        page.goto(paste)
        page.get_by_label("Rows").fill(text)
        page.get_by_role("button", name="Preview").click()
        expect(page.locator(".paste-rows")).to_be_visible()
        problem = page.locator(".paste-problem")
        if problem.count():  # readable without scrolling the table sideways
            box = problem.bounding_box()
            assert box["x"] + box["width"] <= width
        screenshot(page, f"admin-{name}-{width}")
        assert sideways_overflow(page) <= 1  # the wide table scrolls in its box
    page.goto(f"{base}/admin/stages/racereport/add/?stage={stage.pk}")
    page.get_by_label("Headline").fill("Simon Yates wins in Bilbao")
    page.get_by_label("Body").fill(
        "Simon Yates **outsprints** his brother on the [Pike](https://example.com)."
        "\n\n## The finale\n\n- Jaizkibel\n- Pike"
    )
    page.get_by_label("Body").press("End")
    # A report's "##" is a subheading under its headline (h2): h3.
    expect(page.locator("#report-preview h3").last).to_have_text("The finale")
    screenshot(page, f"admin-report-form-{width}")
    page.goto(f"{base}/admin/stages/stage/{stage.pk}/change/")
    screenshot(page, f"admin-stage-{width}")
    page.locator("#results-group").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"admin-stage-results-{width}.png"))
    assert sideways_overflow(page) <= 1
    assert page.console_errors == []
