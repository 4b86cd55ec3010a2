"""Writes that outgrow a form: recomputing and storing the standings."""

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
    # Lock the edition row so two saves of the same race run one after the other.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
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
    Edition.objects.filter(pk=edition.pk).update(version=F("version") + 1)
    return stored
