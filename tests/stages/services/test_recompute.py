"""services.recompute: the edition lock, the data version, the engine's input and
the stored standings and exits."""

from editions.models import Edition, Entry
from stages.models import Jersey, Stage, StageResult, Standing
from stages.services import leaders, recompute
from tests.factories import EditionFactory, small_race


def versions(*editions: Edition) -> list[int]:
    return [Edition.objects.get(pk=e.pk).version for e in editions]


def stored_gc(stage: Stage) -> list[tuple[int, int, int]]:
    return list(
        Standing.objects.filter(stage=stage, classification="gc")
        .order_by("rank")
        .values_list("rank", "entry__bib", "value")
    )


def test_lock_edition_returns_the_edition_with_its_race(race):
    locked = recompute.lock_edition(race.edition.pk)
    assert locked == race.edition
    assert locked.race.name == race.edition.race.name


def test_lock_editions_takes_each_once(race):
    other = EditionFactory()
    locked = recompute.lock_editions([other.pk, race.edition.pk, other.pk])
    assert locked == {race.edition.pk: race.edition, other.pk: other}
    assert recompute.lock_editions([]) == {}


def test_bump_version_of_some_or_all_editions(race):
    other = EditionFactory()
    before = versions(race.edition, other)
    recompute.bump_version(race.edition)
    assert versions(race.edition, other) == [before[0] + 1, before[1]]
    recompute.bump_version(other.pk)
    recompute.bump_version()
    assert versions(race.edition, other) == [before[0] + 2, before[1] + 2]


def test_engine_input_holds_the_stored_race(race):
    stored = recompute.engine_input(race.edition)
    assert [s.number for s in stored.stages] == [1, 2, 3]
    assert len(stored.stages[0].results) == 6
    assert set(stored.riders) == {e.pk for e in race.entries.values()}
    assert stored.rules.youth_born_on_or_after == race.edition.youth_born_on_or_after


def test_the_digest_follows_what_the_standings_are_computed_from(race):
    digest = recompute.results_digest(race.edition)
    assert recompute.results_digest(race.edition) == digest
    # A stage's status changes who left the race, never the standings.
    Stage.objects.filter(pk=race.stage(3).pk).update(status=Stage.Status.LIVE)
    assert recompute.results_digest(race.edition) == digest
    StageResult.objects.filter(stage=race.stage(2), entry=race.entry(1)).update(
        penalty=10
    )
    penalised = recompute.results_digest(race.edition)
    assert penalised != digest
    Edition.objects.filter(pk=race.edition.pk).update(rules={"finish_bonus": [1]})
    race.edition.refresh_from_db()
    assert recompute.results_digest(race.edition) != penalised


def test_the_fingerprint_sees_the_status_too(race):
    fingerprint = recompute.engine_input(race.edition).fingerprint
    Stage.objects.filter(pk=race.stage(3).pk).update(status=Stage.Status.LIVE)
    assert recompute.engine_input(race.edition).fingerprint != fingerprint


def test_compute_runs_the_engine_once_on_the_stored_results(race, engine_runs):
    computed = recompute.compute(race.edition)
    assert engine_runs.call_count == 1
    gc = next(s for s in computed if s.stage_number == 3).tables["gc"]
    assert (gc[0].rider_id, gc[1].gap) == (race.entry(1).pk, 4)


def test_recompute_stores_the_standings_and_bumps_once(db, engine_runs):
    race = small_race(standings=False)
    assert not Standing.objects.filter(stage__edition=race.edition).exists()
    version = race.edition.version
    assert recompute.recompute_standings(race.edition) == 3
    assert engine_runs.call_count == 1
    assert stored_gc(race.stage(3))[:2] == [(1, 1, 10802), (2, 11, 10806)]
    assert Jersey.objects.filter(stage=race.stage(3), classification="gc").get().entry
    assert versions(race.edition) == [version + 1]


def test_recompute_from_a_stage_keeps_the_earlier_rows(race):
    first = set(Standing.objects.filter(stage=race.stage(1)).values_list("pk"))
    StageResult.objects.filter(stage=race.stage(2), entry=race.entry(1)).update(
        time_s=3700
    )
    assert recompute.recompute_standings(race.edition, from_stage=2) == 2
    assert set(Standing.objects.filter(stage=race.stage(1)).values_list("pk")) == first
    assert stored_gc(race.stage(2))[0][1] == 11  # Dahl leads after stage 2


def test_recompute_stores_what_it_is_given_without_the_engine(race, engine_runs):
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(1)).update(
        time_s=3700
    )
    computed = leaders.current_standings(race.edition)
    engine_runs.reset_mock()
    recompute.recompute_standings(race.edition, from_stage=3, computed=computed)
    assert engine_runs.call_count == 0
    assert stored_gc(race.stage(3))[0][1] == 11


def test_recompute_stores_each_entry_exit(race):
    StageResult.objects.filter(stage=race.stage(2), entry=race.entry(13)).update(
        status="DNF", rank=None, time_s=None
    )
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(13)).delete()
    recompute.recompute_standings(race.edition, from_stage=2)
    faure = Entry.objects.get(pk=race.entry(13).pk)
    assert (faure.exit_stage, faure.exit_status) == (2, "DNF")
    assert Entry.objects.get(pk=race.entry(1).pk).exit is None


def test_exits_refresh_follows_the_status_without_touching_standings(race):
    StageResult.objects.filter(stage=race.stage(3), entry=race.entry(12)).delete()
    recompute.recompute_standings(race.edition, from_stage=3)
    assert Entry.objects.get(pk=race.entry(12).pk).exit_stage == 3  # no row
    rows = set(Standing.objects.filter(stage__edition=race.edition).values_list("pk"))
    version = versions(race.edition)
    Stage.objects.filter(pk=race.stage(3).pk).update(status=Stage.Status.LIVE)
    recompute.exits_refresh(edition=race.edition)
    # A live stage's missing row is a result still coming: not out.
    assert Entry.objects.get(pk=race.entry(12).pk).exit is None
    assert (
        set(Standing.objects.filter(stage__edition=race.edition).values_list("pk"))
        == rows
    )
    assert versions(race.edition) == version  # the caller bumps, once
