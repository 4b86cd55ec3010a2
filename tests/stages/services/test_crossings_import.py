"""The 2023 crossings imported with the packages: the published ``kom_points``
stay authoritative and the crossings never add to them (no double counting);
without the column, the crossings give the same points (Col de la Loze ×2)."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from editions.models import Edition
from racing import standings
from stages.inputs import edition_rules, stage_input
from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult, Standing
from stages.services.packages import package_import

TOUR = Path(settings.BASE_DIR) / "races" / "tour-de-france-2023"

pytestmark = pytest.mark.django_db


def mountains(edition: Edition, number: int) -> list[tuple[int, int, int]]:
    return list(
        Standing.objects.filter(
            stage__edition=edition, stage__number=number, classification="mountains"
        )
        .order_by("rank")
        .values_list("rank", "entry__bib", "value")
    )


def kom_won(edition: Edition, number: int) -> dict[int, int]:
    """Mountains points each rider gained on the stage, from the standings."""
    before = {bib: value for _, bib, value in mountains(edition, number - 1)}
    return {
        bib: value - before.get(bib, 0)
        for _, bib, value in mountains(edition, number)
        if value != before.get(bib, 0)
    }


def test_published_kom_points_are_not_added_to_by_the_crossings(tour):
    stage = Stage.objects.get(edition=tour, number=17)
    published = dict(
        StageResult.objects.filter(stage=stage, kom_points__gt=0).values_list(
            "entry__bib", "kom_points"
        )
    )
    assert CheckpointCrossing.objects.filter(checkpoint__stage=stage).count() > 20
    assert kom_won(tour, 17) == published
    # The crossings give the same: Felix Gall's (bib 95) 50 are the Loze's 20 × 2,
    # 6 for third on the Col des Saisies and 4 for fourth on the Cormet de
    # Roselend (cat. 1: 10-8-6-4-2-1).
    bibs = dict(tour.entries.values_list("pk", "bib"))
    won = standings.awards(stage_input(stage), edition_rules(tour))
    assert {bibs[e]: a.kom_points for e, a in won.items() if a.kom_points} == published
    loze = Checkpoint.objects.get(stage=stage, name="Col de la Loze")
    assert (loze.category, loze.multiplier) == ("HC", 2)
    assert CheckpointCrossing.objects.get(checkpoint=loze, rank=1).entry.bib == 95
    assert published[95] == 40 + 6 + 4


def test_without_the_kom_points_column_the_crossings_give_the_same(tour, tmp_path):
    before = {n: mountains(tour, n) for n in (16, 17, 21)}
    published = kom_won(tour, 17)
    copy = tmp_path / "tour"
    shutil.copytree(TOUR, copy)
    path = copy / "results" / "stage-17.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][-1] == "kom_points"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(row[:-1] for row in rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    again, _ = package_import(copy, replace=True)
    assert not StageResult.objects.filter(
        stage__edition=again, stage__number=17, kom_points__isnull=False
    ).exists()
    assert kom_won(again, 17) == published
    assert {n: mountains(again, n) for n in (16, 17, 21)} == before
