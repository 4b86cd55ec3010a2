"""Home, edition, rider, team and start-list pages as a fan reads them: reports
under their own race, report subheadings below the headline, the GC-gaps chart
coloured by the stylesheet, and the spoiler markers on every outcome."""

import re

import pytest

from stages import charts
from stages.markdown import render_markdown
from stages.models import RaceReport, Stage
from tests.factories import RaceReportFactory

HX = {"HX-Request": "true"}
SPOILS = re.compile(r'data-spoils="([a-z-]+/\d{4}/\d+)"')


def section(html: str, heading_id: str) -> str:
    """The card or section labelled by ``heading_id``, up to the next section."""
    return html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX])
def test_home_lists_a_report_under_its_own_race(client, headers):
    # The Vuelta 2025 is the current race; the only report is the Tour 2023's
    # stage 12.
    reports = section(
        client.get("/", headers=headers).content.decode(), "reports-heading"
    )
    assert "No reports from the Vuelta a España 2025 yet." in reports
    tour_heading = reports.index('<h3 class="report-group">Tour de France 2023</h3>')
    assert reports.index("Izagirre goes alone") > tour_heading
    assert 'data-spoils="tour-de-france/2023/12"' in reports


@pytest.mark.django_db
def test_home_puts_the_current_race_reports_first(client):
    stage = Stage.objects.get(
        edition__race__slug="vuelta-a-espana", edition__year=2025, number=20
    )
    RaceReportFactory(stage=stage, headline="Vingegaard holds on")
    reports = section(client.get("/").content.decode(), "reports-heading")
    assert "No reports from the Vuelta" not in reports
    assert reports.index("Vingegaard holds on") < reports.index(
        "Tour de France 2023</h3>"
    )
    assert reports.index("Tour de France 2023</h3>") < reports.index("Izagirre")
    assert 'data-spoils="vuelta-a-espana/2025/20"' in reports


@pytest.mark.django_db
def test_home_top_ten_shows_jerseys_and_marks_spoilers(client):
    html = client.get("/").content.decode()
    # The latest stage with results: the Vuelta 2025's 20th (the 21st was not
    # raced, its standings are those after the 20th).
    top = section(html, "top-ten-heading")
    assert 'data-spoils="vuelta-a-espana/2025/20"' in top
    assert "Red jersey" in top  # Vingegaard, first of stage 20, wore it that day
    # The team column folds under the name on a phone: the team is in both.
    assert top.count("Red Bull - BORA - hansgrohe") == 2  # Hindley's
    leaders = section(html, "jerseys-heading")
    assert 'data-spoils="vuelta-a-espana/2025/21"' in leaders
    cards = html.split('id="seasons-heading"')[1]
    assert 'data-spoils="tour-de-france/2023/21"' in cards


def test_report_subheadings_sit_below_the_headline():
    html = str(render_markdown("# Big\n\n## The climb\n\n### Behind\n\ntext"))
    assert "<h3>Big</h3>" in html
    assert "<h3>The climb</h3>" in html
    assert "<h4>Behind</h4>" in html
    assert "<h2" not in html


@pytest.mark.django_db
def test_stage_page_report_heading_levels(client, tour):
    RaceReport.objects.filter(stage__edition=tour, stage__number=12).update(
        body="Izagirre attacked.\n\n## The climb\n\nSteep."
    )
    html = client.get("/races/tour-de-france/2023/stage-12/").content.decode()
    article = html.split('class="card report"', 1)[1].split("</article>")[0]
    assert re.search(r"<h2 id=\"report-\d+\">", article)
    assert "<h3>The climb</h3>" in article


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HX])
def test_edition_marks_each_stage_outcome_and_the_chart(client, headers):
    html = client.get("/races/tour-de-france/2023/", headers=headers).content.decode()
    table = html.split('class="results results--stages"')[1].split("</table>")[0]
    marked = SPOILS.findall(table)
    # Winner and leader cells of each of the 21 stages.
    for n in range(1, 22):
        assert marked.count(f"tour-de-france/2023/{n}") == 2
    assert re.search(
        r'class="chart-section"\s+data-spoils="tour-de-france/2023/21"', html
    )
    # The lines take their colours from the stylesheet (light and dark themes).
    chart = html.split('class="chart"', 1)[1].split("</figure>")[0]
    assert "chart__series--1" in chart
    assert "chart__series--10" in chart
    assert not re.search(r'(fill|stroke)="#', chart)
    # The phone's chart names the lines in a legend.
    assert html.count('class="chart__svg chart__svg--narrow"') == 1
    assert "1. J. VINGEGAARD</li>" in " ".join(html.split()).replace(" </li>", "</li>")


def test_phone_chart_has_no_end_labels_and_fewer_ticks():
    stages = list(range(1, 22))
    gaps = [("1. A", dict.fromkeys(stages, 0)), ("2. B", {n: 5 * n for n in stages})]
    wide = charts.gap_chart(gaps, stages)
    narrow = charts.gap_chart(gaps, stages, width=340, labels=False, tick_every=5)
    assert narrow.right == 340 - 12  # no room kept for labels
    assert wide.right == 760 - 150
    assert [t.label for t in narrow.x_ticks] == ["1", "5", "10", "15", "20"]
    assert len(wide.x_ticks) == 21
    assert [line.series for line in wide.lines] == [1, 2]


@pytest.mark.django_db
def test_rider_page_marks_rows_and_summary(client):
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    tour = html.split('id="tour-de-france-2023"')[1]
    marked = set(SPOILS.findall(tour))
    assert {f"tour-de-france/2023/{n}" for n in range(1, 22)} <= marked
    # The summary (GC ranks after the last stage, his stage win, his jersey, the
    # chart) is one block marked with the edition's latest stage, not his win's.
    assert '<div class="ride-summary" data-spoils="tour-de-france/2023/21">' in tour
    summary = tour.split('class="ride-summary"')[1].split("</figure>")[0]
    assert 'class="ride-win">' in summary
    assert summary.count("data-spoils") == 1
    # The jerseys he wore fold beside the stage on a phone ("Wore" hides).
    assert 'class="fold-inline"' in tour
    assert '<th scope="col" class="col-fold">Wore</th>' in tour


@pytest.mark.django_db
def test_team_pages_and_start_list_mark_outcomes(client):
    team = client.get("/races/tour-de-france/2023/teams/cof/").content.decode()
    # Geschke's DNF (stage 18) waits for the latest stage, as every rider's status
    # does: a placeholder on his row alone would tell who left.
    geschke = team[team.index("GESCHKE") :]
    geschke = geschke[: geschke.index("</tr>")]
    assert 'data-spoils="tour-de-france/2023/21"' in geschke
    assert 'data-spoils="tour-de-france/2023/18"' not in geschke
    # The wins (Izagirre's on stage 12) as one block with the latest stage.
    assert '<div class="team-wins" data-spoils="tour-de-france/2023/21">' in team
    wins = team.split('class="team-wins"')[1].split("</section>")[0]
    assert "ion-izagirre" in wins
    assert wins.count("data-spoils") == 1
    assert '<tr data-spoils="tour-de-france/2023/21">' in team  # after stage 21
    teams = client.get("/races/tour-de-france/2023/teams/").content.decode()
    assert teams.count('<tr data-spoils="tour-de-france/2023/21">') == 22
    start = client.get("/races/tour-de-france/2023/riders/").content.decode()
    # Who left, and when, waits for the latest stage as one block (no placeholder
    # per rider that would tell who left on which stage).
    assert 'aria-labelledby="left-title" data-spoils="tour-de-france/2023/21"' in start
    left = start.split('class="results results--compact left-table"')[1]
    assert "data-spoils" not in left.split("</table>")[0]
