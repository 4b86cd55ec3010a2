"""Editors set editions up (issue 11): the Editors group gains add and change on
races, editions, teams, riders and entries, and delete on all but races (an
edition, team or rider with results is still deleted by a superuser only). Still
no users, groups or permissions.

The list is frozen here, as this migration first applied it: later changes to
``stages.services.users.PERMISSIONS`` (which ``make_editor`` applies) need a
migration of their own. Permissions an administrator added by hand stay."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
SET_UP = ("race", "edition", "team", "rider", "entry")
CODENAMES = [
    f"{action}_{model}"
    for model in SET_UP
    for action in ("add", "change", "delete")
    if (action, model) != ("delete", "race")
]


def _permissions(apps):
    config = apps.get_app_config("editions")
    # Permissions only appear after the last migration otherwise.
    config.models_module = getattr(config, "models_module", None) or True
    create_permissions(config, apps=apps, verbosity=0)
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="editions", codename__in=CODENAMES
    )


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editions", "0004_edition_draft"),
        ("stages", "0007_result_otl_without_rank"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
