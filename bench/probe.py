"""Run inside Django (the benchmark's environment): facts and recompute timings.

``python bench/probe.py`` prints one JSON object: the slug of the rider the benchmark
loads, and the median times of ``stages.recompute.recompute_standings`` for the 2023
Tour, in full and from stage 21, with where the time goes.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toursite.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from editions.models import Edition, Rider  # noqa: E402
from racing import standings  # noqa: E402
from stages import inputs as engine_inputs  # noqa: E402
from stages.services import recompute  # noqa: E402

RUNS = int(os.environ.get("BENCH_RECOMPUTE_RUNS", 7))


def median_seconds(action, runs: int = RUNS) -> float:
    action()  # warm-up: imports, first connection, SQLite page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    edition = Edition.objects.select_related("race").get(
        race__slug="tour-de-france", year=2023
    )
    rider = Rider.objects.get(family_name="Vingegaard", given_name="Jonas")
    rules = engine_inputs.edition_rules(edition)

    def read_inputs():
        with transaction.atomic():
            return engine_inputs.stage_inputs(edition), engine_inputs.riders_of(edition)

    inputs, riders = read_inputs()
    figures = {
        "vendor": connection.vendor,
        "rider_slug": rider.slug,
        "recompute_full_s": median_seconds(
            lambda: recompute.recompute_standings(edition)
        ),
        "recompute_stage21_s": median_seconds(
            lambda: recompute.recompute_standings(edition, from_stage=21)
        ),
        # Where the time of a full recompute goes.
        "read_inputs_s": median_seconds(read_inputs),
        "compute_s": median_seconds(lambda: standings.compute(inputs, riders, rules)),
    }
    figures["write_full_s"] = max(
        0.0,
        figures["recompute_full_s"] - figures["read_inputs_s"] - figures["compute_s"],
    )
    figures["write_stage21_s"] = max(
        0.0,
        figures["recompute_stage21_s"]
        - figures["read_inputs_s"]
        - figures["compute_s"],
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
