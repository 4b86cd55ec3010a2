"""A stage written with what its admin page holds: route, scoring and status, its
checkpoints and its results. A change of scoring, checkpoints or results recomputes
the standings from the stage; a change of status refreshes who left the race (a
live stage's missing rows do not count yet) without touching the standings, and
a stage no longer live loses its race situation (``status_refresh``)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from live.models import RaceSituation
from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult
from stages.services.corrections import rows_apply, rows_touched
from stages.services.recompute import exits_refresh
from stages.services.writes import RowRefused, Touched, gone_message, write

# Fields the standings are computed from (the stage's results and checkpoints
# apart); ``edition`` moves the stage to another race.
SCORING_FIELDS = frozenset({"edition", "number", "type", "points_scale", "team_times"})


@dataclass(frozen=True)
class RowChanges[Row: (Checkpoint, StageResult)]:
    """An inline's changes: rows to save (new or changed, unsaved) and rows to
    delete."""

    saved: Sequence[Row] = ()
    deleted: Sequence[Row] = ()


def stage_create(
    *,
    stage: Stage,
    checkpoints: Sequence[Checkpoint] = (),
    results: Sequence[StageResult] = (),
) -> list[str]:
    """Add a stage to its race with its checkpoints and results (standings
    computed when it has results, or when it was not raced: the standings of the
    stage before)."""
    stage.full_clean()
    touched = Touched()
    touched.shows(stage.edition_id)
    if results or stage.status == Stage.Status.CANCELLED:
        touched.moves(stage.edition_id, stage.number)

    def change() -> None:
        stage.save()
        rows = [*checkpoints, *results]
        for row in rows:
            row.stage = stage
        rows_apply(rows, ())
        not_raced_check(stage)

    return write(change, touched)


def stage_update(
    *,
    stage: Stage,
    changed: Iterable[str] = (),
    checkpoints: RowChanges[Checkpoint] = RowChanges(),
    results: RowChanges[StageResult] = RowChanges(),
) -> list[str]:
    """Save a stage whose ``changed`` fields were edited, with its checkpoints'
    and results' changes, in one write: the standings are recomputed (from the
    earlier of its old and new number) when its scoring, checkpoints or results
    changed; a status change alone refreshes the exits only. Returns what changed
    at the top of the standings."""
    changed = set(changed)
    stage.full_clean()
    saved = [*checkpoints.saved, *results.saved]
    deleted = [*checkpoints.deleted, *results.deleted]
    touched = rows_touched(saved, deleted)
    stored = Stage.objects.filter(pk=stage.pk).values_list(
        "edition_id", "number", "status"
    )
    if (old := stored.first()) is None:
        raise RowRefused(gone_message(Stage), "gone", stage)
    old_edition, old_number, old_status = old
    touched.shows(old_edition, stage.edition_id)
    # A stage marked not raced, or raced again, changes the standings after it.
    not_raced = Stage.Status.CANCELLED in (old_status, stage.status)
    if SCORING_FIELDS & changed or (not_raced and old_status != stage.status):
        touched.moves(old_edition, old_number)
        touched.moves(stage.edition_id, stage.number)
    exits_only = "status" in changed and not touched.moved

    def change() -> None:
        stage.save()
        rows_apply(saved, deleted)
        not_raced_check(stage)
        if "status" in changed:
            status_refresh(stage, exits=exits_only)

    return write(change, touched)


def not_raced_check(stage: Stage) -> None:
    """A stage not raced has no results or crossings (checked under the write's
    lock, after its rows are saved: the transaction then writes nothing)."""
    if stage.status != Stage.Status.CANCELLED:
        return
    if StageResult.objects.filter(stage=stage).exists() or (
        CheckpointCrossing.objects.filter(checkpoint__stage=stage).exists()
    ):
        raise ValidationError(
            {
                "status": _(
                    "Stage %(number)s has results or crossings: a stage marked not "
                    "raced has none. Delete them first, or keep its status."
                )
                % {"number": stage.number}
            },
            code="not_raced_with_results",
        )


def status_refresh(stage: Stage, *, exits: bool = True) -> None:
    """What a stage's new status changes beyond itself (under the write's lock):
    a stage no longer live loses its groups on the road, and who left the race
    is worked out again (``exits``: unless the standings are recomputed, which
    does it too)."""
    if stage.status != Stage.Status.LIVE:
        RaceSituation.objects.filter(stage=stage).delete()
    if exits:
        exits_refresh(edition=stage.edition)


def stage_delete(*, stage: Stage) -> list[str]:
    """Delete a stage with everything recorded on it; the standings of its race
    are recomputed from it."""
    return stages_delete(stages=[stage])


def stages_delete(*, stages: Iterable[Stage]) -> list[str]:
    """Delete stages of any races at once: each race is recomputed once."""
    stages = list(stages)
    touched = Touched()
    for stage in stages:
        touched.moves(stage.edition_id, stage.number)

    def change() -> None:
        for stage in stages:
            stage.delete()

    return write(change, touched)
