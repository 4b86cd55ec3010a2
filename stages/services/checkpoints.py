"""What a checkpoint must satisfy beyond its model's fields, for every write of one
(the admin's forms and inlines, the corrections, a new stage's rows): its name is
unique on its stage with case and accents ignored (crossings find their checkpoint
that way), and a climb's ``scale`` is a climb_points scale of its edition's rules.
The pastes and the package import check the same with the readers of
``racing.parsing`` (``name_clash``, ``scale_problem``).
"""

from collections.abc import Collection, Iterable, Mapping

from django.core.exceptions import ValidationError

from editions.models import Edition
from racing import standings
from racing.parsing.racefiles import name_clash, scale_problem
from racing.text import fold
from stages.inputs import edition_rules
from stages.models import Checkpoint


def checkpoint_problems(
    checkpoint: Checkpoint, *, stored_names: bool = True
) -> dict[str, str]:
    """The problems of an unsaved checkpoint by field: a scale its edition's rules
    do not have (1 query, only when it names one), and with ``stored_names`` a
    name another checkpoint of its stage already has, case and accents ignored
    (1 query)."""
    problems: dict[str, str] = {}
    stage_id = checkpoint.stage_id
    if checkpoint.scale and stage_id is not None:
        wrong = scale_problem(
            checkpoint.scale, checkpoint.kind, _scales(checkpoint.stage.edition_id)
        )
        if wrong:
            problems["scale"] = wrong
    if stored_names and stage_id is not None and checkpoint.name:
        others = Checkpoint.objects.filter(stage_id=stage_id)
        if checkpoint.pk is not None:
            others = others.exclude(pk=checkpoint.pk)
        for other in others.values_list("name", flat=True):
            if fold(other) == fold(checkpoint.name):
                where = "a checkpoint of this stage"
                problems["name"] = name_clash(checkpoint.name, other, where)
                break
    return problems


def names_problems(names: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names given together for one stage, as (label, name) in order: the labels
    of those that repeat an earlier one, case and accents ignored, with why."""
    seen: dict[str, tuple[str, str]] = {}
    problems = {}
    for label, name in names:
        first = seen.setdefault(fold(name), (label, name))
        if first[0] != label:
            problems[label] = name_clash(name, first[1], first[0])
    return problems


def checkpoint_validate(checkpoint: Checkpoint) -> None:
    """Raise ``ValidationError`` (by field) for the problems of
    :func:`checkpoint_problems` but the name: names are checked once every row
    of a write is saved (:func:`stage_names_check`)."""
    problems = checkpoint_problems(checkpoint, stored_names=False)
    if problems:
        raise ValidationError(problems, code="checkpoint")


def stage_names_check(stage_ids: Collection[int]) -> None:
    """Raise ``ValidationError`` when two checkpoints of one of these stages have
    one name, case and accents ignored (1 query): call it inside the write, after
    its rows are saved, so that nothing is kept."""
    if not stage_ids:
        return
    seen: dict[tuple[int, str], str] = {}
    for stage_id, number, name in (
        Checkpoint.objects.filter(stage_id__in=stage_ids)
        .order_by("stage_id", "pk")
        .values_list("stage_id", "stage__number", "name")
    ):
        key = (stage_id, fold(name))
        if key in seen:
            where = "a checkpoint of this stage"
            message = f"Stage {number}: {name_clash(name, seen[key], where)}"
            raise ValidationError({"name": message}, code="name")
        seen[key] = name


def scales_in_use(edition: Edition) -> list[tuple[int, str, str]]:
    """(stage number, checkpoint name, scale) of the edition's climbs that name a
    scale, by stage and name (1 query)."""
    return list(
        Checkpoint.objects.filter(stage__edition=edition)
        .exclude(scale="")
        .order_by("stage__number", "name")
        .values_list("stage__number", "name", "scale")
    )


def missing_scales(
    edition: Edition, rules: Mapping[str, object], year: int
) -> list[str]:
    """Why ``rules`` (an edition's ``[rules]``) cannot be the edition's: each
    climb of it whose scale they do not have (1 query; none for a new edition or
    rules that do not read, which ``Rules.from_overrides`` explains)."""
    if edition.pk is None:
        return []
    try:
        scales = standings.Rules.from_overrides(rules, year).climb_points
    except (ValueError, TypeError):
        return []
    return [
        f"stage {number}: the climb {name!r} scores on the scale {scale!r}, which "
        "these rules do not have (add it to climb_points, or change the climb)"
        for number, name, scale in scales_in_use(edition)
        if scale not in scales
    ]


def _scales(edition_id: int) -> Collection[str] | None:
    """The climb_points scales of the edition's rules (None when they do not
    read: the recompute says why)."""
    edition = Edition.objects.get(pk=edition_id)
    try:
        return edition_rules(edition).climb_points
    except ValueError:
        return None
