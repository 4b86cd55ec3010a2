"""Who left the race, and where: the one rule, used by the package reader, the
stored start lists (``Entry.exit_stage``) and so every page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from racing.standings.model import OUT_STATUSES, StageInput


@dataclass(frozen=True)
class Exit:
    """The stage on which a rider left the race. ``status`` is DNF, DNS, OTL or DSQ,
    or "" when his results simply stop (no row on a finished stage)."""

    stage: int
    status: str

    @property
    def final(self) -> bool:
        """Out for good: no later row of his may be accepted (an OTL rider may be
        reinstated by the jury, a missing row may be a result still coming)."""
        return self.status in OUT_STATUSES


def exits(
    rows: Iterable[tuple[int, int, str]], finished: Iterable[int]
) -> dict[int, Exit]:
    """Who left the race and where, from ``(rider_id, stage, status)`` rows and the
    numbers of the finished stages that have results.

    A rider is out from his first DNF, DNS or DSQ; from an OTL after which he has no
    result (an OTL rider the jury reinstated has results on later stages); or from
    the first finished stage after his first result on which he has no row at all.
    A stage still being entered (not finished) never counts as a missing row.
    """
    by_rider: dict[int, dict[int, str]] = defaultdict(dict)
    for rider_id, stage, status in rows:
        by_rider[rider_id][stage] = status
    finished = set(finished)
    out = {}
    for rider_id, results in by_rider.items():
        first, last = min(results), max(results)
        for stage in sorted(n for n in finished | set(results) if n >= first):
            status = results.get(stage)
            if status is None:
                out[rider_id] = Exit(stage, "")
                break
            if status in OUT_STATUSES or (status == "OTL" and stage == last):
                out[rider_id] = Exit(stage, status)
                break
    return out


def stage_exits(stages: Sequence[StageInput]) -> dict[int, Exit]:
    """:func:`exits` of engine input (``StageInput.complete`` marks the stages
    whose results are all in; a stage not raced is nobody's missing row)."""
    return exits(
        ((r.rider_id, s.number, r.status) for s in stages for r in s.results),
        (s.number for s in stages if s.complete and not s.cancelled),
    )
