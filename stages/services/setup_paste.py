"""An edition set up by pasting its tables in the admin: its stage list (here),
its teams and start list (``setup_paste_startlist``) and each stage's checkpoints
(``setup_paste_checkpoints``). Each paste is read by
``racing.parsing.setup_paste`` (the race package's readers), previewed with
nothing saved, then confirmed.

The rules of every kind:

- A paste adds the rows whose key is new (a stage's number, a team's code, a bib,
  a checkpoint's name on its stage, case and accents ignored) and updates the
  rows whose key is stored. Stored rows the paste leaves out stay: the preview
  lists them as kept. Only a stage's checkpoints may be replaced: asked to, the
  save removes those the paste leaves out, except a checkpoint with crossings,
  which stays and is named.
- An optional column the paste leaves out (a stage's ``points_scale`` or
  ``team_times``, a checkpoint's ``multiplier`` or ``altitude``) keeps the stored
  value; a new row takes its default.
- One problem anywhere saves nothing; each names its line and field.
- A change of what the standings are computed from (a stage's type, points scale
  or team times; the kind, category or multiplier of a checkpoint with
  crossings; the team of an entry with results) recomputes the standings once,
  in the same write (``writes.write``). A bib whose rider would change while its
  entry has results is refused, naming the bib.
- The preview carries a digest of the stored rows it was made on. The save makes
  the preview again under the edition lock and refuses, showing the fresh
  preview, when the digest differs: another save came in between.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import (
    gettext_lazy,
    gettext_noop,
    ngettext_lazy,
    pgettext,
)

from editions.models import Edition
from racing.i18n import pgettext_noop
from racing.parsing import csvrows
from racing.parsing.setup_paste import PastedRow, PastedTable, read_stage_list
from stages.models import Stage
from stages.services.results import PasteRefused
from stages.services.wording import Said, joined, said
from stages.services.writes import Touched, short_token, write

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
KEPT, REMOVED = "kept", "removed"  # stored rows the paste leaves out
DECIDE = "decide"  # a start-list row whose rider the editor has to choose
# How the preview names a row's status (translated where shown: ``status_label``).
STATUS_WORDS = {
    NEW: pgettext_noop("pasted row status", "new"),
    CHANGED: pgettext_noop("pasted row status", "changed"),
    UNCHANGED: pgettext_noop("pasted row status", "unchanged"),
    DECIDE: pgettext_noop("pasted row status", "to decide"),
    KEPT: pgettext_noop("pasted row status", "kept as stored"),
    REMOVED: pgettext_noop("pasted row status", "removed"),
}
NOT_SAVED = pgettext_noop("pasted row status", "not saved")
# How the preview and the save's message count the rows, in this order.
COUNTED = {
    NEW: ngettext_lazy("%(count)s new", "%(count)s new", "count"),
    CHANGED: ngettext_lazy("%(count)s changed", "%(count)s changed", "count"),
    UNCHANGED: ngettext_lazy("%(count)s unchanged", "%(count)s unchanged", "count"),
    DECIDE: ngettext_lazy("%(count)s to decide", "%(count)s to decide", "count"),
    KEPT: ngettext_lazy(
        "%(count)s kept as stored", "%(count)s kept as stored", "count"
    ),
    REMOVED: ngettext_lazy("%(count)s removed", "%(count)s removed", "count"),
}
# What a paste without rows and a saved paste say, by kind of paste.
NOTHING_PASTED = {
    "stages": gettext_noop("No rows in the pasted text: paste the stages first."),
    "teams": gettext_noop("No rows in the pasted text: paste the teams first."),
    "riders": gettext_noop("No rows in the pasted text: paste the start list first."),
    "checkpoints": gettext_noop(
        "No rows in the pasted text: paste the checkpoints first."
    ),
}
SAVED = {
    "stages": gettext_noop("Pasted stages saved: %(summary)s."),
    "teams": gettext_noop("Pasted teams saved: %(summary)s."),
    "riders": gettext_noop("Pasted start list saved: %(summary)s."),
    "checkpoints": gettext_noop("Pasted checkpoints saved: %(summary)s."),
}
STALE = gettext_noop(
    "Nothing was saved: this edition changed since your preview (another save). "
    "Check the new preview and confirm again."
)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class SetupRow:
    """A row of the preview: a pasted row (``line``) or a stored one it keeps."""

    key: str
    cells: tuple[str, ...]  # under the preview's columns
    status: str = ""  # "" for a pasted row that cannot be saved
    line: int | None = None
    changes: tuple[Change, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    choice: Any = None  # a rider to decide (``setup_paste_startlist.Choice``)

    @property
    def status_label(self) -> str:
        return pgettext("pasted row status", STATUS_WORDS.get(self.status, NOT_SAVED))

    @property
    def row_problems(self) -> tuple[str, ...]:
        """The problems without the line the row shows ("Pasted stages line 4:")."""
        return tuple(re.sub(r"^[^:]* line \d+: ", "", p) for p in self.problems)


@dataclass
class SetupPreview:
    """What a paste would do: its rows, each problem, the digest of the stored
    rows it was read against and, when it can be saved, the write (``plan``)
    with what it touches."""

    kind: str  # "stages", "teams", "riders" or "checkpoints"
    label: str  # how problems name the paste: "Pasted stages line 4: …"
    columns: tuple[str, ...]
    rows: list[SetupRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    general_problems: list[str] = field(default_factory=list)  # tied to no row
    notes: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)  # choices still to make
    digest: str = ""
    touched: Touched = field(default_factory=Touched)
    plan: Callable[[], None] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.plan is not None

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    @property
    def choices(self) -> list:
        return [r.choice for r in self.rows if r.choice is not None]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.rows)
        return {s: counted[s] for s in COUNTED if counted[s]}

    @property
    def summary(self) -> Said:
        """``3 new, 1 changed, 2 kept as stored`` (with its English words for the
        change log: ``wording``)."""
        counted = [said(COUNTED[s].__mod__, count=n) for s, n in self.counts.items()]
        return joined(", ", counted)

    def add(self, row: SetupRow) -> None:
        if row.problems:
            row.status = ""
        self.rows.append(row)
        self.problems.extend(row.problems)

    def refuse(self, problem: str) -> "SetupPreview":
        """A problem tied to no row: nothing can be saved."""
        self.problems.append(problem)
        self.general_problems.append(problem)
        return self

    def read(self, table: PastedTable) -> None:
        """The problems of the paste's layout, tied to no row it shows; a paste
        without rows is refused."""
        shown = {p for row in table.rows for p in row.problems}
        for problem in table.problems:
            if problem not in shown:
                self.refuse(problem)
        if not table.rows and not self.problems:
            self.refuse(_(NOTHING_PASTED[self.kind]))


class SetupRefused(PasteRefused):
    """A setup paste that cannot be saved; ``preview`` shows why."""


def shown(value: object) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_problems(
    obj: models.Model, row: PastedRow, label: str, exclude: Iterable[str]
) -> tuple[str, ...]:
    """The row's problems: the reader's, or else what the model's fields refuse
    (a name too long, a distance with two decimals), naming the line and the
    field; no query (the foreign keys, in ``exclude``, are the paste's own)."""
    if row.problems:
        return tuple(row.problems)
    try:
        obj.clean_fields(exclude=list(exclude))
    except ValidationError as exc:
        # Translators: field is a field's name (not translated), problem why its
        # value is refused.
        why = _("%(field)s: %(problem)s")
        return tuple(
            csvrows.problem(label, row.line, why % {"field": name, "problem": message})
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    return ()


def apply(obj: models.Model, values: Mapping[str, object]) -> tuple[Change, ...]:
    """Set ``values`` on a stored row; what changed."""
    changes = []
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes.append(Change(name, shown(old), shown(value)))
            setattr(obj, name, value)
    return tuple(changes)


def digest(rows: Iterable[tuple]) -> str:
    """A short token of the stored rows a preview was made on."""
    return short_token(sorted(map(repr, rows)))


def unread(row: PastedRow, columns: tuple[str, ...], key: str) -> SetupRow:
    """A pasted row the reader could not take, shown as pasted."""
    cells = tuple(row.cells.get(c, "") for c in columns)
    problems = tuple(row.problems)
    return SetupRow(row.cells.get(key, ""), cells, line=row.line, problems=problems)


def save_paste(make: Callable[[], SetupPreview], expected_digest: str | None) -> str:
    """Save a confirmed paste: ``make()`` makes its preview, again under the
    edition lock. Raises ``SetupRefused`` with the preview for a paste with
    problems or choices left, or when the stored rows are no longer those
    ``expected_digest`` (the preview's) was made on. Returns the message."""
    preview = make()
    if not preview.ok:
        raise SetupRefused(preview)
    if preview.undecided:
        choose = "; ".join(preview.undecided)
        raise SetupRefused(
            preview, _("Nothing was saved: %(choices)s.") % {"choices": choose}
        )
    expected = expected_digest or preview.digest
    if preview.digest != expected:
        raise SetupRefused(preview, _(STALE))

    def change() -> None:
        fresh = make()
        if fresh.digest != expected or not fresh.ok or fresh.undecided:
            raise SetupRefused(fresh, _(STALE))
        fresh.plan()

    try:
        lines = write(change, preview.touched)
    except IntegrityError:
        # A new rider's slug just taken by a paste of another edition (riders are
        # not under this edition's lock): a refusal with the fresh preview, never
        # a 500.
        raise SetupRefused(make(), _(STALE)) from None
    # Shown to the editor; its English words (``wording``) go to the change log.
    summary = preview.summary
    saved = said(lambda p: _(SAVED[preview.kind]) % p, summary=summary)
    return joined(" ", [saved, *lines])


# The stage list --------------------------------------------------------------------

STAGES_LABEL = "Pasted stages"
STAGE_FIELDS = (
    *("date", "start", "finish", "distance_km", "type"),
    *("points_scale", "team_times"),
)
OPTIONAL_STAGE_FIELDS = frozenset({"points_scale", "team_times"})
STAGE_SCORING = frozenset({"type", "points_scale", "team_times"})
STAGE_HEADERS = (
    *(gettext_lazy("Stage"), gettext_lazy("Date"), gettext_lazy("Start")),
    *(gettext_lazy("Finish"), gettext_lazy("Distance (km)"), gettext_lazy("Type")),
    *(gettext_lazy("Points scale"), gettext_lazy("Team times")),
)


def stages_preview(edition: Edition, text: str) -> SetupPreview:
    """A pasted stage list against the edition's stages (1 query)."""
    preview = SetupPreview("stages", STAGES_LABEL, STAGE_HEADERS)
    if not text.strip():
        return preview.refuse(_("Paste the stage list first."))
    table = read_stage_list(STAGES_LABEL, text, edition.year)
    preview.read(table)
    stored = {
        s.number: s
        for s in Stage.objects.filter(edition=edition).annotate(Count("results"))
    }
    # Not the stages' status: marking a stage live must not refuse the paste.
    preview.digest = digest(
        (s.pk, s.number, *(getattr(s, f) for f in STAGE_FIELDS), s.results__count > 0)
        for s in stored.values()
    )
    preview.touched.shows(edition.pk)
    new, changed = [], []
    for row in table.rows:
        if row.spec is None:
            preview.add(unread(row, ("number", *STAGE_FIELDS), "number"))
            continue
        spec = row.spec
        values = {
            f: getattr(spec, f)
            for f in STAGE_FIELDS
            if f in table.columns or f not in OPTIONAL_STAGE_FIELDS
        }
        stage, changes, notes = stored.pop(spec.number, None), (), ()
        if stage is None:
            stage = Stage(edition=edition, number=spec.number, **values)
            new.append(stage)
        else:
            changes = apply(stage, values)
            changed += [stage] if changes else []
            if stage.results__count and STAGE_SCORING & {c.field for c in changes}:
                preview.touched.moves(edition.pk, stage.number)
                notes = (_recomputed(stage.number),)
        problems = field_problems(stage, row, STAGES_LABEL, ["edition"])
        preview.add(
            SetupRow(
                str(spec.number),
                _stage_cells(stage),
                row_status(stage, changes),
                row.line,
                changes,
                problems,
                notes,
            )
        )
    for stage in stored.values():
        preview.add(SetupRow(str(stage.number), _stage_cells(stage), KEPT))

    def plan() -> None:
        Stage.objects.bulk_create(new)
        Stage.objects.bulk_update(changed, STAGE_FIELDS)

    preview.plan = plan if not preview.problems else None
    return preview


def _recomputed(number: int) -> str:
    return _(
        "It has results: the standings are computed again from stage %(number)s."
    ) % {"number": number}


def row_status(obj: models.Model, changes: tuple[Change, ...]) -> str:
    if obj.pk is None:
        return NEW
    return CHANGED if changes else UNCHANGED


def _stage_cells(stage: Stage) -> tuple[str, ...]:
    return (
        str(stage.number),
        *(shown(getattr(stage, f)) for f in STAGE_FIELDS[:5]),
        stage.points_scale or _("(by type)"),
        stage.team_times,
    )


def stages_paste_save(
    *, edition: Edition, text: str, expected_digest: str | None = None
) -> str:
    """Add and update the edition's stages from a pasted stage list (see the
    module's rules); returns the message."""
    return save_paste(lambda: stages_preview(edition, text), expected_digest)
