"""Users as the site shows them (race reports are signed with the author's name)
and the Editors group: what editors may do in the admin (issue 5, "Roles").

Editors set races up: they add and change races, editions, teams, riders and
entries, and delete editions, teams, riders and entries (an edition, team or rider
with results only a superuser deletes: ``services.startlist``). They add and
change stages, checkpoints, results, crossings and race reports (and delete the
last four, to correct mistakes), and view the computed standings. They never touch
users, groups or permissions, and cannot delete races or stages.

:data:`PERMISSIONS` is the one list the code applies (``make_editor``); each
migration that changed the group froze its own part of it (``stages`` 0003,
0008), and a change here needs a migration of its own too.
"""

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from stages.models import RaceReport
from stages.services.writes import Touched, write

GROUP = "Editors"

PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("stages", "stage"): ("add", "change", "view"),
    ("stages", "checkpoint"): ("add", "change", "delete", "view"),
    ("stages", "stageresult"): ("add", "change", "delete", "view"),
    ("stages", "checkpointcrossing"): ("add", "change", "delete", "view"),
    ("stages", "racereport"): ("add", "change", "delete", "view"),
    ("editions", "race"): ("add", "change", "view"),
    ("editions", "edition"): ("add", "change", "delete", "view"),
    ("stages", "standing"): ("view",),
    ("stages", "jersey"): ("view",),
    ("editions", "team"): ("add", "change", "delete", "view"),
    ("editions", "rider"): ("add", "change", "delete", "view"),
    ("editions", "entry"): ("add", "change", "delete", "view"),
}


def user_save(*, user: AbstractBaseUser) -> None:
    """Create or change a user; the races whose reports they signed show their
    name (the stage pages, the feed)."""
    user.full_clean()
    write(user.save, _signed([user]))


def users_delete(*, users: Iterable[AbstractBaseUser]) -> None:
    """Delete users; their reports stay, unsigned."""
    users = list(users)

    def change() -> None:
        for user in users:
            user.delete()

    write(change, _signed(users))


def _signed(users: list[AbstractBaseUser]) -> Touched:
    touched = Touched()
    pks = [user.pk for user in users if user.pk is not None]
    if pks:
        touched.shows(
            *RaceReport.objects.filter(author__in=pks).values_list(
                "stage__edition_id", flat=True
            )
        )
    return touched


@transaction.atomic
def editor_grant(*, user: AbstractBaseUser) -> None:
    """Make ``user`` an editor: staff status and membership of the Editors group
    (saved, new or not)."""
    user.is_staff = True
    user_save(user=user)
    user.groups.add(editors_group_ensure())


def editors_group_ensure(*, apps: Apps = global_apps) -> Group:
    """Create or update the group with exactly these permissions. ``apps`` is the
    migration state in a data migration; permissions are created first, since on
    a fresh database they only appear after the last migration otherwise."""
    for app_label in {app for app, _ in PERMISSIONS}:
        config = apps.get_app_config(app_label)
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=GROUP)
    wanted = [
        permission.objects.get(
            content_type__app_label=app, codename=f"{action}_{model}"
        )
        for (app, model), actions in PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.set(wanted)
    return group
