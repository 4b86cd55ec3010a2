"""The Editors group and its permissions (see stages/editors.py)."""

from django.db import migrations


def create_group(apps, schema_editor):
    from stages.editors import ensure_editors_group

    ensure_editors_group(apps)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stages", "0002_initial"),
        ("riders", "0002_initial"),
        ("teams", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
