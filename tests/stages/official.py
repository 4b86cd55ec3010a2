"""The official tables of the eleven editions (tests/data/official/<key>/) and a
comparison against them.

Not a test module: DB-backed tests call :func:`load_official` and :func:`compare`
with what the site computed, then assert on the :class:`Report`::

    report = compare("tdf2023", computed)
    assert report.unexplained() == []

``computed`` is ``{stage: {classification: rows}}`` where a row is
``(rank, key, value)`` (a tuple, or any object with ``rank``, ``key`` and
``value`` attributes): ``key`` is the bib (int) on rider tables and the team's
UCI code (str) on the teams table; ``value`` is total seconds (gc, youth, teams)
or points (points, mountains). An official row without a position (points
listed "NR", a negative total, 2025) has its total compared, not its position.

A mismatch is *explained* when it is a documented source error or gap, or an
order inside a group of equal totals that the rules and the data cannot settle
(:data:`EXCEPTIONS`, taken from each edition's SOURCES.md and checked against
the packages, each naming the rows it covers), when a whole table's totals are
printed in a documented other way (:data:`SHIFTED_TOTALS`: team hours modulo
100 in 2021-22, the Vuelta 2025's stage not raced), or when it is a position
inside a group of equal totals whose order needs data the packages lack
(:data:`TIE_ORDERS`: time-trial hundredths; before 2023, sprint and climb
results). The kinds of exemption are in official_exemptions.py; the 2023 ones
are below, those of 2021, 2022 and 2025 in official_seasons.py.

Points and mountains ties are ordered from the crossings (RULES.md "Checked
against the 2023 crossings"): :data:`POSITION_FIGURES` holds, per edition and
classification, how many positions a reference computation gets right (2023:
with the crossings; other editions: SOURCES.md "Reference check"); the site
must get at least as many. :func:`unused_exceptions` lists exemptions that
explain nothing, so that none outlives the difference it names.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.stages.official_exemptions import (
    Figure,
    KnownDifference,
    ShiftedTotals,
    TieOrder,
    tie_orders,
    time_trial_ties,
)
from tests.stages.official_seasons import (
    SEASON_EXCEPTIONS,
    SEASON_FIGURES,
    SEASON_SHIFTED_TOTALS,
    SEASON_TIE_ORDERS,
)

OFFICIAL_DIR = Path(__file__).resolve().parent.parent / "data" / "official"
# Oldest first, as load_demo loads them.
EDITIONS = (
    *("giro2021", "tdf2021", "vuelta2021", "giro2022", "tdf2022"),
    *("giro2023", "tdf2023", "vuelta2023", "giro2025", "tdf2025", "vuelta2025"),
)
RACES = {"tdf": "tour-de-france", "giro": "giro-d-italia", "vuelta": "vuelta-a-espana"}
CLASSIFICATIONS = ("gc", "points", "mountains", "youth", "teams")
_FILES = {
    "gc": "gc_after_stage.csv",
    "points": "points_after_stage.csv",
    "mountains": "kom_after_stage.csv",
    "youth": "youth_after_stage.csv",
    "teams": "teams_after_stage.csv",
}
KINDS = ("total", "position", "missing", "extra")


@dataclass(frozen=True)
class OfficialRow:
    rank: int | None  # None: listed unranked ("NR", a negative points total)
    key: int | str  # bib, or the team's UCI code
    value: int  # seconds or points; a blank points cell reads as 0
    name: str = ""
    note: str = ""


def load_official(
    edition_key: str,
) -> dict[int, dict[str, list[OfficialRow]]]:
    """``{stage: {classification: rows in official order}}`` for one edition.

    Classifications are named as in the engine (``kom`` files -> ``mountains``).
    A stage without a table for a classification (the Vuelta's points and
    mountains after the stage-1 team time trial) has an empty list.
    """
    folder = OFFICIAL_DIR / edition_key
    if not folder.is_dir():
        raise ValueError(f"unknown edition {edition_key!r}")
    out: dict[int, dict[str, list[OfficialRow]]] = {}
    for cls, filename in _FILES.items():
        with open(folder / filename, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                stage = int(row["stage"])
                if cls == "teams":
                    key: int | str = row["uci_code"]
                    value = int(row["time_s"])
                    name = row["team"]
                elif cls in ("gc", "youth"):
                    key, value, name = int(row["bib"]), int(row["time_s"]), row["rider"]
                else:
                    key, name = int(row["bib"]), row["rider"]
                    value = int(row["points"]) if row["points"].strip() else 0
                out.setdefault(stage, {c: [] for c in CLASSIFICATIONS})
                rank = int(row["position"]) if row["position"].strip() else None
                out[stage][cls].append(
                    OfficialRow(rank, key, value, name, row.get("note") or "")
                )
    return out


_TIE_ORDERS_2023: dict[str, tuple[TieOrder, ...]] = {
    # RULES.md §1 tie-break (1): the stage-16 ITT hundredths are not in the data.
    "tdf2023": time_trial_ties(
        16, "GC tie-break (1) needs the stage-16 ITT hundredths"
    ),
    # The three Giro time trials (stages 1, 9, 20) have no hundredths.
    "giro2023": time_trial_ties(
        1, "GC tie-break (1) needs the ITT hundredths (stages 1, 9, 20)"
    ),
    # Stage 1 TTT and stage 10 ITT have no hundredths (DSM and Movistar both 17:30).
    "vuelta2023": time_trial_ties(
        1, "GC tie-break (1) needs the TTT/ITT hundredths (stages 1, 10)"
    ),
}


_FIGURES_2023: dict[str, dict[str, Figure]] = {
    "tdf2023": {"points": Figure(1987, 2019), "mountains": Figure(881, 886)},
    "giro2023": {
        "points": Figure(1367, 1445, gc_ties=2),
        "mountains": Figure(867, 874, gc_ties=2),
    },
    "vuelta2023": {"points": Figure(1578, 1595), "mountains": Figure(787, 787)},
}


_SOURCE_ORDER = (
    "source order: the official table orders these equal totals by neither the "
    "tie-break rule nor GC position ({})"
)
# Tour points and mountains after stage 15 (stages 14 and 16 follow the rules).
_TOUR_15 = _SOURCE_ORDER.format("Tour, after stage 15 only")
_TOUR_POINTS_15 = (64, 78, 53, 92, 218, 126, 162, 112, 167, 69, 166, 96, 205)
_TOUR_POINTS_15 += (102, 8, 152, 128, 5, 107, 104, 85, 207, 84)
# Giro points, stages 3-16: the official order also counts wins at the bonus
# sprints (3/2/1 s, no points); counting them breaks stages 18-21, which follow
# RULES.md, so the rule is not changed.
_GIRO_BONUS_SPRINTS = (
    "official order counts wins at the bonus sprints (Giro stages 3-16 only; "
    "stages 18-21 follow RULES.md)"
)
_GIRO_POINTS_BONUS_WINS = {
    3: (173, 175),
    4: (173, 175),
    6: (133, 161, 104, 21),
    7: (133, 118, 161, 104, 21),
    8: (133, 118, 104, 21),
    9: (83, 104, 133, 21),
    11: (133, 88),
    12: (133, 47),
    13: (133, 47),
    14: (133, 47),
    15: (122, 161, 133, 47),
    16: (83, 122, 161),
}
_GIRO_17 = (
    "source order after Giro stage 17: a stage winner placed behind riders "
    "without a win, other groups neither by the rules nor by GC"
)
_GIRO_POINTS_17 = (31, 81, 127, 63, 151, 181, 83, 216, 175, 176, 88, 178, 158)
_GIRO_POINTS_17 += (134, 101, 74, 94, 38, 107, 121, 37, 194, 146, 153, 47, 25)
_GIRO_POINTS_17 += (96, 112, 73, 65, 215, 218, 197, 113, 105, 195, 66, 12, 62)
_GIRO_POINTS_17 += (115, 35, 85)
_GIRO_GC_TIE = (
    "equal totals and no wins: the order falls back to two riders with equal GC "
    "times, whose order needs the time-trial hundredths"
)
_GIRO_MOUNTAINS_8 = _SOURCE_ORDER.format(
    "Giro, after stage 8: riders who scored on stage 8 ahead, no climb wins"
)
_VUELTA_6 = _SOURCE_ORDER.format("Vuelta, after stage 6 only")
_VUELTA_POINTS_6 = (15, 216, 133, 146, 194, 213, 6, 98, 174, 54, 66, 82, 214)
_VUELTA_POINTS_6 += (56, 122, 147, 168)

_BAUHAUS = "Bauhaus (bib 64) is listed with a blank points cell at 0 points"
_VERVAEKE = "Vervaeke (bib 8): source GC time 581 s too high after stages 9 and 10"
_GIRO_YOUTH_4 = (165, 182, 213, 45, 197, 125, 183, 163, 174, 147, 177, 203)

_EXCEPTIONS_2023: dict[str, tuple[KnownDifference, ...]] = {
    "tdf2023": (
        # RULES.md §1 tie-break (3): these five pairs have equal times and equal
        # placing sums; the source orders them by stage-1, not stage-2, placing.
        KnownDifference(
            "gc",
            (2,),
            (107, 152, 73, 96, 166, 105, 56, 164, 192, 194),
            ("position",),
            "equal time and placing sum: source order ignores the stage-2 placing",
        ),
        # RULES.md §2: a rider at 0 points is not listed (Bauhaus lost his 30
        # points on stage 4); the riders below him sit one place higher here.
        KnownDifference("points", (4, 5, 6), (64,), ("missing",), _BAUHAUS),
        KnownDifference("points", (4,), (83, 101, 43), ("position",), _BAUHAUS),
        KnownDifference("points", (5,), (101, 43), ("position",), _BAUHAUS),
        KnownDifference("points", (6,), (43,), ("position",), _BAUHAUS),
        # RULES.md §3: the source's stage-21 table is broken below the top three
        # (totals lower than after stage 20, order copied from stage 20, so the
        # positions match).
        KnownDifference(
            "mountains",
            (21,),
            (),
            ("total",),
            "source stage-21 mountains totals broken from position 4 down",
            ranks=(4, 999),
        ),
        *tie_orders("points", _TOUR_15, {15: _TOUR_POINTS_15}),
        *tie_orders("mountains", _TOUR_15, {15: (187, 135, 175, 54, 182)}),
        # RULES.md §5: team totals after the neutralised stage 21, unexplained:
        # MOV +53 s, COF +53 s, LTK +49 s, EFE +3:18 in the source.
        KnownDifference(
            "teams",
            (21,),
            ("MOV", "COF", "LTK", "EFE"),
            ("total",),
            "source team totals after stage 21 too high (unexplained)",
        ),
    ),
    "giro2023": (
        # RULES.md §4: the source's youth table after stage 4 lacks 12 eligible
        # riders (Ries, Dainese, Covi, Milan, Stewart, Marit, Hvideberg, Dekker,
        # Iacchi, Gloag, Stojnic, Hoole); every row below the first sits higher.
        KnownDifference(
            "youth",
            (4,),
            _GIRO_YOUTH_4,
            ("extra",),
            "source youth table after stage 4 lacks 12 eligible riders",
        ),
        KnownDifference(
            "youth",
            (4,),
            (),
            ("position",),
            "rows below the 12 riders missing from the source table",
            ranks=(33, 999),
        ),
        # RULES.md §3: two rows share position 36 (Matthews, Mayrhofer), so the
        # source numbers the next rows one place lower.
        # Matthews (191) and Mayrhofer (185) both at 36 with 1 point: the site
        # breaks the tie, the rows below sit one place higher here.
        KnownDifference(
            "mountains",
            (10,),
            (191, 168, 151),
            ("position",),
            "source gives position 36 twice after stage 10",
        ),
        *tie_orders("points", _GIRO_BONUS_SPRINTS, _GIRO_POINTS_BONUS_WINS),
        *tie_orders("points", _GIRO_GC_TIE, {4: (118, 51)}),
        *tie_orders("points", _GIRO_17, {17: _GIRO_POINTS_17}),
        *tie_orders("mountains", _GIRO_MOUNTAINS_8, {8: (135, 104, 158, 134)}),
        *tie_orders("mountains", _GIRO_GC_TIE, {12: (97, 146)}),
    ),
    "vuelta2023": (
        # RULES.md §1: a transient source error (consistent again after stage 11);
        # the riders between his real and his printed place move up one.
        KnownDifference("gc", (9, 10), (8,), ("total", "position"), _VERVAEKE),
        KnownDifference("gc", (9,), (), ("position",), _VERVAEKE, ranks=(49, 62)),
        KnownDifference("gc", (10,), (), ("position",), _VERVAEKE, ranks=(48, 62)),
        # RULES.md §5: after stage 16 the source lists 20 teams; Jayco AlUla and
        # Alpecin-Deceuninck (3 and 6 riders left) are back after stage 17.
        KnownDifference(
            "teams",
            (16,),
            ("JAY", "ADC"),
            ("extra",),
            "source team table after stage 16 lacks two teams",
        ),
        *tie_orders("points", _VUELTA_6, {6: _VUELTA_POINTS_6}),
    ),
}

# Every edition's: the 2023 ones above, the 2021, 2022 and 2025 ones from
# official_seasons.py.
EXCEPTIONS = {**_EXCEPTIONS_2023, **SEASON_EXCEPTIONS}
TIE_ORDERS = {**_TIE_ORDERS_2023, **SEASON_TIE_ORDERS}
SHIFTED_TOTALS: dict[str, tuple[ShiftedTotals, ...]] = SEASON_SHIFTED_TOTALS
POSITION_FIGURES = {**_FIGURES_2023, **SEASON_FIGURES}


@dataclass(frozen=True)
class Mismatch:
    stage: int
    classification: str
    key: int | str
    kind: str  # "total" | "position" | "missing" (official only) | "extra"
    official_rank: int | None
    computed_rank: int | None
    official_value: int | None
    computed_value: int | None
    explanation: str = ""  # why it is allowed; "" = unexplained

    def __str__(self) -> str:
        why = f" [{self.explanation}]" if self.explanation else ""
        return (
            f"stage {self.stage} {self.classification} {self.key}: {self.kind} "
            f"official #{self.official_rank} {self.official_value} vs computed "
            f"#{self.computed_rank} {self.computed_value}{why}"
        )


@dataclass(frozen=True)
class TableReport:
    stage: int
    classification: str
    rows: int  # official rows
    computed_rows: int
    totals_equal: int  # official rows found with the same value
    positions_equal: int  # official rows found at the same rank
    mismatches: tuple[Mismatch, ...]
    ranked: int = 0  # official rows with a rank (positions are compared on these)


@dataclass(frozen=True)
class Summary:
    rows: int
    totals_equal: int
    positions_equal: int
    unexplained: int
    ranked: int = 0


@dataclass
class Report:
    edition_key: str
    tables: dict[tuple[int, str], TableReport] = field(default_factory=dict)

    def mismatches(self) -> list[Mismatch]:
        return [m for t in self.tables.values() for m in t.mismatches]

    def unexplained(self) -> list[Mismatch]:
        return [m for m in self.mismatches() if not m.explanation]

    def summary(self, last_stage: int = 21) -> dict[str, Summary]:
        """Per classification, summed over stages 1 to ``last_stage``."""
        out = {}
        for cls in CLASSIFICATIONS:
            ts = [
                t
                for (stage, c), t in self.tables.items()
                if c == cls and stage <= last_stage
            ]
            out[cls] = Summary(
                sum(t.rows for t in ts),
                sum(t.totals_equal for t in ts),
                sum(t.positions_equal for t in ts),
                sum(1 for t in ts for m in t.mismatches if not m.explanation),
                sum(t.ranked for t in ts),
            )
        return out

    def format(self) -> str:
        lines = [f"{'':10} {'rows':>6} {'totals':>7} {'places':>7} {'unexpl':>7}"]
        for cls, s in self.summary().items():
            lines.append(
                f"{cls:10} {s.rows:6} {s.totals_equal:7} {s.positions_equal:7} "
                f"{s.unexplained:7}"
            )
        return "\n".join(lines)


def _row(row: object) -> tuple[int, int | str, int]:
    if isinstance(row, Sequence) and not isinstance(row, str):
        rank, key, value = row
        return rank, key, value
    return row.rank, row.key, row.value  # type: ignore[attr-defined]


def _explain(m: Mismatch, official: Sequence[OfficialRow], edition_key: str) -> str:
    inside = _inside_tie(m, official)
    for kd in EXCEPTIONS.get(edition_key, ()):
        if kd.covers(m) and (inside or not kd.tie):
            return kd.reason
    for shift in SHIFTED_TOTALS.get(edition_key, ()):
        if shift.covers(m):
            return shift.reason
    if inside:
        for t in TIE_ORDERS.get(edition_key, ()):
            if t.classification == m.classification and m.stage in t.stages:
                return f"tie order: {t.reason}"
    return ""


def _inside_tie(m: Mismatch, official: Sequence[OfficialRow]) -> bool:
    """A position mismatch of a row whose total is right and whose computed rank
    lies inside the official ranks of the rows with that total."""
    if m.kind != "position" or m.official_value != m.computed_value:
        return False
    span = [r.rank for r in official if r.value == m.official_value and r.rank]
    return len(span) > 1 and min(span) <= (m.computed_rank or 0) <= max(span)


def _used(
    found: Iterable[Mismatch],
    reason: str,
    covers: Callable[[Mismatch], bool],
    stage: int,
    key: int | str | None,
    kind: str,
) -> bool:
    """Whether an exemption explains a mismatch of this stage, key and kind."""
    return any(
        m.stage == stage
        and m.kind == kind
        and (key is None or m.key == key)
        and m.explanation == reason
        and covers(m)
        for m in found
    )


def unused_exceptions(report: Report) -> list[str]:
    """The exemptions of ``report``'s edition that explain no mismatch, per stage,
    key (each key an exemption names) and kind, and the shifted totals that
    explain none after one of their stages: an exemption must not cover rows
    that match, or a regression there would pass unnoticed."""
    found = report.mismatches()
    out = []
    for kd in EXCEPTIONS.get(report.edition_key, ()):
        for stage in kd.stages:
            for key in kd.keys or (None,):
                for kind in kd.kinds:
                    if not _used(found, kd.reason, kd.covers, stage, key, kind):
                        what = "any row" if key is None else key
                        out.append(
                            f"{kd.classification} stage {stage} {what} {kind}: "
                            f"{kd.reason}"
                        )
    for shift in SHIFTED_TOTALS.get(report.edition_key, ()):
        for stage in shift.stages:
            if not _used(found, shift.reason, shift.covers, stage, None, "total"):
                out.append(
                    f"{shift.classification} stage {stage} totals: {shift.reason}"
                )
    return out


def _compare_table(
    stage: int,
    cls: str,
    off: Sequence[OfficialRow],
    rows: Iterable[object],
    edition_key: str,
) -> TableReport:
    """One table. A row listed unranked ("NR") has its total compared, not its
    position (the source gives none)."""
    comp = {k: (r, v) for r, k, v in map(_row, rows)}
    found: list[Mismatch] = []
    totals = positions = 0
    for o in off:
        if o.key not in comp:
            found.append(
                Mismatch(stage, cls, o.key, "missing", o.rank, None, o.value, None)
            )
            continue
        rank, value = comp[o.key]
        if value == o.value:
            totals += 1
        else:
            found.append(
                Mismatch(stage, cls, o.key, "total", o.rank, rank, o.value, value)
            )
        if o.rank is None:
            continue
        if rank == o.rank:
            positions += 1
        else:
            found.append(
                Mismatch(stage, cls, o.key, "position", o.rank, rank, o.value, value)
            )
    off_keys = {o.key for o in off}
    found += [
        Mismatch(stage, cls, key, "extra", None, rank, None, value)
        for key, (rank, value) in comp.items()
        if key not in off_keys
    ]
    explained = tuple(
        replace(m, explanation=_explain(m, off, edition_key)) for m in found
    )
    ranked = sum(1 for o in off if o.rank is not None)
    return TableReport(
        stage, cls, len(off), len(comp), totals, positions, explained, ranked
    )


def compare(
    edition_key: str,
    computed: Mapping[int, Mapping[str, Iterable[object]]],
) -> Report:
    """Compare ``computed`` with the official tables of ``edition_key``.

    Every stage of either side and every classification is compared, row by row
    by key. ``total``/``position`` mismatches concern rows on both sides;
    ``missing`` rows are official only, ``extra`` rows computed only.
    """
    official = load_official(edition_key)
    report = Report(edition_key)
    for stage in sorted(set(official) | set(computed)):
        for cls in CLASSIFICATIONS:
            report.tables[(stage, cls)] = _compare_table(
                stage,
                cls,
                official.get(stage, {}).get(cls, []),
                computed.get(stage, {}).get(cls, ()),
                edition_key,
            )
    return report
