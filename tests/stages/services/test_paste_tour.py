"""Pasting a stage's results or crossings: preview (no writes), then save."""

from pathlib import Path

import pytest
from django.conf import settings

from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult, Standing
from stages.services import crossing_paste, leaders, paste, recompute, results

STAGE_12 = Path(settings.BASE_DIR) / "races/tour-de-france-2023/results/stage-12.csv"


def stage_12_text() -> str:
    return STAGE_12.read_text(encoding="utf-8")


def rows_of(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()]


def join(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


def with_time(text: str, bib: str, time: str) -> str:
    """Stage 12 with one rider's absolute time changed (rank kept)."""
    rows = rows_of(text)
    for r in rows[1:]:
        if r[1] == bib:
            r[3] = time
    return join(rows)


@pytest.fixture
def stage12(tour) -> Stage:
    return Stage.objects.select_related("edition__race").get(edition=tour, number=12)


def stored_gc(stage: Stage) -> list[tuple[int, int, int]]:
    return list(
        Standing.objects.filter(stage=stage, classification="gc")
        .order_by("rank")
        .values_list("rank", "entry__bib", "value")
    )


# Preview


def test_preview_of_the_official_result_reads_every_row(stage12):
    preview = paste.result_preview(stage12, stage_12_text())
    assert preview.ok
    assert len(preview.rows) == 169
    first = preview.rows[0]
    assert (first.rank, first.bib, first.rider) == (1, 124, "IZAGIRRE Ion")
    assert first.team
    assert (first.time, first.gap) == ("3:51:42", "+0:00")
    second = preview.rows[1]
    assert (second.bib, second.gap) == (213, "+0:58")
    assert preview.winner == "IZAGIRRE Ion"
    # The same result as stored: the GC leader and his margin are unchanged.
    assert preview.changes == [
        "after stage 12: Vingegaard leads the GC by 0:17; no other leader changed"
    ]


def test_preview_accepts_tabs_and_no_header(stage12):
    rows = rows_of(stage_12_text())
    # Documented column order without the extra rider column, no header row.
    body = [[r[0], r[1], *r[3:]] for r in rows[1:]]
    preview = paste.result_preview(stage12, join(body, "\t"))
    assert preview.ok, preview.problems
    assert len(preview.rows) == 169
    assert preview.rows[0].rider == "IZAGIRRE Ion"


def test_preview_accepts_gaps_and_same_time(stage12):
    text = "rank,bib,time\n1,124,3:51:42\n2,213,+0:58\n3,135,s.t.\n"
    preview = paste.result_preview(stage12, text)
    assert [r.time for r in preview.rows] == ["3:51:42", "3:52:40", "3:52:40"]
    assert [r.gap for r in preview.rows] == ["+0:00", "+0:58", "+0:58"]


def test_preview_marks_each_problem_on_its_row(stage12, tour):
    out_bib, out_stage = (
        StageResult.objects.filter(
            stage__edition=tour, stage__number__lt=12, status="DNF"
        )
        .order_by("stage__number")
        .values_list("entry__bib", "stage__number")
        .first()
    )
    text = (
        "rank,bib,rider,time\n"
        "1,124,Izagirre,3:51:42\n"
        "2,999,Nobody,3:52:40\n"  # unknown bib
        "2,135,Jorgenson,3:52:40\n"  # duplicate rank
        "3,2,Benoot,3:5x:48\n"  # malformed time
        "4,1,Pogacar,3:53:00\n"  # bib 1 is Vingegaard
        f"5,{out_bib},Someone,3:54:00\n"  # out of the race
    )
    preview = paste.result_preview(stage12, text)
    assert not preview.ok
    problems = {r.line: r.problems for r in preview.rows}
    assert problems[2] == ()
    assert problems[3] == ("bib 999 is not on the start list",)
    assert "duplicate rank 2 (already on line 3)" in problems[4]
    assert any("malformed time '3:5x:48'" in p for p in problems[5])
    assert any("'Pogacar' does not match bib 1" in p for p in problems[6])
    assert any(
        f"already out of the race (DNF on stage {out_stage})" in p for p in problems[7]
    )
    assert preview.error_rows == 5
    assert preview.changes == []  # no leader changes from a table with errors


def test_preview_names_problems_tied_to_no_row(stage12):
    preview = paste.result_preview(stage12, "bib,time\n124,3:51:42\n")
    assert not preview.ok
    assert preview.general_problems == [
        "Pasted results line 1: missing required column rank"
    ]
    assert not paste.result_preview(stage12, "   \n").ok


def test_preview_writes_nothing(stage12):
    before = (StageResult.objects.count(), stored_gc(stage12))
    version = stage12.edition.version
    preview = paste.result_preview(stage12, with_time(stage_12_text(), "1", "4:30:00"))
    assert preview.ok
    stage12.edition.refresh_from_db()
    assert (StageResult.objects.count(), stored_gc(stage12)) == before
    assert stage12.edition.version == version


def test_preview_shows_the_leader_change(stage12):
    # Vingegaard (bib 1) loses 40 minutes: Pogačar takes the lead.
    preview = paste.result_preview(stage12, with_time(stage_12_text(), "1", "4:30:00"))
    assert preview.ok
    line = preview.changes[0]
    assert line.startswith("after stage 12: Pogačar leads the GC by ")
    assert line.split(";")[0].endswith("(was Vingegaard)")
    # The change carries to the last stage.
    assert preview.changes[-1].startswith("after stage 21: Pogačar leads the GC")


# Save


def test_save_replaces_results_and_standings_in_one_go(stage12):
    text = with_time(stage_12_text(), "1", "4:30:00")
    message = results.result_paste_save(stage=stage12, text=text)
    assert message.startswith("Standings updated after stage 12: Pogačar leads the GC")
    assert (
        StageResult.objects.get(stage=stage12, entry__bib=1).time_s == 4 * 3600 + 1800
    )
    assert StageResult.objects.filter(stage=stage12).count() == 169  # starters
    # Stored standings equal a fresh computation of the stored results.
    fresh = leaders.current_standings(stage12.edition)
    gc_after_12 = next(s for s in fresh if s.stage_number == 12).tables["gc"]
    assert [row[2] for row in stored_gc(stage12)] == [s.value for s in gc_after_12]
    assert stored_gc(stage12)[0][1] != 1


def test_save_refuses_bad_rows_and_saves_nothing(stage12):
    before = list(
        StageResult.objects.filter(stage=stage12).values_list("entry_id", "time_s")
    )
    gc = stored_gc(stage12)
    text = stage_12_text().replace("\n2,213,", "\n2,999,")
    with pytest.raises(results.PasteRefused) as refused:
        results.result_paste_save(stage=stage12, text=text)
    assert "bib 999 is not on the start list" in refused.value.preview.problems[0]
    after = list(
        StageResult.objects.filter(stage=stage12).values_list("entry_id", "time_s")
    )
    assert after == before
    assert stored_gc(stage12) == gc


def test_save_refuses_a_stale_preview(stage12):
    digest = recompute.results_digest(stage12.edition)
    # Someone else corrects a time on stage 11 meanwhile.
    StageResult.objects.filter(stage__edition=stage12.edition, stage__number=11).filter(
        rank=1
    ).update(penalty=20)
    recompute.recompute_standings(stage12.edition, from_stage=11)
    with pytest.raises(results.PasteRefused, match="changed since your preview"):
        results.result_paste_save(
            stage=stage12, text=stage_12_text(), expected_digest=digest
        )


def test_save_ignores_saves_that_do_not_touch_results(stage12):
    digest = recompute.results_digest(stage12.edition)
    # A report or a route edited meanwhile bumps the page caches' version only.
    recompute.bump_version(stage12.edition)
    results.result_paste_save(
        stage=stage12, text=stage_12_text(), expected_digest=digest
    )


def test_save_of_a_stage_without_results_finishes_it(tour):
    stage21 = Stage.objects.get(edition=tour, number=21)
    text = (
        Path(settings.BASE_DIR) / "races/tour-de-france-2023/results/stage-21.csv"
    ).read_text()
    StageResult.objects.filter(stage=stage21).delete()
    Stage.objects.filter(pk=stage21.pk).update(status=Stage.Status.SCHEDULED)
    recompute.recompute_standings(tour, from_stage=21)
    assert not Standing.objects.filter(stage=stage21).exists()
    message = results.result_paste_save(stage=stage21, text=text)
    assert "after stage 21: Vingegaard leads the GC by 7:29" in message
    stage21.refresh_from_db()
    assert stage21.status == Stage.Status.FINISHED
    assert Standing.objects.filter(stage=stage21, classification="gc").count() > 100


# Crossings


@pytest.fixture
def sprint(stage12) -> Checkpoint:
    return Checkpoint.objects.create(
        stage=stage12, kind="sprint", name="Sprint de Belleville", km=80
    )


@pytest.fixture
def climb(stage12) -> Checkpoint:
    return Checkpoint.objects.create(
        # Not one of the stage's real climbs (the demo data has them).
        stage=stage12,
        kind="climb",
        name="Col du Fictif",
        category="1",
    )


def computed_awards_stage12(stage12):
    """Stage 12 with bonus, points and mountains points left to the rules."""
    rows = rows_of(stage_12_text())
    body = [[r[0], r[1], r[3], r[4], r[6], r[7]] for r in rows[1:]]
    text = "rank,bib,time,status,penalty,gc_time\n" + join(body)
    results.result_paste_save(stage=stage12, text=text)


def points_of(stage: Stage, bib: int, classification: str) -> int | None:
    return (
        Standing.objects.filter(
            stage=stage, classification=classification, entry__bib=bib
        )
        .values_list("value", flat=True)
        .first()
    )


def test_crossing_preview_reads_rows_and_awards(stage12, sprint, climb):
    text = (
        "Sprint de Belleville,1,213\n"
        "sprint de belleville,2,124\n"  # case ignored
        "Col du Fictif,1,124\n"
    )
    preview = crossing_paste.crossing_preview(stage12, text)
    assert preview.ok, preview.problems
    assert [(r.checkpoint, r.rank, r.bib) for r in preview.rows] == [
        ("Sprint de Belleville", 1, 213),
        ("Sprint de Belleville", 2, 124),
        ("Col du Fictif", 1, 124),
    ]
    assert [r.award for r in preview.rows] == [
        "20 points",
        "17 points",
        "10 mountains points",
    ]
    # The official results carry published points: the editor is told.
    assert any("published points" in n for n in preview.notes)


def test_crossing_preview_marks_problems(stage12, sprint, tour):
    out_bib = (
        StageResult.objects.filter(stage__edition=tour, stage__number__lt=12)
        .exclude(status="OK")
        .exclude(status="OTL")
        .values_list("entry__bib", flat=True)
        .first()
    )
    text = (
        "checkpoint,rank,bib\n"
        "Nowhere,1,124\n"
        "Sprint de Belleville,9,999\n"
        "Sprint de Belleville,1,213\n"
        "Sprint de Belleville,2,213\n"
        f"Sprint de Belleville,3,{out_bib}\n"
        "Sprint de Belleville,x,12\n"
    )
    preview = crossing_paste.crossing_preview(stage12, text)
    assert not preview.ok
    problems = {r.line: " ".join(r.problems) for r in preview.rows}
    assert "checkpoint 'Nowhere' is not on this stage" in problems[2]
    assert "bib 999 is not on the start list" in problems[3]
    assert problems[4] == ""
    assert (
        "duplicate bib 213 at Sprint de Belleville (already on line 4)" in problems[5]
    )
    assert "already out of the race" in problems[6]
    assert "rank 'x' is not a whole number" in problems[7]


def test_crossing_save_computes_awards(stage12, sprint):
    computed_awards_stage12(stage12)
    points_before = points_of(stage12, 213, "points") or 0
    message = results.crossing_paste_save(
        stage=stage12, text="Sprint de Belleville,1,213\n"
    )
    assert message.startswith("Standings updated after stage 12")
    assert CheckpointCrossing.objects.filter(checkpoint=sprint).count() == 1
    assert points_of(stage12, 213, "points") == points_before + 20


def test_crossing_save_replaces_only_named_checkpoints(stage12, sprint, climb):
    results.crossing_paste_save(
        stage=stage12,
        text="Sprint de Belleville,1,213\nCol du Fictif,1,124\n",
    )
    results.crossing_paste_save(stage=stage12, text="Sprint de Belleville,1,124\n")
    assert list(
        CheckpointCrossing.objects.filter(checkpoint__in=[sprint, climb])
        .order_by("checkpoint__name")
        .values_list("checkpoint__name", "entry__bib")
    ) == [("Col du Fictif", 124), ("Sprint de Belleville", 124)]


def test_crossing_save_refuses_bad_rows(stage12, sprint):
    with pytest.raises(results.PasteRefused):
        results.crossing_paste_save(stage=stage12, text="Nowhere,1,124\n")
    assert not CheckpointCrossing.objects.filter(checkpoint=sprint).exists()


def test_preview_warns_about_riders_left_out(stage12):
    lines = stage_12_text().splitlines()
    preview = paste.result_preview(stage12, "\n".join(lines[:-3]) + "\n")
    assert preview.ok  # a warning, not an error: a live result may be partial
    assert preview.notes[0].startswith(
        "3 riders still in the race have no row and would leave the race"
    )
    full = paste.result_preview(stage12, stage_12_text())
    assert full.notes == []


def test_twins_are_told_apart(tour):
    stage1 = Stage.objects.get(edition=tour, number=1)
    lines = (STAGE_12.parent / "stage-01.csv").read_text().splitlines()
    first, second = lines[1].split(","), lines[2].split(",")
    first[1:3], second[1:3] = second[1:3], first[1:3]
    lines[1:3] = [",".join(first), ",".join(second)]
    preview = paste.result_preview(stage1, "\n".join(lines))
    assert preview.changes[0].startswith(
        "after stage 1: Simon Yates leads the GC by 0:08 (was Adam Yates)"
    )


def test_a_team_time_trial_preview_names_the_winning_team(vuelta):
    stage = Stage.objects.select_related("edition__race").get(edition=vuelta, number=1)
    text = (
        Path(settings.BASE_DIR) / "races/vuelta-a-espana-2023/results/stage-01.csv"
    ).read_text(encoding="utf-8")
    assert paste.result_preview(stage, text).winner == "Team dsm - firmenich"
