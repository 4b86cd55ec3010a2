"""Run inside Django (the benchmark's environment): facts and recompute timings.

``python bench/probe.py`` prints one JSON object: the slug of the rider the benchmark
loads, the median times of ``stages.services.recompute.recompute_standings`` for the
2023 Tour, in full and from stage 21, with where the time goes, and the cost of the
data-version query that every public page runs (``toursite.versions``) three ways:
the driver fast path, the same SQL through Django's cursor, and the ORM's equivalent.
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
from django.db.models import Case, IntegerField, Max, Min, Q, Value, When  # noqa: E402
from django.utils import timezone  # noqa: E402

from editions.models import Edition, Rider  # noqa: E402
from racing import standings  # noqa: E402
from stages import inputs as engine_inputs  # noqa: E402
from stages.services import recompute  # noqa: E402
from toursite import versions  # noqa: E402

RUNS = int(os.environ.get("BENCH_RECOMPUTE_RUNS", 7))
# The version query is timed in batches of this many calls.
VERSION_CALLS = 500


def median_seconds(action, runs: int = RUNS) -> float:
    action()  # warm-up: imports, first connection, SQLite page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def orm_version_rows(race: str, year: int) -> list[tuple]:
    """The rows of ``versions.version_sql("slug")``, asked through the ORM."""
    now = timezone.now()
    published = Q(stages__reports__status="published")
    live = Case(
        When(stages__status="live", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        Edition.objects.filter(race__slug=race, year=year)
        .values_list("id", "version")
        .annotate(
            live=Max(live),
            passed=Max(
                "stages__reports__published_at",
                filter=published & Q(stages__reports__published_at__lte=now),
            ),
            upcoming=Min(
                "stages__reports__published_at",
                filter=published & Q(stages__reports__published_at__gt=now),
            ),
        )
        .order_by("id")
    )


def version_query_us(race: str, year: int) -> dict[str, float]:
    """Microseconds per data-version query, each way (the same rows from each)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [now, now, race, year]
    sql = versions.version_sql("slug")

    def through_cursor() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    ways = {
        "driver": lambda: versions.driver_fetchall(sql, params),
        "cursor": through_cursor,
        "orm": lambda: orm_version_rows(race, year),
    }
    answers = {
        name: [(*row[:3], *map(versions.as_datetime, row[3:])) for row in way()]
        for name, way in ways.items()
    }
    if len({repr(rows) for rows in answers.values()}) != 1:
        raise AssertionError(f"the version queries disagree: {answers}")

    def batch(way):
        return lambda: [way() for _ in range(VERSION_CALLS)]

    return {
        f"version_query_{name}_us": median_seconds(batch(way)) / VERSION_CALLS * 1e6
        for name, way in ways.items()
    }


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
    figures |= version_query_us("tour-de-france", 2023)
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
