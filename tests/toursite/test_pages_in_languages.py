"""Every public page in English, French, Italian and Spanish: it answers, says its
language in <html lang>, shows that language's cycling words, and no English
leftover from the list of the site's main labels."""

import html as html_lib
import re

import pytest

TOUR = "/races/tour-de-france/2023"
GIRO = "/races/giro-d-italia/2023"
VUELTA = "/races/vuelta-a-espana/2023"

# Every kind of public page, with its table tabs and the fragments htmx swaps in.
PAGES = [
    "/",
    "/about/",
    "/search/?q=pogacar",
    "/races/tour-de-france/",
    f"{TOUR}/",
    f"{TOUR}/stage-12/",
    f"{TOUR}/stage-12/checkpoints/",
    f"{TOUR}/stage-12/gc/",
    f"{TOUR}/stage-12/points/",
    f"{TOUR}/stage-12/mountains/",
    f"{TOUR}/stage-12/youth/",
    f"{TOUR}/stage-12/teams/",
    f"{TOUR}/stage-1/",
    f"{TOUR}/stage-12/live/",
    f"{TOUR}/riders/",
    f"{TOUR}/teams/",
    f"{TOUR}/teams/cof/",
    f"{TOUR}/compare/?riders=jonas-vingegaard,tadej-pogacar",
    "/riders/tadej-pogacar/",
    f"{GIRO}/stage-20/gc/",
    f"{VUELTA}/stage-21/gc/",
    "/races/vuelta-a-espana/2025/stage-21/",
]

# Words each language's pages use somewhere (the header, footer and tabs are on
# every page; the page's own words are checked below).
EVERYWHERE = {
    "en": ["Skip to content", "Search", "About toursite"],
    "fr": ["Aller au contenu", "Rechercher", "À propos de toursite"],
    "it": ["Vai al contenuto", "Cerca", "Informazioni su toursite"],
    "es": ["Saltar al contenido", "Buscar", "Acerca de toursite"],
}

# The page's own words: jerseys in the race's own name, classifications, statuses.
KEY_WORDS = {
    f"{TOUR}/stage-12/gc/": {
        "en": ["General classification after stage 12", "Yellow jersey"],
        "fr": ["Classement général après l'étape 12", "Maillot jaune"],
        "it": ["Classifica generale dopo la tappa 12", "Maglia gialla"],
        "es": ["Clasificación general tras la etapa 12", "Maillot amarillo"],
    },
    f"{GIRO}/stage-20/gc/": {
        "en": ["Pink jersey"],
        "fr": ["Maillot rose"],
        "it": ["Maglia rosa"],
        "es": ["Maglia rosa"],
    },
    f"{VUELTA}/stage-21/gc/": {
        "en": ["Red jersey"],
        "fr": ["Maillot rouge"],
        "it": ["Maglia rossa"],
        "es": ["Maillot rojo"],
    },
    f"{TOUR}/stage-12/": {
        "en": ["DNF", "Did not finish"],
        "fr": ["AB", "Abandon"],
        "it": ["RIT", "Ritirato"],
        "es": ["AB", "Abandono"],
    },
}

# Main English labels that a translated page must not show (visible text and the
# labels screen readers read).
ENGLISH_LABELS = [
    "Skip to content",
    "General classification",
    "Points classification",
    "Mountains classification",
    "Youth classification",
    "Team classification",
    "Stage result",
    "Result of stage",
    "Climbs & sprints",
    "Climbs &amp; sprints",
    "Yellow jersey",
    "Polka-dot jersey",
    "Start list",
    "Race reports feed",
    "About toursite",
    "Search riders, teams, towns and races",
    "Results from",
    "Did not finish",
    "Not raced",
    "after stage",
    "Stage winner",
    "Spoiler-free mode is on",
]


def visible_text(page: str) -> str:
    """The page's text and its aria-label, title and alt attributes, without
    scripts, the language switcher (each language's own name) and data."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    page = re.sub(r'<form class="language-switch".*?</form>', " ", page, flags=re.S)
    labels = re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(" ".join([text, *labels]))


_RENDERED: dict[tuple[str, str], tuple[int, str]] = {}


@pytest.fixture
def pages(client, tour):
    """Each page in each language, rendered once for the module's tests (inside
    the first test that asks: the data are the session's, the same in every
    test)."""
    if not _RENDERED:
        for path in PAGES:
            for code in ("en", "fr", "it", "es"):
                prefix = "" if code == "en" else f"/{code}"
                response = client.get(prefix + path)
                _RENDERED[code, path] = (
                    response.status_code,
                    response.content.decode(),
                )
    return _RENDERED


@pytest.mark.parametrize("code", ["en", "fr", "it", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_every_language(pages, code, path):
    status, page = pages[code, path]
    assert status == 200
    assert f'<html lang="{code}">' in page
    text = visible_text(page)
    for word in EVERYWHERE[code]:
        assert word in text, word
    for word in KEY_WORDS.get(path, {}).get(code, []):
        assert word in text, word
    if code != "en":
        leftovers = [label for label in ENGLISH_LABELS if label in text]
        assert leftovers == []


@pytest.mark.parametrize("code", ["fr", "it", "es"])
def test_numbers_and_dates_follow_the_language(pages, code):
    _, page = pages[code, f"{TOUR}/stage-12/"]
    text = visible_text(page)
    # 168.8 km with the decimal comma; race times keep their notation.
    assert "168,8 km" in text
    assert "3:51:42" in text
    months = {"fr": "juillet", "it": "luglio", "es": "julio"}
    assert months[code] in text.lower()


@pytest.mark.parametrize(
    ("code", "same_time"),
    [("en", "s.t."), ("fr", "m.t."), ("it", "s.t."), ("es", "m.t.")],
)
def test_same_time_in_each_language(pages, code, same_time):
    _, page = pages[code, f"{TOUR}/stage-12/"]
    assert f">{same_time}</abbr>" in page


def test_error_pages_in_each_language(client, tour):
    for code, words in (("fr", "Page introuvable"), ("it", "Pagina non trovata")):
        response = client.get(f"/{code}/riders/nobody-at-all/")
        assert response.status_code == 404
        page = response.content.decode()
        assert f'<html lang="{code}">' in page
        assert words in visible_text(page)


@pytest.mark.parametrize("code", ["fr", "it", "es"])
def test_chart_and_strip_coordinates_are_never_localised(pages, code):
    """An SVG length with a decimal comma ("20,5") is an error in the browser: the
    charts and the stage strip keep their numbers as numbers."""
    for path in (f"{TOUR}/", f"{TOUR}/stage-12/", "/riders/tadej-pogacar/"):
        _, page = pages[code, path]
        assert "<svg" in page
        assert not re.search(r'\s(?:x|y|x1|x2|y1|y2|cx|cy)="[^"]*\d,\d', page)
