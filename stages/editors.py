"""The Editors group: what editors may do in the admin (issue 5, "Roles").

Editors add and change stages, checkpoints, results, crossings and race reports
(and delete the last four, to correct mistakes); they view races, editions,
teams, riders, entries and the computed standings. They never touch users,
groups or permissions, and cannot delete editions, teams or riders.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

GROUP = "Editors"

PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("stages", "stage"): ("add", "change", "view"),
    ("stages", "checkpoint"): ("add", "change", "delete", "view"),
    ("stages", "stageresult"): ("add", "change", "delete", "view"),
    ("stages", "checkpointcrossing"): ("add", "change", "delete", "view"),
    ("stages", "racereport"): ("add", "change", "delete", "view"),
    ("editions", "race"): ("view",),
    ("editions", "edition"): ("view",),
    ("stages", "standing"): ("view",),
    ("stages", "jersey"): ("view",),
    ("editions", "team"): ("view",),
    ("editions", "rider"): ("view",),
    ("editions", "entry"): ("view",),
}


def ensure_editors_group(apps=global_apps):
    """Create or update the group with exactly these permissions. ``apps`` is the
    migration state in a data migration; permissions are created first, since on
    a fresh database they only appear after the last migration otherwise."""
    for app_label in {app for app, _ in PERMISSIONS}:
        config = apps.get_app_config(app_label)
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(
            content_type__app_label=app, codename=f"{action}_{model}"
        )
        for (app, model), actions in PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.set(wanted)
    return group
