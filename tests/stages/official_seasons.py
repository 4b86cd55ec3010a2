"""The documented differences and reference figures of the 2021, 2022 and 2025
editions (tests/data/official/<key>/SOURCES.md, "Known limits" and "Reference
check"); tests/stages/official.py merges them with the 2023 ones.

What the eight editions share:

- No crossings: the packages carry no sprint or climb results, so the order
  inside a group of equal points or mountains points (sprint and climb wins,
  RULES.md) is not known: :data:`SEASON_TIE_ORDERS`, bounded by the reference
  figures of :data:`SEASON_FIGURES` (SOURCES.md: "positions differ inside groups
  of equal points (sprint results not in the data)").
- No time-trial hundredths before 2025: GC and youth ties from the first time
  trial on cannot be ordered as the official tables do.
- Team times over 100 h printed modulo 100 h in 2021-22 (hidden seconds alike):
  :data:`SEASON_SHIFTED_TOTALS` compares those tables modulo 100 h; every such
  row stays listed in the report with the rule as its explanation.
- Points listed unranked ("NR": a negative total, 2025) have no position: their
  totals are compared, their positions not (``Figure.ranked``).
- The Vuelta 2025 stage 21 was not raced: the site's tables after it are those
  after stage 20; the source's are too, except that it adds the time printed for
  the stage not raced (1:26:31) to every GC and youth time.
"""

from __future__ import annotations

from tests.stages.official_exemptions import (
    STAGES,
    Figure,
    KnownDifference,
    ShiftedTotals,
    TieOrder,
    time_trial_ties,
)

_NO_CROSSINGS = (
    "{} ties: the package has no {} results (SOURCES.md), so the wins that "
    "break them are not known"
)


def _no_crossings() -> tuple[TieOrder, ...]:
    return (
        TieOrder("points", STAGES, _NO_CROSSINGS.format("points", "sprint")),
        TieOrder("mountains", STAGES, _NO_CROSSINGS.format("mountains", "climb")),
    )


def _no_hundredths(first_tt: int, stages: str) -> tuple[TieOrder, ...]:
    return time_trial_ties(
        first_tt, f"GC tie-break (1) needs the ITT hundredths (stages {stages})"
    )


SEASON_TIE_ORDERS: dict[str, tuple[TieOrder, ...]] = {
    "giro2021": (*_no_hundredths(1, "1, 21"), *_no_crossings()),
    "tdf2021": (*_no_hundredths(5, "5, 20"), *_no_crossings()),
    "vuelta2021": (*_no_hundredths(1, "1, 21"), *_no_crossings()),
    "giro2022": (*_no_hundredths(2, "2, 21"), *_no_crossings()),
    "tdf2022": (*_no_hundredths(1, "1, 20"), *_no_crossings()),
    # 2025: the time trials carry hundredths; every GC and youth position is equal.
    "giro2025": _no_crossings(),
    "tdf2025": _no_crossings(),
    "vuelta2025": _no_crossings(),
}


def _hours_mod_100(*stages: int) -> ShiftedTotals:
    return ShiftedTotals(
        "teams",
        stages,
        "source prints team times over 100 h with the hours modulo 100 "
        "(order and gaps right)",
        modulo=100 * 3600,
    )


# Vuelta 2025 stage 21 (SOURCES.md "Files"): "The tables after stage 21 equal
# those after stage 20 (same riders, order and totals), except that every GC and
# youth time is 1:26:31 higher."
_NOT_RACED = (
    "stage 21 not raced: the source adds the time printed for it (1:26:31) to "
    "every GC and youth time after stage 20"
)
SEASON_SHIFTED_TOTALS: dict[str, tuple[ShiftedTotals, ...]] = {
    "giro2021": (_hours_mod_100(9, 10, 12, 13, 15, 16, 17, 18, 20),),
    "tdf2021": (_hours_mod_100(20),),
    "vuelta2021": (_hours_mod_100(10, 12, 13, 14, 15, 16, 17, 19, 20),),
    "giro2022": (_hours_mod_100(17, 20),),
    # Stage 21, GC times taken before the finish: the source's team times are
    # the finish times (3 x 1:01:57 more than the credited ones for every team).
    "tdf2025": (
        ShiftedTotals(
            "teams",
            (21,),
            "stage 21: the source's team times are the finish times, 11,151 s "
            "(3 x 1:01:57) above the GC's credited times the package carries",
            offset=3 * 3717,
        ),
    ),
    "vuelta2025": (
        ShiftedTotals("gc", (21,), _NOT_RACED, offset=5191),
        ShiftedTotals("youth", (21,), _NOT_RACED, offset=5191),
    ),
}

_OWN_ORDER = (
    "source order contradicts its own totals: {} (not in SOURCES.md 'Known "
    "limits'; the reference check counts these rows among its tie positions)"
)
_MCNULTY = _OWN_ORDER.format(
    "McNulty (8) listed last after stage 8 with 8 points, below riders on 2"
)
_G_MARTIN = _OWN_ORDER.format(
    "G. Martin (91) on 14 listed below Perez (96) on 12 after stage 11"
)
_GUARNIERI = "Guarnieri (84), OTL on stage 9, still listed with 5 points after it"
_ROLLAND = "Rolland (228) listed with a blank mountains total (0) after stage 16"
_PETILLI = "Petilli (136), 6 mountains points, missing from the table after stage 18"
_HAMILTON = "Hamilton (182): source youth time after stage 8 3:30 above his GC time"
_YATES = "Yates (181) and Vanhoucke (158), out on stage 17, still listed after it"
_MORKOV = "Mørkøv (57), OTL on stage 15, still listed with 51 points after it"
# The teams whose totals the source misprints after Giro 2022 stages 6 and 18.
_GIRO22_TEAMS_6 = (
    *"IWG TFS IGD BEX MOV TJV DSM AST EFE COF".split(),
    *"UAD QST EOK ACT ADC DRA IPT GFC LTS".split(),
)
_GIRO22_TEAMS_18 = tuple(
    "TBV BOH IWG IGD AST UAD TJV BEX MOV ACT EOK EFE COF LTS IPT".split()
)
_IPT = "Israel - Premier Tech: source team time 11 s (stage 2) and 15 s (stage 5) high"

SEASON_EXCEPTIONS: dict[str, tuple[KnownDifference, ...]] = {
    "giro2021": (
        KnownDifference(
            "youth",
            (9,),
            (31, 88),
            ("total",),
            "Cepeda (31), A. Viviani (88): stage-9 penalty missing from the "
            "source youth table (20 s below their GC time)",
        ),
        KnownDifference("mountains", (18,), (136,), ("extra",), _PETILLI),
        KnownDifference(
            "mountains", (18,), (), ("position",), _PETILLI, ranks=(35, 999)
        ),
    ),
    "tdf2021": (
        KnownDifference(
            "gc", (7,), (155,), ("total",), "Kluge (155): source GC 54 s low after 7"
        ),
        KnownDifference(
            "gc", (13,), (56,), ("total",), "Declercq (56): source GC 97 s low after 13"
        ),
        KnownDifference(
            "gc",
            tuple(range(10, 22)),
            (203,),
            ("total",),
            "Cabot (203): source GC 1 s below his stage times from stage 10",
        ),
        KnownDifference(
            "points", (8,), (216, 172, 38, 145, 16, 164), ("position",), _MCNULTY
        ),
        KnownDifference("points", (9,), (84,), ("missing",), _GUARNIERI),
        KnownDifference("points", (9,), (), ("position",), _GUARNIERI, ranks=(87, 999)),
        KnownDifference("mountains", (11,), (91,), ("position",), _G_MARTIN),
        KnownDifference("mountains", (16,), (228,), ("missing",), _ROLLAND),
        KnownDifference("mountains", (16,), (35,), ("position",), _ROLLAND),
        KnownDifference(
            "mountains",
            (19,),
            (35,),
            ("total",),
            "Hollenstein (35): source prints 35 mountains points after stage 19 "
            "(-1 before and after)",
        ),
    ),
    "vuelta2021": (
        KnownDifference("youth", (8,), (182,), ("total", "position"), _HAMILTON),
        KnownDifference("youth", (8,), (166, 16, 104, 133), ("position",), _HAMILTON),
        KnownDifference(
            "youth",
            (21,),
            (91,),
            ("total",),
            "Jakobsen (91): source youth time after stage 21 7:48 below his GC time",
        ),
        KnownDifference(
            "points",
            (20,),
            (143,),
            ("total",),
            "Hirt (143): source prints 143 points after stage 20 (1 after 21)",
        ),
    ),
    "giro2022": (
        KnownDifference(
            "teams",
            (6,),
            _GIRO22_TEAMS_6,
            ("total",),
            "source team table after stage 6 3-12 s above the stage times",
        ),
        KnownDifference(
            "teams",
            (18,),
            _GIRO22_TEAMS_18,
            ("total",),
            "source team table after stage 18 3-18 s below the stage times "
            "(Cofidis 89 s above)",
        ),
        KnownDifference(
            "youth",
            (18,),
            (44, 6, 8, 155, 188, 62),
            ("total",),
            "source youth times after stage 18 6 s below the GC times",
        ),
        KnownDifference("points", (17,), (181, 158), ("missing",), _YATES),
        KnownDifference("points", (17,), (), ("position",), _YATES, ranks=(26, 999)),
        KnownDifference("mountains", (17,), (181, 158), ("missing",), _YATES),
        KnownDifference("mountains", (17,), (), ("position",), _YATES, ranks=(50, 999)),
    ),
    "tdf2022": (
        KnownDifference("points", (15,), (57,), ("missing",), _MORKOV),
        KnownDifference("points", (15,), (), ("position",), _MORKOV, ranks=(23, 999)),
    ),
    "vuelta2025": (
        KnownDifference("teams", (2, 5), ("IPT",), ("total",), _IPT),
        KnownDifference(
            "teams", (5,), ("IPT", "TBV"), ("position",), _IPT + ", placed 6th"
        ),
    ),
}


def _figures(
    gc: tuple[int, int],
    youth: tuple[int, int],
    teams: tuple[int, int],
    points: tuple[int, int] | tuple[int, int, int],
    mountains: tuple[int, int],
    last_stage: int = 21,
) -> dict[str, Figure]:
    """SOURCES.md "Reference check": (positions equal, rows) per classification;
    points may add the ranked rows."""
    pos, rows, *ranked = points
    return {
        "gc": Figure(*gc, last_stage=last_stage),
        "youth": Figure(*youth, last_stage=last_stage),
        "teams": Figure(*teams, last_stage=last_stage),
        "points": Figure(
            pos, rows, ranked=ranked[0] if ranked else None, last_stage=last_stage
        ),
        "mountains": Figure(*mountains, last_stage=last_stage),
    }


SEASON_FIGURES: dict[str, dict[str, Figure]] = {
    "giro2021": _figures(
        (3282, 3480), (942, 970), (477, 477), (1606, 1700), (732, 954)
    ),
    "tdf2021": _figures((3325, 3369), (587, 587), (483, 483), (1694, 1966), (348, 738)),
    "vuelta2021": _figures(
        (3379, 3502), (1005, 1018), (483, 483), (1599, 1746), (553, 682)
    ),
    "giro2022": _figures(
        (3309, 3428), (877, 887), (462, 462), (1382, 1665), (637, 930)
    ),
    "tdf2022": _figures((3114, 3341), (553, 553), (462, 462), (1782, 2008), (348, 688)),
    "giro2025": _figures(
        (3587, 3587), (911, 911), (483, 483), (1459, 1744, 1710), (852, 1068)
    ),
    "tdf2025": _figures(
        (3602, 3602), (967, 967), (483, 483), (2056, 2196, 2160), (299, 577)
    ),
    # The reference check covers stages 1-20 (stage 21 not raced).
    "vuelta2025": _figures(
        (3322, 3322),
        (1199, 1199),
        (458, 460),
        (1438, 1534, 1527),
        (478, 608),
        last_stage=20,
    ),
}
