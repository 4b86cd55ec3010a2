"""Team now lives in ``editions`` (state only: the table stays)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("riders", "0003_move_to_editions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Team")],
        ),
    ]
