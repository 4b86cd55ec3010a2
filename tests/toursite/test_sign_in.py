"""Sign-in throttling: django-axes locks a username at one address after a few wrong
passwords, django-ratelimit caps sign-in POSTs per address; both refuse before any
password is hashed, and neither locks out anyone else."""

import time
from types import SimpleNamespace
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import base_user
from django.contrib.auth.models import User
from django.test import Client, override_settings

from toursite import caching

LOGIN = "/admin/login/"
PASSWORD = "a-long-enough-password"
A = "203.0.113.7"
B = "198.51.100.9"


@pytest.fixture(autouse=True)
def _one_rate_window():
    """django-ratelimit counts per minute-long window of the clock: a test whose
    sign-ins straddled a window's end (a slow run) would see the count restart.
    Its clock is held still, so every test's sign-ins fall in one window."""
    still = int(time.time())
    with mock.patch("django_ratelimit.core.time", SimpleNamespace(time=lambda: still)):
        yield


@pytest.fixture
def editor(db) -> User:
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def hashes():
    """Counts password checks: each costs a hash in production."""
    with mock.patch.object(
        base_user, "check_password", wraps=base_user.check_password
    ) as spy:
        yield spy


def sign_in(username: str, password: str, address: str = A, **headers):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        headers=headers,
    )
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_five_wrong_passwords_lock_that_username_at_that_address(editor, hashes):
    for _ in range(4):
        response = sign_in("editor", "wrong")
        assert response.status_code == 200  # the form again, with its error
        assert b"Please enter the correct username and password" in response.content
    assert sign_in("editor", "wrong").status_code == 429  # the fifth locks
    assert hashes.call_count == 5
    locked = sign_in("editor", PASSWORD)
    assert locked.status_code == 429
    assert b"Sign-in locked for now" in locked.content
    assert b"15 minutes" in locked.content
    assert locked["Retry-After"] == "900"
    assert hashes.call_count == 5  # refused before hashing


def test_a_lock_leaves_other_users_and_addresses_signing_in(editor, hashes):
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    for _ in range(6):
        sign_in("editor", "wrong")
    assert signed_in(sign_in("colleague", PASSWORD))
    assert signed_in(sign_in("editor", PASSWORD, address=B))


def test_a_superuser_sees_the_lock_and_lifts_it_in_the_admin(editor):
    for _ in range(5):
        sign_in("editor", "wrong")
    chief = Client()
    chief.force_login(User.objects.create_superuser("chief", password=PASSWORD))
    listing = chief.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert b"editor" in listing.content
    assert A.encode() in listing.content
    attempt = AccessAttempt.objects.get(username="editor")
    response = chief.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert signed_in(sign_in("editor", PASSWORD))


def test_sign_in_posts_per_address_are_capped_before_any_hashing(db, hashes):
    # Random usernames: no single username is locked, the address is.
    for n in range(10):
        assert sign_in(f"nobody{n}", "wrong").status_code == 200
    assert hashes.call_count == 0  # unknown users hash a dummy password...
    throttled = sign_in("nobody10", "wrong")
    assert throttled.status_code == 429
    assert b"Too many sign-in attempts" in throttled.content
    assert 0 < int(throttled["Retry-After"]) <= 65
    # ...and another address is still served.
    assert sign_in("nobody11", "wrong", address=B).status_code == 200


def test_unknown_users_are_refused_without_hashing_once_throttled(db):
    with mock.patch("django.contrib.auth.backends.UserModel.set_password") as dummy:
        for n in range(12):
            sign_in(f"nobody{n}", "wrong")
    # Django hashes a dummy password for an unknown user (timing): 10, not 12.
    assert dummy.call_count == 10


def test_a_forged_forwarded_for_does_not_escape_the_cap(db):
    for n in range(10):
        sign_in(f"x{n}", "wrong", **{"X-Forwarded-For": f"10.0.0.{n}"})
    assert sign_in("x", "wrong", **{"X-Forwarded-For": "10.0.1.1"}).status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appends_is_counted(db):
    def via_proxy(username: str, forwarded: str):
        headers = {"X-Forwarded-For": forwarded}
        return sign_in(username, "wrong", address="127.0.0.1", **headers)

    for n in range(10):
        assert via_proxy(f"x{n}", A).status_code == 200
    assert via_proxy("x", A).status_code == 429
    # Another visitor behind the same proxy is another address...
    assert via_proxy("y", B).status_code == 200
    # ...and what a client writes in front of the proxy's entry is not trusted.
    assert via_proxy("z", f"{B}, {A}").status_code == 429


@override_settings(PROXY_COUNT=1)
def test_a_lock_behind_a_proxy_is_one_visitor_s(editor):
    for _ in range(5):
        sign_in("editor", "wrong", address="127.0.0.1", **{"X-Forwarded-For": A})
    elsewhere = sign_in(
        "editor", PASSWORD, address="127.0.0.1", **{"X-Forwarded-For": B}
    )
    assert signed_in(elsewhere)


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
)
def test_sign_in_works_while_the_counter_s_cache_is_down(editor):
    caching._cache_down_until = 0.0
    try:
        assert signed_in(sign_in("editor", PASSWORD))
    finally:
        caching._cache_down_until = 0.0


def test_a_refused_next_lands_in_the_admin(editor):
    client = Client()
    response = client.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
