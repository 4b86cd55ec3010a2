from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from racing.parsing.csvrows import PackageError
from stages.models import Stage
from stages.services.results import results_import


class Command(BaseCommand):
    help = "Replace one stage's results from a results CSV (RACE_PACKAGE.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--race", required=True, help="race slug, e.g. tour-de-france"
        )
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--stage", required=True, type=int)
        parser.add_argument("file")

    def handle(self, *args, race, year, stage, file, **options):
        try:
            target = Stage.objects.select_related("edition").get(
                edition__race__slug=race, edition__year=year, number=stage
            )
        except Stage.DoesNotExist:
            raise CommandError(f"No stage {stage} in {race} {year}.") from None
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            table = results_import(stage=target, label=path.name, data=data)
        except PackageError as exc:
            raise CommandError(f"{file}: nothing was imported.\n{exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Stage {stage} of {target.edition}: {len(table.rows)} results saved; "
                "standings recomputed."
            )
        )
