"""Every table as JSON at its CSV address with .json: the CSV's columns as field
names, numbers as numbers, the same filters, caching and drafts as the pages."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from racing import registry
from stages.models import Stage
from tests.factories import small_race

pytestmark = pytest.mark.django_db

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
TABLES = list(registry.TABLES)


def csv_rows(client, url: str) -> list[list[str]]:
    text = client.get(url).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("table", TABLES)
def test_json_fields_are_the_csv_header_and_cells_match(client, tour, table):
    response = client.get(f"{STAGE_12}{table}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    header, *rows = csv_rows(client, f"{STAGE_12}{table}.csv")
    assert data["fields"] == header == list(registry.TABLES[table].csv_columns)
    assert len(data["rows"]) == len(rows) > 0
    for record, cells in zip(data["rows"], rows, strict=True):
        assert list(record) == header
        as_text = ["" if v is None else str(v) for v in record.values()]
        assert as_text == cells
    first = data["rows"][0]
    assert first["rank"] == 1  # a number, not "1"
    if "time_seconds" in first:
        assert isinstance(first["time_seconds"], int)
        assert first["gap_seconds"] == 0


def test_envelope_says_what_the_table_is(client, tour):
    data = client.get(f"{STAGE_12}gc.json").json()
    assert data["race"] == "tour-de-france"
    assert (data["year"], data["stage"], data["table"]) == (2023, 12, "gc")
    assert data["caption"] == "General classification after stage 12"
    assert data["provisional"] is False
    assert data["filters"] == {"team": "", "q": ""}
    assert data["csv"] == f"{STAGE_12}gc.csv"
    assert data["stage_url"] == "/races/tour-de-france/2023/stage-12.json"
    assert data["rows"][1]["rider"] == "POGAČAR Tadej"  # as written, not escaped
    assert data["rows"][1]["team_name"] == "UAE Team Emirates"


def test_a_live_stage_is_provisional(client, tour):
    Stage.objects.filter(edition=tour, number=12).update(status=Stage.Status.LIVE)
    assert client.get(f"{STAGE_12}gc.json").json()["provisional"] is True
    name = client.get(f"{STAGE_12}gc.csv")["Content-Disposition"]
    assert name.endswith('-stage-12-gc-provisional.csv"')


def test_team_filter_narrows_json_and_csv_and_names_the_file(client, tour):
    data = client.get(f"{STAGE_12}gc.json?team=uad").json()
    assert data["filters"] == {"team": "UAD", "q": ""}
    assert {r["team"] for r in data["rows"]} == {"UAD"}
    assert len(data["rows"]) == 8
    response = client.get(f"{STAGE_12}gc.csv?team=UAD")
    assert (
        'filename="tour-de-france-2023-stage-12-gc-team-UAD.csv"'
        in (response["Content-Disposition"])
    )
    header, *rows = csv_rows(client, f"{STAGE_12}gc.csv?team=UAD")
    assert len(rows) == 8
    assert {r[header.index("team")] for r in rows} == {"UAD"}


def test_name_filter_narrows_and_says_filtered(client, tour):
    data = client.get(f"{STAGE_12}gc.json?q=vinge").json()
    assert [r["rider"] for r in data["rows"]] == ["VINGEGAARD Jonas"]
    assert data["filters"]["q"] == "vinge"
    response = client.get(f"{STAGE_12}gc.csv?q=vinge")
    assert response["Content-Disposition"].endswith('-gc-filtered.csv"')
    assert len(csv_rows(client, f"{STAGE_12}gc.csv?q=vinge")) == 2


def test_stage_result_filtered_keeps_the_computed_awards(client, tour):
    """Awards left to the rules are computed from the whole result, not from the
    rows a filter keeps."""
    whole = client.get(f"{STAGE_12}stage.json").json()["rows"]
    mine = client.get(f"{STAGE_12}stage.json?team=UAD").json()["rows"]
    by_bib = {r["bib"]: r for r in whole}
    assert mine
    assert all(r == by_bib[r["bib"]] for r in mine)


@pytest.mark.parametrize(
    "query", ["?team=ZZZ", "?team=%00", "?team=TJV&team=x", "?all=1", "?utm=x"]
)
def test_bad_or_foreign_values_fall_back_without_a_new_variant(client, tour, query):
    plain = client.get(f"{STAGE_12}gc.json")
    other = client.get(f"{STAGE_12}gc.json{query}")
    assert other.status_code == 200
    if "TJV" not in query:
        assert other["ETag"] == plain["ETag"]
        assert other.content == plain.content


def test_team_filter_on_the_team_classification_is_ignored(client, tour):
    plain = client.get(f"{STAGE_12}teams.json")
    other = client.get(f"{STAGE_12}teams.json?team=UAD")
    assert other["ETag"] == plain["ETag"]
    assert (
        "team-UAD"
        not in client.get(f"{STAGE_12}teams.csv?team=UAD")["Content-Disposition"]
    )


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_etag_and_304_with_the_file_name_kept(client, tour, stored_pages, suffix):
    url = f"{STAGE_12}gc.{suffix}?team=UAD"
    first = client.get(url)
    assert first["X-Toursite-Page"] == "rendered"
    assert first["Cache-Control"] == "public, max-age=30, stale-while-revalidate=300"
    stored = client.get(url)
    assert stored["X-Toursite-Page"] == "stored"
    assert stored.content == first.content
    assert stored.get("Content-Disposition") == first.get("Content-Disposition")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_name_filter_is_answered_but_not_stored(client, tour, stored_pages):
    url = f"{STAGE_12}gc.json?q=vinge"
    assert client.get(url)["X-Toursite-Page"] == "rendered"
    assert client.get(url)["X-Toursite-Page"] == "rendered"


@pytest.mark.parametrize("table", ["stage", "gc", "teams"])
@pytest.mark.parametrize("query", ["", "?team=UAD"])
def test_queries_do_not_grow_with_the_field(
    client, tour, django_assert_max_num_queries, table, query
):
    """A Grand Tour's 176 riders cost no more queries than a handful."""
    with django_assert_max_num_queries(7):
        assert client.get(f"{STAGE_12}{table}.json{query}").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"{STAGE_12}{table}.csv{query}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"{STAGE_12}foo.json",
        "/races/tour-de-france/2023/stage-99/gc.json",
        "/races/tour-de-france/1999/stage-1/gc.json",
        "/races/tour-de-france/2023/stage-012/gc.json",
    ],
)
def test_unknown_table_is_404(client, tour, path):
    assert client.get(path).status_code == 404


def test_a_draft_edition_is_404_for_visitors_and_private_for_staff(client):
    race = small_race()
    race.edition.published = False
    race.edition.save()
    e = race.edition
    url = f"/races/{e.race.slug}/{e.year}/stage-2/gc.json"
    assert client.get(url).status_code == 404
    client.force_login(User.objects.create_user("ed", password="pw", is_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert response.json()["rows"]
