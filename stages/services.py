"""Writes that outgrow a form: recomputing and storing the standings."""

import hashlib

from django.db import connection, transaction
from django.db.models import F

from stages import queries, standings
from stages.models import Edition, Jersey, Stage, Standing


@transaction.atomic
def recompute_standings(edition: Edition, *, from_stage: int = 1) -> int:
    """Recompute every classification and store those after ``from_stage`` onwards.

    The engine always runs over the whole race (standings are cumulative and the
    computation is cheap); only the stored rows of changed stages are rewritten.
    Returns the number of stages stored.
    """
    lock_edition(edition.pk)
    inputs = queries.stage_inputs(edition)
    computed = standings.compute(
        inputs, queries.riders_of(edition), queries.edition_rules(edition)
    )
    stage_ids = dict(Stage.objects.filter(edition=edition).values_list("number", "pk"))
    # Stages without results (not raced yet, or results removed) have no standings.
    Standing.objects.filter(
        stage__edition=edition, stage__number__gte=from_stage
    ).delete()
    Jersey.objects.filter(
        stage__edition=edition, stage__number__gte=from_stage
    ).delete()
    rows: list[tuple] = []
    jerseys: list[tuple] = []
    stored = 0
    for after in computed:
        if after.stage_number < from_stage:
            continue
        stored += 1
        stage_id = stage_ids[after.stage_number]
        for classification, table in after.tables.items():
            rows.extend(
                (
                    stage_id,
                    classification,
                    s.rank,
                    s.rider_id,
                    s.team_id,
                    s.value,
                    s.gap,
                    s.previous_rank,
                )
                for s in table
            )
        jerseys.extend(
            (stage_id, classification, entry_id)
            for classification, entry_id in after.jerseys.items()
        )
    # Thousands of rows per recompute: one executemany beats building model objects.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Standing._meta.db_table} (stage_id, classification, rank, "
            "entry_id, team_id, value, gap, previous_rank) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO {Jersey._meta.db_table} (stage_id, classification, entry_id) "
            "VALUES (%s, %s, %s)",
            jerseys,
        )
    # The data version: public pages cached by stages.caching show the new tables.
    Edition.objects.filter(pk=edition.pk).update(version=F("version") + 1)
    return stored


# Editors' writes from the admin


class PasteRefused(Exception):
    """A paste that cannot be saved; ``preview`` shows why, row by row."""

    def __init__(self, preview, message: str = ""):
        self.preview = preview
        self.message = message or (
            f"Nothing was saved: {len(preview.problems)} problem"
            f"{'s' if len(preview.problems) != 1 else ''} in the pasted rows."
        )
        super().__init__(self.message)


def lock_edition(edition_id: int) -> Edition:
    """Take the edition's row lock (PostgreSQL; SQLite serialises writers anyway)
    before writing, so that concurrent saves of one race run one after the other
    and the standings always match the last one."""
    return Edition.objects.select_for_update().select_related("race").get(pk=edition_id)


def results_digest(edition: Edition) -> str:
    """A short token of everything the standings are computed from (results,
    checkpoints, crossings). A paste preview carries it so that confirming refuses
    when someone else changed them since; other saves (a report, a route) do not
    count, unlike ``Edition.version``, the page caches' counter."""
    inputs = queries.stage_inputs(edition)
    parts = sorted(
        repr((s.number, s.type, s.points_scale, s.team_times, item))
        for s in inputs
        for item in (*s.results, *s.checkpoints, *s.crossings)
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _check_digest(edition: Edition, expected: str | None, preview) -> None:
    if expected and results_digest(edition) != expected:
        raise PasteRefused(
            preview,
            "Nothing was saved: the results of this race changed since your preview "
            "(another save). Check the new preview and confirm again.",
        )


@transaction.atomic
def result_paste_save(
    *, stage: Stage, text: str, expected_digest: str | None = None
) -> str:
    """Replace ``stage``'s results with pasted rows and recompute the standings, in
    one transaction, after validating again under the edition lock. Returns the
    message saying what changed; raises ``PasteRefused`` with a fresh preview."""
    from stages import importer, leaders, paste

    edition = lock_edition(stage.edition_id)
    stage = Stage.objects.select_related("edition__race").get(pk=stage.pk)
    preview = paste.result_preview(stage, text)
    if not preview.ok:
        raise PasteRefused(preview)
    _check_digest(edition, expected_digest, preview)
    importer.save_stage_results(stage, preview.table)
    return leaders.summary(preview.changes)


@transaction.atomic
def crossing_paste_save(
    *, stage: Stage, text: str, expected_digest: str | None = None
) -> str:
    """Replace the crossings of the checkpoints named in the paste, then recompute
    the standings (awards left empty in the results come from the crossings)."""
    from stages import leaders, paste
    from stages.models import CheckpointCrossing

    edition = lock_edition(stage.edition_id)
    stage = Stage.objects.select_related("edition__race").get(pk=stage.pk)
    preview = paste.crossing_preview(stage, text)
    if not preview.ok:
        raise PasteRefused(preview)
    _check_digest(edition, expected_digest, preview)
    CheckpointCrossing.objects.filter(checkpoint_id__in=preview.checkpoint_ids).delete()
    CheckpointCrossing.objects.bulk_create(
        [
            CheckpointCrossing(checkpoint_id=cp, rank=rank, entry_id=entry)
            for cp, rank, entry in preview.crossings
        ]
    )
    recompute_standings(edition, from_stage=stage.number)
    return leaders.summary(preview.changes)


def recompute_after_edit(edition: Edition, *, from_stage: int, before) -> str:
    """Recompute after an admin edit; ``before`` is ``leaders.current_standings``
    taken (under ``lock_edition``) before the edit. Returns the change message."""
    from stages import leaders

    recompute_standings(edition, from_stage=from_stage)
    after = leaders.current_standings(edition)
    return leaders.summary(leaders.describe_changes(edition, before, after, from_stage))
