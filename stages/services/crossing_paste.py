"""Checkpoint crossings pasted into the admin: parse, check, price each place under
the edition's rules, and preview the standings once (``paste``). Nothing here
writes to the database (saving is ``results.crossing_paste_save``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from racing import standings
from racing.parsing.crossings import parse_crossings_table
from racing.text import fold
from stages import inputs
from stages.models import Checkpoint, Stage, StageResult
from stages.services import leaders, recompute
from stages.services.paste import (
    Preview,
    PreviewRow,
    entry_ids_by_bib,
    not_raced_preview,
    row_problems,
    team_names,
    with_changes,
)

# How the parser's problems name the paste ("Pasted crossings line 4: …"): English,
# as the parser's words are.
CROSSINGS_LABEL = "Pasted crossings"
# A note per award a stage's results may carry, by column (kept untranslated).
_PUBLISHED = (
    (
        "bonus",
        gettext_noop(
            "This stage's results carry published time bonuses: the crossings do "
            "not change them (clear the %(column)s column to have them computed)."
        ),
    ),
    (
        "points",
        gettext_noop(
            "This stage's results carry published points: the crossings do not "
            "change them (clear the %(column)s column to have them computed)."
        ),
    ),
    (
        "kom_points",
        gettext_noop(
            "This stage's results carry published mountains points: the crossings "
            "do not change them (clear the %(column)s column to have them "
            "computed)."
        ),
    ),
)


def crossing_rows(stage: Stage, text: str) -> Preview:
    """Pasted crossings for ``stage``, read and checked row by row, each with what
    its place is worth (no standings: 6 queries)."""
    if not text.strip():
        return Preview("crossings", [], [_("Paste the crossings first.")])
    if stage.status == Stage.Status.CANCELLED:
        return not_raced_preview("crossings", stage)
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
    teams = team_names(stage)
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
                problems=row_problems(CROSSINGS_LABEL, r.line, r.problems),
            )
        )
    in_rows = {p for r in parsed for p in r.problems}
    preview = Preview.of_rows("crossings", rows, problems, in_rows)
    if preview.ok:
        entry_ids = entry_ids_by_bib(stage)
        preview.crossings = [
            (r.checkpoint.pk, r.rank, entry_ids[r.bib]) for r in parsed
        ]
        preview.checkpoint_ids = {r.checkpoint.pk for r in parsed}
    return preview


def crossing_preview(
    stage: Stage,
    text: str,
    *,
    stored: recompute.EngineInput | None = None,
    reuse: bool = False,
) -> Preview:
    """Parse pasted crossings for ``stage`` and compute, in memory and once, what
    they change (``stored`` and ``reuse`` as in ``paste.result_preview``)."""
    preview = crossing_rows(stage, text)
    if not preview.ok:
        return preview
    preview.notes = _published_award_notes(stage)
    stored = stored or recompute.engine_input(stage.edition)
    pasted = leaders.with_paste(
        stored,
        stage,
        crossings=[standings.Crossing(*x) for x in preview.crossings],
        replaced_checkpoints=preview.checkpoint_ids,
    )
    return with_changes(preview, stage, stored, pasted, reuse=reuse)


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
                checkpoint.scale,
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
        count = {"count": won.bonus}
        parts.append(
            ngettext("%(count)s s bonus", "%(count)s s bonus", won.bonus) % count
        )
    if won.points:
        count = {"count": won.points}
        parts.append(
            ngettext("%(count)s point", "%(count)s points", won.points) % count
        )
    if won.kom_points:
        count = {"count": won.kom_points}
        parts.append(
            ngettext(
                "%(count)s mountains point",
                "%(count)s mountains points",
                won.kom_points,
            )
            % count
        )
    # Translators: what a place at a checkpoint is worth, when it is worth nothing.
    return ", ".join(parts) or _("nothing")


def _published_award_notes(stage: Stage) -> list[str]:
    """Crossings only count where a result leaves its award to the rules."""
    results = StageResult.objects.filter(stage=stage)
    total = results.count()
    notes = []
    for column, note in _PUBLISHED:
        published = results.filter(**{f"{column}__isnull": False}).count()
        if total and published == total:
            notes.append(_(note) % {"column": column})
    return notes
