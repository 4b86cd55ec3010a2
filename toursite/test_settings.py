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
# Always a private in-process cache: a REDIS_URL in the environment must not make
# test runs share (or flush) a real cache. tests/stages/test_caching.py uses
# REDIS_URL explicitly when it is set.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "toursite-tests",
    }
}
