"""sitemap.xml over the eleven editions: every published race, edition, stage,
rider and team page, none of a draft, in a fixed number of queries."""

import xml.etree.ElementTree as ET

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.models import Edition, Entry, Race, Team
from stages.models import Stage
from tests.factories import EditionFactory, EntryFactory, StageFactory, TeamFactory
from toursite.languages import path_language

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_paths(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    paths = [
        loc.text.removeprefix(settings.SITE_URL)
        for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")
    ]
    english = [p for p in paths if path_language(p) == "en"]
    # Each page once in every language (toursite.sitemaps.Localized).
    assert sorted(paths) == sorted(
        prefix + p for p in english for prefix in ("", "/fr", "/it", "/es")
    )
    return english


def published_pages() -> set[str]:
    """Every page the sitemap should list, read from the database."""
    editions = Edition.objects.published()
    races = Race.objects.filter(editions__in=editions).distinct()
    stages = Stage.objects.filter(edition__in=editions).select_related("edition")
    teams = Team.objects.filter(edition__in=editions).select_related("edition")
    riders = Entry.objects.filter(edition__in=editions).values_list("rider__slug")
    return (
        {reverse("stages:home"), reverse("about")}
        | {reverse("stages:race", kwargs={"race": r.slug}) for r in races}
        | {e.get_absolute_url() for e in editions}
        | {s.get_absolute_url() for s in stages}
        | {t.get_absolute_url() for t in teams}
        | {reverse("riders:detail", args=[slug]) for (slug,) in riders}
    )


def test_every_published_page_of_the_eleven_editions_is_listed_once(client, tour):
    paths = sitemap_paths(client)
    assert len(paths) == len(set(paths))
    assert set(paths) == published_pages()
    assert len([p for p in paths if "/stage-" in p]) == 11 * 21
    for race in ("tour-de-france", "giro-d-italia", "vuelta-a-espana"):
        assert f"/races/{race}/" in paths
    for path in (
        "/races/giro-d-italia/2021/",
        "/races/tour-de-france/2025/stage-21/",
        "/races/tour-de-france/2021/teams/uad/",
        "/races/vuelta-a-espana/2025/teams/tvl/",
    ):
        assert path in paths


def test_a_rider_of_several_editions_is_listed_once(client, tour):
    paths = sitemap_paths(client)
    assert Entry.objects.filter(rider__slug="tadej-pogacar").count() == 4
    assert paths.count("/riders/tadej-pogacar/") == 1
    # A rider of two 2021 editions, and none after.
    assert Entry.objects.filter(rider__slug="dan-martin").count() == 2
    assert paths.count("/riders/dan-martin/") == 1


def test_a_cancelled_stage_keeps_its_page_in_the_sitemap(client, tour):
    stage = Stage.objects.get(
        edition__race__slug="vuelta-a-espana", edition__year=2025, number=21
    )
    assert stage.status == Stage.Status.CANCELLED
    assert stage.get_absolute_url() in sitemap_paths(client)
    assert client.get(stage.get_absolute_url()).status_code == 200


def test_nothing_of_a_draft_edition_is_listed(client, tour):
    draft = EditionFactory(year=2026, published=False)
    stage = StageFactory(edition=draft)
    entry = EntryFactory(edition=draft)
    paths = sitemap_paths(client)
    for path in (
        draft.get_absolute_url(),
        stage.get_absolute_url(),
        entry.team.get_absolute_url(),
        entry.rider.get_absolute_url(),
        reverse("stages:race", kwargs={"race": draft.race.slug}),
    ):
        assert path not in paths


def test_the_sitemap_queries_do_not_grow_with_the_editions(client, tour):
    with CaptureQueriesContext(connection) as eleven:
        before = sitemap_paths(client)
    for year in (2030, 2031, 2032):
        edition = EditionFactory(year=year)
        StageFactory(edition=edition)
        EntryFactory(edition=edition, team=TeamFactory(edition=edition))
    with CaptureQueriesContext(connection) as fourteen:
        after = sitemap_paths(client)
    # Per new edition: its race, itself, a stage, a team and a rider.
    assert len(after) == len(before) + 3 * 5
    assert len(fourteen) == len(eleven)
