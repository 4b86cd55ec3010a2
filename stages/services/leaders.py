"""Who leads each classification, and what an edit changed, in editors' words.

The admin reports every save and every preview as "Pogačar leads the GC by 0:17
(was Vingegaard)". The leaders before a write are read from the stored standings
(:func:`stored_leaders`), the leaders after it from the one computation of the new
standings; :func:`with_paste` puts a stage's pasted results or crossings in place
of the stored ones without writing anything.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editions.models import Edition, Entry, Team
from racing import registry, standings
from racing.timefmt import format_gap
from stages import inputs as engine_inputs
from stages import vocabulary
from stages.models import Stage, Standing
from stages.services import recompute
from stages.services.wording import Said, joined, said


@dataclass(frozen=True)
class Leader:
    holder_id: int  # an entry id, or a team id in the team classification
    margin: int | None  # over the second: seconds (GC, youth, teams) or points


# Leaders by stage number, then by classification key.
Leaders = Mapping[int, Mapping[str, Leader]]


def current_standings(edition: Edition) -> list[standings.StageStandings]:
    """The standings of the stored results, computed in memory."""
    return recompute.compute(edition)


def with_paste(
    stored: recompute.EngineInput,
    stage: Stage,
    *,
    results: Iterable[standings.Result] | None = None,
    crossings: Iterable[standings.Crossing] | None = None,
    replaced_checkpoints: Iterable[int] = (),
) -> recompute.EngineInput:
    """The engine input with ``stage``'s results (all of them) and its crossings of
    ``replaced_checkpoints`` swapped for the ones given (2 queries for a stage
    without results yet). A stage saved with results is finished unless it is
    live (``results.result_paste_save``)."""
    current = next((s for s in stored.stages if s.number == stage.number), None)
    if current is None:
        current = engine_inputs.stage_input(stage)
    if results is not None:
        complete = stage.status != Stage.Status.LIVE
        current = replace(current, results=tuple(results), complete=complete)
    if crossings is not None:
        replaced = set(replaced_checkpoints)
        kept = [x for x in current.crossings if x.checkpoint_id not in replaced]
        current = replace(current, crossings=(*kept, *crossings))
    stages = [s for s in stored.stages if s.number != stage.number]
    if current.results:
        stages.append(current)
    return replace(stored, stages=tuple(sorted(stages, key=lambda s: s.number)))


def leaders_after(
    computed: Sequence[standings.StageStandings], stage_number: int
) -> dict[str, Leader]:
    after = next((s for s in computed if s.stage_number == stage_number), None)
    if after is None:
        return {}
    out = {}
    for classification, table in after.tables.items():
        if not table:
            continue
        first = table[0]
        holder = first.team_id if first.rider_id is None else first.rider_id
        out[classification] = Leader(holder, table[1].gap if len(table) > 1 else None)
    return out


def stored_leaders(edition: Edition, from_stage: int = 1) -> Leaders:
    """The leaders of the stored standings after ``from_stage`` and every later
    stage (1 query): what the race showed before a write, without the engine
    (stored standings always equal a computation of the stored results)."""
    rows = (
        Standing.objects.filter(
            stage__edition=edition, stage__number__gte=from_stage, rank__lte=2
        )
        .order_by("stage__number", "classification", "rank")
        .values_list("stage__number", "classification", "entry_id", "team_id", "gap")
    )
    out: dict[int, dict[str, Leader]] = {}
    for number, classification, entry_id, team_id, gap in rows:
        leaders = out.setdefault(number, {})
        if classification in leaders:  # the second: the leader's margin
            leaders[classification] = replace(leaders[classification], margin=gap)
        else:
            holder = team_id if entry_id is None else entry_id
            leaders[classification] = Leader(holder, None)
    return out


def rider_names(edition: Edition, entry_ids: Iterable[int]) -> dict[int, str]:
    """Family names ("Vingegaard"), or full names when another rider of the race
    shares the family name ("Simon Yates", "Adam Yates")."""
    rows = list(
        Entry.objects.filter(pk__in=set(entry_ids)).values_list(
            "pk", "rider__given_name", "rider__family_name"
        )
    )
    shared = set(
        Entry.objects.filter(
            edition=edition, rider__family_name__in={f for _, _, f in rows}
        )
        .values("rider__family_name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("rider__family_name", flat=True)
    )
    return {
        pk: f"{given} {family}" if family in shared else family
        for pk, given, family in rows
    }


def describe_changes(
    edition: Edition,
    before: Leaders,
    after: Sequence[standings.StageStandings],
    stage_number: int,
) -> list[Said]:
    """What changed at the top of the standings, after ``stage_number`` and after
    the last stage with results (when later): the GC leader and margin always,
    the other classifications only when their leader changed. ``before`` are
    :func:`stored_leaders` read before the write, ``after`` the new standings
    (3 queries, for the names). In the editor's language, with the English words
    for the change log (``wording``)."""
    last = max((s.stage_number for s in after), default=stage_number)
    checkpoints = [stage_number] + ([last] if last > stage_number else [])
    pairs = [(n, dict(before.get(n, {})), leaders_after(after, n)) for n in checkpoints]
    name = _holder_names(edition, [side for _, *both in pairs for side in both])
    lines = []
    for number, old, new in pairs:
        parts = [
            part
            for c in registry.CLASSIFICATIONS
            for part in _change(
                c, old.get(c.key), new.get(c.key), name, number == stage_number
            )
        ]
        if number != stage_number and not parts:
            continue
        if number == stage_number and len(parts) <= 1:
            parts.append(said(lambda p: _("no other leader changed")))
        lines.append(
            said(
                lambda p: _("after stage %(number)s: %(changes)s") % p,
                number=number,
                changes=joined("; ", parts),
            )
        )
    return lines


def _holder_names(
    edition: Edition, sides: Iterable[dict[str, Leader]]
) -> Callable[[registry.Table, Leader], str]:
    """Names of the riders and teams leading in ``sides`` (2 + 1 queries)."""
    held = [(key, leader.holder_id) for side in sides for key, leader in side.items()]
    individual = {c.key for c in registry.CLASSIFICATIONS if c.individual}
    riders = rider_names(edition, {pk for key, pk in held if key in individual})
    teams = dict(
        Team.objects.filter(
            pk__in={pk for key, pk in held if key not in individual}
        ).values_list("pk", "name")
    )

    def name(classification: registry.Table, leader: Leader) -> str:
        names = riders if classification.individual else teams
        return names.get(leader.holder_id, "?")

    return name


def _change(
    c: registry.Table,
    was: Leader | None,
    now: Leader | None,
    name: Callable[[registry.Table, Leader], str],
    edited_stage: bool,
) -> list[Said]:
    """The words for one classification's leader, or nothing when unchanged."""
    title = Said(vocabulary.leader_title(c.key), c.leader_title)
    if now is None:
        if was is None:
            return []
        return [said(lambda p: _("nobody leads %(title)s") % p, title=title)]
    text = _leads(c, name(c, now), title, now.margin)
    if was is not None and was.holder_id != now.holder_id:
        was_name = name(c, was)
        return [
            said(
                lambda p: _("%(change)s (was %(name)s)") % p, change=text, name=was_name
            )
        ]
    if c is registry.GENERAL and edited_stage:
        if was is not None and was.margin != now.margin:
            text = _was_margin(text, was.margin)
        return [text]
    return [text] if was is None else []


def _leads(c: registry.Table, holder: str, title: Said, margin: int | None) -> Said:
    """``Pogačar leads the GC by 0:17``, ``… by 12 points`` (a team: ``… lead
    …``; the team classification counts time)."""
    params = {"name": holder, "title": title}
    if margin is None:
        if c.individual:
            return said(lambda p: _("%(name)s leads %(title)s") % p, **params)
        return said(lambda p: _("%(name)s lead %(title)s") % p, **params)
    if c.is_points:
        return said(
            lambda p: (
                ngettext(
                    "%(name)s leads %(title)s by %(count)s point",
                    "%(name)s leads %(title)s by %(count)s points",
                    p["count"],
                )
                % p
            ),
            count=margin,
            **params,
        )
    params["time"] = format_gap(margin).lstrip("+")
    if c.individual:
        return said(lambda p: _("%(name)s leads %(title)s by %(time)s") % p, **params)
    return said(lambda p: _("%(name)s lead %(title)s by %(time)s") % p, **params)


def _was_margin(text: Said, margin: int | None) -> Said:
    """``text`` with the GC leader's margin before (a time): ``… (was by 0:17)``."""
    if margin is None:
        # Translators: the GC leader had no margin before the edit (no second rider).
        return said(lambda p: _("%(change)s (was)") % p, change=text)
    time = format_gap(margin).lstrip("+")
    return said(lambda p: _("%(change)s (was by %(time)s)") % p, change=text, time=time)


def summary(lines: Sequence[str]) -> Said:
    """``Standings updated after stage 12: Vingegaard leads the GC by 7:35; …``
    (the English words for the change log in ``english``: ``wording``)."""
    if not lines:
        return said(lambda p: _("Standings updated: no stage has results."))
    return said(
        lambda p: _("Standings updated %(changes)s.") % p, changes=joined(". ", lines)
    )
