"""Writes of a stage's whole results and crossings: an imported results file, a
paste confirmed in the admin. Each validates again under the edition lock, writes
in one transaction and stores the standings once."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from editions.models import Edition, Entry
from racing.parsing.csvrows import PackageError, decode
from racing.parsing.results import ResultsTable, parse_results_table
from stages import inputs
from stages.models import CheckpointCrossing, Stage, StageResult
from stages.services import crossing_paste, leaders, paste
from stages.services.packages import result_objects
from stages.services.paste import Preview
from stages.services.recompute import (
    engine_input,
    lock_edition,
    recompute_standings,
)


class PasteRefused(Exception):
    """A paste that cannot be saved; ``preview`` shows why, row by row."""

    def __init__(self, preview: paste.Preview, message: str = ""):
        self.preview = preview
        count = len(preview.problems)
        self.message = message or ngettext(
            "Nothing was saved: %(count)s problem in the pasted rows.",
            "Nothing was saved: %(count)s problems in the pasted rows.",
            count,
        ) % {"count": count}
        super().__init__(self.message)


def read_stage_results(
    stage: Stage,
    label: str,
    data: bytes | str,
    *,
    header_optional: bool = False,
    first_time: int | None = None,
) -> ResultsTable:
    """Parse a results table for ``stage`` against its start list and the riders
    already out of the race (3 queries); ``first_time``: the winner's, when the
    rows continue a result already stored (``parse_results_table``)."""
    text = decode(label, data) if isinstance(data, bytes) else data
    return parse_results_table(
        label,
        text,
        inputs.start_list_of(stage.edition),
        out_of_race=inputs.out_of_race_before(stage),
        header_optional=header_optional,
        first_time=first_time,
    )


@transaction.atomic
def results_import(*, stage: Stage, label: str, data: bytes | str) -> ResultsTable:
    """Replace ``stage``'s results with a results file (``import_results``); raises
    ``PackageError`` naming every bad line, and then saves nothing."""
    lock_edition(stage.edition_id)
    table = read_stage_results(stage, label, data)
    if not table.ok:
        raise PackageError(table.problems)
    _replace_results(stage, table)
    recompute_standings(stage.edition, from_stage=stage.number)
    return table


def _replace_results(stage: Stage, table: ResultsTable) -> None:
    """Swap a stage's results for a validated table; a scheduled stage with
    results is finished."""
    stage = Stage.objects.get(pk=stage.pk)
    entry_ids = dict(
        Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
    )
    StageResult.objects.filter(stage=stage).delete()
    StageResult.objects.bulk_create(result_objects(stage, table.rows, entry_ids))
    if stage.status == Stage.Status.SCHEDULED:
        stage.status = Stage.Status.FINISHED
        stage.save(update_fields=["status"])


STALE = gettext_noop(
    "Nothing was saved: the results of this race changed since your preview "
    "(another save). Check the new preview and confirm again."
)


def _confirmed(
    stage: Stage,
    text: str,
    expected_digest: str | None,
    preview_of: Callable[..., Preview],
) -> tuple[Edition, Stage, Preview]:
    """The edition (locked), the stage and the preview of a paste being saved,
    checked again under the lock. The engine runs at most once: not at all when
    ``expected_digest`` (the preview's) still matches the race, the preview's
    standings being kept (``paste.paste_standings``). Raises ``PasteRefused`` with
    a fresh preview for bad rows or a race changed since the preview."""
    edition = lock_edition(stage.edition_id)
    stage = Stage.objects.select_related("edition__race").get(pk=stage.pk)
    stored = engine_input(edition)
    fresh = not expected_digest or stored.digest == expected_digest
    preview = preview_of(
        stage, text, stored=stored, reuse=bool(expected_digest) and fresh
    )
    if not preview.ok:
        raise PasteRefused(preview)
    if not fresh:
        raise PasteRefused(preview, _(STALE))
    return edition, stage, preview


@transaction.atomic
def result_paste_save(
    *, stage: Stage, text: str, expected_digest: str | None = None
) -> str:
    """Replace ``stage``'s results with pasted rows and store the standings, in
    one transaction (see :func:`_confirmed`). Returns the message saying what
    changed."""
    edition, stage, preview = _confirmed(
        stage, text, expected_digest, paste.result_preview
    )
    _replace_results(stage, preview.table)
    recompute_standings(edition, from_stage=stage.number, computed=preview.after)
    return leaders.summary(preview.changes)


@transaction.atomic
def crossing_paste_save(
    *, stage: Stage, text: str, expected_digest: str | None = None
) -> str:
    """Replace the crossings of the checkpoints named in the paste, then store the
    standings (awards left empty in the results come from the crossings), as
    :func:`result_paste_save`."""
    edition, stage, preview = _confirmed(
        stage, text, expected_digest, crossing_paste.crossing_preview
    )
    CheckpointCrossing.objects.filter(checkpoint_id__in=preview.checkpoint_ids).delete()
    CheckpointCrossing.objects.bulk_create(
        [
            CheckpointCrossing(checkpoint_id=cp, rank=rank, entry_id=entry)
            for cp, rank, entry in preview.crossings
        ]
    )
    recompute_standings(edition, from_stage=stage.number, computed=preview.after)
    return leaders.summary(preview.changes)
