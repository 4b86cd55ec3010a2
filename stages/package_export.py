"""An edition as a race package (RACE_PACKAGE.md "Export"), for
``/races/<race>/<year>/package.zip``: read from the database in a fixed number of
queries, whatever the number of riders and stages, and written by the pure
``racing.package_writer``. Importing the zip (``import_race``, the admin's
upload) gives the same standings after every stage.

The package holds the start list (teams in the order of their first bib), every
stage with its checkpoints and crossings, the results of every stage that has
some, as stored (times, hundredths, statuses, bonuses, penalties, GC times,
points), and the newest report of each stage among those the public sees
(``RaceReport.objects.published()``): the format holds one per stage.

An award the editors left to be computed (None) stays so in the package when
the whole stage leaves it to the rules: its column is left out, and the import
computes it again from the same rules and crossings. On a stage where other
riders' are published, it is written as the rules give it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Min

from editions.models import Edition, Entry, Team
from racing import standings
from racing.package_writer import AWARD_COLUMNS, write_package_zip
from racing.parsing.layouts import RESULT_COLUMNS
from racing.parsing.package import Package
from racing.parsing.racefiles import CheckpointSpec
from racing.parsing.results import ResultRow, ResultsTable, StartListRider
from racing.parsing.stagelist import CANCELLED, StageSpec
from stages import inputs
from stages.models import Checkpoint, CheckpointCrossing, RaceReport, Stage, StageResult


def edition_package_zip(edition: Edition) -> bytes:
    """The edition as a race package zip, in one top folder ``<race>-<year>/``
    (:func:`edition_package`'s queries). Raises ``ValueError`` only for stored
    rules that TOML cannot hold (a null, a float that is not finite), which
    ``Rules.from_overrides`` refuses too."""
    return write_package_zip(edition_package(edition))


def package_filename(edition: Edition) -> str:
    """The name the zip downloads as: ``tour-de-france-2023.zip``."""
    return f"{edition.race.slug}-{edition.year}.zip"


def edition_package(edition: Edition) -> Package:
    """The edition as the plain package that ``racing.package_writer`` writes and
    ``read_package`` reads: 7 queries, plus 1 for ``edition.race`` when it is not
    loaded."""
    race = edition.race
    stored = _Stored(
        entries=_entries(edition),
        stages=_stages(edition),
        checkpoints=_checkpoints(edition),
        crossings=_crossings(edition),
        results=_results(edition),
    )
    results = {
        stored.stages[stage_id].number: ResultsTable(
            _result_rows(edition, stored, stage_id), [], frozenset(RESULT_COLUMNS)
        )
        for stage_id in sorted(stored.results, key=lambda i: stored.stages[i].number)
    }
    crossings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for checkpoint_id, rank, entry_id in stored.crossings:
        stage_id, checkpoint = stored.checkpoints[checkpoint_id]
        bib = stored.entries[entry_id][0].bib
        crossings[stored.stages[stage_id].number].append((checkpoint.name, rank, bib))
    return Package(
        race_name=race.name,
        slug=race.slug,
        year=edition.year,
        rules=_in_order(edition.rules or {}),
        youth_born_on_or_after=edition.youth_born_on_or_after,
        teams=_teams(edition),
        riders={rider.bib: (rider, nat, born) for rider, nat, born in stored.riders()},
        stages={spec.number: spec for spec in stored.stages.values()},
        checkpoints=[spec for _, spec in stored.checkpoints.values()],
        results=results,
        crossings=dict(sorted(crossings.items())),
        reports=_reports(edition, stored.stages),
    )


@dataclass
class _Stored:
    """The edition's rows, each keyed by its database id."""

    # entry id -> (start-list rider, nationality, birth date)
    entries: dict[int, tuple]
    stages: dict[int, StageSpec]
    # checkpoint id -> (stage id, checkpoint), in the order of the stages, then
    # along the route
    checkpoints: dict[int, tuple[int, CheckpointSpec]]
    # (checkpoint id, rank, entry id), by checkpoint and rank
    crossings: list[tuple[int, int, int]]
    # stage id -> [(entry id, {field: value} of StageResult.VALUE_FIELDS)]
    results: dict[int, list[tuple[int, dict]]]

    def riders(self) -> list[tuple]:
        return sorted(self.entries.values(), key=lambda e: e[0].bib)


def _teams(edition: Edition) -> dict[str, tuple[str, str]]:
    """code -> (name, country), in the order of each team's first bib (1 query)."""
    teams = (
        Team.objects.filter(edition=edition)
        .annotate(first_bib=Min("entries__bib"))
        .order_by(F("first_bib").asc(nulls_last=True), "code")
        .values_list("code", "name", "country")
    )
    return {code: (name, country) for code, name, country in teams}


def _entries(edition: Edition) -> dict[int, tuple]:
    """The start list by entry id (1 query)."""
    rows = Entry.objects.filter(edition=edition).values_list(
        "pk",
        "bib",
        "rider__given_name",
        "rider__family_name",
        "nationality",
        "rider__birth_date",
        "team__code",
    )
    return {
        pk: (StartListRider(bib, given, family, code), nat, born)
        for pk, bib, given, family, nat, born, code in rows
    }


_STAGE_FIELDS = (
    *("pk", "number", "date", "start", "finish", "distance_km", "type"),
    *("points_scale", "team_times", "status"),
)


def _in_order(rules: dict) -> dict:
    """The rules with their keys sorted, tables' too: the same rules export the
    same edition.toml whatever order the database keeps them in (PostgreSQL's
    jsonb sorts keys its own way)."""
    return {
        key: _in_order(value) if isinstance(value, dict) else value
        for key, value in sorted(rules.items())
    }


def _stages(edition: Edition) -> dict[int, StageSpec]:
    """Every stage by id, in the order of their numbers (1 query)."""
    rows = (
        Stage.objects.filter(edition=edition)
        .order_by("number")
        .values_list(*_STAGE_FIELDS)
    )
    return {
        pk: StageSpec(*values, status=_package_status(status))
        for pk, *values, status in rows
    }


def _package_status(status: str) -> str:
    """stages.csv's ``status``: only a stage not raced has one."""
    return CANCELLED if status == Stage.Status.CANCELLED else ""


_CHECKPOINT_FIELDS = (
    *("pk", "stage_id", "stage__number", "kind", "name", "km", "category"),
    *("multiplier", "altitude_m", "scale"),
)


def _checkpoints(edition: Edition) -> dict[int, tuple[int, CheckpointSpec]]:
    """Every checkpoint by id (1 query): by stage, then by km (those without a
    km last) and name."""
    rows = (
        Checkpoint.objects.filter(stage__edition=edition)
        .order_by("stage__number", F("km").asc(nulls_last=True), "name", "pk")
        .values_list(*_CHECKPOINT_FIELDS)
    )
    return {pk: (stage_id, CheckpointSpec(*values)) for pk, stage_id, *values in rows}


def _crossings(edition: Edition) -> list[tuple[int, int, int]]:
    """(checkpoint id, rank, entry id) of every crossing (1 query)."""
    return list(
        CheckpointCrossing.objects.filter(checkpoint__stage__edition=edition)
        .order_by(
            "checkpoint__stage__number",
            F("checkpoint__km").asc(nulls_last=True),
            "checkpoint__name",
            "checkpoint_id",
            "rank",
        )
        .values_list("checkpoint_id", "rank", "entry_id")
    )


def _results(edition: Edition) -> dict[int, list[tuple[int, dict]]]:
    """Every stage result, by stage id (1 query)."""
    results: dict[int, list[tuple[int, dict]]] = defaultdict(list)
    fields = StageResult.VALUE_FIELDS
    for stage_id, entry_id, *values in StageResult.objects.filter(
        stage__edition=edition
    ).values_list("stage_id", "entry_id", *fields):
        results[stage_id].append((entry_id, dict(zip(fields, values, strict=True))))
    return results


def _result_rows(edition: Edition, stored: _Stored, stage_id: int) -> list[ResultRow]:
    """The results of one stage as package rows; an award left to the rules on a
    stage where other riders' are published is filled in as the rules give it."""
    rows = [
        ResultRow(line=0, bib=stored.entries[entry_id][0].bib, **values)
        for entry_id, values in stored.results[stage_id]
    ]
    entry_ids = [entry_id for entry_id, _ in stored.results[stage_id]]
    mixed = [
        column
        for column in AWARD_COLUMNS
        if any(getattr(r, column) is None for r in rows)
        and any(getattr(r, column) is not None for r in rows)
    ]
    if mixed:
        awards = _awards(edition, stored, stage_id)
        for row, entry_id in zip(rows, entry_ids, strict=True):
            for column in mixed:
                if getattr(row, column) is None:
                    setattr(row, column, getattr(awards[entry_id], column))
    return rows


def _awards(
    edition: Edition, stored: _Stored, stage_id: int
) -> dict[int, standings.Award]:
    """What the rules give each rider of the stage, by entry id (no query: from
    the rows already read)."""
    spec = stored.stages[stage_id]
    on_stage = {
        pk: checkpoint
        for pk, (sid, checkpoint) in stored.checkpoints.items()
        if sid == stage_id
    }
    stage = standings.StageInput(
        number=spec.number,
        type=spec.type,
        results=tuple(
            standings.Result(
                rider_id=entry_id,
                status=values["status"],
                rank=values["rank"],
                time=values["time_s"],
            )
            for entry_id, values in stored.results[stage_id]
        ),
        points_scale=spec.points_scale,
        team_times=spec.team_times,
        checkpoints=tuple(
            standings.Checkpoint(pk, c.kind, c.category, c.multiplier, c.scale)
            for pk, c in on_stage.items()
        ),
        crossings=tuple(
            standings.Crossing(checkpoint_id, rank, entry_id)
            for checkpoint_id, rank, entry_id in stored.crossings
            if checkpoint_id in on_stage
        ),
    )
    return standings.awards(stage, inputs.edition_rules(edition))


def _reports(
    edition: Edition, stages: dict[int, StageSpec]
) -> dict[tuple[int, str], tuple[str, str]]:
    """(stage number, language) -> (headline, body) of the stage's newest report
    in that language among those the public sees (1 query)."""
    reports: dict[tuple[int, str], tuple[str, str]] = {}
    for stage_id, language, headline, body in (
        RaceReport.objects.published()
        .filter(stage__edition=edition)
        .order_by("stage_id", "language", "-published_at", "-pk")
        .values_list("stage_id", "language", "headline", "body")
    ):
        reports.setdefault((stages[stage_id].number, language), (headline, body))
    return dict(sorted(reports.items()))
