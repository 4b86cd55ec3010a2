"""services.users: a user's name shows on the reports they signed; the Editors
group and who is an editor."""

from django.contrib.auth.models import Group, User

from editions.models import Edition
from stages.models import RaceReport
from stages.services.users import (
    GROUP,
    PERMISSIONS,
    editor_grant,
    editors_group_ensure,
    user_save,
    users_delete,
)
from tests.factories import EditionFactory, RaceReportFactory


def version(edition: Edition) -> int:
    return Edition.objects.get(pk=edition.pk).version


def test_a_renamed_author_bumps_the_races_of_their_reports(race):
    author = User.objects.create_user("anne", first_name="Anne")
    RaceReportFactory(stage=race.stage(2), author=author)
    elsewhere = EditionFactory()
    before = version(race.edition), version(elsewhere)
    author.last_name = "Vélo"
    user_save(user=author)
    assert User.objects.get(pk=author.pk).last_name == "Vélo"
    assert (version(race.edition), version(elsewhere)) == (before[0] + 1, before[1])


def test_a_user_without_reports_bumps_nothing(race):
    before = version(race.edition)
    fan = User(username="fan")
    fan.set_unusable_password()
    user_save(user=fan)
    assert User.objects.filter(username="fan").exists()
    assert version(race.edition) == before


def test_deleted_authors_leave_their_reports_unsigned(race):
    author = User.objects.create_user("gone")
    report = RaceReportFactory(stage=race.stage(1), author=author)
    before = version(race.edition)
    users_delete(users=[author])
    assert RaceReport.objects.get(pk=report.pk).author is None
    assert version(race.edition) == before + 1


def test_editor_grant_makes_staff_and_a_group_member(db):
    user = User(username="eddy")
    user.set_password("secret-pass-123")
    editor_grant(user=user)
    stored = User.objects.get(username="eddy")
    assert stored.is_staff
    assert stored.groups.filter(name=GROUP).exists()
    assert stored.has_perm("stages.change_stageresult")
    assert stored.has_perm("editions.add_edition")  # editors set editions up
    assert not stored.has_perm("editions.delete_race")


def test_editors_group_gets_back_exactly_its_permissions(db):
    group = Group.objects.get(name=GROUP)
    group.permissions.clear()
    assert editors_group_ensure() == group
    codes = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert codes == {
        (app, f"{action}_{model}")
        for (app, model), actions in PERMISSIONS.items()
        for action in actions
    }
