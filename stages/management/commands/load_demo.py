from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editions.models import Edition
from racing.parsing.csvrows import PackageError
from racing.parsing.package import Package, read_package
from stages.models import Checkpoint, CheckpointCrossing
from stages.services.packages import package_save


def demo_packages() -> list[Path]:
    """Every race package bundled in races/ (a folder with an edition.toml)."""
    races = Path(settings.BASE_DIR) / "races"
    return sorted(p.parent for p in races.glob("*/edition.toml"))


def _first_day(package: Package) -> date:
    return min((s.date for s in package.stages.values()), default=date.max)


class Command(BaseCommand):
    help = (
        "Load the real Grand Tours bundled in races/ (idempotent), oldest first, "
        "printing each edition as it goes: stages, results, checkpoints and "
        "crossings. An edition already loaded is left alone; --replace loads it "
        "again (e.g. to add checkpoints a database loaded before them lacks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete and load again the editions already loaded.",
        )

    def handle(self, *args, replace, **options):
        packages = []
        for path in demo_packages():
            try:
                packages.append((path.name, read_package(path)))
            except PackageError as exc:
                raise CommandError(
                    f"races/{path.name}: nothing was imported.\n{exc}"
                ) from None
        # Oldest first, so that each rider's latest edition is loaded last.
        packages.sort(key=lambda item: _first_day(item[1]))
        for count, (name, package) in enumerate(packages, start=1):
            self._load(f"[{count}/{len(packages)}]", name, package, replace)

    def _load(self, progress: str, name: str, package: Package, replace: bool):
        existed = Edition.objects.filter(
            race__slug=package.slug, year=package.year
        ).exists()
        edition, created = package_save(package, replace=replace)
        checkpoints = Checkpoint.objects.filter(stage__edition=edition).count()
        crossings = CheckpointCrossing.objects.filter(
            checkpoint__stage__edition=edition
        ).count()
        held = (
            f"{len(package.stages)} stages, {len(package.riders)} riders, "
            f"{checkpoints} checkpoints, {crossings} crossings"
        )
        if created:
            verb = "loaded again" if existed else "loaded"
            self.stdout.write(f"{progress} {edition}: {verb} ({held}).")
            return
        self.stdout.write(f"{progress} {edition}: already loaded ({held}).")
        if checkpoints < len(package.checkpoints):
            self.stdout.write(
                f"  races/{name} has {len(package.checkpoints)} checkpoints: run "
                "load_demo --replace to load them (it loads the edition again)."
            )
