"""Editions start as drafts (issue: race set-up); every edition that exists already
was public, so it stays published. The youth cut-off may be left blank (the rule's
default for the year)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("editions", "0003_entry_team_same_edition")]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="published",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="edition",
            name="published",
            field=models.BooleanField(
                default=False,
                help_text="Visitors see a published edition; a draft is seen by staff only.",
            ),
        ),
        migrations.AlterField(
            model_name="edition",
            name="youth_born_on_or_after",
            field=models.DateField(
                blank=True,
                help_text="Youth classification: riders born on or after this date. Leave it blank for the rule's default, 1 January of the year minus 25.",
            ),
        ),
    ]
