"""Each entry stores where its rider left the race, filled for the races already
in the database by the same rule the services use from now on."""

from django.db import migrations, models

from racing.standings import exits


def store_exits(apps, schema_editor):
    entry = apps.get_model("editions", "Entry")
    result = apps.get_model("stages", "StageResult")
    for edition_id in apps.get_model("editions", "Edition").objects.values_list(
        "pk", flat=True
    ):
        rows = list(
            result.objects.filter(stage__edition_id=edition_id).values_list(
                "entry_id", "stage__number", "status", "stage__status"
            )
        )
        finished = {n for _, n, _, status in rows if status == "finished"}
        out = exits(((e, n, s) for e, n, s, _ in rows), finished)
        changed = []
        for e in entry.objects.filter(pk__in=out):
            e.exit_stage, e.exit_status = out[e.pk].stage, out[e.pk].status
            changed.append(e)
        entry.objects.bulk_update(changed, ["exit_stage", "exit_status"])


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0001_initial"),
        ("stages", "0006_standing_kind_from_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="exit_stage",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.AddField(
            model_name="entry",
            name="exit_status",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=3
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("exit_stage__isnull", False), ("exit_status", ""), _connector="OR"
                ),
                name="entry_exit_status_needs_stage",
            ),
        ),
        migrations.RunPython(store_exits, migrations.RunPython.noop),
    ]
