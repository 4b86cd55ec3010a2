"""The race pages take their tables, captions, CSV columns and jerseys from the
registry (``racing.registry``): a classification added there shows up on the
pages without a change to the page code."""

import csv
import html as html_module
import io
import re
from dataclasses import replace

import pytest
from django.http import QueryDict
from django.template import Context, Template

from racing import registry
from stages import exports, tables
from stages.models import Stage
from stages.queries import RiderRef, Row, TeamRef, filter_rows

STAGE_12 = "/races/tour-de-france/2023/stage-12/"

# A Tour combativity award as the registry would list it: points, individual,
# no jersey, exported like the other points classifications.
COMBATIVITY = registry.Table(
    key="combativity",
    label="Combativity",
    title="combativity classification",
    leader_title="the combativity classification",
    caption="Combativity classification after stage {number}",
    unit=registry.POINTS,
    individual=True,
    jersey=False,
    csv_columns=("rank", "bib", "rider", "team", "points"),
)


@pytest.fixture
def combativity(monkeypatch):
    """The registry with the combativity award after the other classifications."""
    monkeypatch.setitem(registry.TABLES, COMBATIVITY.key, COMBATIVITY)
    monkeypatch.setattr(
        registry, "CLASSIFICATIONS", (*registry.CLASSIFICATIONS, COMBATIVITY)
    )
    return COMBATIVITY


def rider_row(rank: int, bib: int, given: str, family: str, team: str) -> Row:
    return Row(
        rank=rank,
        team=TeamRef(team[:3].upper(), team),
        value=10 * rank,
        entry_id=bib,
        bib=bib,
        rider=RiderRef(f"{given}-{family}".lower(), given, family, "BE"),
    )


def render(text: str) -> str:
    return Template("{% load racing people %}" + text).render(Context())


# Kinds ----------------------------------------------------------------------


def test_each_table_has_the_kind_its_fields_say():
    kinds = {key: t.kind for key, t in registry.TABLES.items()}
    assert kinds == {
        "stage": "stage",
        "checkpoints": "checkpoints",
        "gc": "time",
        "points": "points",
        "mountains": "points",
        "youth": "time",
        "teams": "team",
    }
    assert COMBATIVITY.kind == "points"


def test_every_kind_has_a_csv_builder():
    assert {t.kind for t in registry.TABLES.values()} <= set(exports.BUILDERS)


# Stage page -----------------------------------------------------------------


@pytest.mark.django_db
def test_tabs_are_the_registry_tables_in_order(client):
    html = client.get(STAGE_12).content.decode()
    start = html.index('class="tabs"')
    nav = html[start : html.index("</nav>", start)]
    labels = [html_module.unescape(s) for s in re.findall(r">([^<>]+)</a>", nav)]
    assert labels == [t.label for t in registry.TABLES.values()]


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(registry.TABLES))
def test_csv_header_is_the_registry_columns_and_rows_fill_them(client, key):
    suffix = "stage" if key == "stage" else key
    text = client.get(f"{STAGE_12}{suffix}.csv").content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == registry.TABLES[key].csv_columns
    assert rows
    assert {len(row) for row in rows} == {len(header)}


def test_a_new_points_classification_exports_like_the_others(combativity):
    rows = [
        rider_row(1, 11, "Wout", "van Aert", "Jumbo-Visma"),
        rider_row(2, 21, "Tadej", "Pogačar", "UAE Team Emirates"),
    ]
    assert exports.csv_rows(None, "combativity", rows) == [
        ["rank", "bib", "rider", "team", "points"],
        [1, 11, "VAN AERT Wout", "JUM", 10],
        [2, 21, "POGAČAR Tadej", "UAE", 20],
    ]


@pytest.mark.django_db
def test_a_new_classification_gets_a_tab_caption_and_page(client, combativity):
    stage = Stage.objects.select_related("edition__race").get(
        edition__race__slug="tour-de-france", edition__year=2023, number=12
    )
    context = tables.table_context(stage, "combativity", QueryDict())
    assert context["caption"] == "Combativity classification after stage 12"
    assert context["kind"] == "points"
    assert context["is_points"]
    assert context["tabs"][-1]["url"] == f"{STAGE_12}combativity/"
    response = client.get(f"{STAGE_12}combativity/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Combativity</a>" in html
    assert "No results yet for stage 12." in html  # nothing stored for it yet


@pytest.mark.django_db
def test_a_classification_without_jersey_shows_none_beside_its_leader(
    client, monkeypatch
):
    youth = registry.TABLES["youth"]
    monkeypatch.setattr(
        registry,
        "CLASSIFICATIONS",
        tuple(
            replace(c, jersey=False) if c.key == "youth" else c
            for c in registry.CLASSIFICATIONS
        ),
    )
    html = client.get("/races/tour-de-france/2023/").content.decode()
    cards = html[
        html.index('class="leader-cards"') : html.index(
            "</ul>", html.index('class="leader-cards"')
        )
    ]
    assert "White jersey" not in cards
    assert "Yellow jersey (general classification leader)" in cards
    assert f">{youth.label}</a>" in " ".join(cards.split()).replace("> ", ">").replace(
        " <", "<"
    )


# Template tags ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (
            '{% jersey "gc" "giro-d-italia" %}',
            'aria-label="Pink jersey (general classification leader)"',
        ),
        ('{% jersey "gc" "giro-d-italia" %}', 'fill="#f2a0c0"'),
        ('{% jersey "mountains" "tour-de-france" %}', 'fill="#d7141a"'),  # the dots
        (
            '{% jersey "points" "" %}',
            'aria-label="Green jersey (points classification leader)"',
        ),
        (
            '{% jersey "youth" "vuelta-a-espana" %}',
            "White jersey (youth classification leader)",
        ),
        ('{{ "gc"|jersey_name:"vuelta-a-espana" }}', "Red jersey"),
        ('{{ "mountains"|jersey_name:"giro-d-italia" }}', "Blue jersey"),
        ('{{ "gc"|jersey_name:"some-new-race" }}', "Yellow jersey"),
        ('{{ "youth"|table_label }}', "Youth"),
        ('{{ "gc"|table_label }}', "General"),
        ('{{ "teams"|table_label }}', "Teams"),
        ('{{ "nothing"|table_label }}', "nothing"),
    ],
)
def test_tags_read_the_registry(tag, expected):
    assert expected in render(tag)


def test_tags_know_a_classification_added_to_the_registry(combativity):
    assert render('{{ "combativity"|table_label }}') == "Combativity"


# Name filter ------------------------------------------------------------------


ROWS = [
    rider_row(1, 11, "Wout", "van Aert", "Jumbo-Visma"),
    rider_row(2, 21, "Tadej", "Pogačar", "UAE Team Emirates"),
    rider_row(3, 31, "Ben", "O'Connor", "AG2R Citroën Team"),
]


@pytest.mark.parametrize(
    ("q", "bibs"),
    [
        ("pogac", [21]),
        ("POGAČAR", [21]),
        ("van aert", [11]),
        ("Wout van", [11]),
        ("oconnor", [31]),  # punctuation ignored, as racing.text.fold does
        ("citroen", [31]),
        ("jumbo", [11]),
        ("jumbo-visma", [11]),
        ("31", [31]),
        ("", [11, 21, 31]),
    ],
)
def test_name_filter_folds_like_the_core(q, bibs):
    assert [r.bib for r in filter_rows(ROWS, q=q)] == bibs
