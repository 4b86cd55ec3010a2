"""What a checkpoint must satisfy beyond its model's fields, for every write of one
(the admin's forms and inlines, the corrections, a new stage's rows): its name is
unique on its stage with case and accents ignored (crossings find their checkpoint
that way), and a climb's ``scale`` is a climb_points scale of its edition's rules.
The pastes and the package import check the same with the readers of
``racing.parsing`` (``name_clashes``, ``scale_problem``).
"""

from collections.abc import Collection, Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editions.models import Edition
from racing import standings
from racing.parsing.racefiles import NameClash, name_clashes, scale_problem
from stages.inputs import edition_rules
from stages.models import Checkpoint

# The rules' key of the climbs' scales (RACE_PACKAGE.md), never translated.
_KEY = "climb_points"


def checkpoint_problems(
    checkpoint: Checkpoint, *, check_names: bool = True
) -> dict[str, str]:
    """The problems of an unsaved checkpoint by field: a scale its edition's rules
    do not have (only when it names one: its stage and edition are read when not
    loaded already), and with ``check_names`` a name another checkpoint of its
    stage already has, case and accents ignored (1 query; a stored checkpoint
    that keeps its name and stage is not refused for a clash stored before the
    rule)."""
    problems: dict[str, str] = {}
    if checkpoint.stage_id is None:
        return problems
    if checkpoint.scale:
        scales = _scales(checkpoint.stage.edition)
        wrong = scale_problem(checkpoint.scale, checkpoint.kind, scales)
        if wrong:
            problems["scale"] = wrong
    if check_names and checkpoint.name:
        placed = (checkpoint.stage_id, checkpoint.name)
        stored = stored_names([checkpoint])
        if stored.get(checkpoint.pk) != placed:
            clash = _written_clash(stored, {checkpoint.pk: placed})
            if clash is not None:
                problems["name"] = clash[1].message("a checkpoint of this stage")
    return problems


def names_problems(
    names: Iterable[tuple[str, str]], written: Collection[str] | None = None
) -> dict[str, str]:
    """Names given together for one stage, as (label, name) in order: the labels
    of those that repeat another, case and accents ignored, with why (with
    ``written``, only those labels, which a write adds or renames, are refused:
    ``racefiles.name_clashes``)."""
    return {
        clash.label: clash.message(clash.first)
        for clash in name_clashes(names, written=written)
    }


def checkpoint_validate(checkpoint: Checkpoint) -> None:
    """Raise ``ValidationError`` (by field) for the problems of
    :func:`checkpoint_problems` but the name: names are checked once every row
    of a write is saved (:func:`stage_names_check`)."""
    problems = checkpoint_problems(checkpoint, check_names=False)
    if problems:
        raise ValidationError(problems, code="checkpoint")


def stored_names(checkpoints: Iterable[Checkpoint]) -> dict[int, tuple[int, str]]:
    """pk -> (stage id, name) of the stored checkpoints of these checkpoints'
    stages, read inside a write before it saves them, for
    :func:`stage_names_check` (1 query; none without checkpoints)."""
    stage_ids = {checkpoint.stage_id for checkpoint in checkpoints}
    if not stage_ids:
        return {}
    rows = Checkpoint.objects.filter(stage_id__in=stage_ids).order_by("pk")
    return {
        pk: (stage_id, name)
        for pk, stage_id, name in rows.values_list("pk", "stage_id", "name")
    }


def stage_names_check(
    checkpoints: Sequence[Checkpoint], before: Mapping[int, tuple[int, str]]
) -> None:
    """Raise ``ValidationError`` when a checkpoint of ``checkpoints``, saved by a
    write, that the write adds, renames or moves has the name of another
    checkpoint of its stage, case and accents ignored; ``before``: the stored
    names as :func:`stored_names` read them before the saves. Call it inside the
    write, after its rows are saved, so that nothing is kept. Two checkpoints
    stored with one name before the rule do not block other writes."""
    saved = {checkpoint.pk: checkpoint for checkpoint in checkpoints}
    written = {
        pk: (checkpoint.stage_id, checkpoint.name)
        for pk, checkpoint in saved.items()
        if before.get(pk) != (checkpoint.stage_id, checkpoint.name)
    }
    clash = _written_clash(before, written)
    if clash is not None:
        pk, why = clash
        message = why.message("a checkpoint of this stage")
        number = saved[pk].stage.number
        raise ValidationError(
            {
                "name": _("Stage %(number)s: %(problem)s")
                % {"number": number, "problem": message}
            },
            code="name",
        )


def _written_clash(
    stored: Mapping[int | None, tuple[int, str]],
    written: Mapping[int | None, tuple[int, str]],
) -> tuple[int | None, NameClash] | None:
    """The first checkpoint of ``written`` (pk, None for a new one -> (stage id,
    name)) whose name another checkpoint of its stage has, stored or written,
    case and accents ignored, with the clash; None when there is none. Only a
    written checkpoint is refused (``racefiles.name_clashes``)."""
    if not written:
        return None
    now = {**stored, **written}
    named = [((stage_id, pk), name) for pk, (stage_id, name) in now.items()]
    clashes = name_clashes(
        named,
        stage_of=lambda label: label[0],
        written={(now[pk][0], pk) for pk in written},
    )
    return (clashes[0].label[1], clashes[0]) if clashes else None


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
        _(
            # Translators: key is the rules' key climb_points (not translated).
            "stage %(number)s: the climb %(name)s scores on the scale %(scale)s, "
            "which these rules do not have (add it to %(key)s, or change the climb)"
        )
        % {"number": number, "name": repr(name), "scale": repr(scale), "key": _KEY}
        for number, name, scale in scales_in_use(edition)
        if scale not in scales
    ]


def _scales(edition: Edition) -> Collection[str] | None:
    """The climb_points scales of the edition's rules (None when they do not
    read: the recompute says why)."""
    try:
        return edition_rules(edition).climb_points
    except ValueError:
        return None
