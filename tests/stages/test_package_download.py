"""``/races/<race>/<year>/package.zip``: any published edition as a race package,
stored per data version like a page; drafts stay hidden."""

import io
import zipfile

import pytest

from racing.parsing.package import read_package
from racing.parsing.sources import files_from_zip
from tests.factories import small_race

pytestmark = pytest.mark.django_db


def test_the_tour_downloads_as_a_package_that_reads_back(client, tour):
    response = client.get("/races/tour-de-france/2023/package.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="tour-de-france-2023.zip"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "tour-de-france-2023/results/stage-12.csv" in names
    package = read_package(files_from_zip(response.content))
    assert (package.race_name, package.year) == ("Tour de France", 2023)
    assert (len(package.stages), len(package.riders)) == (21, 176)
    assert sum(len(t.rows) for t in package.results.values()) == sum(
        stage.results.count() for stage in tour.stages.all()
    )


def test_the_stored_package_keeps_its_name_and_answers_304(client, tour):
    url = "/races/tour-de-france/2023/package.zip"
    first = client.get(url)
    again = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert again.content == first.content
    assert "Content-Encoding" not in again  # a zip is not compressed twice
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert "public" in again["Cache-Control"]
    same = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304


def test_a_draft_has_no_package_for_visitors(client):
    race = small_race()
    race.edition.published = False
    race.edition.save()
    e = race.edition
    assert client.get(f"/races/{e.race.slug}/{e.year}/package.zip").status_code == 404


def test_an_unknown_edition_has_no_package(client):
    assert client.get("/races/tour-de-france/1902/package.zip").status_code == 404
