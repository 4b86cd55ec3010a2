from time import perf_counter

from django.core.management.base import BaseCommand, CommandError

from editions.models import Edition
from stages.services import recompute


class Command(BaseCommand):
    help = "Recompute and store every classification (one edition, or all)."

    def add_arguments(self, parser):
        parser.add_argument("--race", help="race slug, e.g. tour-de-france")
        parser.add_argument("--year", type=int)

    def handle(self, *args, race, year, **options):
        editions = Edition.objects.select_related("race")
        if race:
            editions = editions.filter(race__slug=race)
        if year:
            editions = editions.filter(year=year)
        if not editions.exists():
            raise CommandError("No such edition.")
        for edition in editions:
            started = perf_counter()
            stored = recompute.recompute_standings(edition)
            elapsed = perf_counter() - started
            self.stdout.write(f"{edition}: {stored} stages in {elapsed:.2f} s")
