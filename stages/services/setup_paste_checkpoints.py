"""A stage's checkpoints pasted in the admin (the rules of ``setup_paste``).

A pasted checkpoint updates the stored one of the same name (case and accents
ignored; the pasted spelling is kept) or is added. Checkpoints the paste leaves out
stay, unless the editor asks to replace the stage's checkpoints: then those without
crossings are removed, and those with crossings stay, each named with its
crossings (their crossings are deleted first, on the stage's page). A change of the
kind, category, multiplier or scale of a checkpoint with crossings recomputes the
standings from the stage. A climb's ``scale`` must be a climb_points scale of the
edition's rules; names are unique on the stage, case and accents ignored.
"""

from collections.abc import Callable, Collection

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from racing.parsing.csvrows import problem
from racing.parsing.racefiles import CheckpointSpec, scale_problem
from racing.parsing.setup_paste import PastedTable, read_checkpoint_list
from racing.text import fold
from stages.inputs import edition_rules
from stages.models import Checkpoint, Stage
from stages.services.setup_paste import (
    CHANGED,
    KEPT,
    NEW,
    REMOVED,
    UNCHANGED,
    SetupPreview,
    SetupRow,
    apply,
    digest,
    field_problems,
    save_paste,
    shown,
    unread,
)
from stages.services.writes import row_token

# How the parser's problems name the paste ("Pasted checkpoints line 4: …"):
# English, as the parser's words are.
CHECKPOINTS_LABEL = "Pasted checkpoints"
CHECKPOINT_HEADERS = (
    *(gettext_lazy("Km"), gettext_lazy("Kind"), gettext_lazy("Name")),
    *(gettext_lazy("Category"), gettext_lazy("Points ×"), gettext_lazy("Altitude (m)")),
    *(gettext_lazy("Scale"), gettext_lazy("Crossings")),
)
FIELDS = ("name", "kind", "km", "category", "multiplier", "altitude_m", "scale")
SCORING = frozenset({"kind", "category", "multiplier", "scale"})
_PASTED = ("km", "kind", "name", "category", "multiplier", "altitude", "scale")


def checkpoints_preview(
    stage: Stage, text: str, *, remove_missing: bool = False
) -> SetupPreview:
    """Pasted checkpoints against the stage's; with ``remove_missing``, the
    stored ones the paste leaves out are removed unless they have crossings (1
    query)."""
    preview = SetupPreview("checkpoints", CHECKPOINTS_LABEL, CHECKPOINT_HEADERS)
    if not text.strip():
        return preview.refuse(_("Paste the checkpoints first."))
    table = read_checkpoint_list(CHECKPOINTS_LABEL, text, stage.number)
    _check_scales(stage, table)
    preview.read(table)
    stored = list(
        Checkpoint.objects.filter(stage=stage).annotate(crossings_n=Count("crossings"))
    )
    preview.digest = digest((c.pk, row_token(c), c.crossings_n > 0) for c in stored)
    preview.touched.shows(stage.edition_id)
    find = _finder(stored)
    new, changed, matched = [], [], set()
    for row in table.rows:
        if row.spec is None:
            preview.add(unread(row, _PASTED, "name"))
            continue
        spec, values = row.spec, _values(row.spec, table.columns)
        checkpoint, changes, notes = find(spec.name), (), ()
        if checkpoint is None:
            checkpoint = Checkpoint(stage=stage, multiplier=spec.multiplier)
            checkpoint.crossings_n = 0
            apply(checkpoint, values)
            new.append(checkpoint)
        else:
            matched.add(checkpoint.pk)
            changes = apply(checkpoint, values)
            changed += [checkpoint] if changes else []
            if checkpoint.crossings_n and SCORING & {c.field for c in changes}:
                preview.touched.moves(stage.edition_id, stage.number)
                notes = (_recomputed(stage),)
        problems = field_problems(checkpoint, row, CHECKPOINTS_LABEL, ["stage"])
        status = NEW if checkpoint.pk is None else CHANGED if changes else UNCHANGED
        preview.add(
            SetupRow(
                checkpoint.name,
                _cells(checkpoint),
                status,
                row.line,
                changes,
                problems,
                notes,
            )
        )
    left_out = [c for c in stored if c.pk not in matched]
    removed = _left_out(preview, left_out, remove_missing)

    def plan() -> None:
        Checkpoint.objects.filter(pk__in=[c.pk for c in removed]).delete()
        Checkpoint.objects.bulk_create(new)
        Checkpoint.objects.bulk_update(changed, FIELDS)

    preview.plan = plan if not preview.problems else None
    return preview


def _check_scales(stage: Stage, table: PastedTable[CheckpointSpec]) -> None:
    """Each pasted scale is one of the edition's climb_points scales (the rules
    are read only when a row names a scale: 1 query then)."""
    named = [row for row in table.rows if row.spec is not None and row.spec.scale]
    if not named:
        return
    edition = stage.edition
    try:
        scales: Collection[str] | None = edition_rules(edition).climb_points
    except ValueError as exc:
        scales = None
        message = _("the rules of %(edition)s do not read (%(error)s)") % {
            "edition": edition,
            "error": exc,
        }
        named[0].problems.append(problem(CHECKPOINTS_LABEL, named[0].line, message))
        table.problems.append(named[0].problems[-1])
    for row in named:
        wrong = scale_problem(row.spec.scale, row.spec.kind, scales)
        if wrong and wrong not in " ".join(row.problems):
            row.problems.append(problem(CHECKPOINTS_LABEL, row.line, wrong))
            table.problems.append(row.problems[-1])


def _finder(stored: list[Checkpoint]) -> Callable[[str], Checkpoint | None]:
    """The stored checkpoint of a pasted name: the one of that very name, or else
    the first whose name is the same without case or accents."""
    exact = {c.name: c for c in stored}
    folded: dict[str, Checkpoint] = {}
    for checkpoint in stored:
        folded.setdefault(fold(checkpoint.name), checkpoint)
    return lambda name: exact.get(name) or folded.get(fold(name))


def _values(spec: CheckpointSpec, columns: frozenset[str]) -> dict[str, object]:
    """What a pasted checkpoint sets: the optional columns only when pasted (a
    checkpoint pasted as no climb loses its scale)."""
    values = {"name": spec.name, "kind": spec.kind, "km": spec.km}
    values["category"] = spec.category
    if "multiplier" in columns:
        values["multiplier"] = spec.multiplier
    if "altitude" in columns:
        values["altitude_m"] = spec.altitude_m
    if "scale" in columns or spec.kind != "climb":  # only a climb has a scale
        values["scale"] = spec.scale
    return values


def _recomputed(stage: Stage) -> str:
    return _(
        "It has crossings: the standings are computed again from stage %(number)s."
    ) % {"number": stage.number}


def _left_out(
    preview: SetupPreview, left_out: list[Checkpoint], remove_missing: bool
) -> list[Checkpoint]:
    """The stored checkpoints the paste leaves out, as rows of the preview: kept,
    or removed when asked to and they have no crossings. Returns those removed."""
    removed = []
    for checkpoint in left_out:
        notes: tuple[str, ...] = ()
        if remove_missing and checkpoint.crossings_n:
            n = checkpoint.crossings_n
            notes = (
                ngettext(
                    # Translators: "it" is the checkpoint of the crossings.
                    "Kept: %(count)s crossing recorded here. Delete them on the "
                    "stage's page first to remove it.",
                    "Kept: %(count)s crossings recorded here. Delete them on the "
                    "stage's page first to remove it.",
                    n,
                )
                % {"count": n},
            )
        elif remove_missing:
            removed.append(checkpoint)
        status = REMOVED if checkpoint in removed else KEPT
        preview.add(SetupRow(checkpoint.name, _cells(checkpoint), status, notes=notes))
    return removed


def _cells(checkpoint: Checkpoint) -> tuple[str, ...]:
    return (
        shown(checkpoint.km),
        checkpoint.kind,
        checkpoint.name,
        checkpoint.category,
        shown(checkpoint.multiplier),
        shown(checkpoint.altitude_m),
        checkpoint.scale,
        shown(checkpoint.crossings_n),
    )


def checkpoints_paste_save(
    *,
    stage: Stage,
    text: str,
    remove_missing: bool = False,
    expected_digest: str | None = None,
) -> str:
    """Add, update and (asked to) remove a stage's checkpoints from pasted rows
    (see the module's rules); returns the message."""
    return save_paste(
        lambda: checkpoints_preview(stage, text, remove_missing=remove_missing),
        expected_digest,
    )
