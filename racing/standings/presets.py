"""The rules each Grand Tour starts from (RULES.md §1-3 and §8, with the scales the
2023 checkpoint tables confirm), as ``[rules]`` overrides of the defaults, which
are the Tour's: a new edition whose rules are left empty gets its race's preset.

Keyed by race slug; a race without a preset gets the Tour's rules (no override).
Bonus seconds at the Giro's and the Vuelta's intermediate bonus sprints are
``checkpoint_bonus``: a race package makes each place that gives seconds a
``bonus`` checkpoint of its own (RACE_PACKAGE.md), so ``sprint_bonus`` stays empty
and no sprint counts its seconds twice. Scales beyond the categories are named
by the climbs that use them (checkpoints.csv ``scale``): the Giro's cat. 1 summit
finishes (``summit-1``, 50-24-16-…) and the Vuelta's highest top (``top``,
20-15-10-6-4-2). ``climb_order`` and ``category_names`` give the mountains
tie-break and the names the races print (Cima Coppi, Especial).

An edition's rules are its race's preset with its own ``[rules]`` on top
(:func:`with_preset`): what the edition names replaces the preset's, entry by entry
inside the tables.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from racing.standings.model import CLIMB_CATEGORIES
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
            # The cat. 1 summit finishes of 2023 (four stages).
            "summit-1": [50, 24, 16, 9, 6, 4, 2, 1],
        },
        "category_names": {"HC": "Cima Coppi"},
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
            # The race's highest top (the Tourmalet in 2023).
            "top": [20, 15, 10, 6, 4, 2],
        },
        "climb_order": ["top", "HC", "1", "2", "3"],
        "category_names": {"HC": "Especial", "top": "Especial"},
    },
}

# Tables whose entries an edition's [rules] override one by one.
TABLES = ("points_scales", "climb_points", "category_names")

NAMES = {TOUR: "Tour de France", GIRO: "Giro d'Italia", VUELTA: "Vuelta a España"}


def preset_for(race_slug: str) -> dict[str, object]:
    """The ``[rules]`` overrides a new edition of this race starts with (a copy:
    the caller may store and change it); the Tour's rules, no override, for a race
    without a preset."""
    return copy.deepcopy(PRESETS.get(race_slug, {}))


def with_preset(race_slug: str, overrides: Mapping[str, object]) -> dict[str, object]:
    """The race's preset with ``overrides`` (an edition's ``[rules]``) on top: a
    key replaces the preset's, except the tables of :data:`TABLES`, where each
    entry replaces the preset's entry of that name (dotted keys such as
    ``climb_points.1`` too). A value that is no table is kept as given, for
    ``Rules.from_overrides`` to refuse."""
    merged = preset_for(race_slug)
    for key, value in overrides.items():
        head, _, tail = str(key).partition(".")
        entries = {tail: value} if tail else value
        if head in TABLES and isinstance(entries, Mapping):
            table = merged.get(head)
            if not isinstance(table, dict):
                table = merged[head] = {}
            table.update({str(k): copy.deepcopy(v) for k, v in entries.items()})
        else:
            merged[str(key)] = copy.deepcopy(value)
    return merged


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
        (_climb_line(rules, name), _places(rules.climb_points[name]))
        for name in rules.category_order()
    ]
    lines.append(
        (
            "Mountains ties: first places on",
            ", then ".join(_climb_class(rules, name) for name in rules.climb_order),
        )
    )
    lines += [
        (f"Name of {_what(name)}", label)
        for name, label in rules.category_names.items()
    ]
    return lines


def _what(name: str) -> str:
    return f"category {name}" if name in CLIMB_CATEGORIES else f"scale {name}"


def _climb_line(rules: Rules, name: str) -> str:
    label = rules.category_names.get(name)
    return f"Climb points, {_what(name)}" + (f" ({label})" if label else "")


def _climb_class(rules: Rules, name: str) -> str:
    label = rules.category_names.get(name)
    return f"{name} ({label})" if label else name


def _places(scale: tuple[int, ...]) -> str:
    return "-".join(str(v) for v in scale) if scale else "none"
