"""Each entry keeps the sporting nationality the rider rode under in that edition
(Sivakov: RU in 2021, FR later), filled from the rider's for existing entries.

On SQLite the entry table is remade, so the triggers of 0003 are dropped first and
created again after (see that migration)."""

from importlib import import_module

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

guards = import_module("editions.migrations.0003_entry_team_same_edition")


def _on_sqlite(action):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            action(apps, schema_editor)

    return run


def rider_nationality(apps, schema_editor):
    """Every existing entry rode under its rider's nationality."""
    Entry = apps.get_model("editions", "Entry")
    Rider = apps.get_model("editions", "Rider")
    Entry.objects.update(
        nationality=Subquery(
            Rider.objects.filter(pk=OuterRef("rider_id")).values("nationality")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0004_edition_draft"),
    ]

    operations = [
        migrations.RunPython(
            _on_sqlite(guards.drop_guards), _on_sqlite(guards.create_guards)
        ),
        migrations.AddField(
            model_name="entry",
            name="nationality",
            field=models.CharField(
                blank=True,
                help_text="ISO 3166-1 alpha-2 in this edition; blank: the rider's.",
                max_length=2,
            ),
        ),
        migrations.RunPython(rider_nationality, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=models.Q(("nationality__length", 2)),
                name="entry_nationality_alpha2",
            ),
        ),
        migrations.RunPython(
            _on_sqlite(guards.create_guards), _on_sqlite(guards.drop_guards)
        ),
    ]
