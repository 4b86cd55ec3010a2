"""The Editors group and its permissions, as they were when it was created (the
models of races, editions, teams and riders lived in stages, teams and riders then;
``editions/migrations/0001_initial.py`` renames their content types, so the group
keeps its permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"

PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("stages", "stage"): ("add", "change", "view"),
    ("stages", "checkpoint"): ("add", "change", "delete", "view"),
    ("stages", "stageresult"): ("add", "change", "delete", "view"),
    ("stages", "checkpointcrossing"): ("add", "change", "delete", "view"),
    ("stages", "racereport"): ("add", "change", "delete", "view"),
    ("stages", "race"): ("view",),
    ("stages", "edition"): ("view",),
    ("stages", "standing"): ("view",),
    ("stages", "jersey"): ("view",),
    ("teams", "team"): ("view",),
    ("riders", "rider"): ("view",),
    ("riders", "entry"): ("view",),
}


def create_group(apps, schema_editor):
    # Permissions only appear after the last migration otherwise.
    for app_label in {app for app, _ in PERMISSIONS}:
        config = apps.get_app_config(app_label)
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=GROUP)
    group.permissions.set(
        [
            permission.objects.get(
                content_type__app_label=app, codename=f"{action}_{model}"
            )
            for (app, model), actions in PERMISSIONS.items()
            for action in actions
        ]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stages", "0002_initial"),
        ("riders", "0002_initial"),
        ("teams", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
