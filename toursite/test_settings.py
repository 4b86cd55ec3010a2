"""Settings for the test suite: the real settings, with test-only speed-ups."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-not-used-anywhere-else")

from toursite.settings import *  # noqa: E402,F403

# live_server cannot serve hashed manifest names (STACK.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No shared cache between tests: each test rolls the database back, so
# Edition.version comes back to the same value with other data, and a page stored by
# one test would be served to the next. Pages are still versioned, conditional and
# compressed; tests/toursite/test_caching.py stores them in a local-memory cache (and
# in Redis when REDIS_URL is set). A REDIS_URL in the environment must not make
# test runs share (or flush) a real cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Sign-in counts per address (tests/conftest.py clears them for each test).
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-test-ratelimit",
    },
}
# A locmem counter is exact in one test process.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
# Nor in the per-process copy in front of it.
TOURSITE_LOCAL_PAGES = 0
# Each test rolls back, so no write is ever committed or announced: a kept data
# version would outlive it. tests/toursite/test_version_push.py turns it on.
TOURSITE_VERSION_PUSH_MAX_AGE = 0
