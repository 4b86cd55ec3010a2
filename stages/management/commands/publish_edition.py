from django.core.management.base import BaseCommand, CommandError

from editions.models import Edition
from stages.services.startlist import editions_publish


class Command(BaseCommand):
    help = (
        "Publish a draft edition: its pages, tables and exports appear to "
        "visitors. --draft takes a published edition back to draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("race", help="the race's URL name, e.g. vuelta-a-espana")
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--draft", action="store_true", help="return the edition to draft"
        )

    def handle(self, *args, race, year, draft, **options):
        edition = (
            Edition.objects.select_related("race")
            .filter(race__slug=race, year=year)
            .first()
        )
        if edition is None:
            raise CommandError(f"No edition {race} {year}.")
        changed = editions_publish(editions=[edition], published=not draft)
        state = "a draft" if draft else "published"
        if changed:
            self.stdout.write(self.style.SUCCESS(f"{edition} is now {state}."))
        else:
            self.stdout.write(f"{edition} was {state} already; nothing changed.")
