import time

from django.core.management.base import BaseCommand, CommandError

from stages import queries
from stages.services.live import LiveRefused
from stages.services.replay import replay_play, replay_prepare


class Command(BaseCommand):
    help = (
        "Replay a finished stage as if live: it goes live with its results and "
        "ticker taken away, the ticker comes back, the riders arrive in their real "
        "order at their real time gaps divided by --speed, and the stage is made "
        "final again, with every table as before."
    )

    def add_arguments(self, parser):
        parser.add_argument("race", help="the race's URL name, e.g. tour-de-france")
        parser.add_argument("year", type=int)
        parser.add_argument("stage", type=int)
        parser.add_argument(
            "--speed",
            type=float,
            default=10.0,
            help="how many times faster than the race (default 10)",
        )
        parser.add_argument(
            "--max-wait",
            type=float,
            default=5.0,
            help="longest wait between two ticker entries, in seconds (default 5)",
        )

    def handle(self, *args, race, year, stage, speed, max_wait, **options):
        if speed <= 0:
            raise CommandError("--speed must be more than 0.")
        found = queries.stage_of(race, year, stage, drafts=True)
        if found is None:
            raise CommandError(f"No stage {stage} of {race} {year}.")
        try:
            replay = replay_prepare(stage=found)
        except LiveRefused as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{found} is live: {len(replay.ticker)} ticker entries and "
            f"{sum(len(s.results) for s in replay.arrivals)} riders to come."
        )
        start = time.monotonic()

        def wait(at: float) -> None:
            if (delay := start + at - time.monotonic()) > 0:
                time.sleep(delay)

        def report(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            replay_play(
                replay, speed=speed, max_wait=max_wait, wait=wait, report=report
            )
        except LiveRefused as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except KeyboardInterrupt as exc:
            raise CommandError("Interrupted.") from exc
