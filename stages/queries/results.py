"""The tables of a stage page: the stage result (by teams on a team time trial)
and the classifications after the stage, with who wears which jersey, the name
filter and the computed awards.

Each function runs a fixed number of queries (stated in its docstring), whatever
the number of riders.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.db.models import F

from editions.models import Edition, Team
from racing import registry, standings
from racing.text import fold
from stages.inputs import edition_rules, stage_input
from stages.models import Jersey, Stage, StageResult, Standing
from stages.queries.checkpoints import checkpoint_table
from stages.queries.rows import (
    RIDER_FIELDS,
    TEAM_FIELDS,
    TEAM_FIELDS_ENTRY,
    Row,
    TeamRef,
    TeamResult,
    rider_ref,
)

# ``values_list`` columns of a stage result's row (``result_row``).
RESULT_FIELDS = (*RIDER_FIELDS, *TEAM_FIELDS_ENTRY, *StageResult.VALUE_FIELDS)


def stage_numbers(edition: Edition) -> list[int]:
    """Numbers of the edition's stages, in order (1 query)."""
    return list(
        Stage.objects.filter(edition=edition)
        .order_by("number")
        .values_list("number", flat=True)
    )


def edition_teams(edition: Edition) -> list[TeamRef]:
    """The edition's teams by name (1 query)."""
    return [
        TeamRef(*values)
        for values in Team.objects.filter(edition=edition)
        .order_by("name")
        .values_list("code", "name", "country")
    ]


def stage_result_rows(stage: Stage, *, top: int | None = None) -> list[Row]:
    """The stage result: finishers by rank, then non-finishers by bib (1 query).

    ``gap`` counts from the winner's time; ``same_time`` marks a finisher with
    the same time as the row above (shown as ``s.t.``).
    """
    results = StageResult.objects.filter(stage=stage)
    if top is not None:
        results = results.filter(rank__lte=top)
    rows = [
        result_row(values)
        for values in results.order_by(
            F("rank").asc(nulls_last=True), "entry__bib"
        ).values_list(*RESULT_FIELDS)
    ]
    _set_gaps(rows)
    return rows


def result_row(values: Sequence) -> Row:
    """A stage result's row from the values of ``RESULT_FIELDS``."""
    entry_id, bib, rider = rider_ref(tuple(values[:6]))
    (rank, time_s, hundredths, status, bonus, penalty, gc, pts, kom) = values[9:]
    return Row(
        rank=rank,
        team=TeamRef(*values[6:9]),
        value=time_s,
        entry_id=entry_id,
        bib=bib,
        rider=rider,
        status=status,
        hundredths=hundredths,
        bonus=bonus,
        penalty=penalty,
        gc_time=gc,
        points=pts,
        kom_points=kom,
    )


def _set_gaps(rows: list[Row]) -> None:
    """Gaps to the winner, and ``same_time`` for a time equal to the row above's."""
    winner = next((r.value for r in rows if r.rank == 1), None)
    previous: int | None = None
    for row in rows:
        if row.value is None or winner is None:
            continue
        row.gap = row.value - winner
        row.same_time = row.rank != 1 and row.value == previous
        previous = row.value


def team_time_trial(rows: Sequence[Row]) -> list[TeamResult]:
    """The teams of a team time trial from its stage result ``rows`` (no query).

    On a ``ttt`` stage each rider's ``time`` is his team's time, or his own,
    slower one when his team dropped him (RACE_PACKAGE.md); a team's time is
    therefore that of its fastest finisher (status OK, with a rank and a time),
    with his hundredths: the time the standings engine counts once for the team
    classification (``racing.standings``, "Teams"; it takes ``gc_time`` instead
    on a stage with ``team_times == "gc"``, the stage result keeps the finish
    times). Teams by that time, then its hundredths, then the stage rank of
    their best-placed finisher, ranked 1, 2, 3... with ``gap`` from the winning
    team; teams without a finisher follow, unranked, by name. Each team's riders
    in stage order: finishers by rank, then the others by bib.
    """
    teams: dict[str, TeamResult] = {}
    for row in sorted(rows, key=_stage_order):
        teams.setdefault(row.team.code, TeamResult(None, row.team)).riders.append(row)
    timed: list[tuple[int, int, int, TeamResult]] = []
    for team in teams.values():
        finishers = [r for r in team.riders if _finished(r)]
        if finishers:
            team.value, hundredths = standings.team_time_trial_time(
                (r.value, r.hundredths or 0) for r in finishers
            )
            team.hundredths = hundredths or None
            first = min(r.rank for r in finishers)
            timed.append((team.value, hundredths, first, team))
    timed.sort(key=lambda t: t[:3])
    ranked = [team for *_, team in timed]
    previous: int | None = None
    for rank, team in enumerate(ranked, start=1):
        team.rank, team.gap = rank, team.value - ranked[0].value
        team.same_time = rank > 1 and team.value == previous
        previous = team.value
    others = sorted(
        (t for t in teams.values() if t.rank is None), key=lambda t: t.team.name
    )
    return ranked + others


def _stage_order(row: Row) -> tuple[bool, int, int]:
    return (row.rank is None, row.rank or 0, row.bib or 0)


def _finished(row: Row) -> bool:
    return row.status == "OK" and row.rank is not None and row.value is not None


@dataclass(frozen=True, slots=True)
class StageTop:
    """The head of a stage result: its first riders, or on a team time trial its
    first teams (each with its riders)."""

    riders: list[Row]
    teams: list[TeamResult]


def stage_top(stage: Stage, top: int = 10) -> StageTop:
    """The first ``top`` riders of the stage result, or teams on a team time
    trial (1 query; a team time trial reads the whole result, its teams' times
    and order come from every rider)."""
    if stage.type == Stage.Type.TTT:
        return StageTop([], team_time_trial(stage_result_rows(stage))[:top])
    return StageTop(stage_result_rows(stage, top=top), [])


def standing_rows(
    stage: Stage, classification: str, *, top: int | None = None
) -> list[Row]:
    """A classification after ``stage``, by rank (1 query)."""
    standings_ = Standing.objects.filter(stage=stage, classification=classification)
    if top is not None:
        standings_ = standings_.filter(rank__lte=top)
    rows: list[Row] = []
    for values in standings_.order_by("rank").values_list(
        *RIDER_FIELDS, *TEAM_FIELDS, "rank", "value", "gap", "previous_rank"
    ):
        rank, value, gap, previous_rank = values[9:]
        row = Row(
            rank=rank,
            team=TeamRef(*values[6:9]),
            value=value,
            gap=gap,
            previous_rank=previous_rank,
        )
        if values[0] is not None:
            row.entry_id, row.bib, row.rider = rider_ref(values[:6])
        rows.append(row)
    return rows


def jerseys_after(edition: Edition, stage_number: int) -> dict[int, list[str]]:
    """Jerseys awarded after stage ``stage_number`` (worn on the next stage), as
    entry id -> classifications in the registry's jersey order (1 query; none
    before stage 1)."""
    worn: dict[int, list[str]] = defaultdict(list)
    for classification, entry_id in Jersey.objects.filter(
        stage__edition=edition, stage__number=stage_number
    ).values_list("classification", "entry_id"):
        worn[entry_id].append(classification)
    for classifications in worn.values():
        classifications.sort(key=registry.JERSEY_ORDER.index)
    return dict(worn)


def table_rows(stage: Stage, table: str) -> list[Row]:
    """Every row of the stage's table ``table`` (a key of the registry), with
    jersey wearers (2 queries; 1 for a team classification).

    Which jerseys a row shows: the stage result shows the jerseys worn ON the
    stage (awarded after the previous one), as in the race photos; an individual
    classification after the stage shows who leads the classifications now, i.e.
    who will wear the jerseys on the next stage (the final winners after the last
    one); a team classification shows none. The climbs and sprints are its
    crossings (``checkpoints.Crossing``, filtered as rows), without jerseys.
    """
    kind = registry.TABLES[table].kind
    if kind == registry.CHECKPOINTS:
        return checkpoint_table(stage).rows
    if kind == registry.STAGE_RESULT:
        rows = stage_result_rows(stage)
        worn = jerseys_after(stage.edition, stage.number - 1)
    else:
        rows = standing_rows(stage, table)
        individual = kind != registry.TEAM
        worn = jerseys_after(stage.edition, stage.number) if individual else {}
    for row in rows:
        if row.entry_id in worn:
            row.jerseys = worn[row.entry_id]
    return rows


def filter_rows[T](
    rows: list[T],
    *,
    team: str = "",
    q: str = "",
    row_of: Callable[[T], Row] = lambda item: item,
) -> list[T]:
    """Rows of one team (code) and/or whose rider or team name contains ``q``,
    compared folded (``racing.text.fold``: case, accents and punctuation ignored,
    so ``pogac`` finds POGAČAR), or whose bib is ``q``; ``row_of`` finds the row
    in each item when the items are more than rows (the virtual GC's lines)."""
    if team:
        rows = [r for r in rows if row_of(r).team.code == team]
    needle = fold(q.strip())
    if needle:
        rows = [r for r in rows if _matches(row_of(r), needle)]
    return rows


def filter_teams(
    teams: list[TeamResult], *, team: str = "", q: str = ""
) -> list[TeamResult]:
    """A team time trial's teams narrowed like ``filter_rows``: one team (code);
    with ``q``, the teams that have riders matching it, each with those riders
    only (every rider matches when the team's name does). Places and times stay
    those of the whole stage."""
    if team:
        teams = [t for t in teams if t.team.code == team]
    needle = fold(q.strip())
    if not needle:
        return teams
    found = []
    for t in teams:
        riders = [r for r in t.riders if _matches(r, needle)]
        if riders:
            found.append(replace(t, riders=riders))
    return found


def _matches(row: Row, needle: str) -> bool:
    names = [row.team.name]
    if row.rider is not None:
        names += [row.rider.display_name, row.rider.full_name]
    return needle == str(row.bib) or any(needle in fold(name) for name in names)


def stage_awards(stage: Stage, rows: list[Row]) -> dict[int, standings.Award]:
    """What the rules give each rider of the stage result ``rows`` (bonus, points,
    mountains points), for values the editors left to be computed (2 queries)."""
    results = tuple(
        standings.Result(
            rider_id=r.entry_id, status=r.status, rank=r.rank, time=r.value
        )
        for r in rows
    )
    return standings.awards(stage_input(stage, results), edition_rules(stage.edition))
