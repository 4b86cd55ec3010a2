"""Stage results and checkpoint crossings pasted into the admin: parse, check and
preview. Nothing here writes (saving is ``results.result_paste_save`` and
``results.crossing_paste_save``).

Results are read by the package reader's own ``parse_results_table`` (the
RACE_PACKAGE.md results format, comma- or tab-separated, header optional when the
columns are in the documented order), so a paste and ``import_results`` accept the
same rows.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from editions.models import Entry, Team
from racing import standings
from racing.parsing.crossings import parse_crossings_table
from racing.parsing.results import ResultsTable, parse_results_table
from racing.text import fold
from racing.timefmt import format_gap, format_time
from stages import inputs
from stages.models import Checkpoint, Stage, StageResult
from stages.services import leaders

RESULTS_LABEL = "Pasted results"
CROSSINGS_LABEL = "Pasted crossings"


@dataclass(frozen=True)
class PreviewRow:
    line: int
    rank: int | None
    bib: int | None
    rider: str
    team: str
    time: str = ""
    gap: str = ""
    status: str = ""
    bonus: int | None = None
    points: int | None = None
    kom_points: int | None = None
    checkpoint: str = ""
    award: str = ""
    problems: tuple[str, ...] = ()


@dataclass
class Preview:
    """What a paste would do: its rows, its problems and the leader changes."""

    kind: str  # "results" or "crossings"
    rows: list[PreviewRow]
    problems: list[str]  # every problem, each naming its line
    general_problems: list[str] = field(default_factory=list)  # tied to no row
    changes: list[str] = field(default_factory=list)
    winner: str = ""
    notes: list[str] = field(default_factory=list)
    columns: frozenset[str] = frozenset()
    # Engine input for the save and the in-memory standings, when the paste is valid.
    table: ResultsTable | None = None
    crossings: list[tuple[int, int, int]] = field(default_factory=list)
    checkpoint_ids: set[int] = field(default_factory=set)
    before: list[standings.StageStandings] = field(default_factory=list)
    after: list[standings.StageStandings] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)


def _row_problems(label: str, line: int, problems: list[str]) -> tuple[str, ...]:
    prefix = f"{label} line {line}: "
    return tuple(p.removeprefix(prefix) for p in problems)


def _engine_result(row, entry_id: int) -> standings.Result:
    finished = row.status in standings.FINISHED_STATUSES
    return standings.Result(
        rider_id=entry_id,
        status=row.status,
        rank=row.rank,
        time=row.time_s if finished else None,
        hundredths=row.hundredths or 0,
        gc_time=row.gc_time_s if finished else None,
        bonus=row.bonus,
        penalty=row.penalty,
        points=row.points,
        kom_points=row.kom_points,
    )


def _entry_ids(stage: Stage) -> dict[int, int]:
    return dict(
        Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
    )


def _team_names(stage: Stage) -> dict[str, str]:
    return dict(
        Team.objects.filter(edition_id=stage.edition_id).values_list("code", "name")
    )


def result_preview(stage: Stage, text: str) -> Preview:
    """Parse pasted results for ``stage`` and compute, in memory, what they change."""
    if not text.strip():
        return Preview("results", [], ["Paste the stage result first."])
    start_list = inputs.start_list_of(stage.edition)
    table = parse_results_table(
        RESULTS_LABEL,
        text,
        start_list,
        out_of_race=inputs.out_of_race_before(stage),
        header_optional=True,
    )
    teams = _team_names(stage)
    winner_time = next(
        (r.time_s for r in table.rows if r.rank == 1 and r.time_s is not None), None
    )
    rows = []
    for r in table.rows:
        rider = start_list.get(r.bib) if r.bib is not None else None
        finished = r.status in standings.FINISHED_STATUSES
        gap = ""
        if finished and r.time_s is not None and winner_time is not None:
            gap = format_gap(r.time_s - winner_time)
        rows.append(
            PreviewRow(
                line=r.line,
                rank=r.rank,
                bib=r.bib,
                rider=rider.display_name if rider else "",
                team=teams.get(rider.team_code, "") if rider else "",
                time=format_time(r.time_s) if finished else "",
                gap=gap,
                status=r.status,
                bonus=r.bonus,
                points=r.points,
                kom_points=r.kom_points,
                problems=_row_problems(RESULTS_LABEL, r.line, r.problems),
            )
        )
    in_rows = {p for r in table.rows for p in r.problems}
    preview = Preview(
        "results",
        rows,
        list(table.problems),
        general_problems=[p for p in table.problems if p not in in_rows],
        columns=table.columns,
        table=table,
    )
    if not table.rows and not table.problems:
        preview.problems.append("No result rows in the pasted text.")
        preview.general_problems.append("No result rows in the pasted text.")
    if not preview.ok:
        return preview
    first = min((r for r in rows if r.rank), key=lambda r: r.rank, default=None)
    preview.winner = first.rider if first else ""
    entry_ids = _entry_ids(stage)
    results = [_engine_result(r, entry_ids[r.bib]) for r in table.rows]
    preview = _with_changes(preview, stage, results=results)
    missing = _riders_without_a_row(preview, stage, entry_ids, table)
    if missing:
        shown = ", ".join(map(str, missing[:30])) + (" …" if len(missing) > 30 else "")
        preview.notes.insert(
            0,
            f"{len(missing)} rider{'s' if len(missing) != 1 else ''} still in the "
            f"race {'have' if len(missing) != 1 else 'has'} no row and would leave "
            f"the race at this stage (bibs {shown}). Add their rows (status DNS "
            "for a rider who did not start) unless the result is incomplete on "
            "purpose.",
        )
    return preview


def _riders_without_a_row(
    preview: Preview, stage: Stage, entry_ids: Mapping[int, int], table
) -> list[int]:
    """Bibs of riders in the race before this stage that the paste leaves out."""
    earlier = [s for s in preview.before if s.stage_number < stage.number]
    if earlier:
        in_race = {row.rider_id for row in earlier[-1].tables["gc"]}
    else:
        in_race = set(entry_ids.values())
    pasted = {entry_ids[r.bib] for r in table.rows}
    return sorted(bib for bib, pk in entry_ids.items() if pk in in_race - pasted)


def _with_changes(preview: Preview, stage: Stage, **replacement) -> Preview:
    try:
        preview.before = leaders.current_standings(stage.edition)
        preview.after = leaders.standings_with(stage.edition, stage, **replacement)
    except ValueError as exc:  # the engine refuses input the parser let through
        preview.problems.append(str(exc))
        preview.general_problems.append(str(exc))
        return preview
    preview.changes = leaders.describe_changes(
        stage.edition, preview.before, preview.after, stage.number
    )
    return preview


# Crossings


def crossing_preview(stage: Stage, text: str) -> Preview:
    """Parse pasted crossings for ``stage``; awards come from the engine's rules."""
    if not text.strip():
        return Preview("crossings", [], ["Paste the crossings first."])
    checkpoints = {fold(c.name): c for c in Checkpoint.objects.filter(stage=stage)}
    start_list = inputs.start_list_of(stage.edition)
    parsed, problems = parse_crossings_table(
        CROSSINGS_LABEL,
        text,
        checkpoints,
        start_list,
        inputs.out_of_race_before(stage),
        header_optional=True,
    )
    teams = _team_names(stage)
    entry_ids = _entry_ids(stage)
    rules = inputs.edition_rules(stage.edition)
    rows = []
    for r in parsed:
        rider = start_list.get(r.bib) if r.bib is not None else None
        award = ""
        if r.checkpoint is not None and r.rank is not None and not r.problems:
            award = _award(stage, r.checkpoint, r.rank, rules)
        rows.append(
            PreviewRow(
                line=r.line,
                rank=r.rank,
                bib=r.bib,
                rider=rider.display_name if rider else "",
                team=teams.get(rider.team_code, "") if rider else "",
                checkpoint=r.checkpoint.name if r.checkpoint else r.name,
                award=award,
                problems=_row_problems(CROSSINGS_LABEL, r.line, r.problems),
            )
        )
    in_rows = {p for r in parsed for p in r.problems}
    preview = Preview(
        "crossings",
        rows,
        list(problems),
        general_problems=[p for p in problems if p not in in_rows],
    )
    if not parsed and not problems:
        preview.problems.append("No crossing rows in the pasted text.")
        preview.general_problems.append("No crossing rows in the pasted text.")
    if not preview.ok:
        return preview
    preview.crossings = [(r.checkpoint.pk, r.rank, entry_ids[r.bib]) for r in parsed]
    preview.checkpoint_ids = {r.checkpoint.pk for r in parsed}
    preview.notes = _published_award_notes(stage)
    return _with_changes(
        preview,
        stage,
        crossings=[standings.Crossing(*x) for x in preview.crossings],
        replaced_checkpoints=preview.checkpoint_ids,
    )


def _award(
    stage: Stage, checkpoint: Checkpoint, rank: int, rules: standings.Rules
) -> str:
    """What this place at this checkpoint is worth under the edition's rules."""
    alone = standings.StageInput(
        number=stage.number,
        type=stage.type,
        results=(),
        checkpoints=(
            standings.Checkpoint(
                checkpoint.pk,
                checkpoint.kind,
                checkpoint.category,
                checkpoint.multiplier,
            ),
        ),
        crossings=(standings.Crossing(checkpoint.pk, rank, 0),),
    )
    try:
        won = standings.awards(alone, rules).get(0)
    except ValueError as exc:
        return str(exc)
    if won is None:
        return ""
    parts = []
    if won.bonus:
        parts.append(f"{won.bonus} s bonus")
    if won.points:
        parts.append(f"{won.points} points")
    if won.kom_points:
        parts.append(f"{won.kom_points} mountains points")
    return ", ".join(parts) or "nothing"


def _published_award_notes(stage: Stage) -> list[str]:
    """Crossings only count where a result leaves its award to the rules."""
    results = StageResult.objects.filter(stage=stage)
    total = results.count()
    notes = []
    for column, label in (
        ("bonus", "time bonuses"),
        ("points", "points"),
        ("kom_points", "mountains points"),
    ):
        published = results.filter(**{f"{column}__isnull": False}).count()
        if total and published == total:
            notes.append(
                f"This stage's results carry published {label}: the crossings do "
                f"not change them (clear the {column} column to have them computed)."
            )
    return notes
