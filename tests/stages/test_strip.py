"""The stage strip's geometry (stages.strip): stops where the km says, labels that
never overlap nor get crossed by a leader, a bonus point merged into its climb.
Real stages come from the race packages' checkpoints.csv (no database)."""

import csv
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from stages.queries.checkpoints import category_text
from stages.strip import stage_strip
from stages.strip_layout import W_MARGIN, W_WIDTH

RACES = Path(__file__).resolve().parents[2] / "races"
EDITIONS = ("tour-de-france-2023", "giro-d-italia-2023", "vuelta-a-espana-2023")
NAMES = {"giro-d-italia-2023": {"HC": "Cima Coppi"}, "vuelta-a-espana-2023": {}}


def cp(name, kind, km, category="", label=None, multiplier=1, altitude=None):
    return SimpleNamespace(
        name=name,
        kind=kind,
        km=None if km is None else Decimal(str(km)),
        category=category,
        category_label=label or category,
        category_text=category_text(category, label or category),
        multiplier=multiplier,
        altitude_m=altitude,
    )


def package_stage(edition: str, number: int) -> tuple[Decimal, list]:
    """A stage's distance and checkpoints as its race package has them."""
    names = NAMES.get(edition, {})
    with (RACES / edition / "stages.csv").open(encoding="utf-8") as f:
        distance = next(
            Decimal(r["distance_km"])
            for r in csv.DictReader(f)
            if r["number"] == str(number)
        )
    with (RACES / edition / "checkpoints.csv").open(encoding="utf-8") as f:
        checkpoints = [
            cp(
                r["name"],
                r["kind"],
                r["km"] or None,
                r["category"],
                names.get(r["category"], r["category"]),
                int(r["multiplier"] or 1),
            )
            for r in csv.DictReader(f)
            if r["stage"] == str(number)
        ]
    return distance, checkpoints


def all_stages():
    for edition in EDITIONS:
        with (RACES / edition / "stages.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                yield edition, int(row["number"])


def overlaps(a, b) -> bool:
    """Whether boxes (left, top, right, bottom) overlap."""
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def problems(layout) -> list[str]:
    """Labels overlapping, outside the drawing, or crossed by a leader."""
    found = []
    labels = layout.labels
    for i, a in enumerate(labels):
        name = a.lines[0].text
        left, top, right, bottom = a.box
        if left < 0 or top < 0 or right > layout.width or bottom > layout.height:
            found.append(f"{name} outside")
        for b in labels[i + 1 :]:
            if overlaps(a.box, b.box):
                found.append(f"{name} overlaps {b.lines[0].text}")
        for b in labels:
            if b is a or b.leader is None:
                continue
            x1, y1, x2, y2 = b.leader
            # A leader is a straight segment: does it enter a's box?
            for t in (i / 50 for i in range(51)):
                x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                if left < x < right and top < y < bottom:
                    found.append(f"leader of {b.lines[0].text} through {name}")
                    break
    return found


# Tour 2023 stage 17: Col des Saisies, Beaufort, Cormet de Roselend, Côte de
# Longefoy, Col de la Loze (HC x2) and its bonus point, 165.7 km.


def test_tour_stage_17_summary_and_stops():
    strip = stage_strip(
        *package_stage("tour-de-france-2023", 17), bonus_seconds=(8, 5, 2)
    )
    assert strip.summary == "165.7 km, 1 sprint, 4 climbs, 1 bonus point"
    kinds = [(s.kind, s.names) for s in strip.stops]
    assert kinds == [
        ("start", ["Start"]),
        ("climb", ["Col des Saisies"]),
        ("sprint", ["Beaufort"]),
        ("climb", ["Cormet de Roselend"]),
        ("climb", ["Côte de Longefoy"]),
        ("climb", ["Col de la Loze"]),
        ("finish", ["Finish"]),
    ]


def test_bonus_point_at_a_summit_is_the_climbs_badge():
    strip = stage_strip(
        *package_stage("tour-de-france-2023", 17), bonus_seconds=(8, 5, 2)
    )
    loze = strip.stops[5]
    assert loze.detail == "km 159.1 · HC ×2"
    assert loze.badge == "◆\u00a0+8/5/2\u00a0s"
    assert loze.names == ["Col de la Loze"]  # the bonus point is no name here
    assert loze.category == "HC"
    for layout in (strip.wide, strip.narrow):
        texts = [line for label in layout.labels for line in label.lines]
        assert not any("bonus point" in line.text for line in texts)
        assert [line.badge for line in texts if line.badge] == [loze.badge]


def test_bonus_point_on_its_own_is_a_stop_with_its_badge():
    strip = stage_strip(
        100,
        [cp("Cortina", "bonus", 60), cp("Passo Giau", "climb", 40, "1")],
        bonus_seconds=(3, 2, 1),
    )
    bonus = strip.stops[2]
    assert (bonus.kind, bonus.names, bonus.badge) == (
        "bonus",
        ["Cortina"],
        "◆\u00a0+3/2/1\u00a0s",
    )
    assert bonus.css == "strip__mark strip__mark--bonus"
    assert len(bonus.marker(0, 0).split()) == 4  # a diamond


def test_markers_stand_where_the_km_says():
    strip = stage_strip(200, [cp("A", "sprint", 50), cp("B", "climb", 150, "2")])
    wide = {label.stop.names[0]: label.mark_x for label in strip.wide.labels}
    span = W_WIDTH - 2 * W_MARGIN
    assert wide == {
        "Start": W_MARGIN,
        "A": W_MARGIN + span / 4,
        "B": W_MARGIN + span * 3 / 4,
        "Finish": W_MARGIN + span,
    }
    ys = [label.mark_y for label in strip.narrow.labels]
    step = (ys[-1] - ys[0]) / 4
    assert ys == pytest.approx([ys[0], ys[0] + step, ys[0] + 3 * step, ys[-1]])


def test_climb_categories_are_told_by_words_and_marker_size_not_only_colour():
    strip = stage_strip(
        100,
        [
            cp("Cima", "climb", 80, "HC", "Cima Coppi"),
            cp("Salita", "climb", 30, "4"),
        ],
    )
    salita, cima = strip.stops[1], strip.stops[2]
    assert salita.detail == "km 30 · cat. 4"
    assert cima.detail == "km 80 · Cima Coppi"
    assert "strip__cat--hc" in cima.css
    assert "strip__cat--4" in salita.css

    def height(points: str) -> float:
        ys = [float(p.split(",")[1]) for p in points.split()]
        return max(ys) - min(ys)

    assert height(cima.marker(0, 0)) > height(salita.marker(0, 0))


def test_altitude_is_printed_when_known_and_never_invented():
    strip = stage_strip(100, [cp("Colle", "climb", 90, "1", altitude=2304)])
    assert strip.stops[1].detail == "km 90 · cat. 1 · 2,304 m"
    strip = stage_strip(100, [cp("Colle", "climb", 90, "1")])
    assert " m" not in strip.stops[1].detail


@pytest.mark.parametrize(
    ("distance", "checkpoints"),
    [
        (None, [cp("A", "sprint", 10)]),
        (0, [cp("A", "sprint", 10)]),
        (Decimal("120.5"), []),
        (Decimal("120.5"), [cp("A", "sprint", None)]),
    ],
)
def test_nothing_to_draw_is_no_strip(distance, checkpoints):
    assert stage_strip(distance, checkpoints) is None


def test_a_checkpoint_without_km_is_counted_not_drawn():
    strip = stage_strip(100, [cp("A", "sprint", 40), cp("B", "climb", None, "3")])
    assert [s.names[0] for s in strip.stops] == ["Start", "A", "Finish"]
    assert strip.summary == "100 km, 1 sprint, 1 more without a km, not drawn"


@pytest.mark.parametrize(
    ("edition", "number"),
    [
        ("tour-de-france-2023", 17),
        ("giro-d-italia-2023", 19),  # seven checkpoints, five in the last 40 km
        ("vuelta-a-espana-2023", 20),  # twelve, four climbs crossed twice
    ],
)
def test_labels_never_overlap_nor_get_crossed_on_dense_stages(edition, number):
    strip = stage_strip(*package_stage(edition, number), bonus_seconds=(8, 5, 2))
    assert problems(strip.wide) == []
    assert problems(strip.narrow) == []


def test_every_2023_stage_strip_is_clean_and_not_too_tall():
    for edition, number in all_stages():
        strip = stage_strip(*package_stage(edition, number), bonus_seconds=(6, 4, 2))
        if strip is None:
            continue
        assert problems(strip.wide) == [], (edition, number)
        assert problems(strip.narrow) == [], (edition, number)
        assert strip.wide.height <= 360, (edition, number)


def test_template_is_two_accessible_svgs_linking_the_table():
    strip = stage_strip(
        *package_stage("tour-de-france-2023", 17), bonus_seconds=(8, 5, 2)
    )
    edition = SimpleNamespace(race=SimpleNamespace(slug="tour-de-france"), year=2023)
    html = render_to_string(
        "includes/stage_strip.html",
        {"strip": strip, "stage": SimpleNamespace(number=17), "edition": edition},
    )
    assert html.count('role="img"') == 2
    assert (
        html.count('aria-label="Stage 17: 165.7 km, 1 sprint, 4 climbs, 1 bonus point.')
        == 2
    )
    assert "strip__svg--wide" in html
    assert "strip__svg--narrow" in html
    assert 'href="/races/tour-de-france/2023/stage-17/checkpoints/"' in html
    assert "Climbs &amp; sprints</a>" in html
    assert "style=" not in html
    assert "<script" not in html
    assert html.count(">Col de la Loze<") == 2


def test_without_the_seconds_a_bonus_point_still_shows():
    alone = stage_strip(100, [cp("Cortina", "bonus", 60)]).stops[1]
    assert (alone.detail, alone.badge) == ("km 60 · bonus point", "")
    merged = stage_strip(
        100, [cp("Giau", "climb", 60, "1"), cp("Giau (bonus point)", "bonus", 60)]
    ).stops[1]
    assert (merged.names, merged.detail, merged.badge) == (
        ["Giau"],
        "km 60 · cat. 1",
        "◆\u00a0bonus point",
    )
