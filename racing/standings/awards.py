"""What a stage is worth: time bonuses, points and mountains points by the rules."""

from __future__ import annotations

from collections.abc import Sequence

from racing.standings.model import (
    CHECKPOINT_KINDS,
    STAGE_TYPES,
    STATUSES,
    TEAM_TIMES,
    TIME_TRIAL_TYPES,
    Award,
    Checkpoint,
    StageInput,
)
from racing.standings.rules import Rules


def _pick(scale: Sequence[int], rank: int) -> int:
    return scale[rank - 1] if 1 <= rank <= len(scale) else 0


def awards(stage: StageInput, rules: Rules) -> dict[int, Award]:
    """What each rider wins on ``stage`` under ``rules``, for every rider listed.

    - Time bonus: ``finish_bonus`` by finishing rank on road stages (not on
      ``itt``/``ttt``), plus ``checkpoint_bonus`` by rank at ``bonus``
      checkpoints, plus ``sprint_bonus`` by rank at ``sprint`` checkpoints.
    - Points: the stage's finish scale by rank (``Rules.scale_for``), plus
      ``sprint_points`` by rank at ``sprint`` checkpoints, times the multiplier.
    - Mountains points: ``climb_points[category]`` by rank, times the multiplier.

    Only riders with status ``OK`` and a rank score at the finish; crossings
    count whatever the rider's status (compute() drops riders who are out).
    Raises ``ValueError`` for a crossing of an unknown checkpoint or a climb of
    a category the rules do not know.
    """
    check_stage(stage)
    totals: dict[int, list[int]] = {r.rider_id: [0, 0, 0] for r in stage.results}
    scale = rules.scale_for(stage)
    road = stage.type not in TIME_TRIAL_TYPES
    for r in stage.results:
        if r.status == "OK" and r.rank is not None:
            t = totals[r.rider_id]
            if road:
                t[0] += _pick(rules.finish_bonus, r.rank)
            t[1] += _pick(scale, r.rank)
    checkpoints = {c.checkpoint_id: c for c in stage.checkpoints}
    for x in stage.crossings:
        cp = checkpoints.get(x.checkpoint_id)
        if cp is None:
            raise ValueError(
                f"stage {stage.number}: crossing of unknown checkpoint "
                f"{x.checkpoint_id}"
            )
        try:
            won = crossing_award(cp, x.rank, rules)
        except ValueError as exc:
            raise ValueError(f"stage {stage.number}: {exc}") from None
        t = totals.setdefault(x.rider_id, [0, 0, 0])
        t[0] += won.bonus
        t[1] += won.points
        t[2] += won.kom_points
    return {rid: Award(*t) for rid, t in totals.items()}


def crossing_award(checkpoint: Checkpoint, rank: int, rules: Rules) -> Award:
    """What place ``rank`` at ``checkpoint`` wins under ``rules``: at a sprint
    ``sprint_points`` (times the multiplier) and ``sprint_bonus`` seconds; on a
    climb the points of its scale (``scale``, else its category's) times the
    multiplier; at a bonus point ``checkpoint_bonus`` seconds. Raises
    ``ValueError`` for a climb whose scale the rules do not know."""
    if checkpoint.kind == "sprint":
        return Award(
            _pick(rules.sprint_bonus, rank),
            _pick(rules.sprint_points, rank) * checkpoint.multiplier,
            0,
        )
    if checkpoint.kind == "climb":
        scale = checkpoint.scale or checkpoint.category
        if scale not in rules.climb_points:
            what = "scale" if checkpoint.scale else "category"
            raise ValueError(f"climb {what} {scale!r} has no points scale")
        return Award(
            0, 0, _pick(rules.climb_points[scale], rank) * checkpoint.multiplier
        )
    return Award(_pick(rules.checkpoint_bonus, rank), 0, 0)


def checkpoint_points(
    checkpoint: Checkpoint, rank: int, rules: Rules
) -> tuple[int, int] | None:
    """What place ``rank`` at ``checkpoint`` wins as a table shows it: ``(points,
    bonus seconds)``, the points being the mountains points on a climb and the
    points classification's elsewhere (:func:`crossing_award`); None when the
    rules cannot score it (a climb scale they do not know)."""
    try:
        won = crossing_award(checkpoint, rank, rules)
    except ValueError:
        return None
    points = won.kom_points if checkpoint.kind == "climb" else won.points
    return points, won.bonus


def check_stage(stage: StageInput) -> None:
    if stage.type not in STAGE_TYPES:
        raise ValueError(f"stage {stage.number}: unknown stage type {stage.type!r}")
    if stage.team_times not in TEAM_TIMES:
        raise ValueError(
            f"stage {stage.number}: team_times must be 'finish' or 'gc', "
            f"not {stage.team_times!r}"
        )
    for c in stage.checkpoints:
        if c.kind not in CHECKPOINT_KINDS:
            raise ValueError(
                f"stage {stage.number}: unknown checkpoint kind {c.kind!r}"
            )
    seen: set[int] = set()
    for r in stage.results:
        if r.rider_id in seen:
            raise ValueError(f"stage {stage.number}: rider {r.rider_id} listed twice")
        seen.add(r.rider_id)
        if r.status not in STATUSES:
            raise ValueError(
                f"stage {stage.number}: rider {r.rider_id} has unknown status "
                f"{r.status!r}"
            )
        if r.status == "OK" and (r.rank is None or r.time is None):
            raise ValueError(
                f"stage {stage.number}: finisher {r.rider_id} needs a rank and a time"
            )
        if not 0 <= r.hundredths <= 99:
            raise ValueError(
                f"stage {stage.number}: rider {r.rider_id} hundredths out of 0-99"
            )
