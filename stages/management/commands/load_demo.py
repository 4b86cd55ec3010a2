from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from racing.parsing.csvrows import PackageError
from stages.services.packages import package_import

DEMO = ("tour-de-france-2023", "giro-d-italia-2023", "vuelta-a-espana-2023")


class Command(BaseCommand):
    help = "Load the three real 2023 Grand Tours bundled in races/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, replace, **options):
        for name in DEMO:
            path = Path(settings.BASE_DIR) / "races" / name
            try:
                edition, created = package_import(path, replace=replace)
            except PackageError as exc:
                raise CommandError(
                    f"races/{name}: nothing was imported.\n{exc}"
                ) from None
            verb = "loaded" if created else "already loaded"
            self.stdout.write(f"{edition}: {verb}.")
