"""An entry's team is a team of the entry's edition, guaranteed by the database:
on PostgreSQL a composite foreign key from an entry's (team, edition) to a team's
(id, edition); on SQLite, which cannot add one to an existing table, triggers
that refuse an entry with a team of another edition and a team moved away from
its riders' edition. Entries that already break the rule stop the migration,
listed, to be fixed first.

On SQLite Django remakes a table for most changes (AlterField, AddConstraint…), and
these triggers then stop a later migration of ``riders_entry`` or ``teams_team``
("error in trigger …: no such table"), so the guarantee is never lost unseen: such
a migration runs :func:`drop_guards` first and :func:`create_guards` after."""

from django.db import migrations, models

POSTGRESQL = {
    "forward": [
        "ALTER TABLE riders_entry ADD CONSTRAINT entry_team_same_edition "
        "FOREIGN KEY (team_id, edition_id) REFERENCES teams_team (id, edition_id)",
    ],
    "backward": [
        "ALTER TABLE riders_entry DROP CONSTRAINT entry_team_same_edition",
    ],
}

_ENTRY_TEAM_ELSEWHERE = (
    "WHEN EXISTS (SELECT 1 FROM teams_team WHERE teams_team.id = NEW.team_id "
    "AND teams_team.edition_id <> NEW.edition_id) "
    "BEGIN SELECT RAISE(ABORT, 'entry_team_same_edition: the team of an entry "
    "is a team of its edition'); END"
)
SQLITE = {
    "forward": [
        "CREATE TRIGGER entry_team_same_edition_insert BEFORE INSERT ON riders_entry "
        "FOR EACH ROW " + _ENTRY_TEAM_ELSEWHERE,
        "CREATE TRIGGER entry_team_same_edition_update "
        "BEFORE UPDATE OF team_id, edition_id ON riders_entry "
        "FOR EACH ROW " + _ENTRY_TEAM_ELSEWHERE,
        "CREATE TRIGGER team_entries_same_edition "
        "BEFORE UPDATE OF id, edition_id ON teams_team FOR EACH ROW "
        "WHEN EXISTS (SELECT 1 FROM riders_entry WHERE riders_entry.team_id = OLD.id "
        "AND (riders_entry.team_id <> NEW.id "
        "OR riders_entry.edition_id <> NEW.edition_id)) "
        "BEGIN SELECT RAISE(ABORT, 'entry_team_same_edition: the team of an entry "
        "is a team of its edition'); END",
    ],
    "backward": [
        "DROP TRIGGER IF EXISTS entry_team_same_edition_insert",
        "DROP TRIGGER IF EXISTS entry_team_same_edition_update",
        "DROP TRIGGER IF EXISTS team_entries_same_edition",
    ],
}


def _statements(schema_editor, direction: str) -> list[str]:
    vendor = schema_editor.connection.vendor
    by_vendor = {"postgresql": POSTGRESQL, "sqlite": SQLITE}
    if vendor not in by_vendor:
        raise NotImplementedError(f"no guarantee of an entry's team on {vendor}")
    return by_vendor[vendor][direction]


def forward(apps, schema_editor):
    entry = apps.get_model("editions", "Entry")
    wrong = list(
        entry.objects.exclude(team__edition_id=models.F("edition_id"))
        .order_by("edition_id", "bib")
        .values_list("pk", "edition_id", "bib", "team_id", "team__edition_id")[:20]
    )
    if wrong:
        listed = "; ".join(
            f"entry {pk} (edition {edition}, bib {bib}): team {team} of edition "
            f"{theirs}"
            for pk, edition, bib, team, theirs in wrong
        )
        raise RuntimeError(
            "Entries ride for a team of another edition; give each a team of its "
            f"own edition, then migrate again: {listed}"
        )
    create_guards(apps, schema_editor)


def create_guards(apps, schema_editor):
    for sql in _statements(schema_editor, "forward"):
        schema_editor.execute(sql)


def drop_guards(apps, schema_editor):
    for sql in _statements(schema_editor, "backward"):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0002_entry_exit"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(
                fields=("id", "edition"), name="team_unique_id_edition"
            ),
        ),
        migrations.RunPython(forward, drop_guards),
    ]
