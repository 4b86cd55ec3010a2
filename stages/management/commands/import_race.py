from django.core.management.base import BaseCommand, CommandError

from racing.parsing.csvrows import PackageError
from stages.services.packages import package_import


class Command(BaseCommand):
    help = (
        "Import a race package (RACE_PACKAGE.md), a folder or a .zip: all or "
        "nothing. Published at once, unless --draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the package folder or .zip file")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite an edition already there"
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="import as a draft, seen by staff only until published "
            "(manage.py publish_edition)",
        )

    def handle(self, *args, path, replace, draft, **options):
        try:
            edition, created = package_import(path, replace=replace, draft=draft)
        except PackageError as exc:
            raise CommandError(f"{path}: nothing was imported.\n{exc}") from None
        if created:
            state = "as a draft" if draft else "published"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {edition} {state}: {edition.stages.count()} stages, "
                    f"{edition.entries.count()} riders; standings computed."
                )
            )
        else:
            self.stdout.write(
                f"{edition} is already imported; nothing changed (use --replace)."
            )
