"""Two editors saving the same stage at once (PostgreSQL: real row locks).

Whatever the interleaving, the stored standings must equal a fresh computation of
the stored results: never a mix of two saves."""

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from editions.models import Edition
from stages.models import Stage, StageResult, Standing
from stages.services import corrections, leaders, recompute, results
from tests.stages.admin.concurrency import run_in_thread

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: set DATABASE_URL=postgres://...",
    ),
]

TOUR = Path(settings.BASE_DIR) / "races/tour-de-france-2023"


def stage_12_with(bib: str, time_text: str) -> str:
    lines = (TOUR / "results/stage-12.csv").read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[1] == bib:
            cells[3] = time_text
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def stored_equals_fresh(edition: Edition) -> bool:
    fresh = {
        (after.stage_number, cls, s.rank): (s.rider_id, s.team_id, s.value, s.gap)
        for after in leaders.current_standings(edition)
        for cls, table in after.tables.items()
        for s in table
    }
    stored = {
        (number, cls, rank): (entry, team, value, gap)
        for number, cls, rank, entry, team, value, gap in Standing.objects.filter(
            stage__edition=edition
        ).values_list(
            "stage__number",
            "classification",
            "rank",
            "entry_id",
            "team_id",
            "value",
            "gap",
        )
    }
    return stored == fresh


@pytest.fixture
def tour_pg(transactional_db) -> Edition:
    call_command("import_race", str(TOUR), verbosity=0)
    return Edition.objects.get(race__slug="tour-de-france", year=2023)


def test_a_second_save_waits_for_the_first(tour_pg):
    stage = Stage.objects.get(edition=tour_pg, number=12)
    slow = stage_12_with("1", "4:40:00")  # Pogačar would lead
    fast = stage_12_with("1", "3:55:56")  # the official result
    locked, errors, waited = threading.Event(), [], []

    def first():
        with transaction.atomic():
            recompute.lock_edition(stage.edition_id)
            locked.set()
            time.sleep(0.5)  # hold the lock while the other editor saves
            results.result_paste_save(stage=stage, text=slow)

    def second():
        locked.wait(5)
        started = time.perf_counter()
        results.result_paste_save(stage=stage, text=fast)
        waited.append(time.perf_counter() - started)

    threads = [run_in_thread(first, errors), run_in_thread(second, errors)]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert waited[0] >= 0.4  # it waited for the lock
    # The second save came last: its result and its standings.
    assert StageResult.objects.get(stage=stage, entry__bib=1).time_s == 14156
    assert Standing.objects.get(stage=stage, classification="gc", rank=1).entry.bib == 1
    assert stored_equals_fresh(tour_pg)


def test_concurrent_saves_never_mix(tour_pg):
    stage = Stage.objects.get(edition=tour_pg, number=12)
    texts = [stage_12_with("1", f"4:{40 + i}:00") for i in range(4)]
    start, errors = threading.Barrier(len(texts)), []

    def saver(text):
        def save():
            start.wait(5)
            results.result_paste_save(stage=stage, text=text)

        return save

    threads = [run_in_thread(saver(text), errors) for text in texts]
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    final = StageResult.objects.get(stage=stage, entry__bib=1).time_s
    assert final in {4 * 3600 + (40 + i) * 60 for i in range(4)}
    assert StageResult.objects.filter(stage=stage).count() == 169
    assert stored_equals_fresh(tour_pg)


def test_corrections_and_a_paste_at_once_never_mix(tour_pg):
    """Editors correcting single results while another pastes the stage: each write
    recomputes under the race's lock, so the last one's standings hold."""
    stage = Stage.objects.get(edition=tour_pg, number=12)
    start, errors, refused = threading.Barrier(4), [], []

    def corrector(bib: int, seconds: int):
        def correct():
            start.wait(5)
            result = StageResult.objects.select_related("stage", "entry").get(
                stage=stage, entry__bib=bib
            )
            result.penalty = seconds
            try:
                corrections.result_save(result=result)
            except ValidationError as no:  # the paste replaced his row first
                refused.append(" ".join(no.messages))

        return correct

    def paster():
        start.wait(5)
        results.result_paste_save(stage=stage, text=stage_12_with("1", "4:41:00"))

    jobs = [corrector(124, 30), corrector(213, 60), corrector(2, 90), paster]
    threads = [run_in_thread(job, errors) for job in jobs]
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert all("replaced or deleted by another save" in m for m in refused)
    assert StageResult.objects.filter(stage=stage).count() == 169
    assert stored_equals_fresh(tour_pg)
