"""Data versions kept per process until a write announces a new one
(toursite.version_push, stages.services.version_channel).

The first tests drive a listener by hand (no Redis): what it keeps, what drops it,
the race between a read and an announcement, the expiry of a kept version. The last
ones run the real listener against Redis, and are skipped only when no Redis
answers (REDIS_URL, else the default local port).
"""

import os
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from editions.models import Edition
from stages.models import RaceReport
from stages.services import recompute, reports, version_channel
from tests.factories import RaceReportFactory
from toursite import caching, version_push, versions

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-version-push-tests",
    }
}
# Nothing listens there: a Redis that is down.
NOWHERE = "redis://127.0.0.1:1/0"


def tour_version() -> versions.DataVersion | None:
    return versions.edition_version_by_slug("tour-de-france", 2023)


@pytest.fixture
def listener(settings, monkeypatch):
    """This process's listener, subscribed, driven by hand (no thread, no Redis)."""
    settings.REDIS_URL = NOWHERE
    settings.TOURSITE_VERSION_PUSH_MAX_AGE = 60
    subscribed = version_push.Listener(NOWHERE, 60)
    subscribed.confirmed(time.monotonic())
    subscribed.heard_at = float("inf")  # every ping answered, however slow the test
    monkeypatch.setattr(version_push, "_current", subscribed)
    monkeypatch.setattr(version_push, "_current_pid", os.getpid())
    return subscribed


def test_a_kept_version_is_served_without_a_query(
    listener, tour, django_assert_num_queries
):
    with django_assert_num_queries(1):
        first = tour_version()
    with django_assert_num_queries(0):
        assert tour_version() == first
        assert versions.edition_data_version(tour) == first
    # The site's version and unknown editions are kept too (a flood of 404s
    # must not query).
    site = versions.site_data_version()
    assert versions.edition_version_by_slug("nope", 2023) is None
    with django_assert_num_queries(0):
        assert versions.site_data_version() == site
        assert versions.edition_version_by_slug("nope", 2023) is None


def test_a_stored_page_is_served_without_a_query(
    client, listener, tour, django_assert_num_queries
):
    with override_settings(CACHES=LOCMEM, TOURSITE_LOCAL_PAGES=8):
        cache.clear()
        caching._local.clear()
        first = client.get(STAGE_12)
        with django_assert_num_queries(0):
            again = client.get(STAGE_12)
        caching._local.clear()
    assert again["X-Toursite-Page"] == "stored"
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_an_announcement_drops_every_kept_version(
    listener, tour, giro, django_assert_num_queries
):
    before, giro_before, site_before = (
        tour_version(),
        versions.edition_data_version(giro),
        versions.site_data_version(),
    )
    assert versions.edition_version_by_slug("nope", 2023) is None
    recompute.bump_version(tour)  # the test's transaction: announced by hand
    with django_assert_num_queries(0):
        assert tour_version() == before  # nothing announced yet
    listener.announced()
    with django_assert_num_queries(4):
        assert tour_version() != before
        assert versions.edition_data_version(giro) == giro_before
        assert versions.site_data_version() != site_before
        assert versions.edition_version_by_slug("nope", 2023) is None


def test_a_version_read_while_a_write_is_announced_is_not_kept(
    listener, tour, monkeypatch, django_assert_num_queries
):
    """The worker reads the old row, the write commits and is announced, then the
    read returns: what it read must not be kept."""
    read_rows = versions.version_rows

    def rows_then_write(scope: str, params: list) -> list[tuple]:
        rows = read_rows(scope, params)
        Edition.objects.filter(pk=tour.pk).update(version=F("version") + 1)
        listener.announced()
        return rows

    monkeypatch.setattr(versions, "version_rows", rows_then_write)
    old = tour_version()
    monkeypatch.setattr(versions, "version_rows", read_rows)
    with django_assert_num_queries(1):
        new = tour_version()
    assert new.token != old.token
    with django_assert_num_queries(0):
        assert tour_version() == new


def test_without_the_subscription_every_read_asks_the_database(
    listener, tour, django_assert_num_queries
):
    tour_version()
    listener.lost()
    with django_assert_num_queries(2):
        tour_version()
        tour_version()
    # Confirmed again: kept again.
    listener.confirmed(float("inf"))
    tour_version()
    with django_assert_num_queries(0):
        tour_version()
    # Subscribed, but no ping answered lately: the listener may be stuck.
    listener.heard_at = time.monotonic() - version_push.LIVENESS - 1
    with django_assert_num_queries(2):
        tour_version()
        tour_version()


def test_a_kept_version_ends_with_its_next_scheduled_change(
    listener, tour, django_assert_num_queries
):
    due = timezone.now() + timedelta(seconds=1)
    RaceReportFactory(stage=tour.stages.get(number=12), published_at=due)
    waiting = tour_version()
    assert waiting.next_change == due
    with django_assert_num_queries(0):
        assert tour_version() == waiting
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.05)
    with django_assert_num_queries(1):
        published = tour_version()
    assert published.token != waiting.token
    assert published.next_change is None


def test_a_write_nobody_announced_shows_after_the_maximum_age(
    listener, tour, settings, monkeypatch, django_assert_num_queries
):
    settings.TOURSITE_VERSION_PUSH_MAX_AGE = 0.3
    short = version_push.Listener(NOWHERE, 0.3)
    short.confirmed(float("inf"))
    monkeypatch.setattr(version_push, "_current", short)
    before = tour_version()
    Edition.objects.filter(pk=tour.pk).update(version=F("version") + 1)  # a shell
    with django_assert_num_queries(0):
        assert tour_version() == before
    time.sleep(0.35)
    assert tour_version() != before


def test_a_listener_started_before_a_fork_is_not_used(
    listener, tour, monkeypatch, django_assert_num_queries
):
    tour_version()
    monkeypatch.setattr(version_push, "_current_pid", os.getpid() + 1)
    try:
        with django_assert_num_queries(1):
            tour_version()  # this process's own listener: not subscribed yet
        assert version_push.listener() is not listener
    finally:
        version_push.stop()


def test_without_redis_nothing_is_kept(settings, tour, django_assert_num_queries):
    settings.REDIS_URL = ""
    assert version_push.listener() is None
    with django_assert_num_queries(2):
        assert tour_version() == tour_version()


def test_a_redis_that_is_down_leaves_every_read_to_the_database(
    settings, tour, django_assert_num_queries
):
    settings.REDIS_URL = NOWHERE
    try:
        with django_assert_num_queries(3):
            for _ in range(3):
                tour_version()
                time.sleep(0.2)
    finally:
        version_push.stop()


def test_a_write_is_announced_once_committed(
    settings, tour, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = NOWHERE
    sent = []
    monkeypatch.setattr(version_channel, "publish", lambda url, m: sent.append(m))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            recompute.bump_version(tour)
            recompute.bump_version()
            assert sent == []  # not before the commit
        try:
            with transaction.atomic():
                recompute.bump_version(tour, tour.pk + 1)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert sent == [str(tour.pk), version_channel.EVERY_EDITION]


def test_an_announcement_that_fails_leaves_the_write_alone(
    settings, tour, caplog, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = NOWHERE
    report = RaceReportFactory(
        stage=tour.stages.get(number=12), status=RaceReport.Status.DRAFT
    )
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_publish(report=report)
    report.refresh_from_db()
    assert report.status == RaceReport.Status.PUBLISHED
    assert any("announcement failed" in r.getMessage() for r in caplog.records)


# Through a real Redis


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def subscribed(settings, monkeypatch):
    """This process's real listener on a channel of its own, subscribed."""
    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers: {exc}")
    monkeypatch.setattr(
        version_channel, "CHANNEL_PREFIX", f"toursite-test-{uuid.uuid4().hex}"
    )
    settings.REDIS_URL = url
    settings.TOURSITE_VERSION_PUSH_MAX_AGE = 60
    version_push.stop()
    started = version_push.listener()
    try:
        assert wait_for(lambda: started.usable(time.monotonic()))
        yield started
    finally:
        version_push.stop()


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_write_shows_on_the_next_requests_through_redis(
    client,
    subscribed,
    tour,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    report = RaceReportFactory(
        stage=tour.stages.get(number=12),
        status=RaceReport.Status.DRAFT,
        headline="Pushed through Redis",
    )
    with override_settings(CACHES=LOCMEM, TOURSITE_LOCAL_PAGES=8):
        cache.clear()
        caching._local.clear()
        try:
            assert b"Pushed through Redis" not in client.get(STAGE_12).content
            with django_assert_num_queries(0):
                assert client.get(STAGE_12)["X-Toursite-Page"] == "stored"
            with django_capture_on_commit_callbacks(execute=True):
                reports.report_publish(report=report)
            # Within a moment: the announcement reaches the listener's thread.
            assert wait_for(
                lambda: b"Pushed through Redis" in client.get(STAGE_12).content,
                seconds=1.0,
            )
            with django_assert_num_queries(0):
                assert b"Pushed through Redis" in client.get(STAGE_12).content
        finally:
            caching._local.clear()


def test_a_dropped_subscription_reads_the_database_until_it_is_back(
    subscribed, tour, django_assert_num_queries
):
    tour_version()
    with django_assert_num_queries(0):
        tour_version()
    server = redis.Redis.from_url(redis_url())
    ours = [
        c for c in server.client_list(_type="pubsub") if c["name"] == subscribed.name
    ]
    assert len(ours) == 1
    server.client_kill_filter(_id=ours[0]["id"])
    assert wait_for(lambda: not subscribed.subscribed, seconds=1.0)
    with django_assert_num_queries(2):
        tour_version()
        tour_version()
    # Back after a short backoff, confirmed: kept again.
    assert wait_for(lambda: subscribed.usable(time.monotonic()), seconds=5.0)
    tour_version()
    with django_assert_num_queries(0):
        tour_version()
