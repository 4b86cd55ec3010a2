"""Rider and Entry now live in ``editions`` (state only: the tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("riders", "0002_initial"),
        ("stages", "0004_point_to_editions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Entry"),
                migrations.DeleteModel(name="Rider"),
            ],
        ),
    ]
