"""Fixtures of the service tests: a small race (tests.factories), a count of the
engine's runs, and a cache that keeps what the services put in it."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from racing import standings
from tests.factories import SmallRace, small_race


@pytest.fixture
def race(db) -> SmallRace:
    return small_race()


@pytest.fixture
def engine_runs():
    """The engine's runs (``racing.standings.compute``) during the test."""
    with mock.patch.object(standings, "compute", wraps=standings.compute) as runs:
        yield runs


@pytest.fixture
def kept():
    """A local-memory cache (the test settings' dummy cache keeps nothing)."""
    locmem = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "toursite-service-tests",
        }
    }
    with override_settings(CACHES=locmem):
        cache.clear()
        yield cache
        cache.clear()
