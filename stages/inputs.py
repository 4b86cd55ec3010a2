"""Reads that feed the standings engine and the parsers: ORM rows in, plain
dataclasses of the pure core out. Services and page queries both build on these."""

from collections import defaultdict
from dataclasses import replace

from editions.models import Edition, Entry
from racing import standings
from racing.parsing.results import StartListRider
from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult


def edition_rules(edition: Edition) -> standings.Rules:
    """The edition's rules; the stored youth cut-off wins (editors may change it)."""
    rules = standings.Rules.from_overrides(edition.rules or {}, edition.year)
    return replace(rules, youth_born_on_or_after=edition.youth_born_on_or_after)


def riders_of(edition: Edition) -> dict[int, standings.RiderInfo]:
    """Engine rider info keyed by entry id (an entry is a rider in one edition)."""
    return {
        pk: standings.RiderInfo(rider_id=pk, team_id=team_id, birth_date=born)
        for pk, team_id, born in Entry.objects.filter(edition=edition).values_list(
            "pk", "team_id", "rider__birth_date"
        )
    }


# A checkpoint's fields the engine reads, in standings.Checkpoint's order.
_CHECKPOINT_FIELDS = ("kind", "category", "multiplier", "scale")


def stage_inputs(edition: Edition) -> list[standings.StageInput]:
    """Every stage of the edition that has results or was not raced (the engine
    gives it the standings of the stage before), as engine input (4 queries)."""
    results = _results_by_stage(edition)
    checkpoints = defaultdict(list)
    for pk, stage_id, *values in Checkpoint.objects.filter(
        stage__edition=edition
    ).values_list("pk", "stage_id", *_CHECKPOINT_FIELDS):
        checkpoints[stage_id].append(standings.Checkpoint(pk, *values))
    crossings = defaultdict(list)
    for stage_id, checkpoint_id, rank, entry_id in CheckpointCrossing.objects.filter(
        checkpoint__stage__edition=edition
    ).values_list("checkpoint__stage_id", "checkpoint_id", "rank", "entry_id"):
        crossings[stage_id].append(standings.Crossing(checkpoint_id, rank, entry_id))
    out = []
    # A stage not raced gets standings once every stage before it has its own:
    # marked ahead of time, it does not make the standings before it final.
    gap = False
    for pk, number, kind, scale, team_times, status in (
        Stage.objects.filter(edition=edition)
        .order_by("number")
        .values_list("pk", "number", "type", "points_scale", "team_times", "status")
    ):
        cancelled = status == Stage.Status.CANCELLED
        if not (results[pk] or (cancelled and not gap)):
            gap = True
            continue
        out.append(
            standings.StageInput(
                number=number,
                type=kind,
                results=tuple(results[pk]),
                points_scale=scale,
                team_times=team_times,
                checkpoints=tuple(checkpoints[pk]),
                crossings=tuple(crossings[pk]),
                complete=status == Stage.Status.FINISHED,
                cancelled=cancelled,
            )
        )
    return out


_RESULT_FIELDS = (
    "stage_id",
    "entry_id",
    "status",
    "rank",
    "time_s",
    "hundredths",
    "gc_time_s",
    "bonus",
    "penalty",
    "points",
    "kom_points",
)


def _results_by_stage(edition: Edition) -> dict[int, list[standings.Result]]:
    """The edition's results as engine rows, by stage id (1 query)."""
    results = defaultdict(list)
    for row in StageResult.objects.filter(stage__edition=edition).values_list(
        *_RESULT_FIELDS
    ):
        stage_id, entry_id, status, rank, time_s, hundredths, gc, *awards = row
        bonus, penalty, points, kom = awards
        results[stage_id].append(
            standings.Result(
                rider_id=entry_id,
                status=status,
                rank=rank,
                time=time_s,
                hundredths=hundredths or 0,
                gc_time=gc,
                bonus=bonus,
                penalty=penalty,
                points=points,
                kom_points=kom,
            )
        )
    return results


def stage_input(
    stage: Stage, results: tuple[standings.Result, ...] = ()
) -> standings.StageInput:
    """One stage as engine input with its checkpoints and crossings (2 queries)."""
    checkpoints = tuple(
        standings.Checkpoint(pk, *values)
        for pk, *values in Checkpoint.objects.filter(stage=stage).values_list(
            "pk", *_CHECKPOINT_FIELDS
        )
    )
    crossings = tuple(
        standings.Crossing(checkpoint_id, rank, entry_id)
        for checkpoint_id, rank, entry_id in CheckpointCrossing.objects.filter(
            checkpoint__stage=stage
        ).values_list("checkpoint_id", "rank", "entry_id")
    )
    return standings.StageInput(
        number=stage.number,
        type=stage.type,
        results=results,
        points_scale=stage.points_scale,
        team_times=stage.team_times,
        checkpoints=checkpoints,
        crossings=crossings,
    )


def start_list_of(edition: Edition) -> dict[int, StartListRider]:

    return {
        bib: StartListRider(bib, given, family, code)
        for bib, given, family, code in Entry.objects.filter(
            edition=edition
        ).values_list("bib", "rider__given_name", "rider__family_name", "team__code")
    }


def out_of_race_before(stage: Stage) -> dict[int, str]:
    """Bibs of riders out of the race for good before ``stage`` (DNF, DNS, DSQ),
    from the stored exits (1 query)."""
    return {
        bib: f"{status} on stage {number}"
        for bib, status, number in Entry.objects.filter(
            edition_id=stage.edition_id,
            exit_stage__lt=stage.number,
            exit_status__in=standings.OUT_STATUSES,
        ).values_list("bib", "exit_status", "exit_stage")
    }
