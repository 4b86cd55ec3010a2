"""Real-browser tests: Playwright driving Debian's Chromium (STACK.md).

Playwright cannot download its own browser here, so it launches /usr/bin/chromium.
Without Chromium the tests skip with a reason, unless TOURSITE_REQUIRE_BROWSER is set
(CI sets it, so there they always run).
"""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# live_server runs in a thread; the sync Playwright API trips Django's async guard.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("TOURSITE_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required but not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


PHONE = {"width": 360, "height": 800}
WIDE = {"width": 1280, "height": 900}


@contextmanager
def browser_page(browser, viewport: dict):
    """A page of a new browser context at ``viewport``, its console errors in
    ``page.console_errors``; the context closes after."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with browser_page(browser, WIDE) as page:
        yield page


@pytest.fixture
def phone(browser):
    """A page on a 360 px phone."""
    with browser_page(browser, PHONE) as page:
        yield page


# With SQLite the test database is in memory, and the live server's threads use the
# test's own connection (Django shares it): two threads on it at once mix up their
# result rows. Every request then runs whole under this lock, and a test that writes
# while a page is open holds it too (``db_lock``). PostgreSQL gives each thread its
# own connection and needs none of this.
DB_LOCK = threading.RLock()


def _one_request_at_a_time(app):
    def serialised(environ, start_response):
        with DB_LOCK:
            result = app(environ, start_response)
            try:
                return list(result)  # a streamed body reads the database too
            finally:
                if hasattr(result, "close"):
                    result.close()

    return serialised


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, its requests one at a time on a shared
    connection."""
    if live_server.thread.connections_override:
        httpd = live_server.thread.httpd
        httpd.set_app(_one_request_at_a_time(httpd.get_app()))
    return live_server


@contextmanager
def db_lock():
    """The test's own database writes, never while the live server serves."""
    with DB_LOCK:
        yield


@contextmanager
def db_unlocked():
    """Inside ``db_lock``: let the live server serve (while the test waits)."""
    DB_LOCK.release()
    try:
        yield
    finally:
        DB_LOCK.acquire()


@pytest.fixture
def tour_live(transactional_db, live_server):
    """The 2023 Tour in the live server's database (transactional tests are flushed
    after each test, so the session's demo data is not there)."""
    call_command(
        "import_race", str(Path(settings.BASE_DIR) / "races/tour-de-france-2023")
    )
    return live_server


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
