"""Stage results and checkpoint crossings pasted into the admin: parse, check and
preview. Nothing here writes to the database (saving is
``results.result_paste_save`` and ``results.crossing_paste_save``; crossings are
read by ``crossing_paste``).

Results are read by the package reader's own ``parse_results_table`` (the
RACE_PACKAGE.md results format, comma- or tab-separated, header optional when the
columns are in the documented order), so a paste and ``import_results`` accept the
same rows.

A valid paste's preview runs the engine once, for the new standings; the leaders
before come from the stored standings. The new standings are kept in the cache for
half an hour under the fingerprint of the engine's whole input, so the confirm of an
unchanged race stores them without running the engine again
(:func:`paste_standings`). It also compares the pasted rows with the stage's
saved results, rider by rider, so that nothing saved is removed unseen
(``paste_diff``).
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editions.models import Entry, Team
from racing import standings
from racing.parsing.results import ResultsTable, parse_results_table
from racing.timefmt import format_gap, format_time
from stages import inputs
from stages.models import Stage, Standing
from stages.services import leaders, paste_diff, recompute
from stages.services.corrections import not_raced_message

logger = logging.getLogger("toursite")

# How the parser's problems name the paste ("Pasted results line 4: …"): English,
# as the parser's words are.
RESULTS_LABEL = "Pasted results"


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
    # What the save writes, when the paste is valid: the rows, the new standings,
    # and the digest of the stored race they were computed from.
    table: ResultsTable | None = None
    crossings: list[tuple[int, int, int]] = field(default_factory=list)
    checkpoint_ids: set[int] = field(default_factory=set)
    after: list[standings.StageStandings] = field(default_factory=list)
    digest: str = ""
    # The paste against the stage's saved results (results only).
    diff: paste_diff.ResultDiff | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    @classmethod
    def of_rows(
        cls,
        kind: str,
        rows: list[PreviewRow],
        problems: list[str],
        in_rows: set[str],
        **fields,
    ) -> "Preview":
        """The preview of parsed rows: ``problems`` are all of them, those in
        ``in_rows`` also shown on their row; a paste without rows is refused."""
        preview = cls(
            kind,
            rows,
            list(problems),
            general_problems=[p for p in problems if p not in in_rows],
            **fields,
        )
        if not rows and not problems:
            if kind == "results":
                preview.refuse(_("No result rows in the pasted text."))
            else:
                preview.refuse(_("No crossing rows in the pasted text."))
        return preview

    def refuse(self, problem: str) -> None:
        """A problem tied to no row: nothing can be saved."""
        self.problems.append(problem)
        self.general_problems.append(problem)


def not_raced_preview(kind: str, stage: Stage) -> Preview:
    """A paste on a stage that was not raced: refused, with why."""
    why = not_raced_message(stage)
    return Preview(kind, [], [why], [why])


def row_problems(label: str, line: int, problems: list[str]) -> tuple[str, ...]:
    """A row's problems without the label and line its row already shows."""
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


def entry_ids_by_bib(stage: Stage) -> dict[int, int]:
    """The stage's start list: entry ids by bib (1 query)."""
    return dict(
        Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
    )


def team_names(stage: Stage) -> dict[str, str]:
    """The stage's teams: names by UCI code (1 query)."""
    return dict(
        Team.objects.filter(edition_id=stage.edition_id).values_list("code", "name")
    )


def result_rows(stage: Stage, text: str) -> Preview:
    """Pasted results for ``stage``, read and checked row by row against the start
    list and the riders already out (no standings: 5 queries)."""
    if not text.strip():
        return Preview("results", [], [_("Paste the stage result first.")])
    if stage.status == Stage.Status.CANCELLED:
        return not_raced_preview("results", stage)
    start_list = inputs.start_list_of(stage.edition)
    table = parse_results_table(
        RESULTS_LABEL,
        text,
        start_list,
        out_of_race=inputs.out_of_race_before(stage),
        header_optional=True,
    )
    teams = team_names(stage)
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
                problems=row_problems(RESULTS_LABEL, r.line, r.problems),
            )
        )
    in_rows = {p for r in table.rows for p in r.problems}
    preview = Preview.of_rows(
        "results",
        rows,
        table.problems,
        in_rows,
        columns=table.columns,
        table=table,
    )
    return preview


def result_preview(
    stage: Stage,
    text: str,
    *,
    stored: recompute.EngineInput | None = None,
    reuse: bool = False,
) -> Preview:
    """Parse pasted results for ``stage`` and compute, in memory and once, what
    they change. ``stored`` is the race's engine input when the caller has read it
    (under the edition lock); ``reuse`` takes the standings a preview of the same
    input computed (:func:`paste_standings`)."""
    preview = result_rows(stage, text)
    if not preview.ok:
        return preview
    first = min((r for r in preview.rows if r.rank), key=lambda r: r.rank, default=None)
    # A team time trial is won by a team: the team of its fastest rider.
    if first is not None:
        preview.winner = first.team if stage.type == "ttt" else first.rider
    entry_ids = entry_ids_by_bib(stage)
    results = [_engine_result(r, entry_ids[r.bib]) for r in preview.table.rows]
    stored = stored or recompute.engine_input(stage.edition)
    pasted = leaders.with_paste(stored, stage, results=results)
    preview = with_changes(preview, stage, stored, pasted, reuse=reuse)
    names = {r.bib: r.rider for r in preview.rows}
    preview.diff = paste_diff.result_diff(stage, preview.table, entry_ids, names)
    missing = _riders_without_a_row(stage, entry_ids, preview.table)
    if missing:
        preview.notes.insert(0, _missing_note(missing))
    return preview


def _missing_note(missing: list[int]) -> str:
    """Riders still in the race (their bibs) whom a paste leaves out."""
    shown = ", ".join(map(str, missing[:30])) + (" …" if len(missing) > 30 else "")
    return ngettext(
        # Translators: status is the status value DNS of the results format (not
        # translated).
        "%(count)s rider still in the race has no row and would leave the race at "
        "this stage (bibs %(bibs)s). Add their rows (status %(status)s for a rider "
        "who did not start) unless the result is incomplete on purpose.",
        "%(count)s riders still in the race have no row and would leave the race "
        "at this stage (bibs %(bibs)s). Add their rows (status %(status)s for a "
        "rider who did not start) unless the result is incomplete on purpose.",
        len(missing),
    ) % {"count": len(missing), "bibs": shown, "status": "DNS"}


def _riders_without_a_row(
    stage: Stage, entry_ids: Mapping[int, int], table: ResultsTable
) -> list[int]:
    """Bibs of riders in the race before this stage (the stored GC of the last
    earlier stage with standings, or the whole start list) that the paste leaves
    out (1 or 2 queries)."""
    gc = Standing.objects.filter(
        stage__edition_id=stage.edition_id, classification="gc"
    )
    last = gc.filter(stage__number__lt=stage.number).aggregate(n=Max("stage__number"))
    if last["n"] is None:
        in_race = set(entry_ids.values())
    else:
        in_race = set(
            gc.filter(stage__number=last["n"]).values_list("entry_id", flat=True)
        )
    pasted = {entry_ids[r.bib] for r in table.rows}
    return sorted(bib for bib, pk in entry_ids.items() if pk in in_race - pasted)


def with_changes(
    preview: Preview,
    stage: Stage,
    stored: recompute.EngineInput,
    pasted: recompute.EngineInput,
    *,
    reuse: bool,
) -> Preview:
    """The preview with the new standings and what they change at the top."""
    before = leaders.stored_leaders(stage.edition, stage.number)
    try:
        preview.after = paste_standings(pasted, reuse=reuse)
    except ValueError as exc:  # the engine refuses input the parser let through
        preview.refuse(str(exc))
        return preview
    preview.digest = stored.digest
    preview.changes = leaders.describe_changes(
        stage.edition, before, preview.after, stage.number
    )
    return preview


# A preview's standings, kept for its confirm.

KEEP_SECONDS = 30 * 60


def paste_standings(
    pasted: recompute.EngineInput, *, reuse: bool
) -> list[standings.StageStandings]:
    """The standings of ``pasted``: computed (once) and kept in the cache; with
    ``reuse``, the ones kept by an earlier call for the same input when there are
    some. The key is the input's fingerprint, so kept standings are exact; a cache
    that fails is logged and skipped (the engine runs)."""
    key = f"toursite:paste-standings:{pasted.fingerprint}"
    if reuse:
        try:
            kept = cache.get(key)
        except Exception:  # any backend error: computing again is always right
            logger.warning("paste standings: cache read failed", exc_info=True)
            kept = None
        if kept is not None:
            return kept
    computed = pasted.compute()
    try:
        cache.set(key, computed, KEEP_SECONDS)
    except Exception:
        logger.warning("paste standings: cache write failed", exc_info=True)
    return computed
