"""The one shape of a write: take the locks of the editions it touches, write,
recompute the standings of each edition whose standings it moves (the engine once
per edition, from the first stage it changed), and bump the data version of every
edition whose pages show it. The services of single objects go through
:func:`write`; the paste saves and the imports, which read their rows under the
lock first, use the same pieces.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from editions.models import Edition
from stages.services import leaders
from stages.services.recompute import (
    bump_version,
    engine_input,
    lock_editions,
    recompute_standings,
)


@dataclass
class Touched:
    """What a write changes: ``moved`` maps an edition id to the first stage whose
    standings it moves, ``shown`` holds the other editions whose pages show it,
    ``everywhere`` says every edition's pages may (a rider, a report's author)."""

    moved: dict[int, int] = field(default_factory=dict)
    shown: set[int] = field(default_factory=set)
    everywhere: bool = False

    def moves(self, edition_id: int | None, from_stage: int = 1) -> None:
        """The standings of the edition change from ``from_stage`` on."""
        if edition_id is not None:
            first = self.moved.get(edition_id, from_stage)
            self.moved[edition_id] = min(first, from_stage)

    def shows(self, *edition_ids: int | None) -> None:
        """The pages of these editions show what is written."""
        self.shown.update(pk for pk in edition_ids if pk is not None)


def write(change: Callable[[], object], touched: Touched) -> list[str]:
    """Run ``change`` in one transaction under the locks of the editions it
    touches, then store the new standings of each edition whose standings moved
    and bump the data version of every edition touched, each once. Returns one
    message per recomputed edition ("Standings updated after stage 12: …")."""
    with transaction.atomic():
        locked = lock_editions({*touched.moved, *touched.shown})
        moved = {pk: n for pk, n in touched.moved.items() if pk in locked}
        before = {pk: leaders.stored_leaders(locked[pk], n) for pk, n in moved.items()}
        change()
        # Read again: the write may have changed an edition's rules.
        editions = Edition.objects.select_related("race").in_bulk(list(moved))
        messages = [
            standings_refresh(edition=editions[pk], from_stage=n, before=before[pk])
            for pk, n in sorted(moved.items())
        ]
        # Recomputed editions are bumped by the recompute already.
        if touched.everywhere:
            bump_version()
        elif shown := touched.shown - moved.keys():
            bump_version(*shown)
    return messages


def standings_refresh(
    *, edition: Edition, from_stage: int, before: leaders.Leaders
) -> str:
    """Compute the standings of the stored results once, store them from
    ``from_stage`` on (with the exits, bumping the data version) and say what
    changed since ``before`` (``leaders.stored_leaders`` read before the write).
    The caller holds the edition's lock."""
    after = engine_input(edition).compute()
    lines = leaders.describe_changes(edition, before, after, from_stage)
    recompute_standings(edition, from_stage=from_stage, computed=after)
    return leaders.summary(lines)


def editions_of(rows: Iterable[tuple[int, int]]) -> Touched:
    """``Touched`` from ``(edition id, stage number)`` pairs: each edition's
    standings move from the earliest of its stages."""
    touched = Touched()
    for edition_id, number in rows:
        touched.moves(edition_id, number)
    return touched
