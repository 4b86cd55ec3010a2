"""services.writes: every write takes its races' locks, recomputes each race whose
standings move once, and bumps each race it touches once."""

import pytest

from editions.models import Edition
from stages.models import StageResult, Standing
from stages.services import leaders
from stages.services.writes import (
    Expected,
    RowRefused,
    Touched,
    check_expected,
    editions_of,
    row_token,
    standings_refresh,
    write,
)
from tests.factories import EditionFactory, small_race


def version(edition: Edition) -> int:
    return Edition.objects.get(pk=edition.pk).version


def slow_down(race, bib: int, stage: int, seconds: int) -> None:
    StageResult.objects.filter(stage=race.stage(stage), entry=race.entry(bib)).update(
        time_s=3600 + seconds
    )


def test_touched_keeps_the_first_stage_of_each_edition():
    touched = editions_of([(7, 3), (7, 2), (8, 5), (7, 4)])
    assert touched.moved == {7: 2, 8: 5}
    touched.moves(None)
    touched.shows(9, None)
    assert touched.shown == {9}


def test_a_write_that_moves_standings_recomputes_once_and_says_so(race, engine_runs):
    other = EditionFactory()
    before = version(race.edition), version(other)
    touched = Touched()
    touched.moves(race.edition.pk, 2)
    touched.shows(race.edition.pk)
    lines = write(lambda: slow_down(race, 1, 2, 40), touched)
    # Aalto 0:40 slower on stage 2: Dahl leads, Berg second at 0:20.
    first, second = (team.name for team in race.teams)
    assert lines == [
        "Standings updated after stage 2: Dahl leads the GC by 0:20 (was Aalto); "
        "Dahl leads the points classification by 0 points (was Aalto); "
        f"{second} lead the team classification by 0:25 (was {first}). "
        "after stage 3: Dahl leads the GC by 0:29 (was Aalto); "
        f"{second} lead the team classification by 0:12 (was {first})."
    ]
    assert engine_runs.call_count == 1
    assert (version(race.edition), version(other)) == (before[0] + 1, before[1])
    leader = Standing.objects.get(stage=race.stage(3), classification="gc", rank=1)
    assert leader.entry == race.entry(11)


def test_a_write_that_moves_nothing_only_bumps_what_shows_it(race, engine_runs):
    other = EditionFactory()
    rows = set(Standing.objects.values_list("pk"))
    before = version(race.edition), version(other)
    touched = Touched()
    touched.shows(other.pk)
    assert write(lambda: None, touched) == []
    assert engine_runs.call_count == 0
    assert (version(race.edition), version(other)) == (before[0], before[1] + 1)
    assert set(Standing.objects.values_list("pk")) == rows


def test_a_write_seen_everywhere_bumps_every_edition(race):
    other = EditionFactory()
    before = version(race.edition), version(other)
    write(lambda: None, Touched(everywhere=True))
    assert (version(race.edition), version(other)) == (before[0] + 1, before[1] + 1)


def test_a_failing_write_leaves_everything_as_it_was(race):
    before = version(race.edition)
    touched = Touched()
    touched.moves(race.edition.pk, 1)

    def change() -> None:
        slow_down(race, 1, 1, 40)
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        write(change, touched)
    assert version(race.edition) == before
    result = StageResult.objects.get(stage=race.stage(1), entry=race.entry(1))
    assert result.time_s == 3600


def test_standings_refresh_compares_with_the_leaders_read_before(db, engine_runs):
    small = small_race(stages=2)
    engine_runs.reset_mock()
    before = leaders.stored_leaders(small.edition, 2)
    slow_down(small, 1, 2, 3)  # Aalto loses a second: still leads by 0:02
    line = standings_refresh(edition=small.edition, from_stage=2, before=before)
    assert line == (
        "Standings updated after stage 2: Aalto leads the GC by 0:02 (was by 0:03); "
        "no other leader changed."
    )
    assert engine_runs.call_count == 1


def test_the_rows_a_form_was_built_from_are_checked_in_one_query(
    race, django_assert_num_queries
):
    """A stage page saved with every result row of the stage: as many queries for
    two rows as for the whole field."""
    rows = list(StageResult.objects.filter(stage__edition=race.edition))
    assert len(rows) > 2
    for some in (rows[:2], rows):
        expected = [Expected(row, row_token(row)) for row in some]
        with django_assert_num_queries(1):
            check_expected(expected)
    changed = rows[-1]
    StageResult.objects.filter(pk=changed.pk).update(penalty=20)
    with pytest.raises(RowRefused) as refused:
        check_expected([Expected(row, row_token(row)) for row in rows])
    assert refused.value.code == "changed"
    assert refused.value.row == changed
