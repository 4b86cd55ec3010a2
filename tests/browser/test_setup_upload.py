"""Setting a race up from its package in a real browser (issue 11, "Done when"): an
editor uploads the Vuelta a España 2023 as a draft, previews and confirms it;
visitors do not see it until the editor publishes it; then its team time trial
is ranked by teams."""

import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from editions.models import Edition, Rider
from racing.parsing.sources import files_from_folder
from stages.services.startlist import editions_delete
from tests.browser.conftest import screenshot
from tests.browser.test_editor_flow import log_in_as_editor, sideways_overflow
from tests.factories import RiderFactory

VUELTA = Path(settings.BASE_DIR) / "races/vuelta-a-espana-2023"
EDITION = "/races/vuelta-a-espana/2023/"


def zip_file(path: Path, files: dict[str, bytes]) -> Path:
    """The files zipped as an editor would, in the package's folder."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"vuelta-a-espana-2023/{name}", data)
    return path


@pytest.fixture
def vuelta_zip(tmp_path, transactional_db) -> Path:
    """The Vuelta 2023 package zipped, and a database without the edition."""
    editions_delete(
        editions=Edition.objects.filter(race__slug="vuelta-a-espana", year=2023)
    )
    return zip_file(tmp_path / "vuelta-a-espana-2023.zip", files_from_folder(VUELTA))


def visitor_sees(browser, url: str):
    """A page as a visitor sees it (a fresh browser: no session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto(url)
    return context, page, response


def test_an_editor_uploads_a_race_and_publishes_it(
    page, browser, live_server, vuelta_zip
):
    base = live_server.url
    log_in_as_editor(page, base)

    started = time.perf_counter()
    page.goto(f"{base}/admin/editions/edition/upload/")
    expect(page.get_by_role("heading", name="Upload a race package")).to_be_visible()
    expect(page.get_by_label("Import as a draft")).to_be_checked()
    expect(page.get_by_label("Replace the edition if it exists")).not_to_be_checked()
    page.get_by_label("Race package").set_input_files(vuelta_zip)
    page.get_by_role("button", name="Preview").click()
    counts = page.locator(".upload-counts")
    for count in ("21 stages", "22 teams", "176 riders"):
        expect(counts).to_contain_text(count)
    expect(page.locator(".errornote")).to_have_count(0)
    preview_seconds = time.perf_counter() - started
    shots = [screenshot(page, "admin-upload-preview-1280")]
    page.set_viewport_size({"width": 360, "height": 740})
    shots.append(screenshot(page, "admin-upload-preview-360"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 361
    page.set_viewport_size({"width": 1280, "height": 900})

    resumed = time.perf_counter()
    page.get_by_role("button", name="Confirm and import Vuelta a España 2023").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Vuelta a España 2023 imported as a draft: 21 stages, 22 teams, 176 riders"
    )
    draft_seconds = preview_seconds + time.perf_counter() - resumed

    context, visitor, response = visitor_sees(browser, base + EDITION)
    assert response.status == 404
    visitor.goto(base + "/")
    expect(visitor.locator(f'a[href="{EDITION}"]')).to_have_count(0)

    resumed = time.perf_counter()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("1 edition published.")
    seconds = draft_seconds + time.perf_counter() - resumed
    pages = 4  # the upload form, the preview, the draft's page, and once published
    print(f"\nupload flow: {seconds:.1f} s, {pages} pages")
    print("screenshots: " + ", ".join(str(s) for s in shots))

    context.close()

    # Another visitor (the first one's browser may keep its pages for 30 s).
    context, visitor, response = visitor_sees(browser, base + "/")
    expect(visitor.locator(f'a[href="{EDITION}"]').first).to_be_visible()
    visitor.goto(f"{base}{EDITION}stage-1/")
    first_team = visitor.locator("#stage-table tbody.ttt-team").first
    expect(first_team.locator("tr").first).to_contain_text("Team dsm - firmenich")
    context.close()
    assert page.console_errors == []


@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_the_upload_pages(page, live_server, vuelta_zip, width):
    """Pictures to look at (test-artifacts/, not committed): the form, a package
    with a bad row, and a namesake to decide; none scrolls sideways."""
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    log_in_as_editor(page, base)
    upload = f"{base}/admin/editions/edition/upload/"
    page.goto(upload)
    screenshot(page, f"admin-upload-form-{width}")
    assert sideways_overflow(page) <= 1

    files = files_from_folder(VUELTA)
    files["results/stage-03.csv"] = files["results/stage-03.csv"].replace(
        b"\n12,18,", b"\n12,999,"
    )
    bad = zip_file(vuelta_zip.with_name("bad.zip"), files)
    page.get_by_label("Race package").set_input_files(bad)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "results/stage-03.csv line 13: bib 999 is not on the start list"
    )
    expect(page.get_by_role("button", name="Confirm", exact=False)).to_have_count(0)
    screenshot(page, f"admin-upload-problems-{width}")
    assert sideways_overflow(page) <= 1

    Rider.objects.filter(given_name="Juan", family_name="Ayuso").delete()
    RiderFactory(given_name="Juan", family_name="Ayuso", birth_date="2001-01-01")
    page.goto(upload)
    page.get_by_label("Race package").set_input_files(vuelta_zip)
    page.get_by_role("button", name="Preview").click()
    group = page.get_by_role("group", name="Bib 11: AYUSO Juan, born 2002-09-16")
    expect(group.get_by_role("radio")).to_have_count(2)
    page.get_by_role("button", name="Confirm", exact=False).click()
    expect(page.get_by_role("alert")).to_contain_text("bib 11: Juan Ayuso")
    screenshot(page, f"admin-upload-decide-{width}")
    assert sideways_overflow(page) <= 1
    group.get_by_label("A new rider").check()
    page.get_by_role("button", name="Confirm", exact=False).click()
    expect(page.locator(".messagelist")).to_contain_text("imported as a draft")
    assert page.console_errors == []
