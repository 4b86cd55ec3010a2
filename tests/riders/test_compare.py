"""The head-to-head page: riders of one edition side by side, as a fan sees it."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from riders.compare import pick
from stages import charts
from toursite import caching

URL = "/races/tour-de-france/2023/compare/"
DUO = "riders=jonas-vingegaard,tadej-pogacar"
# In bib order (1, 6, 11, 191): the one address of these four.
QUARTET = "riders=jonas-vingegaard,wout-van-aert,tadej-pogacar,mark-cavendish"
SPOILS = re.compile(r'data-spoils="tour-de-france/2023/(\d+)"')


def table(html: str, caption_id: str) -> str:
    """The HTML of the table whose caption has ``caption_id``."""
    start = html.index(f'id="{caption_id}"')
    return html[start : html.index("</table>", start)]


def stage_row(section: str, number: int) -> list[str]:
    """The text of each rider's cell in the row of stage ``number``."""
    row = re.search(
        rf'aria-label="Stage {number}:[^"]*">{number}</a>\s*</th>(.*?)</tr>',
        section,
        re.S,
    ).group(1)
    cells = row.split("</td>")[:-1]
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


# Picking riders ----------------------------------------------------------------

KNOWN = {"jonas-vingegaard": 1, "tadej-pogacar": 11, "mark-cavendish": 191}


def test_pick_reads_comma_lists_and_repeated_values_in_bib_order():
    chosen = pick(["mark-cavendish,Tadej-Pogacar ", "jonas-vingegaard"], KNOWN)
    assert chosen.slugs == ("jonas-vingegaard", "tadej-pogacar", "mark-cavendish")
    assert chosen.ok
    assert chosen.query == "riders=jonas-vingegaard,tadej-pogacar,mark-cavendish"


def test_pick_flags_unknown_duplicate_and_too_few():
    chosen = pick(["jonas-vingegaard,nobody,jonas-vingegaard"], KNOWN)
    assert chosen.slugs == ("jonas-vingegaard",)
    assert chosen.unknown == ("nobody",)
    assert chosen.duplicates
    assert not chosen.ok


def test_pick_refuses_more_than_four():
    known = {f"r{i}": i for i in range(6)}
    chosen = pick([",".join(sorted(known))], known)
    assert chosen.too_many
    assert not chosen.ok
    assert len(chosen.slugs) == 4


# The comparison --------------------------------------------------------------------


def test_gc_after_stage_12_vingegaard_leads_pogacar_by_17_seconds(client, tour):
    response = client.get(f"{URL}?{DUO}")
    assert response.status_code == 200
    html = response.content.decode()
    gc = table(html, "h2h-gc-caption")
    assert stage_row(gc, 12) == ["1st best", "2nd +0:17"]
    # Pogačar led the two of them after stage 4, by 11 s.
    assert stage_row(gc, 4) == ["6th +0:11", "2nd best"]
    assert 'data-spoils="tour-de-france/2023/12"' in gc


def test_stage_results_side_by_side(client, tour):
    html = client.get(f"{URL}?{DUO}").content.decode()
    stages = table(html, "h2h-stages-caption")
    # Stage 16, the Combloux time trial: Vingegaard won, Pogačar 1:38 down.
    assert stage_row(stages, 16) == ["1st 0:32:36", "2nd +1:38"]
    assert len(re.findall(r'aria-label="Stage \d+:', stages)) == 21


def test_time_won_and_lost_between_two_riders(client, tour):
    html = client.get(f"{URL}?{DUO}").content.decode()
    lost = table(html, "h2h-time-caption")
    assert stage_row(lost, 16) == ["−1:38", "+1:38"]
    assert stage_row(lost, 3) == ["0", "0"]


def test_head_to_head_counts_stages_both_finished(client, tour):
    html = client.get(f"{URL}?{DUO}").content.decode()
    duels = table(html, "h2h-duels-caption")
    counts = [int(n) for n in re.findall(r"<strong>(\d+)</strong>", duels)]
    assert sum(counts) == 21
    assert "VINGEGAARD" in duels
    assert "POGAČAR" in duels


def test_rider_who_left_stops_with_his_status(client, tour):
    html = client.get(f"{URL}?{QUARTET}").content.decode()
    stages = table(html, "h2h-stages-caption")
    assert stage_row(stages, 8)[3] == "DNF"  # Cavendish broke his collarbone
    # Out of the race after it: a dot, said in words to a screen reader.
    assert stage_row(stages, 9)[3] == "· out of the race"
    assert '<span class="visually-hidden">out of the race</span>' in stages
    gc = table(html, "h2h-gc-caption")
    assert stage_row(gc, 18)[1] == "DNS"  # Van Aert went home for his child
    assert stage_row(gc, 19)[1] == "· out of the race"
    # Time lost, for four riders, is on the best of them that day.
    assert "lost on the best of them" in html


def test_chart_is_accessible_svg_with_a_line_per_rider(client, tour):
    html = client.get(f"{URL}?{QUARTET}").content.decode()
    figure = html[html.index('<figure class="chart chart-h2h"') :]
    svg = figure[: figure.index("</svg>")]
    for part in ('role="img"', "<title", "<desc"):
        assert part in svg
    assert svg.count("<polyline") == 4
    for n in range(1, 5):
        assert f"h2h-style--{n}" in svg  # colour, dash and marker of its own
    assert "style=" not in html  # CSP: no inline style
    assert re.search(r'<figure class="chart chart-h2h"\s+data-spoils=', figure)


def test_chart_geometry_puts_the_best_on_top():
    chart = charts.gap_chart(
        [("A", {1: 0, 2: 0}), ("B", {1: 30, 2: 60})], [1, 2], label_room=100
    )
    a, b = chart.lines
    assert a.marks[0].y == chart.top
    assert (b.marks[-1].y, b.marks[-1].stage, b.marks[-1].seconds) == (
        chart.bottom,
        2,
        60,
    )
    assert chart.right == chart.width - 100  # room for the riders' names


def test_summaries_wait_for_the_latest_stage_not_a_riders_exit(client, tour):
    """Carapaz left before stage 2, Jakobsen before stage 12: a placeholder at
    either stage would tell a spoiler-free reader when they left."""
    query = "riders=richard-carapaz,fabio-jakobsen"
    html = client.get(f"{URL}?{query}").content.decode()
    main = html.split("<main", 1)[1]
    riders = main[main.index('class="h2h-riders"') : main.index("</ul>")]
    assert riders.count('class="h2h-exit"') == 2
    chart = main[main.index('<figure class="chart chart-h2h"') :]
    chart = chart[: chart.index(">")]
    duels = main[main.index('<table class="results h2h-duels"') :]
    totals = main[main.index("<tfoot>") : main.index("</tfoot>")]
    for summary in (riders, chart, duels[: duels.index(">")], totals):
        assert SPOILS.findall(summary)
        assert set(SPOILS.findall(summary)) == {"21"}
    # A row for every stage: none ends the tables where the last of them left.
    stages = table(main, "h2h-stages-caption")
    assert len(re.findall(r'aria-label="Stage \d+:', stages)) == 21
    assert stage_row(stages, 21) == ["· out of the race"] * 2


def test_queries_do_not_grow_with_riders_or_stages(
    client, tour, django_assert_max_num_queries
):
    client.get(f"{URL}?riders=x")  # the variant's riders, read once per version
    with django_assert_max_num_queries(8) as two:
        client.get(f"{URL}?{DUO}")
    with django_assert_max_num_queries(8) as four:
        client.get(f"{URL}?{QUARTET}")
    assert len(two.captured_queries) == len(four.captured_queries)


# Spellings and bad input -------------------------------------------------------------


def test_repeated_params_redirect_to_the_comma_form(client, tour):
    response = client.get(URL, {"riders": ["jonas-vingegaard", "tadej-pogacar"]})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?{DUO}"
    assert "no-store" in response["Cache-Control"]


def test_duplicates_and_extra_params_redirect_too(client, tour):
    response = client.get(f"{URL}?{DUO},jonas-vingegaard&utm=x")
    assert response["Location"] == f"{URL}?{DUO}"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        # Any order of a set of riders: their bib order.
        ("riders=tadej-pogacar,jonas-vingegaard", DUO),
        (
            "riders=mark-cavendish,tadej-pogacar,wout-van-aert,jonas-vingegaard",
            QUARTET,
        ),
        # One rider, twice or with junk: once, alone.
        ("riders=jonas-vingegaard,jonas-vingegaard", "riders=jonas-vingegaard"),
        ("riders=jonas-vingegaard&x=1", "riders=jonas-vingegaard"),
    ],
)
def test_each_set_of_riders_has_one_address(client, tour, query, canonical):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?{canonical}"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Pick two to four riders"),
        ("riders=jonas-vingegaard", "one more rider to compare with VINGEGAARD"),
        ("riders=jonas-vingegaard,nobody-at-all", "No rider “nobody-at-all”"),
        ("riders=" + "a," * 40, "Pick at least two riders"),
        ("riders=%00%ff,<b>", "No rider"),
        (QUARTET.replace("riders=", "riders=sepp-kuss,"), "at most four"),
    ],
)
def test_bad_input_gives_a_message_and_the_form(client, tour, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in " ".join(html.split())
    assert html.count('<select id="h2h-rider-') == 4
    assert "<b>" not in html.split("<main", 1)[1].split("</main>")[0]


def test_form_keeps_the_riders_picked(client, tour):
    html = client.get(f"{URL}?riders=jonas-vingegaard").content.decode()
    first = html[html.index('id="h2h-rider-1"') : html.index('id="h2h-rider-2"')]
    assert '<option value="jonas-vingegaard" selected>' in first


def test_unknown_edition_is_404(client, tour):
    assert client.get(f"/races/tour-de-france/1999/compare/?{DUO}").status_code == 404


@pytest.fixture
def stored_pages():
    """A real page store, as in production (the test settings have none)."""
    caching._local.clear()
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(CACHES={"default": locmem}, TOURSITE_LOCAL_PAGES=8):
        cache.clear()
        yield
    caching._local.clear()


@pytest.mark.usefixtures("stored_pages")
def test_junk_params_share_one_stored_page(client, tour):
    first = client.get(f"{URL}?riders=jonas-vingegaard,tadej-pogacar,zz&x=1")
    second = client.get(f"{URL}?riders=jonas-vingegaard,tadej-pogacar,zz&x=2")
    assert first["ETag"] == second["ETag"]
    plain = client.get(URL)
    for empty in ("riders=", "riders=,,,", "riders=%20,&x=1"):
        again = client.get(f"{URL}?{empty}")
        assert again["ETag"] == plain["ETag"]  # the plain page, no variant
        assert again["X-Toursite-Page"] == "stored"


@pytest.mark.usefixtures("stored_pages")
def test_orders_and_duplicates_store_no_page_of_their_own(client, tour):
    client.get(f"{URL}?{DUO}")
    assert client.get(f"{URL}?{DUO}")["X-Toursite-Page"] == "stored"
    swapped = client.get(f"{URL}?riders=tadej-pogacar,jonas-vingegaard")
    twice = client.get(f"{URL}?riders=jonas-vingegaard,jonas-vingegaard")
    for response in (swapped, twice):
        assert response.status_code == 302
        assert "no-store" in response["Cache-Control"]
    followed = client.get(swapped["Location"])
    assert followed["X-Toursite-Page"] == "stored"  # the one page of the two


@pytest.mark.usefixtures("stored_pages")
@override_settings(
    ALLOWED_HOSTS=["one.example", "two.example"], SITE_URL="https://toursite.example"
)
def test_canonical_link_comes_from_the_site_address(client, tour):
    """A stored page must not keep the Host of whoever asked first."""
    pages = [
        client.get(f"{URL}?{DUO}", HTTP_HOST=host, secure=secure).content.decode()
        for host, secure in (("one.example", False), ("two.example", True))
    ]
    link = f'<link rel="canonical" href="https://toursite.example{URL}?{DUO}">'
    assert all(link in page for page in pages)
    plain = client.get(f"{URL}?riders=", HTTP_HOST="two.example").content.decode()
    assert f'<link rel="canonical" href="https://toursite.example{URL}">' in plain


@pytest.mark.usefixtures("stored_pages")
def test_unknown_names_are_not_stored(client, tour):
    client.get(f"{URL}?riders=jonas-vingegaard,zzz1")
    again = client.get(f"{URL}?riders=jonas-vingegaard,zzz1")
    assert again["X-Toursite-Page"] == "rendered"


def test_htmx_request_gets_the_same_page(client, tour):
    plain = client.get(f"{URL}?{DUO}")
    htmx = client.get(f"{URL}?{DUO}", headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert "HX-Request" in htmx["Vary"]
    assert 'id="h2h-gc-caption"' in htmx.content.decode()
    assert plain.content.count(b"<html") == htmx.content.count(b"<html") == 1


def test_rider_page_links_to_the_compare_form(client, tour):
    html = client.get("/riders/jonas-vingegaard/").content.decode()
    assert f'action="{URL}"' in html
    assert 'name="riders" value="jonas-vingegaard"' in html
