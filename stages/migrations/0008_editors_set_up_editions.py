"""Editors set editions up (issue 11): the Editors group gets add and change on
races, editions, teams, riders and entries, and delete on all but races, as
``stages.services.users.PERMISSIONS`` lists them (the one list; an edition, team or
rider with results is still deleted by a superuser only). Still no users, groups
or permissions."""

from django.db import migrations

from stages.services.users import GROUP, editors_group_ensure

# The models the group only viewed before: going back leaves it view only.
SET_UP = ("race", "edition", "team", "rider", "entry")


def grant(apps, schema_editor):
    editors_group_ensure(apps=apps)


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is None:
        return
    group.permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="editions",
            content_type__model__in=SET_UP,
            codename__regex=r"^(add|change|delete)_",
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editions", "0004_edition_draft"),
        ("stages", "0007_result_otl_without_rank"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
