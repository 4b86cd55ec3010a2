"""The edition lock, the data version, the engine's input and the stored
standings: what every write ends with."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from editions.models import Edition, Entry
from racing import standings
from stages import inputs
from stages.models import Jersey, Stage, Standing
from stages.services import version_channel


def lock_edition(edition_id: int) -> Edition:
    """Take the edition's row lock (PostgreSQL; SQLite serialises writers anyway)
    before writing, so that concurrent saves of one race run one after the other
    and the standings always match the last one."""
    return Edition.objects.select_for_update().select_related("race").get(pk=edition_id)


def lock_editions(edition_ids: Iterable[int]) -> dict[int, Edition]:
    """:func:`lock_edition` for several editions at once, always in the same order
    (by id), so that two writes touching the same editions cannot deadlock."""
    ids = sorted(set(edition_ids))
    if not ids:
        return {}
    locked = (
        Edition.objects.select_for_update()
        .select_related("race")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {edition.pk: edition for edition in locked}


def bump_version(*editions: Edition | int) -> None:
    """Invalidate every cached page of these editions (of all editions when none
    are given), and tell every web process once the transaction commits (they keep
    the versions they read). Every service calls it as its last write; nothing else
    needs to."""
    ids = [e.pk if isinstance(e, Edition) else e for e in editions]
    qs = Edition.objects.all()
    if ids:
        qs = qs.filter(pk__in=ids)
    qs.update(version=F("version") + 1)
    version_channel.announce(ids)


# The engine's input


@dataclass(frozen=True)
class EngineInput:
    """Everything the standings of an edition are computed from, read at once."""

    stages: tuple[standings.StageInput, ...]
    riders: Mapping[int, standings.RiderInfo]
    rules: standings.Rules

    def compute(self) -> list[standings.StageStandings]:
        """Run the engine: the only place where the services do."""
        return standings.compute(self.stages, self.riders, self.rules)

    @property
    def digest(self) -> str:
        """A short token of what the standings are computed from: results,
        checkpoints, crossings, stage scoring, the start list's teams and birth
        dates, the rules, the stages not raced. Not the other statuses: marking
        a stage live while an editor previews a paste must not refuse the paste."""
        parts = [f"not raced {s.number}" for s in self.stages if s.cancelled] + [
            repr((s.number, s.type, s.points_scale, s.team_times, item))
            for s in self.stages
            for item in (*s.results, *s.checkpoints, *s.crossings)
        ]
        parts += [repr(rider) for rider in self.riders.values()]
        parts.sort()
        parts.append(repr(self.rules))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    @property
    def fingerprint(self) -> str:
        """A token of the whole input, status included: equal fingerprints, equal
        standings (the engine is deterministic)."""
        text = repr(
            (sorted(self.stages, key=lambda s: s.number), sorted(self.riders.items()))
        )
        return hashlib.sha256(f"{text}\n{self.rules!r}".encode()).hexdigest()


def engine_input(edition: Edition) -> EngineInput:
    """The stored input of ``edition``'s standings (5 queries)."""
    return EngineInput(
        stages=tuple(inputs.stage_inputs(edition)),
        riders=inputs.riders_of(edition),
        rules=inputs.edition_rules(edition),
    )


def compute(edition: Edition) -> list[standings.StageStandings]:
    """The standings of the stored results, computed in memory (5 queries)."""
    return engine_input(edition).compute()


def results_digest(edition: Edition) -> str:
    """:attr:`EngineInput.digest` of the stored race. A paste preview carries it so
    that confirming refuses when someone else changed the standings' input since;
    other saves (a report, a route, a stage's status) do not count, unlike
    ``Edition.version``, the page caches' counter."""
    return engine_input(edition).digest


# Stored standings and exits


@transaction.atomic
def recompute_standings(
    edition: Edition,
    *,
    from_stage: int = 1,
    computed: Sequence[standings.StageStandings] | None = None,
) -> int:
    """Store every classification after ``from_stage`` onwards and every entry's
    exit, and bump the data version; ``computed`` are standings already computed
    from the stored results (a paste preview's), else the engine runs once over the
    whole race (standings are cumulative and the computation is cheap). Returns the
    number of stages stored."""
    lock_edition(edition.pk)
    if computed is None:
        computed = compute(edition)
    stage_ids = dict(Stage.objects.filter(edition=edition).values_list("number", "pk"))
    # Stages without results (not raced yet, or results removed) have no standings.
    Standing.objects.filter(
        stage__edition=edition, stage__number__gte=from_stage
    ).delete()
    Jersey.objects.filter(
        stage__edition=edition, stage__number__gte=from_stage
    ).delete()
    stored = [after for after in computed if after.stage_number >= from_stage]
    _insert(stored, stage_ids)
    exits_store(
        edition=edition,
        left={rid: e for after in computed for rid, e in after.exits.items()},
    )
    bump_version(edition)
    return len(stored)


def exits_refresh(*, edition: Edition) -> None:
    """Store each entry's exit again from the stored results and stages' status,
    without the engine (5 queries): a stage marked live or finished changes who
    left the race, never the standings. Does not bump the version: the caller
    does, once."""
    exits_store(
        edition=edition, left=standings.stage_exits(inputs.stage_inputs(edition))
    )


def exits_store(*, edition: Edition, left: Mapping[int, standings.Exit]) -> None:
    """Each entry's exit as the engine found it, by entry id: 1 query to read the
    stored ones, then 1 UPDATE per (stage, status) that changed (usually none)."""
    changed: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for pk, stage, status in Entry.objects.filter(edition=edition).values_list(
        "pk", "exit_stage", "exit_status"
    ):
        gone = left.get(pk)
        wanted = (gone.stage, gone.status) if gone else (None, "")
        if wanted != (stage, status):
            changed[wanted].append(pk)
    for (stage, status), pks in changed.items():
        Entry.objects.filter(pk__in=pks).update(exit_stage=stage, exit_status=status)


def _insert(stored: Sequence[standings.StageStandings], stage_ids: dict) -> None:
    rows = [
        (stage_ids[after.stage_number], classification, *_values(s))
        for after in stored
        for classification, table in after.tables.items()
        for s in table
    ]
    jerseys = [
        (stage_ids[after.stage_number], classification, entry_id)
        for after in stored
        for classification, entry_id in after.jerseys.items()
    ]
    # Thousands of rows per recompute: one executemany beats building model objects.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Standing._meta.db_table} (stage_id, classification, rank, "
            "entry_id, team_id, value, gap, previous_rank) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO {Jersey._meta.db_table} (stage_id, classification, entry_id) "
            "VALUES (%s, %s, %s)",
            jerseys,
        )


def _values(s: standings.Standing) -> tuple:
    return (s.rank, s.rider_id, s.team_id, s.value, s.gap, s.previous_rank)
