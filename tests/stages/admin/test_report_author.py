"""Who signs a race report (issue "Hardening", item 13): editors sign as
themselves, whatever they post; superusers choose among the staff users.

An editor who edits someone else's report leaves it signed by its author: fixing
a typo does not take a report over."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stages.models import RaceReport, Stage
from stages.services.users import editor_grant

ADD = reverse("admin:stages_racereport_add")


def change_url(report: RaceReport) -> str:
    return reverse("admin:stages_racereport_change", args=[report.pk])


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("eddy", password="secret-pass-123")
    editor_grant(user=user)
    return user


@pytest.fixture
def other_editor(db) -> User:
    user = User.objects.create_user("anne", password="secret-pass-123")
    editor_grant(user=user)
    return user


@pytest.fixture
def boss(db) -> User:
    return User.objects.create_superuser("boss", password="secret-pass-123")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stage12(tour) -> Stage:
    return Stage.objects.get(edition=tour, number=12)


def report_data(stage: Stage, **overrides) -> dict:
    when = timezone.localtime()
    data = {
        "stage": stage.pk,
        "language": "en",
        "headline": "Izagirre again",
        "body": "A **hard** day.",
        "status": RaceReport.Status.DRAFT,
        "published_at_0": when.strftime("%Y-%m-%d"),
        "published_at_1": when.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return data


def author_select(html: str) -> str:
    found = re.search(r'<select[^>]*name="author".*?</select>', html, re.S)
    assert found, "the form shows no author"
    return found.group(0)


def test_an_editor_sees_himself_as_the_author_and_cannot_change_it(
    editor, boss, stage12
):
    # Even an author named in the address is not taken.
    html = client_of(editor).get(f"{ADD}?author={boss.pk}").content.decode()
    select = author_select(html)
    assert " disabled" in select.split(">", 1)[0]
    assert re.search(rf'<option value="{editor.pk}" selected>eddy</option>', select)
    assert "Only a superuser chooses another author." in html


def test_an_editor_forging_the_author_of_a_new_report_signs_it_himself(
    editor, boss, stage12
):
    response = client_of(editor).post(ADD, report_data(stage12, author=boss.pk))
    assert response.status_code == 302
    assert RaceReport.objects.get(headline="Izagirre again").author == editor


def test_an_editor_editing_a_report_keeps_its_author(editor, other_editor, stage12):
    report = RaceReport.objects.create(
        stage=stage12, headline="Izagirre again", body="x", author=other_editor
    )
    response = client_of(editor).post(
        change_url(report), report_data(stage12, author=editor.pk, body="Fixed.")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.body == "Fixed."  # the edit is saved, not the author
    assert report.author == other_editor


def test_an_editor_cannot_sign_his_own_report_as_the_superuser(editor, boss, stage12):
    report = RaceReport.objects.create(
        stage=stage12, headline="Izagirre again", body="x", author=editor
    )
    client_of(editor).post(change_url(report), report_data(stage12, author=boss.pk))
    report.refresh_from_db()
    assert report.author == editor


def test_a_superuser_chooses_the_author_among_staff_users(boss, editor, stage12):
    client = client_of(boss)
    html = client.get(ADD).content.decode()
    select = author_select(html)
    assert " disabled" not in select.split(">", 1)[0]
    assert f'<option value="{editor.pk}">eddy</option>' in select
    response = client.post(ADD, report_data(stage12, author=editor.pk))
    assert response.status_code == 302
    report = RaceReport.objects.get(headline="Izagirre again")
    assert report.author == editor
    client.post(change_url(report), report_data(stage12, author=boss.pk))
    report.refresh_from_db()
    assert report.author == boss


def test_a_superuser_cannot_sign_as_a_user_who_is_not_staff(boss, stage12):
    fan = User.objects.create_user("fan")
    response = client_of(boss).post(ADD, report_data(stage12, author=fan.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not RaceReport.objects.filter(headline="Izagirre again").exists()
