"""The one shape of a write: take the locks of the editions it touches, write,
recompute the standings of each edition whose standings it moves (the engine once
per edition, from the first stage it changed), and bump the data version of every
edition whose pages show it. The services of single objects go through
:func:`write`; the paste saves and the imports, which read their rows under the
lock first, use the same pieces.

A write made from a form the editor opened earlier first checks, under its locks,
that the rows the form was built from are still stored as they were
(:func:`expecting`): a paste or another editor's save in between refuses it.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from editions.models import Edition
from stages.models import CheckpointCrossing, StageResult
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
    message per recomputed edition ("Standings updated after stage 12: …"), in
    the editor's language with its English words for the change log
    (``wording.Said``)."""
    with transaction.atomic():
        locked = lock_editions({*touched.moved, *touched.shown})
        expected = _expected.get()
        _expected.set(())  # checked by the first write only: later ones see its own
        check_expected(expected)
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


# Rows as the editor saw them


class RowRefused(ValidationError):
    """The row an editor's form was built from was deleted or changed by another
    save since: nothing is written. ``row`` is the editor's unsaved object."""

    def __init__(self, message: str, code: str, row: models.Model):
        super().__init__(message, code=code)
        self.row = row


def short_token(value: object) -> str:
    """A short token of ``value``'s ``repr``: equal values, equal tokens."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def row_token(row: models.Model) -> str:
    """A short token of what an editor can change in ``row`` as loaded: its
    editable stored values (not the exits or the data version every recompute
    writes)."""
    values = [
        (f.attname, getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.editable and not f.primary_key
    ]
    return short_token(values)


@dataclass(frozen=True)
class Expected:
    """A row that must still be stored, and when ``token`` is given, unchanged."""

    row: models.Model
    token: str = ""


def check_expected(rows: Iterable[Expected]) -> None:
    """Read the rows again, locking them, one query per model whatever their
    number (call it under the write's locks): a missing or changed row raises
    :class:`RowRefused`; a locked one cannot go before the write commits, so its
    save updates it and never inserts it."""
    by_model: dict[type[models.Model], list[Expected]] = {}
    for expected in rows:
        by_model.setdefault(type(expected.row), []).append(expected)
    for model, expected in by_model.items():
        stored = model._base_manager.select_for_update().in_bulk(
            [e.row.pk for e in expected]
        )
        for e in expected:
            if (row := stored.get(e.row.pk)) is None:
                raise RowRefused(gone_message(model), "gone", e.row)
            if e.token and row_token(row) != e.token:
                raise RowRefused(changed_message(model), "changed", e.row)


def gone_message(model: type[models.Model]) -> str:
    """Why a form of a row deleted since it was opened saves nothing (a result or
    a crossing: a paste of its stage replaces them all)."""
    if model is StageResult:
        return _(
            "This result was deleted by another save since you opened it (for "
            "example a paste of the stage). Nothing was saved; reload the stage to "
            "see it now."
        )
    if model is CheckpointCrossing:
        return _(
            "This crossing was deleted by another save since you opened it (for "
            "example a paste of the stage). Nothing was saved; reload the stage to "
            "see it now."
        )
    return _(
        # Translators: noun is the kind of row (its model's name): "stage", "team"…
        "This %(noun)s was deleted by another save since you opened it. Nothing "
        "was saved."
    ) % {"noun": model._meta.verbose_name}


def changed_message(model: type[models.Model]) -> str:
    """Why a form of a row changed since it was opened saves nothing."""
    if model is StageResult:
        return _(
            "This result was changed by another save since you opened it. Nothing "
            "was saved; reload the page to see it as it is now, then make your "
            "change again."
        )
    if model is CheckpointCrossing:
        return _(
            "This crossing was changed by another save since you opened it. Nothing "
            "was saved; reload the page to see it as it is now, then make your "
            "change again."
        )
    return _(
        # Translators: noun is the kind of row (its model's name): "stage", "team"…
        "This %(noun)s was changed by another save since you opened it. Nothing "
        "was saved; reload the page to see it as it is now, then make your change "
        "again."
    ) % {"noun": model._meta.verbose_name}


_expected: ContextVar[tuple[Expected, ...]] = ContextVar("expected", default=())


@contextmanager
def expecting(*rows: Expected) -> Iterator[None]:
    """Within it, the next :func:`write` first checks each stored row (with
    pks) under its locks (:meth:`Expected.check`) and writes nothing when one
    is gone or changed: for the forms of the admin, built before the lock."""
    stored = tuple(row for row in rows if row.row.pk is not None)
    reset = _expected.set((*_expected.get(), *stored))
    try:
        yield
    finally:
        _expected.reset(reset)
