"""Data versions, the fail-safe cache and HTTP caching (stages/caching.py).

The views below exist only here: they read the database the way the site's pages do,
so a stale cache entry or a wrong 304 would show as a wrong leader or time.
"""

import gzip
import logging
import os
import uuid
import zlib
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.http import Http404, HttpResponse
from django.template import engines
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django.utils.csp import LazyNonce
from django.utils.functional import SimpleLazyObject

from stages import caching
from stages.models import (
    Checkpoint,
    Edition,
    RaceReport,
    Stage,
    StageResult,
    Standing,
)
from stages.services import recompute_standings

# Test views


calls: list[str] = []


def gc_leader(race: str, year: int, number: int) -> Standing:
    return (
        Standing.objects.select_related("entry__rider")
        .filter(
            stage__edition__race__slug=race,
            stage__edition__year=year,
            stage__number=number,
            classification="gc",
            rank=1,
        )
        .get()
    )


@caching.public_page(caching.for_edition(), params={"team"})
def gc_view(request, race: str, year: int, number: int) -> HttpResponse:
    calls.append(request.get_full_path())
    if not Stage.objects.filter(
        edition__race__slug=race, edition__year=year, number=number
    ).exists():
        raise Http404
    leader = gc_leader(race, year, number)
    kind = "fragment" if request.headers.get("HX-Request") == "true" else "page"
    team = request.GET.get("team", "all")
    return HttpResponse(f"{kind} {team}: {leader.entry.rider} {leader.value}")


@caching.public_page(caching.for_edition(), vary=("HX-Request", "HX-Trigger"))
def report_view(request, race: str, year: int, number: int) -> HttpResponse:
    calls.append(request.get_full_path())
    headlines = RaceReport.objects.published().filter(
        stage__edition__race__slug=race, stage__number=number
    )
    stage = Stage.objects.get(
        edition__race__slug=race, edition__year=year, number=number
    )
    return HttpResponse(
        f"{stage.start} {stage.status}: " + "; ".join(r.headline for r in headlines)
    )


PAGE = engines["django"].from_string(
    '<script src="/static/htmx.js" nonce="{{ csp_nonce }}"></script>{{ text|safe }}'
)


@caching.public_page(caching.for_site)
def nonce_view(request) -> HttpResponse:
    calls.append(request.get_full_path())
    html = PAGE.render({"csp_nonce": request._csp_nonce, "text": "hello"})
    return HttpResponse(html)


LONG = "".join(f"<tr><td>{n}</td><td>rider {n}</td></tr>" for n in range(200))


@caching.public_page(caching.for_site)
def table_view(request) -> HttpResponse:
    calls.append(request.get_full_path())
    return HttpResponse(f"<table>{LONG}</table>")


@caching.public_page(caching.for_site)
def cookie_view(request) -> HttpResponse:
    calls.append(request.get_full_path())
    response = HttpResponse("personal")
    response.set_cookie("seen", "1")
    return response


class BrokenCache(BaseCache):
    """A cache backend whose every call fails, like a Redis that is down."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    get = set = add = delete = get_many = clear = touch = has_key = _fail


BROKEN = {"default": {"BACKEND": "tests.stages.test_caching.BrokenCache"}}
# A real Redis client pointed at a port where nothing listens.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def fresh_cache():
    calls.clear()
    cache.clear()
    caching._local.clear()
    caching._cache_down_until = 0.0
    yield
    caching._cache_down_until = 0.0


rf = RequestFactory()


def get(view, path: str, *, htmx: bool = False, etag: str | None = None, **kwargs):
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if etag:
        headers["If-None-Match"] = etag
    request = rf.get(path, headers=headers)
    request._csp_nonce = LazyNonce()
    request.user = kwargs.pop("user", AnonymousUser())
    for name, value in kwargs.pop("cookies", {}).items():
        request.COOKIES[name] = value
    return view(request, **kwargs)


STAGE12 = "/races/tour-de-france/2023/stage-12/gc/"
TOUR12 = {"race": "tour-de-france", "year": 2023, "number": 12}


def add_penalty(tour: Edition, family_name: str, stage: int, seconds: int) -> None:
    result = StageResult.objects.get(
        stage__edition=tour, stage__number=stage, entry__rider__family_name=family_name
    )
    result.penalty += seconds
    result.save()


# Data version


def test_data_version_is_stable_and_one_query(tour, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = caching.data_version(tour)
    assert caching.data_version(tour) == first
    assert caching.edition_version_by_slug("tour-de-france", 2023).token == first
    assert caching.data_version(tour) != caching.data_version(
        Edition.objects.get(race__slug="giro-d-italia")
    )


def test_data_version_changes_when_a_result_is_saved_and_recomputed(tour):
    before = caching.data_version(tour)
    add_penalty(tour, "Vingegaard", 12, 60)
    recompute_standings(tour, from_stage=12)
    assert caching.data_version(tour) != before


def test_data_version_changes_when_a_stage_is_edited(tour):
    before = caching.data_version(tour)
    Stage.objects.filter(edition=tour, number=12).update(start="Roanne (new start)")
    after = caching.data_version(tour)
    assert after != before
    Stage.objects.filter(edition=tour, number=12).update(status=Stage.Status.LIVE)
    live = caching.edition_data_version(tour)
    assert live.token != after
    assert live.live


def test_data_version_changes_when_a_checkpoint_is_added_or_edited(tour):
    before = caching.data_version(tour)
    stage = tour.stages.get(number=12)
    checkpoint = Checkpoint.objects.create(
        stage=stage, kind="climb", name="Col de la Croix Montmain", category="3"
    )
    added = caching.data_version(tour)
    assert added != before
    checkpoint.km = 105
    checkpoint.save()
    assert caching.data_version(tour) != added


def test_data_version_changes_when_a_report_is_published_edited_or_deleted(tour):
    stage = tour.stages.get(number=12)
    before = caching.data_version(tour)
    report = RaceReport.objects.create(
        stage=stage, headline="Draft", body="…", status=RaceReport.Status.DRAFT
    )
    draft = caching.data_version(tour)
    assert draft == before, "drafts are not shown: saving one keeps the cache"
    report.status = RaceReport.Status.PUBLISHED
    report.save()
    published = caching.data_version(tour)
    assert published != draft
    report.headline = "Izagirre again"
    report.save()
    edited = caching.data_version(tour)
    assert edited != published
    report.status = RaceReport.Status.DRAFT
    report.save()
    assert caching.data_version(tour) not in {edited, published}
    report.status = RaceReport.Status.PUBLISHED
    report.save()
    republished = caching.data_version(tour)
    report.delete()
    assert caching.data_version(tour) not in {edited, published, republished}


def test_data_version_changes_when_a_scheduled_report_goes_out(tour):
    publish_at = timezone.now() + timedelta(hours=2)
    RaceReport.objects.create(
        stage=tour.stages.get(number=12),
        headline="Scheduled",
        body="…",
        status=RaceReport.Status.PUBLISHED,
        published_at=publish_at,
    )
    waiting = caching.edition_data_version(tour)
    assert waiting.next_change == publish_at
    assert 7190 <= waiting.seconds_to_next_change() <= 7200
    later = publish_at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        out = caching.edition_data_version(tour)
    assert out.token != waiting.token
    assert out.next_change is None


def test_site_version_follows_every_edition(tour, giro):
    before = caching.site_data_version().token
    caching.bump_data_version(giro)
    bumped = caching.site_data_version().token
    assert bumped != before
    Edition.objects.filter(pk=tour.pk).update(version=tour.version + 5)
    assert caching.site_data_version().token != bumped


def test_bump_data_version_without_arguments_bumps_every_edition(tour, giro):
    tokens = {e.pk: caching.data_version(e) for e in (tour, giro)}
    caching.bump_data_version()
    assert all(caching.data_version(pk) != t for pk, t in tokens.items())


def test_unknown_edition_has_no_version(db):
    assert caching.edition_version_by_slug("tour-de-france", 1850) is None
    assert caching.edition_version_by_slug("nope", 2023) is None
    assert caching.edition_version_by_slug("tour-de-france", "20x3") is None
    assert caching.data_version(999_999) == "none"


# Fragments


def test_cached_fragment_renders_once_per_key(tour):
    version = caching.data_version(tour)
    renders = []

    def render():
        renders.append(1)
        return "<table>gc</table>"

    key = caching.fragment_key(
        edition_id=tour.pk,
        stage=12,
        table="gc",
        filters={"team": "UAD"},
        htmx=True,
        version=version,
    )
    assert caching.cached_fragment(key, render) == "<table>gc</table>"
    assert caching.cached_fragment(key, render) == "<table>gc</table>"
    assert len(renders) == 1


def test_fragment_key_separates_every_part(tour):
    base = {
        "edition_id": tour.pk,
        "stage": 12,
        "table": "gc",
        "filters": {"team": "UAD", "q": "pog"},
        "htmx": True,
        "version": "v1",
    }
    key = caching.fragment_key(**base)
    assert caching.fragment_key(**{**base, "filters": {"q": "pog", "team": "UAD"}}) == (
        key
    )
    for change in (
        {"edition_id": tour.pk + 1},
        {"stage": 13},
        {"table": "youth"},
        {"filters": {"team": "JVB", "q": "pog"}},
        {"htmx": False},
        {"version": "v2"},
    ):
        assert caching.fragment_key(**{**base, **change}) != key, change


# Conditional requests and Cache-Control


def test_public_page_sets_etag_cache_control_and_vary(tour):
    response = get(gc_view, STAGE12, **TOUR12)
    assert response.status_code == 200
    assert response.content.startswith(b"page all: VINGEGAARD Jonas")
    assert response["ETag"].startswith('W/"')
    assert response["Cache-Control"] == (
        "public, max-age=30, stale-while-revalidate=300"
    )
    assert "HX-Request" in response["Vary"]


def test_unchanged_page_answers_304_without_running_the_view(
    tour, django_assert_num_queries
):
    first = get(gc_view, STAGE12, **TOUR12)
    calls.clear()
    with django_assert_num_queries(1):
        again = get(gc_view, STAGE12, etag=first["ETag"], **TOUR12)
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert "max-age=30" in again["Cache-Control"]
    assert "HX-Request" in again["Vary"]
    assert calls == []


def test_a_saved_result_shows_on_the_next_request(tour):
    """The live-polling path: a result saved after the page was opened is served."""
    first = get(gc_view, STAGE12, htmx=True, **TOUR12)
    assert b"VINGEGAARD Jonas" in first.content
    add_penalty(tour, "Vingegaard", 12, 60)
    recompute_standings(tour, from_stage=12)
    again = get(gc_view, STAGE12, htmx=True, etag=first["ETag"], **TOUR12)
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"POGA" in again.content
    assert b"VINGEGAARD" not in again.content


def test_a_published_report_shows_on_the_next_request(tour):
    first = get(report_view, "/r/", **TOUR12)
    report = RaceReport.objects.create(
        stage=tour.stages.get(number=12),
        headline="Izagirre wins in Belleville",
        body="…",
        status=RaceReport.Status.DRAFT,
    )
    assert get(report_view, "/r/", etag=first["ETag"], **TOUR12).status_code == 304
    report.status = RaceReport.Status.PUBLISHED
    report.save()
    again = get(report_view, "/r/", etag=first["ETag"], **TOUR12)
    assert again.status_code == 200
    assert b"Izagirre wins in Belleville" in again.content


def test_a_stage_edit_shows_on_the_next_request(tour):
    first = get(report_view, "/r/", **TOUR12)
    Stage.objects.filter(edition=tour, number=12).update(status=Stage.Status.LIVE)
    again = get(report_view, "/r/", etag=first["ETag"], **TOUR12)
    assert again.status_code == 200
    assert b"live" in again.content
    # Live stages are revalidated often.
    assert again["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"


def test_max_age_never_outlives_a_scheduled_report(tour):
    RaceReport.objects.create(
        stage=tour.stages.get(number=12),
        headline="Scheduled",
        body="…",
        status=RaceReport.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(seconds=12),
    )
    response = get(gc_view, STAGE12, **TOUR12)
    cache_control = dict(
        part.strip().partition("=")[::2]
        for part in response["Cache-Control"].split(",")
    )
    assert 0 <= int(cache_control["max-age"]) <= 12
    assert int(cache_control["stale-while-revalidate"]) <= 12


def test_rendered_body_is_reused_per_url_htmx_and_known_parameters(tour):
    page = get(gc_view, STAGE12, **TOUR12)
    fragment = get(gc_view, STAGE12, htmx=True, **TOUR12)
    filtered = get(gc_view, STAGE12 + "?team=UAD", **TOUR12)
    assert page.content.startswith(b"page all:")
    assert fragment.content.startswith(b"fragment all:")
    assert filtered.content.startswith(b"page UAD:")
    assert len({page["ETag"], fragment["ETag"], filtered["ETag"]}) == 3
    assert len(calls) == 3
    # Served from the cache: the view does not run again.
    assert get(gc_view, STAGE12, htmx=True, **TOUR12).content == fragment.content
    # A parameter the view ignores must not split the cache.
    assert get(gc_view, STAGE12 + "?utm_source=x", **TOUR12)["ETag"] == page["ETag"]
    assert len(calls) == 3


def test_headers_in_vary_split_the_cache(tour):
    plain = get(report_view, "/r/", **TOUR12)
    request = rf.get("/r/", headers={"HX-Request": "true", "HX-Trigger": "table-poll"})
    request._csp_nonce = LazyNonce()
    polled = report_view(request, **TOUR12)
    assert polled["ETag"] != plain["ETag"]
    assert len(calls) == 2
    assert {"HX-Request", "HX-Trigger"} <= {
        v.strip() for v in polled["Vary"].split(",")
    }


def test_unknown_edition_runs_the_view_without_cache_headers(tour):
    with pytest.raises(Http404):
        get(gc_view, "/x/", race="tour-de-france", year=1850, number=1)
    with pytest.raises(Http404):
        get(gc_view, "/x/", race="tour-de-france", year=2023, number=99)


def test_cached_page_gets_the_csp_nonce_of_each_response(db):
    first = get(nonce_view, "/n/")
    second = get(nonce_view, "/n/")
    assert len(calls) == 1
    nonces = [r.content.split(b'nonce="')[1].split(b'"')[0] for r in (first, second)]
    assert all(len(n) > 10 for n in nonces)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("", None),
    ],
)
def test_cached_body_is_served_precompressed(db, accept, encoding):
    get(table_view, "/t/")
    request = rf.get("/t/", headers={"Accept-Encoding": accept})
    request._csp_nonce = LazyNonce()
    response = table_view(request)
    assert len(calls) == 1
    assert "Accept-Encoding" in response["Vary"]
    assert response.get("Content-Encoding") == encoding
    decode = {"br": caching.brotli.decompress, "gzip": gzip.decompress}
    body = decode[encoding](response.content) if encoding else response.content
    assert body == f"<table>{LONG}</table>".encode()


@caching.public_page(caching.for_site)
def long_nonce_view(request) -> HttpResponse:
    calls.append(request.get_full_path())
    html = PAGE.render({"csp_nonce": request._csp_nonce, "text": LONG})
    return HttpResponse(html + f"<p>{request._csp_nonce}</p>")


@pytest.mark.parametrize("accept", ["gzip, deflate, br", "br", ""])
def test_cached_page_with_a_nonce_is_served_compressed_with_the_new_nonce(db, accept):
    get(long_nonce_view, "/n/")
    request = rf.get("/n/", headers={"Accept-Encoding": accept})
    request._csp_nonce = LazyNonce()
    response = long_nonce_view(request)
    assert len(calls) == 1
    nonce = str(request._csp_nonce)
    expected = (
        f'<script src="/static/htmx.js" nonce="{nonce}"></script>{LONG}<p>{nonce}</p>'
    ).encode()
    if "gzip" in accept:
        assert response["Content-Encoding"] == "gzip"
        assert len(response.content) < len(expected) / 4
        assert gzip.decompress(response.content) == expected
        # Also through a streaming decoder, as browsers read it.
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        assert decoder.decompress(response.content) + decoder.flush() == expected
        assert decoder.eof
    else:
        assert not response.has_header("Content-Encoding")
        assert response.content == expected


def test_process_keeps_only_the_latest_pages(db):
    for n in range(caching.LOCAL_ENTRIES + 10):
        get(table_view, f"/t/{n}/")
    assert len(caching._local) == caching.LOCAL_ENTRIES
    caching._local.clear()
    get(table_view, "/t/0/")  # still in the shared cache
    assert len(calls) == caching.LOCAL_ENTRIES + 10


def test_response_setting_a_cookie_is_never_stored(db):
    get(cookie_view, "/c/")
    get(cookie_view, "/c/")
    assert len(calls) == 2


def test_logged_in_users_are_never_shared_or_stored(tour):
    editor = User(username="editor", pk=1)
    response = get(gc_view, STAGE12, user=editor, cookies={"sessionid": "x"}, **TOUR12)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")
    get(gc_view, STAGE12, user=editor, cookies={"sessionid": "x"}, **TOUR12)
    assert len(calls) == 2


def test_anonymous_request_without_session_cookie_never_loads_the_session(tour):
    def no_session():
        raise AssertionError("request.user read: the session was loaded")

    response = get(gc_view, STAGE12, user=SimpleLazyObject(no_session), **TOUR12)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


def test_post_passes_through(tour):
    request = rf.post(STAGE12)
    request.user = AnonymousUser()
    response = gc_view(request, **TOUR12)
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


# A cache that is down


@override_settings(CACHES=BROKEN)
def test_broken_cache_backend_still_serves_and_logs(tour, caplog):
    with caplog.at_level(logging.WARNING, logger="toursite"):
        response = get(gc_view, STAGE12, **TOUR12)
    assert response.status_code == 200
    assert b"VINGEGAARD Jonas" in response.content
    warnings = [r for r in caplog.records if r.name == "toursite"]
    assert warnings
    assert "cache unreachable" not in warnings[0].getMessage()
    assert "ConnectionError" in warnings[0].getMessage()
    # Bypassed for a few seconds: no log flood, still served.
    caplog.clear()
    assert get(gc_view, STAGE12, **TOUR12).status_code == 200
    assert not caplog.records
    assert caching.cached_fragment("k", lambda: "rendered") == "rendered"


@override_settings(CACHES=BROKEN)
def test_broken_cache_is_retried_after_a_pause(tour, caplog):
    get(gc_view, STAGE12, **TOUR12)
    caching._cache_down_until = 0.0
    with caplog.at_level(logging.WARNING, logger="toursite"):
        assert get(gc_view, STAGE12, **TOUR12).status_code == 200
    assert caplog.records


@override_settings(CACHES=REDIS_DOWN)
def test_redis_that_is_down_still_serves(tour, caplog):
    with caplog.at_level(logging.WARNING, logger="toursite"):
        response = get(gc_view, STAGE12, htmx=True, **TOUR12)
    assert response.status_code == 200
    assert b"VINGEGAARD Jonas" in response.content
    assert any("Cache get failed" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_pages_are_shared_through_redis(tour):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"toursite-test-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
        }
    }
    with override_settings(CACHES=redis):
        first = get(gc_view, STAGE12, **TOUR12)
        caching._local.clear()  # as if the next request reached another process
        again = get(gc_view, STAGE12, **TOUR12)
        assert again.content == first.content
        assert len(calls) == 1
        assert caching._cache_down_until == 0.0
