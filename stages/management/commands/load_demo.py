from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editions.models import Edition
from racing.parsing.csvrows import PackageError
from racing.parsing.package import read_package
from stages.models import Checkpoint, CheckpointCrossing
from stages.services.packages import package_save

DEMO = ("tour-de-france-2023", "giro-d-italia-2023", "vuelta-a-espana-2023")


class Command(BaseCommand):
    help = (
        "Load the three real 2023 Grand Tours bundled in races/ (idempotent): "
        "stages, results, checkpoints and crossings. An edition already loaded is "
        "left alone; --replace loads it again (e.g. to add checkpoints a database "
        "loaded before them lacks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete and load again the editions already loaded.",
        )

    def handle(self, *args, replace, **options):
        for name in DEMO:
            path = Path(settings.BASE_DIR) / "races" / name
            try:
                package = read_package(path)
            except PackageError as exc:
                raise CommandError(
                    f"races/{name}: nothing was imported.\n{exc}"
                ) from None
            existed = Edition.objects.filter(
                race__slug=package.slug, year=package.year
            ).exists()
            edition, created = package_save(package, replace=replace)
            checkpoints = Checkpoint.objects.filter(stage__edition=edition).count()
            crossings = CheckpointCrossing.objects.filter(
                checkpoint__stage__edition=edition
            ).count()
            held = f"{checkpoints} checkpoints, {crossings} crossings"
            if created:
                verb = "loaded again" if existed else "loaded"
                self.stdout.write(f"{edition}: {verb} ({held}).")
                continue
            self.stdout.write(f"{edition}: already loaded ({held}).")
            if checkpoints < len(package.checkpoints):
                self.stdout.write(
                    f"  races/{name} has {len(package.checkpoints)} checkpoints: run "
                    "load_demo --replace to load them (it loads the edition again)."
                )
