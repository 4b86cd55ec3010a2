from django.core.management.base import BaseCommand, CommandError

from racing.parsing.csvrows import PackageError
from stages.services.packages import package_import


class Command(BaseCommand):
    help = "Import a race package folder (RACE_PACKAGE.md): all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the package folder")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite an edition already there"
        )

    def handle(self, *args, path, replace, **options):
        try:
            edition, created = package_import(path, replace=replace)
        except PackageError as exc:
            raise CommandError(f"{path}: nothing was imported.\n{exc}") from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {edition}: {edition.stages.count()} stages, "
                    f"{edition.entries.count()} riders; standings computed."
                )
            )
        else:
            self.stdout.write(
                f"{edition} is already imported; nothing changed (use --replace)."
            )
