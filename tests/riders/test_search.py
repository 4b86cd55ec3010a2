"""The site search (header box and search page): riders, teams, stages by town, and
races, found whatever the accents and capitals, best match first."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editions.models import Entry, Rider
from riders.search import (
    MAX_CHARS,
    MAX_WORDS,
    QUERIES,
    clean_query,
    find,
    search_key,
)
from tests.factories import (
    EditionFactory,
    EntryFactory,
    RaceFactory,
    RiderFactory,
    StageFactory,
)

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="typo tolerance is PostgreSQL's trigram similarity (pg_trgm); SQLite "
    "finds exact, prefix and contained words only",
)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def squash(html: str) -> str:
    """The text of ``html``: tags out, entities read, white space one space."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def group(html: str, kind: str) -> str:
    """The results of one kind (``riders``, ``stages``, ``races``, ``teams``)."""
    start = html.index(f'id="search-{kind}"')
    return html[start : html.index("</section>", start)]


def results_of(client, q: str, **headers) -> str:
    response = client.get("/search/", {"q": q}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


# Folding and input (pure) ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Puy de Dôme", "puy de dome"),
        ("PUY-DE-DÔME", "puy de dome"),
        ("Pogačar", "pogacar"),
        ("Saint-Gervais Mont-Blanc", "saint gervais mont blanc"),
        ("Giro d'Italia", "giro d italia"),
        ("Madrid. Paisaje de la Luz", "madrid paisaje de la luz"),
        ("Søren Kragh Andersen", "soren kragh andersen"),
        ("Michał Kwiatkowski", "michal kwiatkowski"),
        ("'; DROP TABLE x; --", "drop table x"),
        ("%_%", ""),
        ("🚴‍♂️🇫🇷", ""),
        (None, ""),
    ],
)
def test_search_key_folds_case_accents_and_punctuation(text, key):
    assert search_key(text) == key


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("  Pogačar  ", "Pogačar"),
        ("van\x00aert", "van aert"),
        ("a\tb\n\rc", "a b c"),
        ("x" * 10_000, "x" * 80),
    ],
)
def test_clean_query(raw, cleaned):
    assert clean_query(raw) == cleaned


# The page, with and without htmx --------------------------------------------


def test_search_page_without_javascript(client, tour):
    html = results_of(client, "pogacar")
    assert "<html" in html
    assert 'action="/search/"' in html
    assert 'method="get"' in html
    assert 'value="pogacar"' in html
    assert 'href="/riders/tadej-pogacar/"' in html
    assert "Tour de France 2025, 2023, 2022, 2021" in squash(html)
    assert re.search(r'href="/search/"\s+aria-current="page"', html)


def test_search_as_you_type_returns_the_results_fragment(client, tour):
    response = client.get("/search/", {"q": "Izagirre"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="search-results"')
    assert 'href="/riders/ion-izagirre/"' in html
    assert 'href="/riders/gorka-izagirre/"' in html
    assert "HX-Request" in response["Vary"]


def test_search_history_restore_gets_the_whole_page(client, tour):
    response = client.get(
        "/search/",
        {"q": "kuss"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in response.content


def test_every_page_has_the_search_box_in_its_header(client, tour):
    for path in ("/", "/races/tour-de-france/2023/stage-17/", "/about/"):
        html = client.get(path).content.decode()
        header = html[
            html.index('<header class="site-header"') : html.index("</header>")
        ]
        form = re.search(r'<form class="site-search"[^>]*>', header).group(0)
        assert 'role="search"' in form
        assert 'method="get"' in form
        assert 'action="/search/"' in form
        assert '<label class="visually-hidden" for="site-search-q">' in header
        assert 'id="site-search-q"' in header
        assert 'name="q"' in header


def test_search_results_are_never_stored(client, tour):
    # Free text is not cached per query (the page store keeps race pages).
    response = client.get("/search/", {"q": "courchevel", "junk": "1"})
    assert "X-Toursite-Page" not in response
    assert "ETag" not in response


# What it finds ---------------------------------------------------------------


@pytest.mark.parametrize("q", ["Courchevel", "courchevel", "COURCHEVEL"])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_finish_town_finds_its_stage(client, tour, q, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = results_of(client, q, **headers)
    assert 'href="/races/tour-de-france/2023/stage-17/"' in html
    assert "Tour de France 2023, stage 17" in html
    assert "Saint-Gervais Mont-Blanc → Courchevel" in html
    # Courchevel itself first, then the Tour 2025's finish at Courchevel (Col de
    # la Loze), whose name only starts with it.
    assert re.search(r"Stages <span class=\"search-count\">\(2\)</span>", html)
    assert links(group(html, "stages")) == [
        "/races/tour-de-france/2023/stage-17/",
        "/races/tour-de-france/2025/stage-18/",
    ]


@pytest.mark.parametrize("q", ["Puy de Dôme", "puy de dome", "PUY-DE-DOME", "dôme"])
def test_accents_capitals_and_hyphens_are_optional(client, tour, q):
    html = results_of(client, q)
    assert 'href="/races/tour-de-france/2023/stage-9/"' in html


def test_a_start_town_finds_its_stage(client, tour):
    html = results_of(client, "moutiers")
    assert 'href="/races/tour-de-france/2023/stage-18/"' in html
    assert "Moûtiers → Bourg-en-Bresse" in html


GIROS = [f"/races/giro-d-italia/{year}/" for year in (2025, 2023, 2022, 2021)]
VUELTAS = [f"/races/vuelta-a-espana/{year}/" for year in (2025, 2023, 2021)]


@pytest.mark.parametrize(
    ("q", "editions"),
    [
        ("Giro", GIROS),
        ("giro d'italia", GIROS),
        ("Tour 2023", ["/races/tour-de-france/2023/"]),
        ("vuelta 2023", ["/races/vuelta-a-espana/2023/"]),
        ("VUELTA A ESPANA", VUELTAS),
        ("2022", ["/races/tour-de-france/2022/", "/races/giro-d-italia/2022/"]),
    ],
)
def test_races_and_editions_are_found_newest_first(client, tour, q, editions):
    found = links(group(results_of(client, q), "races"))
    if ON_POSTGRES:
        # Close matches (``vuelta 2025`` for ``vuelta 2023``) come after these.
        found = found[: len(editions)]
    assert found == editions


def test_the_kind_with_the_best_match_comes_first(client, tour):
    html = results_of(client, "tour")
    # Tour de France and Tours (the Tour 2021's stage 6 start) both start with
    # it: races first on a tie; LATOUR has it inside a word.
    races = html.index('id="search-races"')
    stages = html.index('id="search-stages"')
    riders = html.index('id="search-riders"')
    assert races < stages < riders


def test_an_exact_name_of_another_kind_comes_before_the_races(client, tour):
    rider = RiderFactory(given_name="Ann", family_name="Tour")
    EntryFactory(edition=tour, rider=rider, bib=999)
    html = results_of(client, "tour")
    assert html.index('id="search-riders"') < html.index('id="search-races"')


def test_search_finds_teams_in_every_edition_newest_first(client, tour):
    html = results_of(client, "cofidis")
    # A team is per edition: one result each, the latest edition first (the
    # Vuelta after the Tour after the Giro of the same year).
    assert links(group(html, "teams")) == [
        f"/races/{race}/{year}/teams/cof/"
        for year in (2025, 2023, 2022, 2021)
        for race in ("vuelta-a-espana", "tour-de-france", "giro-d-italia")
        if (race, year) != ("vuelta-a-espana", 2022)
    ]
    assert "11 results" in html


def test_a_team_code_finds_the_team(client, tour):
    html = results_of(client, "COF")
    assert 'href="/races/tour-de-france/2023/teams/cof/"' in html


def test_search_matches_every_word_in_any_order(client, tour):
    html = results_of(client, "vingegaard jonas")
    assert 'href="/riders/jonas-vingegaard/"' in html
    assert "1 result " in html


def test_drafts_are_not_found(client, tour):
    EditionFactory(race=RaceFactory(name="Giro Donne"), year=2023, published=False)
    StageFactory(edition__published=False, finish="Courchevel Altiport")
    html = results_of(client, "giro")
    assert "Giro Donne" not in html
    assert "Altiport" not in results_of(client, "courchevel")


# Every edition ------------------------------------------------------------------


def test_a_rider_of_several_editions_is_one_result_with_his_editions(client, tour):
    html = results_of(client, "pogacar")
    riders = group(html, "riders")
    assert links(riders) == ["/riders/tadej-pogacar/"]
    # His latest team, then each race he rode with its years, newest first.
    assert "UAE Team Emirates - XRG · Tour de France 2025, 2023, 2022, 2021" in squash(
        riders
    )
    assert "1 result for" in html


def test_a_rider_found_shows_his_latest_nationality(client, tour):
    sivakov = Entry.objects.filter(rider__slug="pavel-sivakov")
    assert sivakov.get(edition__race__slug="giro-d-italia", edition__year=2021)
    assert set(sivakov.values_list("nationality", flat=True)) == {"RU", "FR"}
    riders = group(results_of(client, "sivakov"), "riders")
    assert 'title="Nationality: France">FR<' in riders
    assert "Nationality: Russia" not in riders
    assert (
        "Tour de France 2025; Giro d'Italia 2023, 2022, 2021; Vuelta a España 2021"
        in squash(riders)
    )


def test_stages_of_one_rank_come_newest_first(db):
    for year in (2030, 2032, 2031):
        StageFactory(edition__year=year, finish="Zorgville")
    stages = next(g for g in find("zorgville").groups if g.kind == "stages")
    assert [s.edition.year for s in stages.items] == [2032, 2031, 2030]


def test_a_draft_edition_is_not_in_a_riders_career(client, tour):
    draft = EditionFactory(year=2031, published=False)
    EntryFactory(edition=draft, rider=Rider.objects.get(slug="tadej-pogacar"))
    riders = group(results_of(client, "pogacar"), "riders")
    assert str(draft.race) not in riders
    assert "UAE Team Emirates - XRG" in riders


def test_the_queries_do_not_grow_with_the_editions(
    client, tour, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        before = results_of(client, "pogacar")
    pogacar = Rider.objects.get(slug="tadej-pogacar")
    for year in (2030, 2031, 2032, 2033):
        entry = EntryFactory(edition__year=year, rider=pogacar)
        StageFactory(edition=entry.edition, finish="Pogacar Hill")
    with django_assert_num_queries(QUERIES):
        after = results_of(client, "pogacar")
    assert "Tour of Testland" not in before
    riders = group(after, "riders")
    assert links(riders) == ["/riders/tadej-pogacar/"]
    assert squash(riders).count("Tour of Testland") == 4
    assert len(links(group(after, "stages"))) == 4


# Ranking -----------------------------------------------------------------------


def test_exact_then_prefix_then_word_then_contains(db):
    edition = EditionFactory()
    for number, finish in enumerate(
        ["Castelorta", "Lago d'Orta", "Orta San Giulio", "ORTA"], start=1
    ):
        StageFactory(edition=edition, number=number, finish=finish)
    stages = next(g for g in find("orta").groups if g.kind == "stages")
    assert [s.finish for s in stages.items] == [
        "ORTA",  # exact
        "Orta San Giulio",  # the name starts with it
        "Lago d'Orta",  # a word starts with it
        "Castelorta",  # inside a word
    ]
    assert [s.search_rank for s in stages.items] == [0, 1, 2, 3]


@needs_postgres
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("q", "link"),
    [
        ("Pogacr", 'href="/riders/tadej-pogacar/"'),
        ("vingegard", 'href="/riders/jonas-vingegaard/"'),
        ("Courchvel", 'href="/races/tour-de-france/2023/stage-17/"'),
    ],
)
def test_a_small_typo_still_finds_it_on_postgres(client, tour, q, link):
    assert link in results_of(client, q)


@needs_postgres
@pytest.mark.postgres
def test_close_matches_come_after_real_ones(db):
    edition = EditionFactory()
    StageFactory(edition=edition, number=1, finish="Tortona Nord")  # contains
    StageFactory(edition=edition, number=2, finish="Ortona Sud")  # prefix
    StageFactory(edition=edition, number=3, finish="Ortone")  # typo of "ortona"
    stages = next(g for g in find("ortona").groups if g.kind == "stages")
    finishes = [s.finish for s in stages.items]
    assert finishes.index("Ortona Sud") < finishes.index("Tortona Nord")
    assert finishes.index("Tortona Nord") < finishes.index("Ortone")
    assert stages.items[-1].search_rank == 4


# Bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a rider, a team, a start or finish town, or a race."),
        ("a", "Type at least two letters or digits."),
        ("%_%", "Type at least two letters or digits."),
        ("🚴‍♂️🇫🇷", "Type at least two letters or digits."),
        ("zzzzqqq", "Nothing matches “zzzzqqq”. Check the spelling"),
        ("'; DROP TABLE riders_rider; --", "Nothing matches"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_search_with_nothing_to_show_says_so(client, tour, q, message, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    assert message in results_of(client, q, **headers)


def test_a_very_long_query_is_cut_and_says_so(client, tour):
    html = results_of(client, "courchevel " + "x" * 500)
    assert "Only the first 80 characters were searched." in html
    assert f'value="courchevel {"x" * 69}"' in html
    assert "Only the first 80" not in results_of(client, "courchevel")


@pytest.mark.parametrize(
    "q",
    [
        "x" * 100_000,
        "\x00",
        "van\x00aert",
        "'; DROP TABLE riders_rider; --",
        "<script>alert(1)</script>",
        "🚴‍♂️🇫🇷",
        "\u202e\u200b",
        "%",
        "\\",
        "..",
        "' OR 1=1 --",
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_hostile_search_input_never_fails(client, tour, q, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = results_of(client, q, **headers)
    assert "<script>alert" not in html


def test_search_with_repeated_parameter(client, tour):
    response = client.get("/search/?q=kuss&q=pogacar")
    assert response.status_code == 200
    assert b"/riders/tadej-pogacar/" in response.content


# Query count -------------------------------------------------------------------


@pytest.mark.parametrize("q", ["an", "e", "pogacar", "courchevel"])
def test_query_count_does_not_grow_with_the_matches(
    client, tour, django_assert_max_num_queries, q
):
    with django_assert_max_num_queries(QUERIES):
        client.get("/search/", {"q": q})


def test_many_matches_take_as_many_queries_as_one(
    client, tour, django_assert_num_queries
):
    many = find("an")  # 100+ riders, stages, races and teams
    assert many.count > 100
    assert all(len(g.items) <= 20 for g in many.groups)
    with django_assert_num_queries(QUERIES):
        client.get("/search/", {"q": "an"})
    with django_assert_num_queries(QUERIES):
        client.get("/search/", {"q": "tadej pogacar"})  # one rider, nothing else


def test_more_matches_than_shown_are_counted(client, tour):
    html = results_of(client, "an")
    assert re.search(r"Riders <span class=\"search-count\">\(\d{3}\)</span>", html)
    assert "The best 20 of" in html


# Words: repeated once, at most MAX_WORDS ------------------------------------


def _like_conditions(queries) -> int:
    return sum(q["sql"].upper().count(" LIKE ") for q in queries)


def test_repeated_words_count_once(client, tour):
    html = results_of(client, " ".join(["vingegaard"] * 40))
    assert 'href="/riders/jonas-vingegaard/"' in html
    assert "different words were searched" not in html


def test_at_most_six_different_words_are_searched_and_the_page_says_so(
    client, tour, django_assert_max_num_queries
):
    """``?q=a+b+…`` with 31 words costs what six cost: two LIKE conditions per
    word and kind, never eighty."""
    six = "jonas vingegaard jo vi na ga"
    # As many different words as 80 characters hold (each alone finds nothing).
    wordy = " ".join([six, *"0123456789bcdfhkmpqtuwxyz"])
    assert len(wordy.split()) == 31
    assert len(wordy) <= MAX_CHARS
    with CaptureQueriesContext(connection) as few:
        results_of(client, six)
    with django_assert_max_num_queries(QUERIES) as many:
        html = results_of(client, wordy)
    assert _like_conditions(many.captured_queries) == _like_conditions(few)
    assert f"Only the first {MAX_WORDS} different words were searched." in html
    assert 'href="/riders/jonas-vingegaard/"' in html
    assert "different words were searched" not in results_of(client, six)
    assert find(wordy).key == search_key(six)


# Announced: a one-line status, not the results --------------------------------


def test_the_status_line_is_the_only_live_region(client, tour):
    html = results_of(client, "vingegaard")
    assert "aria-live" not in html
    status = re.search(r'<p id="search-status"[^>]*role="status">(.*?)</p>', html, re.S)
    assert status.group(1).split() == [
        "1",
        "result",
        "for",
        "“vingegaard”,",
        "best",
        "first",
    ]


def test_as_you_type_the_status_line_is_refreshed_out_of_band(client, tour):
    html = results_of(client, "izagirre", **{"HX-Request": "true"})
    assert "aria-live" not in html
    oob = re.search(r'<p hx-swap-oob="innerHTML:#search-status">(.*?)</p>', html, re.S)
    assert " ".join(oob.group(1).split()) == "2 results for “izagirre”, best first"
    # Only one element with the status's id on the page after the swap.
    assert 'id="search-status"' not in html
