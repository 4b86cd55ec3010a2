"""Race and Edition now live in ``editions`` (state only: the tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("stages", "0004_point_to_editions"),
        ("riders", "0003_move_to_editions"),
        ("teams", "0002_move_to_editions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Edition"),
                migrations.DeleteModel(name="Race"),
            ],
        ),
    ]
