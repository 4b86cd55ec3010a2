"""Languages: addresses, the first visit to "/", the switcher, hreflang and canonical
links, the sitemap, and one stored page per language (toursite.languages)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from toursite.languages import localized, path_language, unprefixed

STAGE_12 = "/races/tour-de-france/2023/stage-12/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("path", "language", "bare"),
    [
        ("/", "en", "/"),
        ("/fr/", "fr", "/"),
        ("/it/races/giro-d-italia/2023/", "it", "/races/giro-d-italia/2023/"),
        ("/es/about/", "es", "/about/"),
        ("/en/about/", "en", "/en/about/"),  # not a prefix: English has none
        ("/french/", "en", "/french/"),
    ],
)
def test_a_path_names_its_language(path, language, bare):
    assert path_language(path) == language
    assert unprefixed(path) == bare


def test_localized_keeps_the_page_and_its_query():
    assert localized("/fr/races/x/2023/stage-1/gc/?team=UAD", "it") == (
        "/it/races/x/2023/stage-1/gc/?team=UAD"
    )
    assert localized("/it/", "en") == "/"
    assert localized("/about/", "es") == "/es/about/"


def test_english_stays_at_the_unprefixed_addresses(client, tour):
    response = client.get(STAGE_12, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert lang_of(response) == "en"
    assert response["Content-Language"] == "en"
    # Nothing but "/" depends on the browser's language or a cookie.
    assert "Accept-Language" not in response["Vary"]
    assert "Cookie" not in response["Vary"]


@pytest.mark.parametrize("language", ["fr", "it", "es"])
def test_each_language_under_its_prefix(client, tour, language):
    response = client.get(f"/{language}{STAGE_12}")
    assert response.status_code == 200
    assert lang_of(response) == language
    assert response["Content-Language"] == language
    assert "Accept-Language" not in response["Vary"]


def test_deep_links_never_redirect_whatever_the_browser_or_cookie_says(client, tour):
    client.cookies["django_language"] = "it"
    response = client.get(STAGE_12, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert lang_of(response) == "en"
    response = client.get("/fr" + STAGE_12, HTTP_ACCEPT_LANGUAGE="es")
    assert lang_of(response) == "fr"


def test_unknown_prefixes_are_404(client, tour):
    assert client.get("/en/").status_code == 404
    assert client.get("/de" + STAGE_12).status_code == 404


def test_the_home_page_never_redirects_nor_varies(client, tour):
    """A first visit's language is the browser's business (language-head.js): "/"
    is one response for every visitor, shareable by any cache."""
    client.cookies["django_language"] = "it"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert lang_of(response) == "en"
    assert "Accept-Language" not in response["Vary"]
    assert "Cookie" not in response["Vary"]
    assert "/static/js/language-head.js" in response.content.decode()


def test_the_switcher_keeps_the_page_and_remembers_the_choice(client, tour):
    response = client.post(
        "/language/", {"language": "es", "next": STAGE_12 + "points/?team=UAD"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/es" + STAGE_12 + "points/?team=UAD"
    assert "no-store" in response["Cache-Control"]
    cookie = response.cookies["django_language"]
    assert cookie.value == "es"
    assert cookie["samesite"] == "Lax"
    response = client.post("/language/", {"language": "en", "next": "/es/about/"})
    assert response["Location"] == "/about/"
    assert response.cookies["django_language"].value == "en"
    # Readable by the first-visit script (language-head.js).
    assert not response.cookies["django_language"]["httponly"]


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ({"language": "xx", "next": "/fr/about/"}, "/about/"),
        ({"language": "it", "next": "https://evil.example/"}, "/it/"),
        ({"language": "it", "next": "//evil.example/"}, "/it/"),
        # Once the prefix is gone, never another host's address.
        ({"language": "en", "next": "/fr//evil.example/"}, "/evil.example/"),
        ({"language": "en", "next": "/fr/\t/evil.example/x"}, "/evil.example/x"),
        ({"language": "es", "next": "/it///evil.example"}, "/es/evil.example"),
        ({"language": "it"}, "/it/"),
    ],
)
def test_the_switcher_refuses_other_sites_and_unknown_languages(
    client, tour, data, location
):
    response = client.post("/language/", data)
    assert response.status_code == 302
    assert response["Location"] == location


def test_the_switcher_is_a_form_of_every_page(client, tour):
    html = client.get("/it" + STAGE_12).content.decode()
    form = html[html.index('<form class="language-switch"') :]
    form = form[: form.index("</form>")]
    assert 'action="/language/"' in form
    assert f'name="next" value="/it{STAGE_12}"' in form
    for code in ("en", "fr", "it", "es"):
        assert f'value="{code}"' in form
    assert re.search(
        r'value="it"\s+lang="it"\s+title="Italiano"\s+aria-current="true"', form
    )


@override_settings(SITE_URL="https://toursite.example")
def test_hreflang_alternates_and_canonical_on_every_page(client, tour):
    html = client.get("/fr" + STAGE_12).content.decode()
    site = "https://toursite.example"
    assert f'<link rel="canonical" href="{site}/fr{STAGE_12}">' in html
    for code, prefix in (("en", ""), ("fr", "/fr"), ("it", "/it"), ("es", "/es")):
        assert re.search(
            rf'<link rel="alternate"\s+hreflang="{code}"\s+'
            rf'href="{re.escape(site + prefix + STAGE_12)}">',
            html,
        )
    assert f'hreflang="x-default" href="{site}{STAGE_12}"' in html


def test_data_contracts_are_the_same_in_every_language(client, tour):
    # One address each: a French page links the same CSV and JSON as the English.
    french = client.get("/fr" + STAGE_12 + "gc/").content.decode()
    assert f'href="{STAGE_12}gc.csv"' in french
    assert f'href="{STAGE_12}gc.json"' in french
    assert client.get(STAGE_12 + "gc.csv").status_code == 200
    assert client.get("/fr" + STAGE_12 + "gc.csv").status_code == 404
    edition = client.get("/fr/races/tour-de-france/2023/").content.decode()
    assert 'href="/races/tour-de-france/2023/package.zip"' in edition
    client.cookies["django_language"] = "fr"
    data = client.get(
        "/races/tour-de-france/2023/stage-12.json", HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert data["page"].endswith(STAGE_12)
    assert "/fr/" not in data["page"]
    assert data["status"] == "finished"
    assert client.get("/fr/races/tour-de-france/2023/stage-12.json").status_code == 404


def test_the_sitemap_lists_every_language(client, tour):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")}
    ending = [loc for loc in locations if loc.endswith(STAGE_12)]
    prefixes = {loc[: -len(STAGE_12)].rsplit("/", 1)[-1] for loc in ending}
    assert {"fr", "it", "es"} <= prefixes
    assert len(ending) == 4
    entry = next(
        u for u in root.iter(f"{SITEMAP}url") if u.findtext(f"{SITEMAP}loc") in ending
    )
    languages = {link.get("hreflang") for link in entry.iter(f"{XHTML}link")}
    assert languages == {"en", "fr", "it", "es", "x-default"}


def test_the_api_documentation_is_one_english_page(client, tour):
    html = client.get("/api/").content.decode()
    assert '<html lang="en">' in html
    assert "language-switch" not in html
    assert 'hreflang="fr"' not in html
    assert client.get("/fr/api/").status_code == 404


def test_a_fallback_report_on_the_home_page_says_its_language(client, tour):
    html = client.get("/it/").content.decode()
    assert re.search(
        r'<a href="/it/races/tour-de-france/2023/stage-12/"\s+lang="en">', html
    )
