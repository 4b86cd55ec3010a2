"""Fixtures of the API tests: a page store (local memory) for the caching tests."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from toursite import caching

LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-api-tests",
    }
}


@pytest.fixture
def stored_pages():
    """Pages stored as in production (the test settings store none)."""
    caching._local.clear()
    with override_settings(CACHES=LOCMEM, TOURSITE_LOCAL_PAGES=8):
        cache.clear()
        yield
    caching._local.clear()
