"""Team pages over the eleven editions: a page per edition, linking to the same
team (same UCI code) in its other editions, newest first; riders' flags of that
edition; every edition's team pages render."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from editions.models import Edition, Team
from stages.services.recompute import bump_version
from tests.factories import EditionFactory, TeamFactory

UAD_2025 = "/races/tour-de-france/2025/teams/uad/"


def other_editions(html: str) -> list[tuple[str, str]]:
    """The other editions' links: (address, label), in page order."""
    match = re.search(r'<nav class="team-editions".*?</nav>', html, re.S)
    if match is None:
        return []
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', match.group(0))


def rider_row(html: str, slug: str) -> str:
    start = html.index(f'href="/riders/{slug}/"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_a_team_page_links_to_its_other_editions_newest_first(client, tour):
    html = client.get(UAD_2025).content.decode()
    assert "<h1>UAE Team Emirates - XRG</h1>" in html
    assert "UAD in other editions" in html
    # The header says how many, and links to the list at the end of the page.
    assert re.search(r'<a href="#editions-title">10 editions</a>', html)
    editions = [
        ("vuelta-a-espana", "Vuelta a España", 2025),
        ("giro-d-italia", "Giro d&#x27;Italia", 2025),
        ("vuelta-a-espana", "Vuelta a España", 2023),
        ("tour-de-france", "Tour de France", 2023),
        ("giro-d-italia", "Giro d&#x27;Italia", 2023),
        ("tour-de-france", "Tour de France", 2022),
        ("giro-d-italia", "Giro d&#x27;Italia", 2022),
        ("vuelta-a-espana", "Vuelta a España", 2021),
        ("tour-de-france", "Tour de France", 2021),
        ("giro-d-italia", "Giro d&#x27;Italia", 2021),
    ]
    assert other_editions(html) == [
        (f"/races/{slug}/{year}/teams/uad/", f"{name} {year}")
        for slug, name, year in editions
    ]
    # Another name in another edition says so; the same name does not.
    nav = re.search(r'<nav class="team-editions".*?</nav>', html, re.S).group(0)
    assert re.search(r'France 2021</a>\s*<span class="meta">as UAE-Team Emirates<', nav)
    assert nav.count("as UAE Team Emirates - XRG") == 0
    assert nav.count("as UAE Team Emirates<") == 5


def test_each_linked_edition_links_back(client, tour):
    html = client.get("/races/giro-d-italia/2021/teams/uad/").content.decode()
    links = [url for url, _ in other_editions(html)]
    assert links[0] == "/races/vuelta-a-espana/2025/teams/uad/"
    assert UAD_2025 in links
    assert "/races/giro-d-italia/2021/teams/uad/" not in links
    assert len(links) == 10


def test_a_new_code_links_nowhere(client, tour):
    # Visma's code changed from TJV to TVL in 2024: no link between them.
    html = client.get("/races/tour-de-france/2025/teams/tvl/").content.decode()
    assert [url for url, _ in other_editions(html)] == [
        "/races/vuelta-a-espana/2025/teams/tvl/",
        "/races/giro-d-italia/2025/teams/tvl/",
    ]
    html = client.get("/races/giro-d-italia/2021/teams/eus/").content.decode()
    assert Team.objects.filter(code="EUS").count() == 1
    assert other_editions(html) == []
    assert "in other editions" not in html
    assert "#editions-title" not in html


def test_a_draft_edition_is_not_linked(client, tour):
    draft = EditionFactory(year=2026, published=False)
    TeamFactory(edition=draft, code="UAD")
    html = client.get(UAD_2025).content.decode()
    assert draft.get_absolute_url() not in html
    assert len(other_editions(html)) == 10


def test_the_queries_do_not_grow_with_the_editions(client, tour):
    with CaptureQueriesContext(connection) as eleven:
        assert client.get(UAD_2025).status_code == 200
    for year in (2030, 2031, 2032):
        TeamFactory(edition__year=year, code="UAD")
    with CaptureQueriesContext(connection) as fourteen:
        html = client.get(UAD_2025).content.decode()
    assert len(other_editions(html)) == 13
    assert other_editions(html)[0][1].endswith(" 2032")
    assert len(fourteen) == len(eleven) == 9


def test_another_editions_change_shows_on_the_team_page(client, tour):
    """The page shows other editions: a write to any of them is a new page."""
    first = client.get(UAD_2025)
    giro = Edition.objects.get(race__slug="giro-d-italia", year=2021)
    Team.objects.filter(edition=giro, code="UAD").update(name="UAE Emirates Giro")
    bump_version(giro)
    again = client.get(UAD_2025, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "as UAE Emirates Giro" in again.content.decode()


def test_rider_flags_are_those_of_the_edition(client, tour):
    """Sivakov rode for Russia in 2021 and for France from 2022."""
    giro_2021 = client.get("/races/giro-d-italia/2021/teams/igd/").content.decode()
    assert 'title="Nationality: Russia">RU<' in rider_row(giro_2021, "pavel-sivakov")
    giro_2022 = client.get("/races/giro-d-italia/2022/teams/igd/").content.decode()
    assert 'title="Nationality: France">FR<' in rider_row(giro_2022, "pavel-sivakov")
    tour_2025 = client.get(UAD_2025).content.decode()
    assert 'title="Nationality: France">FR<' in rider_row(tour_2025, "pavel-sivakov")


def test_start_list_flags_are_those_of_the_edition(client, tour):
    def flag(race: str, year: int) -> str:
        html = client.get(f"/races/{race}/{year}/riders/").content.decode()
        html = html[html.index('id="teams-title"') :]  # not who left
        start = html.index('href="/riders/pavel-sivakov/"')
        item = html[html.rindex("<li>", 0, start) : start]
        return re.search(r'title="Nationality: [^"]+">(\w\w)<', item).group(1)

    assert flag("vuelta-a-espana", 2021) == "RU"
    assert flag("giro-d-italia", 2021) == "RU"
    assert flag("giro-d-italia", 2023) == "FR"


def test_every_editions_team_pages_render(client, tour):
    """Every edition's team list, and team pages of each: all of the Vuelta
    2025's (a stage neutralised, one not raced), three of every other one's."""
    editions = list(Edition.objects.published().prefetch_related("teams"))
    assert len(editions) == 11
    for edition in editions:
        base = f"/races/{edition.race.slug}/{edition.year}/teams/"
        html = client.get(base).content.decode()
        teams = list(edition.teams.all())
        assert len(teams) >= 22
        assert html.count('<th scope="row">') == len(teams), base
        if str(edition) != "Vuelta a España 2025":
            teams = [teams[0], teams[len(teams) // 2], teams[-1]]
        for team in teams:
            response = client.get(f"{base}{team.code.lower()}/")
            assert response.status_code == 200, (base, team.code)
            html = response.content.decode()
            assert f"<h1>{escape(team.name)}</h1>" in html
            assert 'id="riders-title"' in html
