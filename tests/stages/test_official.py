"""The stored standings of the three 2023 Grand Tours, as imported and recomputed by
the site, against the official tables after every stage (tests/data/official/).

Every total must be equal and every position equal, except the mismatches that
tests/stages/official.py explains one by one (documented source errors, orders
inside ties the rules and data cannot settle, GC and youth ties that need the
time-trial hundredths). Points and mountains ties are ordered from the
crossings: each race must get at least as many positions right as the reference
computation of RULES.md ("Checked against the 2023 crossings").
"""

from collections import defaultdict

import pytest

from stages.models import Standing
from tests.stages.official import (
    POSITION_FIGURES,
    compare,
    unused_exceptions,
)

EDITIONS = {
    "tdf2023": ("tour-de-france", 2023),
    "giro2023": ("giro-d-italia", 2023),
    "vuelta2023": ("vuelta-a-espana", 2023),
}


def stored_standings(race: str, year: int) -> dict:
    computed: dict = defaultdict(lambda: defaultdict(list))
    rows = Standing.objects.filter(
        stage__edition__race__slug=race, stage__edition__year=year
    ).values_list(
        "stage__number", "classification", "rank", "entry__bib", "team__code", "value"
    )
    for stage, classification, rank, bib, code, value in rows:
        key = code if classification == "teams" else bib
        computed[stage][classification].append((rank, key, value))
    return computed


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(EDITIONS))
def test_stored_standings_match_the_official_tables(key):
    computed = stored_standings(*EDITIONS[key])
    assert sorted(computed) == list(range(1, 22))
    report = compare(key, computed)
    assert report.unexplained() == []
    # Every exemption still names a real difference: none hides matching rows.
    assert unused_exceptions(report) == []


def figures(report) -> list[str]:
    """One line per classification with a reference figure: positions equal."""
    summary = report.summary()
    lines = []
    for cls, figure in POSITION_FIGURES[report.edition_key].items():
        got = summary[cls]
        note = f", {figure.gc_ties} on GC ties" if figure.gc_ties else ""
        lines.append(
            f"{report.edition_key} {cls}: {got.positions_equal:,}/{got.rows:,} "
            f"positions equal (reference {figure.reference:,}/{figure.rows:,}"
            f"{note}; at least {figure.required:,} required)"
        )
    return lines


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(EDITIONS))
def test_points_and_mountains_ties_reach_the_reference_figures(key):
    report = compare(key, stored_standings(*EDITIONS[key]))
    summary = report.summary()
    lines = "\n".join(figures(report))
    for cls, figure in POSITION_FIGURES[key].items():
        assert summary[cls].rows == figure.rows, lines
        assert summary[cls].positions_equal >= figure.required, lines


@pytest.mark.django_db
def test_vuelta_mountains_equal_the_official_tables_on_every_row():
    report = compare("vuelta2023", stored_standings("vuelta-a-espana", 2023))
    assert [m for m in report.mismatches() if m.classification == "mountains"] == []
    assert report.summary()["mountains"].positions_equal == 787
