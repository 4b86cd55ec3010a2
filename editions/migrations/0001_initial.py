"""Race, Edition, Team, Rider and Entry move to the bottom app ``editions``.

Only Django's idea of where the models live changes (``SeparateDatabaseAndState``):
the tables keep their names and their rows, and the content types (with their
permissions and admin history) are renamed to the new app.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "stages": ("race", "edition"),
    "teams": ("team",),
    "riders": ("rider", "entry"),
}


def rename_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        content_type.objects.filter(app_label=app_label, model__in=names).update(
            app_label="editions"
        )


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        content_type.objects.filter(app_label="editions", model__in=names).update(
            app_label=app_label
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("stages", "0003_editors_group"),
        ("riders", "0002_initial"),
        ("teams", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Race",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                    ],
                    options={
                        "db_table": "stages_race",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Edition",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField()),
                        (
                            "rules",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Overrides of the default rules (RULES.md), as in edition.toml.",
                            ),
                        ),
                        (
                            "youth_born_on_or_after",
                            models.DateField(
                                help_text="Youth classification: riders born on or after this date."
                            ),
                        ),
                        (
                            "version",
                            models.PositiveIntegerField(default=0, editable=False),
                        ),
                        (
                            "race",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="editions",
                                to="editions.race",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "stages_edition",
                        "ordering": ["-year", "race__name"],
                    },
                ),
                migrations.CreateModel(
                    name="Rider",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("given_name", models.CharField(max_length=80)),
                        ("family_name", models.CharField(max_length=80)),
                        (
                            "nationality",
                            models.CharField(
                                help_text="ISO 3166-1 alpha-2, e.g. DK.", max_length=2
                            ),
                        ),
                        ("birth_date", models.DateField(blank=True, null=True)),
                        ("slug", models.SlugField(max_length=120, unique=True)),
                    ],
                    options={
                        "db_table": "riders_rider",
                        "ordering": ["family_name", "given_name"],
                        "indexes": [
                            models.Index(
                                fields=["family_name", "given_name"],
                                name="riders_ride_family__757884_idx",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("nationality__length", 2)),
                                name="rider_nationality_alpha2",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="UCI code, e.g. TJV.", max_length=3
                            ),
                        ),
                        ("name", models.CharField(max_length=120)),
                        (
                            "country",
                            models.CharField(
                                help_text="ISO 3166-1 alpha-2.", max_length=2
                            ),
                        ),
                        (
                            "edition",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="teams",
                                to="editions.edition",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "teams_team",
                        "ordering": ["edition", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Entry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("bib", models.PositiveSmallIntegerField()),
                        (
                            "edition",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="editions.edition",
                            ),
                        ),
                        (
                            "rider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="entries",
                                to="editions.rider",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="editions.team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "entries",
                        "db_table": "riders_entry",
                        "ordering": ["edition", "bib"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="edition",
                    constraint=models.UniqueConstraint(
                        fields=("race", "year"), name="edition_unique_year"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="edition",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("year__gte", 1903)),
                        name="edition_year_plausible",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.UniqueConstraint(
                        fields=("edition", "code"), name="team_unique_code"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("code__length", 3)),
                        name="team_code_three_letters",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("country__length", 2)),
                        name="team_country_alpha2",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="entry",
                    constraint=models.UniqueConstraint(
                        fields=("edition", "bib"), name="entry_unique_bib"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="entry",
                    constraint=models.UniqueConstraint(
                        fields=("edition", "rider"), name="entry_unique_rider"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="entry",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("bib__gte", 1)), name="entry_bib_positive"
                    ),
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
