"""A rider's page as his career: every Grand Tour he rode, newest first, with his
result, stage wins, jersey days, team and nationality, and a summary on top
(riders.careers)."""

import re
from html import unescape

import pytest

from editions.models import Edition, Entry
from riders.careers import Spell
from stages.models import Stage, StageResult
from stages.services import recompute

POGACAR = "/riders/tadej-pogacar/"

# His stage wins in the official tables (the position 1 rows of his bib in each
# edition's stage_results.csv; none of these Tours had a team time trial).
POGACAR_WINS = {
    2025: [4, 7, 12, 13],
    2023: [6, 20],
    2022: [6, 7, 17],
    2021: [5, 17, 18],
}


def text(html: str) -> str:
    """What a screen reader reads (no flag emoji): tags out, spaces collapsed,
    none before punctuation."""
    html = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', "", html)
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.:])", r"\1", words)


def career_rows(html: str) -> list[str]:
    """The rows of the list of Grand Tours (no header)."""
    table = re.search(r'<table class="[^"]*career-table.*?</table>', html, re.S)[0]
    return re.findall(r"<tr>.*?</tr>", table[table.index("<tbody>") :], re.S)


def cells(row: str) -> list[str]:
    """The row's header cell, then its data cells, as HTML."""
    return re.findall(r"<t[hd][ >].*?</t[hd]>", row, re.S)


def summary(html: str) -> str:
    start = html.index(">", html.index('class="career-summary"')) + 1
    return text(html[start : html.index("</dl>", start)])


def test_pogacar_career_is_his_four_tours_with_wins_and_stage_wins(client, tour):
    html = client.get(POGACAR).content.decode()
    rows = career_rows(html)
    races = [re.search(r'<a href="([^"]+)">([^<]+)</a>', r).groups() for r in rows]
    assert races == [
        (f"/races/tour-de-france/{y}/", f"Tour de France {y}")
        for y in (2025, 2023, 2022, 2021)
    ]
    for row, year in zip(rows, (2025, 2023, 2022, 2021), strict=True):
        race, result, wins, *_ = cells(row)
        won = year in (2021, 2025)
        assert text(result).startswith("1st winner" if won else "2nd"), year
        assert ("winner" in result) is won
        links = re.findall(r'href="/races/tour-de-france/(\d+)/stage-(\d+)/"', wins)
        assert links == [(str(year), str(n)) for n in POGACAR_WINS[year]], year
    assert "Won the mountains and youth classifications" in text(rows[-1])
    facts = summary(html)
    assert "4 started, 4 finished" in facts
    assert re.search(r"Stages won 12\b", facts)
    assert "General (2): Tour de France 2025, Tour de France 2021" in facts


def test_each_row_names_team_and_nationality_of_that_edition(client, tour):
    html = client.get(POGACAR).content.decode()
    race, result, wins, jerseys, team, nationality = cells(career_rows(html)[2])
    assert 'href="/races/tour-de-france/2022/teams/uad/"' in team
    assert text(team) == "UAE Team Emirates"
    assert text(nationality) == "SI"
    # Folded under the race on a phone: the team and flag, then wins and jerseys.
    assert "UAE Team Emirates" in race
    assert 'href="#tour-de-france-2022"' in race  # to the edition's section
    assert re.search(r'aria-label="Yellow jersey[^"]*".*?5 days', jerseys, re.S)


def test_sivakov_rode_for_russia_in_2021_and_france_since(client, tour):
    html = client.get("/riders/pavel-sivakov/").content.decode()
    start = html.index("<h1>")
    header = text(html[start : html.index("</header>", start)])
    assert "Rode for RU in 2021, FR since 2022" in header
    rows = career_rows(html)
    codes = [text(cells(r)[-1]) for r in rows]
    editions = [text(re.search(r"<a [^>]*>([^<]+)</a>", r)[1]) for r in rows]
    assert list(zip(editions, codes, strict=True)) == [
        ("Tour de France 2025", "FR"),
        ("Giro d'Italia 2023", "FR"),
        ("Giro d'Italia 2022", "FR"),
        ("Vuelta a España 2021", "RU"),
        ("Giro d'Italia 2021", "RU"),
    ]


def test_a_rider_of_one_nationality_gets_no_change_note(client, tour):
    html = client.get(POGACAR).content.decode()
    assert "Rode for" not in html


@pytest.mark.parametrize(
    ("slug", "edition", "result", "link"),
    [
        ("mark-cavendish", "Tour de France 2023", "DNF stage 8", "tour-de-france/2023"),
        ("pavel-sivakov", "Giro d'Italia 2021", "DNS stage 6", "giro-d-italia/2021"),
        ("arnaud-demare", "Tour de France 2021", "OTL stage 9", "tour-de-france/2021"),
    ],
)
def test_a_rider_who_left_shows_how_and_on_which_stage(
    client, tour, slug, edition, result, link
):
    html = client.get(f"/riders/{slug}/").content.decode()
    row = next(r for r in career_rows(html) if edition in unescape(r))
    cell = cells(row)[1]
    assert text(cell) == result
    stage = result.split()[-1]
    assert f'href="/races/{link}/stage-{stage}/"' in cell


def test_grand_tours_started_and_finished_count_exits(client, tour):
    html = client.get("/riders/pavel-sivakov/").content.decode()
    # Five started, two left (Giro 2021, Giro 2023).
    assert "5 started, 3 finished" in summary(html)


def test_a_race_still_on_shows_his_current_gc_as_such(client, tour):
    tdf2025 = Edition.objects.get(race__slug="tour-de-france", year=2025)
    StageResult.objects.filter(stage__edition=tdf2025, stage__number__gt=14).delete()
    Stage.objects.filter(edition=tdf2025, number__gt=14).update(
        status=Stage.Status.SCHEDULED
    )
    recompute.recompute_standings(tdf2025)
    html = client.get(POGACAR).content.decode()
    result = text(cells(career_rows(html)[0])[1])
    assert result == "1st after stage 14: current GC, the race is on"
    assert "4 started, 3 finished" in summary(html)
    # Not yet a win of his: the summary counts the 2021 Tour only.
    assert "General (1): Tour de France 2021" in summary(html)


def test_a_race_whose_last_stage_was_not_raced_is_over(client, tour):
    # The Vuelta 2025's stage 21 was cancelled: its GC after stage 20 is final.
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    row = next(r for r in career_rows(html) if "Vuelta a España 2025" in r)
    assert text(cells(row)[1]).startswith("1st winner")


def test_outcomes_are_marked_for_spoiler_free_mode_and_the_race_is_not(client, tour):
    html = client.get(POGACAR).content.decode()
    row = career_rows(html)[1]  # the 2023 Tour
    race, *marked = cells(row)[:4]
    assert "data-spoils" not in race[: race.index("<span")]  # race name shows
    for cell in marked:  # result, stage wins, jersey days
        assert 'data-spoils="tour-de-france/2023/21"' in cell
    assert 'class="career-summary" data-spoils="tour-de-france/2025/21"' in html


def test_every_edition_has_its_own_gc_chart_with_unique_ids(client, tour):
    html = client.get(POGACAR).content.decode()
    charts = re.findall(r'<figure class="chart rank-chart.*?</figure>', html, re.S)
    assert len(charts) == 4
    titles = re.findall(r'<title id="([^"]+)">[^<]*general classification', html)
    years = (2025, 2023, 2022, 2021)
    assert titles == [f"gc-chart-tour-de-france-{y}-title" for y in years]
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    # The text alternative of each: the ranks in the SVG, and the table's GC column.
    for year, chart in zip(years, charts, strict=True):
        assert f'href="#tour-de-france-{year}-stages"' in chart
        assert f'id="tour-de-france-{year}-stages"' in html


@pytest.mark.parametrize(
    "slug",
    # One edition (the Tour 2023, with checkpoints), four Tours, eight Grand Tours.
    ["rasmus-tiller", "tadej-pogacar", "sepp-kuss"],
)
def test_rider_page_query_count_does_not_grow_with_editions(
    client, tour, django_assert_num_queries, slug
):
    rides = Entry.objects.filter(rider__slug=slug).count()
    assert rides == {"rasmus-tiller": 1, "tadej-pogacar": 4, "sepp-kuss": 8}[slug]
    # Data versions, rider, then rides_of's 6 and the checkpoints scored.
    with django_assert_num_queries(9):
        response = client.get(f"/riders/{slug}/")
    assert len(career_rows(response.content.decode())) == rides


def test_years_of_a_nationality_read_as_runs():
    assert Spell("RU", (2021,)).years_text == "2021"
    assert Spell("RU", (2021, 2022)).years_text == "2021–2022"
    assert Spell("RU", (2019, 2021, 2022)).years_text == "2019 and 2021–2022"
    assert Spell("RU", (2017, 2019, 2021)).years_text == "2017, 2019 and 2021"
