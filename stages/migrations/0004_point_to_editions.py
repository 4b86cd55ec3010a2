"""Stages' foreign keys now name the models in ``editions`` (state only: the
columns and constraints already point to the same tables)."""

import django.db.models.deletion
from django.db import migrations, models


def _fk(to: str, related_name: str, **extra) -> models.ForeignKey:
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to=to,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stages", "0003_editors_group"),
        ("editions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="stage",
                    name="edition",
                    field=_fk("editions.edition", "stages"),
                ),
                migrations.AlterField(
                    model_name="stageresult",
                    name="entry",
                    field=_fk("editions.entry", "results"),
                ),
                migrations.AlterField(
                    model_name="checkpointcrossing",
                    name="entry",
                    field=_fk("editions.entry", "crossings"),
                ),
                migrations.AlterField(
                    model_name="standing",
                    name="entry",
                    field=_fk("editions.entry", "standings", null=True, blank=True),
                ),
                migrations.AlterField(
                    model_name="standing",
                    name="team",
                    field=_fk("editions.team", "standings"),
                ),
                migrations.AlterField(
                    model_name="jersey",
                    name="entry",
                    field=_fk("editions.entry", "jerseys"),
                ),
            ],
        ),
    ]
