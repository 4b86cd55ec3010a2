"""PostgreSQL extensions of the site search (``riders.search``): ``unaccent`` folds
accents, ``pg_trgm`` finds names close to a misspelt query. Nothing on SQLite.

Both are trusted extensions (PostgreSQL 13+): the database's owner may create them
without being a superuser."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("riders", "0003_move_to_editions"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
    ]
