"""The stage page's "Climbs & sprints" table: every checkpoint of the stage in km
order with who scored there and what it was worth, as a page, an HTMX fragment,
CSV and JSON; and the points and mountains totals linking to where they were won.
"""

import csv
import io
import re

import pytest

from stages.models import Checkpoint, CheckpointCrossing, Stage
from stages.queries import checkpoint_table, stage_checkpoints

pytestmark = pytest.mark.django_db

TOUR = "/races/tour-de-france/2023/"
STAGE_17 = f"{TOUR}stage-17/"
CHECKPOINTS_17 = f"{STAGE_17}checkpoints/"
HX = {"HX-Request": "true"}
HEADER = [
    *("checkpoint", "kind", "category", "km", "rank", "bib", "rider", "team"),
    *("points", "bonus_seconds"),
]
# Page: version, stage, teams, checkpoints, crossings, stage numbers, key facts
# (stage top ten, GC top ten, its jerseys, leaders), reports. The route and the
# strip reuse the table's checkpoints.
PAGE_QUERIES = 11
# Fragment: version, stage, teams, checkpoints, crossings, stage numbers.
FRAGMENT_QUERIES = 6


def squash(html: str) -> str:
    return " ".join(html.split())


def read_csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == HEADER
    return list(reader)


def section(html: str, name: str) -> str:
    """The markup of the checkpoint section headed ``name``."""
    start = html.index(f'<span class="checkpoint-result__name">{name}</span>')
    end = html.find("</section>", start)
    return html[start:end]


def stage(edition, number: int) -> Stage:
    return Stage.objects.select_related("edition__race").get(
        edition=edition, number=number
    )


# CSV and JSON -----------------------------------------------------------------


def test_csv_has_the_col_de_la_loze_and_its_bonus_point(client, tour):
    rows = read_csv(client, f"{STAGE_17}checkpoints.csv")
    loze = [r for r in rows if r["checkpoint"] == "Col de la Loze"]
    assert loze[0] == {
        "checkpoint": "Col de la Loze",
        "kind": "climb",
        "category": "HC",
        "km": "159.1",
        "rank": "1",
        "bib": "95",
        "rider": "GALL Felix",
        "team": "ACT",
        "points": "40",  # 20 for the first over an HC climb, times 2
        "bonus_seconds": "0",
    }
    assert [r["points"] for r in loze] == ["40", "30", "24", "20", "16", "12", "8", "4"]
    bonus = [r for r in rows if r["checkpoint"] == "Col de la Loze (bonus point)"]
    assert [(r["bib"], r["bonus_seconds"], r["points"]) for r in bonus] == [
        ("95", "8", "0"),
        ("161", "5", "0"),
        ("1", "2", "0"),
    ]
    assert bonus[0]["kind"] == "bonus"
    assert bonus[0]["category"] == ""


def test_csv_rows_follow_the_route_then_the_ranks(client, tour):
    rows = read_csv(client, f"{STAGE_17}checkpoints.csv")
    order = list(dict.fromkeys(r["checkpoint"] for r in rows))
    assert order == [
        "Col des Saisies",
        "Beaufort",
        "Cormet de Roselend",
        "Côte de Longefoy",
        "Col de la Loze",
        "Col de la Loze (bonus point)",
    ]
    for name in order:
        ranks = [int(r["rank"]) for r in rows if r["checkpoint"] == name]
        assert ranks == sorted(ranks)
    assert (
        len(rows)
        == CheckpointCrossing.objects.filter(
            checkpoint__stage__edition=tour, checkpoint__stage__number=17
        ).count()
    )
    sprint = next(r for r in rows if r["checkpoint"] == "Beaufort")
    assert (sprint["kind"], sprint["rank"], sprint["points"]) == ("sprint", "1", "20")


def test_json_is_the_csv_with_numbers(client, tour):
    data = client.get(f"{STAGE_17}checkpoints.json").json()
    assert data["fields"] == HEADER
    assert data["caption"] == "Climbs and sprints of stage 17"
    loze = next(r for r in data["rows"] if r["checkpoint"] == "Col de la Loze")
    assert loze["km"] == 159.1
    assert (loze["rank"], loze["bib"], loze["points"]) == (1, 95, 40)


def test_filters_narrow_the_download(client, tour):
    rows = read_csv(client, f"{STAGE_17}checkpoints.csv?q=gall")
    assert rows
    assert {r["bib"] for r in rows} == {"95"}
    team = read_csv(client, f"{STAGE_17}checkpoints.csv?team=act")
    assert team
    assert {r["team"] for r in team} == {"ACT"}
    # An unknown team is dropped: the whole table.
    every = read_csv(client, f"{STAGE_17}checkpoints.csv")
    assert read_csv(client, f"{STAGE_17}checkpoints.csv?team=zzz&all=x") == every


def test_a_stage_without_checkpoints_downloads_a_header_only(client, tour):
    Checkpoint.objects.filter(stage__edition=tour, stage__number=17).delete()
    assert read_csv(client, f"{STAGE_17}checkpoints.csv") == []
    assert client.get(f"{STAGE_17}checkpoints.json").json()["rows"] == []


@pytest.mark.parametrize(
    ("url", "climb", "category", "first"),
    [
        # The Giro's highest climb is its Cima Coppi; a cat. 1 summit finish
        # scores on its own scale (50 for the first, not cat. 1's 40).
        (
            "/races/giro-d-italia/2023/stage-19/",
            "Tre Cime di Lavaredo",
            "Cima Coppi",
            "50",
        ),
        ("/races/giro-d-italia/2023/stage-7/", "Campo Imperatore", "1", "50"),
        # The Vuelta's Especial: the Tourmalet on its "top" scale (20 points).
        ("/races/vuelta-a-espana/2023/stage-13/", "Col du Tourmalet", "Especial", "20"),
    ],
)
def test_categories_and_points_follow_the_race_rules(
    client, giro, vuelta, url, climb, category, first
):
    rows = read_csv(client, f"{url.rstrip('/')}/checkpoints.csv")
    found = [r for r in rows if r["checkpoint"] == climb]
    assert (found[0]["category"], found[0]["rank"], found[0]["points"]) == (
        category,
        "1",
        first,
    )
    html = squash(client.get(f"{url}checkpoints/").content.decode())
    assert category in squash(section(html, climb))


# The page -----------------------------------------------------------------------


def test_the_page_shows_each_checkpoint_with_its_scorers(client, tour):
    response = client.get(CHECKPOINTS_17)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page" class="is-active">Climbs &amp; sprints<' in html
    loze = squash(section(html, "Col de la Loze"))
    assert "Climb" in loze
    assert "HC" in loze
    assert "km 159.1" in loze
    assert "×2</abbr>" in loze
    first = loze.split("<tbody>")[1].split("</tr>")[0]
    assert "GALL</span> Felix" in first
    assert '<td class="num col-points">40</td>' in first
    assert "<th" in loze
    assert ">Bonus<" not in loze
    bonus = squash(section(html, "Col de la Loze (bonus point)"))
    assert "Bonus point" in bonus
    assert '<td class="num col-points">8″</td>' in bonus
    assert ">Points<" not in bonus
    # Sections in km order.
    names = re.findall(r'class="checkpoint-result__name">([^<]+)<', html)
    assert names[0] == "Col des Saisies"
    assert names[-1].startswith("Col de la Loze")


def test_the_tab_comes_right_after_the_stage(client, tour):
    html = client.get(STAGE_17).content.decode()
    tabs = re.findall(r'<a id="tab-([a-z]+)"', html)
    assert tabs[:3] == ["stage", "checkpoints", "gc"]
    nav = html[html.index('id="tab-checkpoints"') :]
    nav = nav[: nav.index(">")]
    assert f'href="{CHECKPOINTS_17}#tables-heading"' in nav  # without JavaScript
    assert f'hx-get="{CHECKPOINTS_17}"' in nav


def test_the_fragment_is_the_table_region_only(client, tour):
    response = client.get(CHECKPOINTS_17, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="checkpoints-table"' in html
    assert "Col de la Loze" in html
    assert response["HX-Push-Url"] == CHECKPOINTS_17
    assert 'id="table-filters"' in html  # refreshed out of band on a tab
    # Results of stage 17: hidden in spoiler-free mode.
    assert 'data-spoils="tour-de-france/2023/17"' in html


def test_each_checkpoint_is_one_named_region_not_two(client, tour):
    """A screen reader's list of landmarks names each checkpoint once: its
    table's scroll region (focusable), not the section around it as well."""
    html = client.get(CHECKPOINTS_17).content.decode()
    ids = re.findall(r'<h3 id="(checkpoint-\d+)"', html)
    assert len(ids) == 6
    for name in ids:
        labelled = re.findall(rf'<(\w+)[^>]*aria-labelledby="{name}"[^>]*>', html)
        assert labelled == ["div"], name
        region = re.search(rf'<div[^>]*aria-labelledby="{name}"[^>]*>', html)
        assert 'role="region"' in region.group(0)
        assert 'tabindex="0"' in region.group(0)


@pytest.mark.parametrize("number", [16, 17, 19])
def test_queries_do_not_grow_with_checkpoints_or_crossings(
    client, tour, number, django_assert_num_queries
):
    """Stage 16 has one checkpoint, 17 six, 19 three, with 8 to 60 crossings."""
    url = f"{TOUR}stage-{number}/checkpoints/"
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(FRAGMENT_QUERIES):
        assert client.get(url, headers=HX).status_code == 200
    with django_assert_num_queries(4):  # version, stage, checkpoints, crossings
        assert client.get(url.rstrip("/") + ".csv").status_code == 200


def test_name_and_team_filters_keep_the_checkpoints_with_a_match(client, tour):
    html = client.get(f"{CHECKPOINTS_17}?q=gall", headers=HX).content.decode()
    names = re.findall(r'class="checkpoint-result__name">([^<]+)<', html)
    assert "Col de la Loze" in names
    assert "Beaufort" not in names  # Gall did not score at the sprint
    assert "VINGEGAARD" not in html
    html = client.get(f"{CHECKPOINTS_17}?q=nobody-at-all").content.decode()
    assert "Nothing matches “nobody-at-all”" in html
    team = client.get(f"{CHECKPOINTS_17}?team=ACT").content.decode()
    body = "".join(part.split("</tbody>")[0] for part in team.split("<tbody>")[1:])
    assert body.count("<tr") == body.count('<span class="team-code">ACT</span>') > 0


@pytest.mark.parametrize(
    "query",
    [
        "?team=NOPE",  # no team of this race
        "?team=%00ACT",  # a real team behind a control character
        "?q=%00%01%07%1b",  # a name of control characters only
        "?all=2&all=yes",  # junk "all"
        "?all=1",  # the table shows every row anyway
        "?team=NOPE&q=%0b%0c&all=x",
    ],
)
def test_bad_parameters_fall_back_to_the_whole_table(client, tour, query):
    whole = client.get(CHECKPOINTS_17)
    response = client.get(CHECKPOINTS_17 + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "(filtered)" not in html
    assert "Nothing matches" not in html
    assert html.count("<tr") == whole.content.decode().count("<tr") > 40
    # The same page as without the parameters: no second copy stored.
    assert response["ETag"] == whole["ETag"]
    assert response.content == whole.content


@pytest.mark.parametrize("table", ["checkpoints", "teams"])
def test_show_all_is_no_new_variant_of_a_table_that_shows_every_row(
    client, tour, table
):
    """Climbs & sprints and the team classification show every row: ``?all=1``
    gives the same page (same ETag), not a second stored copy; a top-20 table
    still gets its own."""
    url = f"{STAGE_17}{table}/"
    plain = client.get(url)
    every = client.get(f"{url}?all=1")
    assert every["ETag"] == plain["ETag"]
    fragment = client.get(url, headers=HX)
    assert client.get(f"{url}?all=1", headers=HX)["ETag"] == fragment["ETag"]
    gc = client.get(f"{STAGE_17}gc/")
    assert client.get(f"{STAGE_17}gc/?all=1")["ETag"] != gc["ETag"]


def test_a_stage_without_checkpoints_says_so(client, tour):
    Checkpoint.objects.filter(stage__edition=tour, stage__number=17).delete()
    html = client.get(CHECKPOINTS_17).content.decode()
    assert (
        "No intermediate sprints or categorised climbs recorded for this stage" in html
    )
    assert 'class="checkpoint-result' not in html
    assert "<table" not in html.split('id="table-panel"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("race", "number", "what"),
    [
        ("giro-d-italia", 9, "Stage 9 is a time trial"),
        ("vuelta-a-espana", 1, "Stage 1 is a team time trial"),
    ],
)
def test_a_time_trial_without_checkpoints_says_so(client, giro, race, number, what):
    html = squash(
        client.get(f"/races/{race}/2023/stage-{number}/checkpoints/").content.decode()
    )
    assert f"{what}: no intermediate sprints or categorised climbs" in html


def test_before_the_stage_the_checkpoints_show_where_the_points_are(client, tour):
    CheckpointCrossing.objects.filter(
        checkpoint__stage__edition=tour, checkpoint__stage__number=17
    ).delete()
    Stage.objects.filter(edition=tour, number=17).update(status=Stage.Status.SCHEDULED)
    html = client.get(CHECKPOINTS_17).content.decode()
    assert "Col de la Loze" in html
    assert html.count("No crossings recorded.") == 6


def test_rows_and_checkpoints_come_from_two_queries(tour, django_assert_num_queries):
    found = stage(tour, 17)
    with django_assert_num_queries(2):
        table = checkpoint_table(found)
    assert [c.name for c in table.checkpoints][-2:] == [
        "Col de la Loze",
        "Col de la Loze (bonus point)",
    ]
    assert sum(len(c.crossings) for c in table.checkpoints) == len(table.rows)
    with django_assert_num_queries(1):
        route = stage_checkpoints(found)
    loze = route[-2]
    assert (loze.kind, loze.category, loze.category_label, loze.multiplier) == (
        "climb",
        "HC",
        "HC",
        2,
    )


# Points and mountains totals link to where they were won ------------------------


@pytest.mark.parametrize("table", ["points", "mountains"])
def test_totals_link_to_where_the_rider_scored(client, tour, table):
    html = client.get(f"{STAGE_17}{table}/").content.decode()
    first = html.split("<tbody>")[1].split("</tr>")[0]
    slug = re.search(r'href="/riders/([^/"]+)/"', first).group(1)
    assert f'href="/riders/{slug}/#scored-tour-de-france-2023"' in first
    # The link lands on his climbs and sprints of that edition.
    rider_page = client.get(f"/riders/{slug}/").content.decode()
    assert 'id="scored-tour-de-france-2023"' in rider_page


# Points: version, stage, teams, rows, jerseys, stage numbers, whether the
# edition has checkpoints, key facts (stage top ten, GC top ten, its jerseys,
# leaders), reports, the stage's checkpoints (route and strip).
POINTS_QUERIES = 13


@pytest.mark.parametrize("table", ["points", "mountains"])
def test_without_checkpoints_the_totals_link_nowhere(
    client, tour, table, django_assert_num_queries
):
    """An edition without checkpoints has no "Climbs and sprints" on the rider
    pages: its totals are plain numbers, not links to a missing anchor."""
    with django_assert_num_queries(POINTS_QUERIES):
        linked = client.get(f"{STAGE_17}{table}/").content.decode()
    assert 'class="scored-link"' in linked
    Checkpoint.objects.filter(stage__edition=tour).delete()
    with django_assert_num_queries(POINTS_QUERIES):
        html = client.get(f"{STAGE_17}{table}/").content.decode()
    first = html.split("<tbody>")[1].split("</tr>")[0]
    assert "#scored-" not in html
    assert 'class="scored-link"' not in html
    slug = re.search(r'href="/riders/([^/"]+)/"', first).group(1)
    total = re.search(r'<td class="num col-points">\s*(\d+)\s*</td>', first)
    assert total is not None  # the total is still shown, as a number
    rider_page = client.get(f"/riders/{slug}/").content.decode()
    assert 'id="scored-tour-de-france-2023"' not in rider_page


def test_the_team_classification_links_no_total(client, tour):
    html = client.get(f"{STAGE_17}teams/").content.decode()
    assert "#scored-" not in html
