"""Shared fixtures. The three real 2023 Grand Tours are loaded once per test session;
each test runs in a transaction on top of them."""

import pytest
from django.core.cache import caches
from django.core.management import call_command

from editions.models import Edition


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def tour(db) -> Edition:
    return Edition.objects.select_related("race").get(
        race__slug="tour-de-france", year=2023
    )


@pytest.fixture
def giro(db) -> Edition:
    return Edition.objects.select_related("race").get(
        race__slug="giro-d-italia", year=2023
    )


@pytest.fixture
def vuelta(db) -> Edition:
    return Edition.objects.select_related("race").get(
        race__slug="vuelta-a-espana", year=2023
    )


@pytest.fixture(autouse=True)
def _sign_in_counts_reset():
    """Sign-in POSTs are counted per address across requests (django-ratelimit, in
    its own cache): every test starts with none."""
    caches["ratelimit"].clear()
    return
