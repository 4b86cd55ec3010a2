"""What an attacker or a bad moment cannot do to the public pages: junk parameters
and header values make no new stored pages, a database restart serves the stored
copies (or a friendly 503), and the site's headers, cookies, feed links and logs
hold whatever the request says."""

import io
import logging
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings

from toursite import caching, http, versions

LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-hardening-tests",
    },
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-hardening-ratelimit",
    },
}
STAGE_12 = "/races/tour-de-france/2023/stage-12/"
GC_12 = STAGE_12 + "gc/"
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def stored_pages():
    caching._cache_down_until = 0.0
    caching._local.clear()
    http._outage_since = None
    with override_settings(CACHES=LOCMEM, TOURSITE_LOCAL_PAGES=64):
        cache.clear()
        yield
    caching._local.clear()
    http._outage_since = None


def stored() -> int:
    """Pages stored in the shared cache."""
    return sum(1 for key in cache._cache if ":page:" in key)


# Cache keys and ETags on cleaned values only ------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/races/tour-de-france/2023/",
        STAGE_12,
        GC_12,
        "/races/tour-de-france/2023/teams/",
        "/races/tour-de-france/2023/teams/adc/",
        "/races/tour-de-france/2023/riders/",
        "/riders/jonas-vingegaard/",
        "/feed/reports.atom",
        "/about/",
    ],
)
def test_unknown_parameters_make_no_new_page(
    client, tour, path, django_assert_num_queries
):
    first = client.get(path)
    assert first.status_code == 200
    count = stored()
    for n in range(5):
        with django_assert_num_queries(1 if path != "/about/" else 0):
            again = client.get(f"{path}?utm_source=x{n}&_={n}")
        assert again["ETag"] == first["ETag"]
        assert again.content == first.content
    assert stored() == count


@pytest.mark.parametrize(
    ("junk", "clean"),
    [
        ("?team=junk", ""),
        ("?team=zz&all=zz", ""),
        ("?all=zz", ""),
        ("?all=1&all=1", "?all=1"),
        ("?team=adc", "?team=ADC"),
        ("?team=%20ADC%20", "?team=ADC"),
    ],
)
def test_filter_values_the_page_throws_away_make_no_new_page(client, tour, junk, clean):
    canonical = client.get(GC_12 + clean)
    count = stored()
    response = client.get(GC_12 + junk)
    assert response["ETag"] == canonical["ETag"]
    assert response.content == canonical.content
    assert stored() == count


def test_a_team_of_another_race_is_no_filter(client, tour):
    # A Giro-only team code filters nothing on the Tour: the unfiltered page.
    plain = client.get(GC_12)
    assert client.get(GC_12 + "?team=EOK")["ETag"] == plain["ETag"]


def test_name_filters_are_cleaned_and_never_stored(client, tour):
    count = stored()
    spaced = client.get(GC_12 + "?q=%20vinge%20%20")
    tight = client.get(GC_12 + "?q=vinge")
    assert spaced["ETag"] == tight["ETag"]
    assert b"VINGEGAARD" in tight.content
    for n in range(5):
        assert client.get(f"{GC_12}?q=zz{n}").status_code == 200
    assert stored() == count  # typed text fills no cache
    # A conditional request for a filtered table is still answered 304.
    again = client.get(GC_12 + "?q=vinge", headers={"If-None-Match": tight["ETag"]})
    assert again.status_code == 304


def test_header_values_make_no_new_fragment(client, tour):
    first = client.get(GC_12, headers={**HX, "HX-Trigger": "tab-gc"})
    count = stored()
    for n in range(5):
        response = client.get(GC_12, headers={**HX, "HX-Trigger": f"random-{n}"})
        assert response["ETag"] == first["ETag"]
    assert stored() == count
    # What the view does make of the trigger still tells fragments apart.
    poll = client.get(GC_12, headers={**HX, "HX-Trigger": "table-poll"})
    assert poll["ETag"] != first["ETag"]
    assert "HX-Push-Url" not in poll
    assert "HX-Push-Url" in first


# A database that does not answer ------------------------------------------------


def database_down():
    return mock.patch.object(
        versions, "version_rows", side_effect=OperationalError("server closed")
    )


def test_stored_pages_are_served_stale_while_the_database_restarts(client, tour):
    page = client.get(STAGE_12)
    fragment = client.get(GC_12, headers=HX)
    with database_down():
        stale = client.get(STAGE_12)
        stale_fragment = client.get(GC_12, headers=HX)
    assert stale.status_code == 200
    assert stale.content == page.content
    assert stale["X-Toursite-Stale"].startswith("database unavailable")
    assert "max-age=1" in stale["Cache-Control"]
    assert stale_fragment.content == fragment.content
    # Back to normal at once when the database answers.
    assert "X-Toursite-Stale" not in client.get(STAGE_12)


def test_a_page_never_stored_gets_a_friendly_503(client, tour):
    with database_down():
        response = client.get("/races/tour-de-france/2023/stage-13/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"Neutralised for a moment" in response.content
    assert "no-store" in response["Cache-Control"]


@override_settings(TOURSITE_STALE_SECONDS=30)
def test_stale_copies_are_served_for_a_bounded_time(client, tour):
    client.get(STAGE_12)
    with database_down(), mock.patch.object(http.time, "monotonic") as clock:
        clock.return_value = 1000.0
        assert client.get(STAGE_12).status_code == 200
        clock.return_value = 1029.0
        assert client.get(STAGE_12).status_code == 200
        clock.return_value = 1031.0
        assert client.get(STAGE_12).status_code == 503


def test_a_stale_copy_comes_from_the_shared_cache_in_a_new_process(client, tour):
    page = client.get(STAGE_12)
    caching._local.clear()  # another worker: nothing of its own yet
    with database_down():
        stale = client.get(STAGE_12)
    assert stale.status_code == 200
    assert stale.content == page.content


def test_any_page_that_meets_a_database_outage_answers_503(tour):
    client = Client(raise_request_exception=False)  # as a server would answer
    with mock.patch(
        "riders.search.find", side_effect=OperationalError("server closed")
    ):
        response = client.get("/search/?q=pogacar")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


# Headers, cookies, feed and logs --------------------------------------------------


def test_pages_deny_browser_features(client, tour):
    policy = client.get(STAGE_12)["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy


def production_setting(expression: str, **env: str) -> str:
    """``expression`` (of the settings module ``s``) under production settings."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "toursite.example",
        **env,
    }
    code = f"import toursite.settings as s; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_cookies_stay_secure_when_the_proxy_does_the_redirect():
    setting = "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    assert production_setting(setting, DJANGO_SECURE_SSL_REDIRECT="0") == (
        "(True, True, False)"
    )


def test_the_site_address_defaults_to_the_first_allowed_host():
    assert production_setting("s.SITE_URL") == "https://toursite.example"
    configured = production_setting(
        "s.SITE_URL", DJANGO_SITE_URL="https://tour.example.org/"
    )
    assert configured == "https://tour.example.org"


@override_settings(
    SITE_URL="https://toursite.example", ALLOWED_HOSTS=["evil.example", "testserver"]
)
def test_the_stored_feed_links_to_the_site_whatever_host_rendered_it(client, tour):
    first = client.get("/feed/reports.atom", headers={"Host": "evil.example"})
    again = client.get("/feed/reports.atom")
    assert again.content == first.content  # one stored feed
    feed = ET.fromstring(again.content)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [link.get("href") for link in feed.iter(f"{atom}link")]
    assert links
    assert all(h.startswith("https://toursite.example/") for h in links)
    assert b"evil.example" not in again.content


def test_a_bad_host_logs_one_line(client):
    logger = logging.getLogger("django.security.DisallowedHost")
    (handler,) = [h for h in logger.handlers if h.filters]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.get("/", headers={"Host": "evil.example"})
    finally:
        handler.setStream(previous)
    assert response.status_code == 400
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "evil.example" in lines[0]


def test_head_responses_reach_the_server_without_a_body(db):
    # Below the test client, which drops HEAD bodies itself: what gunicorn gets.
    environ = RequestFactory().head("/healthz").environ
    started = []
    body = WSGIHandler()(environ, lambda status, headers: started.append(status))
    assert started == ["200 OK"]
    assert b"".join(body) == b""


@pytest.mark.parametrize(
    "path",
    [
        "/races/tour-de-france/02023/",
        "/races/tour-de-france/2023/stage-012/",
        "/races/tour-de-france/2023/stage-0012/gc/",
        "/races/tour-de-france/002023/teams/",
        "/races/tour-de-france/02023/riders/",
        "/races/tour-de-france/2023/stage-012/gc.csv",
    ],
)
def test_numbers_with_leading_zeros_are_no_page(client, tour, path):
    count = stored()
    assert client.get(path).status_code == 404
    assert stored() == count
