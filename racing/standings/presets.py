"""The rules each Grand Tour starts from (RULES.md §1-3 and §8, with the scales the
2023 checkpoint tables confirm), as ``[rules]`` overrides of the defaults, which
are the Tour's: a new edition whose rules are left empty gets its race's preset.

Keyed by race slug; a race without a preset gets the Tour's rules (no override).
Bonus seconds at the Giro's and the Vuelta's intermediate bonus sprints are
``checkpoint_bonus``: a race package makes each place that gives seconds a
``bonus`` checkpoint of its own (RACE_PACKAGE.md), so ``sprint_bonus`` stays empty
and no sprint counts its seconds twice. What no scale expresses stays for the
editor to enter as published values: the Giro's cat. 1 summit finishes
(50-24-16-…) and the Vuelta's highest top (20-15-10-6-4-2), both on one climb.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from racing.standings.rules import Rules

TOUR = "tour-de-france"
GIRO = "giro-d-italia"
VUELTA = "vuelta-a-espana"

# The Giro's stage scales (A-B, C, D-E) by the stage type they go with.
_GIRO_HIGH_MOUNTAIN = [15, 12, 9, 7, 6, 5, 4, 3, 2, 1]

PRESETS: dict[str, dict[str, object]] = {
    TOUR: {},
    GIRO: {
        "checkpoint_bonus": [3, 2, 1],
        "points_scales": {
            "flat": [50, 35, 25, 18, 14, 12, 10, 8, 7, 6, 5, 4, 3, 2, 1],
            "hilly": [25, 18, 12, 8, 6, 5, 4, 3, 2, 1],
            "mountain": _GIRO_HIGH_MOUNTAIN,
            "itt": _GIRO_HIGH_MOUNTAIN,
        },
        "sprint_points": [12, 8, 6, 5, 4, 3, 2, 1],
        # HC is the Cima Coppi, the race's highest pass.
        "climb_points": {
            "HC": [50, 30, 20, 14, 10, 6, 4, 2, 1],
            "1": [40, 18, 12, 9, 6, 4, 2, 1],
            "2": [18, 8, 6, 4, 2, 1],
            "3": [9, 4, 2, 1],
            "4": [3, 2, 1],
        },
    },
    VUELTA: {
        # Finish points: the Tour's 50, 30 and 20 scales by stage type.
        "checkpoint_bonus": [6, 4, 2],
        "sprint_points": [20, 17, 15, 13, 10],
        # HC is "Especial" (six places, as the 2023 tables print them).
        "climb_points": {
            "HC": [15, 10, 6, 4, 2, 1],
            "1": [10, 6, 4, 2, 1],
            "2": [5, 3, 1],
            "3": [3, 2, 1],
        },
    },
}

NAMES = {TOUR: "Tour de France", GIRO: "Giro d'Italia", VUELTA: "Vuelta a España"}


def preset_for(race_slug: str) -> dict[str, object]:
    """The ``[rules]`` overrides a new edition of this race starts with (a copy:
    the caller may store and change it); the Tour's rules, no override, for a race
    without a preset."""
    return copy.deepcopy(PRESETS.get(race_slug, {}))


def describe(overrides: Mapping[str, object], year: int) -> list[tuple[str, str]]:
    """What these overrides make of the rules, as (what, values) lines an editor
    reads: bonuses in seconds, scales in points by place. Raises ``ValueError``
    for overrides ``Rules.from_overrides`` refuses."""
    rules = Rules.from_overrides(overrides, year)
    lines = [
        ("Finish bonus (s)", _places(rules.finish_bonus)),
        ("Bonus-point seconds (s)", _places(rules.checkpoint_bonus)),
        ("Sprint seconds (s)", _places(rules.sprint_bonus)),
    ]
    lines += [
        (f"Finish points, {name} stages", _places(scale))
        for name, scale in rules.points_scales.items()
    ]
    lines.append(("Intermediate-sprint points", _places(rules.sprint_points)))
    lines += [
        (f"Climb points, category {category}", _places(rules.climb_points[category]))
        for category in rules.category_order()
    ]
    return lines


def _places(scale: tuple[int, ...]) -> str:
    return "-".join(str(v) for v in scale) if scale else "none"
