"""Results, checkpoints and crossings written one at a time: a correction in the
admin's forms, the results inline of a stage page, a bulk delete. Each write
validates the rows, writes them under the locks of the editions they belong to
(before and after the edit: a result may move to another stage) and recomputes each
edition once, from the earliest stage it touched."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult
from stages.services.checkpoints import (
    checkpoint_validate,
    stage_names_check,
    stored_names,
)
from stages.services.writes import Touched, editions_of, write

StageRow = StageResult | Checkpoint | CheckpointCrossing

# How each kind of row reaches its stage.
_STAGE_PATH = {
    StageResult: "stage",
    Checkpoint: "stage",
    CheckpointCrossing: "checkpoint__stage",
}


def result_save(*, result: StageResult) -> list[str]:
    """Create or correct one result; returns what changed at the top of the
    standings ("Standings updated after stage 12: …"), one line per edition."""
    return rows_write(saved=[result])


def result_delete(*, result: StageResult) -> list[str]:
    """Delete one result: without it the rider is out of the race from that stage."""
    return rows_write(deleted=[result])


def results_delete(*, results: Iterable[StageResult]) -> list[str]:
    """Delete results of any stages at once: each edition is recomputed once."""
    return rows_write(deleted=list(results))


def checkpoint_save(*, checkpoint: Checkpoint) -> list[str]:
    """Create or change one checkpoint of a stage (its crossings' awards follow)."""
    return rows_write(saved=[checkpoint])


def checkpoint_delete(*, checkpoint: Checkpoint) -> list[str]:
    """Delete one checkpoint with its crossings."""
    return rows_write(deleted=[checkpoint])


def checkpoints_delete(*, checkpoints: Iterable[Checkpoint]) -> list[str]:
    """Delete checkpoints of any stages at once, with their crossings."""
    return rows_write(deleted=list(checkpoints))


def crossing_save(*, crossing: CheckpointCrossing) -> list[str]:
    """Create or correct one rider's place at a checkpoint."""
    return rows_write(saved=[crossing])


def crossing_delete(*, crossing: CheckpointCrossing) -> list[str]:
    """Delete one rider's place at a checkpoint."""
    return rows_write(deleted=[crossing])


def crossings_delete(*, crossings: Iterable[CheckpointCrossing]) -> list[str]:
    """Delete crossings of any stages at once."""
    return rows_write(deleted=list(crossings))


def rows_write(
    *, saved: Sequence[StageRow] = (), deleted: Sequence[StageRow] = ()
) -> list[str]:
    """Save ``saved`` (new or changed, unsaved) and delete ``deleted`` in one
    write; raises ``ValidationError`` when a row is invalid, and then nothing is
    written."""
    return write(lambda: rows_apply(saved, deleted), rows_touched(saved, deleted))


def rows_validate(row: StageRow) -> None:
    """The model's own checks, and the rules no constraint can state: a result or
    a crossing is of a rider on the start list of its stage's race; a climb's
    scale is one of its edition's rules (``checkpoints``)."""
    row.full_clean()
    if isinstance(row, Checkpoint):
        checkpoint_validate(row)
        return
    stage = row.stage if isinstance(row, StageResult) else row.checkpoint.stage
    if row.entry.edition_id != stage.edition_id:
        raise ValidationError(
            {"entry": _("This rider is not on this race's start list.")}, code="entry"
        )
    if stage.status == Stage.Status.CANCELLED:
        raise ValidationError(not_raced_message(stage), code="not_raced")


def not_raced_message(stage: Stage) -> str:
    """Why a stage that was not raced takes no result or crossing."""
    return _(
        # Translators: status is the label of the status "Not raced", as the stage's
        # page shows it.
        "Stage %(number)s was not raced (its status is “%(status)s”): it takes no "
        "results or crossings. Change its status on the stage's page first if it "
        "was raced after all."
    ) % {"number": stage.number, "status": Stage.Status.CANCELLED.label}


def rows_apply(saved: Sequence[StageRow], deleted: Sequence[StageRow]) -> None:
    """Delete, then validate and save each row: a new row may take the rank or the
    rider of a deleted one; a changed row must still be there; then a checkpoint
    added, renamed or moved must not have the name of another of its stage, case
    and accents ignored.
    Call it inside the write's transaction (under the lock)."""
    for row in deleted:
        row.delete()
    checkpoints = [row for row in saved if isinstance(row, Checkpoint)]
    names_before = stored_names(checkpoints)
    for row in saved:
        stored = row.pk is not None
        if stored and not _locked(row):
            # Replaced by a paste or deleted since the editor opened it: saving it
            # would bring it back.
            raise ValidationError(
                # Translators: row is the kind of row (its model's name), capitalised.
                _("%(row)s %(pk)s was replaced or deleted by another save meanwhile.")
                % {"row": str(row._meta.verbose_name).capitalize(), "pk": row.pk},
                code="gone",
            )
        rows_validate(row)
        # A stored row is updated, never inserted again under its old id.
        row.save(force_update=stored)
    # Names compared without case or accents, once every row is in place.
    stage_names_check(checkpoints, names_before)


def _locked(row: StageRow) -> bool:
    """Whether ``row`` is still stored, locking it until the write commits."""
    rows = type(row)._base_manager.select_for_update().filter(pk=row.pk).order_by()
    return bool(list(rows.values_list("pk", flat=True)))


def rows_touched(saved: Sequence[StageRow], deleted: Sequence[StageRow]) -> Touched:
    """The editions and first stages the rows are on, as stored and as given
    (1 query per kind of row already stored)."""
    places = [_place(row) for row in saved]
    stored: dict[type, list[int]] = defaultdict(list)
    for row in (*saved, *deleted):
        if row.pk is not None:
            stored[type(row)].append(row.pk)
    for model, pks in stored.items():
        path = _STAGE_PATH[model]
        places += model.objects.filter(pk__in=pks).values_list(
            f"{path}__edition_id", f"{path}__number"
        )
    return editions_of(places)


def _place(row: StageRow) -> tuple[int, int]:
    stage = row.checkpoint.stage if isinstance(row, CheckpointCrossing) else row.stage
    return stage.edition_id, stage.number
