"""How a documented difference between the official tables and the site's is
written down: the kinds of exemption that tests/stages/official.py (the 2023
editions) and tests/stages/official_seasons.py (2021, 2022, 2025) list per edition,
each citing its reason from the edition's SOURCES.md, and the reference figures
the site must reach.

Not a test module: :func:`tests.stages.official.compare` applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.stages.official import Mismatch

STAGES = tuple(range(1, 22))


@dataclass(frozen=True)
class KnownDifference:
    """A documented difference between the official tables and a correct computation.

    Explains mismatches of the given ``kinds`` in ``classification`` after any of
    ``stages``, for the rows whose key is in ``keys`` (every row when empty) and,
    when ``ranks`` is set, whose official rank lies in that inclusive range.
    """

    classification: str
    stages: tuple[int, ...]
    keys: tuple[int | str, ...]
    kinds: tuple[str, ...]
    reason: str
    ranks: tuple[int, int] | None = None
    # Only a position inside the official group of rows with the same total
    # (an order inside a tie), not a row that moved out of its group.
    tie: bool = False

    def covers(self, m: Mismatch) -> bool:
        if self.ranks is not None and not (
            m.official_rank is not None
            and self.ranks[0] <= m.official_rank <= self.ranks[1]
        ):
            return False
        return (
            m.classification == self.classification
            and m.stage in self.stages
            and (not self.keys or m.key in self.keys)
            and m.kind in self.kinds
        )


@dataclass(frozen=True)
class ShiftedTotals:
    """A documented way the source prints every total of a table: after each of
    ``stages``, an official ``classification`` total is the computed one plus
    ``offset`` seconds, taken modulo ``modulo`` seconds when set (hours over 100
    printed modulo 100: ``modulo=100 * 3600``).

    Explains a ``total`` mismatch only when its official value is exactly that;
    the row still does not count as an equal total (the reference figures count
    it as differing), and its position is compared as any other.
    """

    classification: str
    stages: tuple[int, ...]
    reason: str
    offset: int = 0
    modulo: int | None = None

    def printed(self, value: int) -> int:
        value += self.offset
        return value % self.modulo if self.modulo else value

    def covers(self, m: Mismatch) -> bool:
        return (
            m.kind == "total"
            and m.classification == self.classification
            and m.stage in self.stages
            and m.computed_value is not None
            and self.printed(m.computed_value) == m.official_value
        )


@dataclass(frozen=True)
class TieOrder:
    """Stages whose order inside groups of equal totals needs data the package
    lacks (time-trial hundredths; sprint and climb results)."""

    classification: str
    stages: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Figure:
    """Positions equal in a classification, summed over the stages.

    ``reference``: what a reference computation gets right (2023: RULES.md
    "Checked against the 2023 crossings", SOURCES.md "Checks", whose last
    tie-break is the *official* GC position; other editions: SOURCES.md
    "Reference check", "positions equal"); ``rows``: the official rows;
    ``ranked``: the official rows with a position, when some are listed unranked
    ("1,438 of 1,527 ranked"); ``last_stage``: the reference covers stages 1 to
    this one. ``gc_ties``: rows of that reference whose order falls back to two
    riders with equal GC times, which the site's GC orders differently for want
    of the time-trial hundredths (the rows are exemptions too).
    """

    reference: int
    rows: int
    gc_ties: int = 0
    ranked: int | None = None
    last_stage: int = 21

    @property
    def required(self) -> int:
        return self.reference - self.gc_ties


def tie_orders(
    classification: str, reason: str, keys_by_stage: Mapping[int, tuple[int, ...]]
) -> tuple[KnownDifference, ...]:
    """One exemption per stage for the order inside ties of these riders only."""
    return tuple(
        KnownDifference(classification, (stage,), keys, ("position",), reason, tie=True)
        for stage, keys in keys_by_stage.items()
    )


def time_trial_ties(first_tt: int, reason: str) -> tuple[TieOrder, ...]:
    """GC and youth ties from the first time trial on, whose order needs its
    hundredths (RULES.md §1 tie-break (1))."""
    from_tt = tuple(range(first_tt, 22))
    return (TieOrder("gc", from_tt, reason), TieOrder("youth", from_tt, reason))
