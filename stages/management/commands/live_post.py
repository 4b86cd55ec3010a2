from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from live.models import TickerKind
from stages import queries
from stages.live_forms import parse_bibs, parse_km
from stages.services.live import LiveRefused, ticker_post


def _read(parse, option: str, value: str):
    """``value`` read as the live desk reads it; its message otherwise."""
    try:
        return parse(value)
    except ValidationError as exc:
        raise CommandError(f"{option}: {' '.join(exc.messages)}") from exc


class Command(BaseCommand):
    help = (
        "Post a ticker entry on a live stage, as the live desk does (for scripts "
        "and data feeds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("race", help="the race's URL name, e.g. tour-de-france")
        parser.add_argument("year", type=int)
        parser.add_argument("stage", type=int)
        parser.add_argument("text", help="up to 500 characters, Markdown inline")
        parser.add_argument("--km-to-go", default="", help="e.g. 31.5 or 31,5")
        parser.add_argument(
            "--kind", choices=TickerKind.values, default=TickerKind.OTHER
        )
        parser.add_argument(
            "--bibs",
            default="",
            help="riders the entry is about, by bib: '12,41'",
        )

    def handle(self, *args, race, year, stage, text, km_to_go, kind, bibs, **options):
        found = queries.stage_of(race, year, stage, drafts=True)
        if found is None:
            raise CommandError(f"No stage {stage} of {race} {year}.")
        km_to_go = _read(parse_km, "--km-to-go", km_to_go)
        numbers = _read(parse_bibs, "--bibs", bibs)
        try:
            entry = ticker_post(
                stage=found, text=text, kind=kind, km_to_go=km_to_go, bibs=numbers
            )
        except LiveRefused as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Posted: {entry}"))
