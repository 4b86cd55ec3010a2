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
