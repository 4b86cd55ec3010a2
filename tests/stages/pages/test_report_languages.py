"""Race reports in the site's languages: a stage page shows the report in its own
language when there is one, otherwise the English one with a note of its language;
the home page and the feed choose the same way; editors write one per language."""

import re

import pytest
from django.urls import reverse

from stages.models import RaceReport, Stage
from stages.queries import in_language
from tests.factories import RaceReportFactory

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
ENGLISH = "Izagirre goes alone over the Croix Montmain"
FRENCH = "Izagirre s&#x27;en va seul dans la Croix Montmain"
SPANISH = "Izagirre se va en solitario en la Croix Montmain"


def reports_of(html: str) -> str:
    return html[html.index('<div class="stage-reports">') :]


@pytest.mark.parametrize(
    ("prefix", "shown", "hidden"),
    [
        ("", ENGLISH, (FRENCH, SPANISH)),
        ("/fr", FRENCH, (ENGLISH, SPANISH)),
        ("/es", SPANISH, (ENGLISH, FRENCH)),
    ],
)
def test_the_stage_page_shows_the_report_in_its_language(
    client, tour, prefix, shown, hidden
):
    reports = reports_of(client.get(prefix + STAGE_12).content.decode())
    assert shown in reports
    for other in hidden:
        assert other not in reports
    assert 'class="report-language"' not in reports


def test_without_one_in_its_language_the_page_shows_english_and_says_so(client, tour):
    reports = reports_of(client.get("/it" + STAGE_12).content.decode())
    assert ENGLISH in reports
    assert FRENCH not in reports
    assert SPANISH not in reports
    note = re.search(r'<p class="report-language">\s*(.*?)\s*</p>', reports, re.S)
    assert "inglese" in note.group(1).lower()
    assert re.search(r'<h2 id="report-\d+" lang="en">Izagirre goes alone', reports)
    assert '<div class="prose" lang="en">' in reports


def test_in_language_prefers_the_page_language_then_english(tour):
    stage = Stage.objects.get(edition=tour, number=12)
    reports = list(RaceReport.objects.filter(stage=stage))
    assert {r.language for r in in_language(reports, "fr")} == {"fr"}
    assert {r.language for r in in_language(reports, "it")} == {"en"}
    only_spanish = [r for r in reports if r.language == "es"]
    assert in_language(only_spanish, "it") == only_spanish


def test_the_home_page_and_the_feed_list_each_stage_once_per_language(client, tour):
    home = client.get("/fr/").content.decode()
    assert FRENCH in home
    assert ENGLISH not in home
    feed = client.get("/fr/feed/reports.atom").content.decode()
    assert "Izagirre s&#x27;en va seul" in feed or "Izagirre s'en va seul" in feed
    assert ENGLISH not in feed
    english_feed = client.get("/feed/reports.atom").content.decode()
    assert ENGLISH in english_feed
    assert "en va seul" not in english_feed


def test_a_new_report_in_a_language_replaces_the_english_fallback(client, tour):
    stage = Stage.objects.get(edition=tour, number=12)
    RaceReportFactory(
        stage=stage,
        language="it",
        headline="Izagirre se ne va da solo",
        status=RaceReport.Status.PUBLISHED,
    )
    reports = reports_of(client.get("/it" + STAGE_12).content.decode())
    assert "Izagirre se ne va da solo" in reports
    assert ENGLISH not in reports


@pytest.fixture
def editor(admin_client):
    return admin_client


def test_the_report_admin_writes_one_per_language(editor, tour):
    report = RaceReport.objects.get(stage__edition=tour, language="en")
    url = reverse("admin:stages_racereport_change", args=[report.pk])
    html = editor.get(url).content.decode()
    assert 'name="language"' in html
    section = html[html.index('class="report-languages"') :]
    section = section[: section.index("</section>")]
    french = RaceReport.objects.get(stage=report.stage, language="fr")
    assert reverse("admin:stages_racereport_change", args=[french.pk]) in section
    add = reverse("admin:stages_racereport_add")
    assert f"{add}?stage={report.stage_id}&amp;language=it" in section
    # The link fills the form in: the stage and Italian.
    form = editor.get(f"{add}?stage={report.stage_id}&language=it").content.decode()
    assert re.search(r'<option value="it" selected>', form)


def test_a_report_language_outside_the_sites_is_refused(editor, tour):
    stage = Stage.objects.get(edition=tour, number=3)
    response = editor.post(
        reverse("admin:stages_racereport_add"),
        {
            "stage": stage.pk,
            "language": "de",
            "headline": "Etappe 3",
            "status": "draft",
            "published_at_0": "2023-07-03",
            "published_at_1": "18:00:00",
            "body": "Text.",
        },
    )
    assert response.status_code == 200
    assert not RaceReport.objects.filter(stage=stage, language="de").exists()
    assert "errorlist" in response.content.decode()
