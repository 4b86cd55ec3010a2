"""Who leads each classification, and what an edit changed, in editors' words.

The admin reports every save and every preview as "Pogačar leads the GC by 0:17
(was Vingegaard)". Standings are computed in memory by ``stages.standings`` from
``stages.queries``; :func:`standings_with` puts a stage's pasted results or
crossings in place of the stored ones without writing anything.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Count

from riders.models import Entry
from stages import queries, standings
from stages.models import Edition, Stage
from stages.timefmt import format_gap
from teams.models import Team

LABELS = {
    "gc": "the GC",
    "points": "the points classification",
    "mountains": "the mountains classification",
    "youth": "the youth classification",
    "teams": "the team classification",
}


@dataclass(frozen=True)
class Leader:
    holder_id: int  # an entry id, or a team id in the team classification
    margin: int | None  # over the second: seconds (GC, youth, teams) or points


def current_standings(edition: Edition) -> list[standings.StageStandings]:
    """The standings of the stored results, computed in memory."""
    return standings_with(edition, None)


def standings_with(
    edition: Edition,
    stage: Stage | None,
    *,
    results: Iterable[standings.Result] | None = None,
    crossings: Iterable[standings.Crossing] | None = None,
    replaced_checkpoints: Iterable[int] = (),
) -> list[standings.StageStandings]:
    """Standings of the whole race with ``stage``'s results (all of them) and its
    crossings of ``replaced_checkpoints`` swapped for the ones given. Writes nothing.
    """
    inputs = queries.stage_inputs(edition)
    if stage is not None:
        current = next((s for s in inputs if s.number == stage.number), None)
        if current is None:
            current = queries.stage_input(stage)
        if results is not None:
            current = replace(current, results=tuple(results))
        if crossings is not None:
            replaced = set(replaced_checkpoints)
            kept = [x for x in current.crossings if x.checkpoint_id not in replaced]
            current = replace(current, crossings=(*kept, *crossings))
        inputs = [s for s in inputs if s.number != stage.number]
        if current.results:
            inputs.append(current)
    return standings.compute(
        inputs, queries.riders_of(edition), queries.edition_rules(edition)
    )


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
        holder = first.team_id if classification == "teams" else first.rider_id
        out[classification] = Leader(holder, table[1].gap if len(table) > 1 else None)
    return out


def _margin(classification: str, margin: int | None) -> str:
    if margin is None:
        return ""
    if classification in ("points", "mountains"):
        return f" by {margin} point{'s' if margin != 1 else ''}"
    return f" by {format_gap(margin).lstrip('+')}"


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
    before: Sequence[standings.StageStandings],
    after: Sequence[standings.StageStandings],
    stage_number: int,
) -> list[str]:
    """What changed at the top of the standings, after ``stage_number`` and after
    the last stage with results (when later): the GC leader and margin always,
    the other classifications only when their leader changed."""
    last = max((s.stage_number for s in after), default=stage_number)
    checkpoints = [stage_number] + ([last] if last > stage_number else [])
    pairs = [
        (n, leaders_after(before, n), leaders_after(after, n)) for n in checkpoints
    ]
    entry_ids = {
        leader.holder_id
        for _, *both in pairs
        for side in both
        for cls, leader in side.items()
        if cls != "teams"
    }
    team_ids = {
        side["teams"].holder_id
        for _, *both in pairs
        for side in both
        if "teams" in side
    }
    names = rider_names(edition, entry_ids)
    names_of_teams = dict(
        Team.objects.filter(pk__in=team_ids).values_list("pk", "name")
    )

    def name(classification: str, leader: Leader) -> str:
        table = names_of_teams if classification == "teams" else names
        return table.get(leader.holder_id, "?")

    lines = []
    for number, old, new in pairs:
        parts = []
        for classification in standings.CLASSIFICATIONS:
            was, now = old.get(classification), new.get(classification)
            if now is None:
                if was is not None:
                    parts.append(f"nobody leads {LABELS[classification]}")
                continue
            verb = "lead" if classification == "teams" else "leads"
            text = (
                f"{name(classification, now)} {verb} {LABELS[classification]}"
                f"{_margin(classification, now.margin)}"
            )
            if was is not None and was.holder_id != now.holder_id:
                parts.append(f"{text} (was {name(classification, was)})")
            elif classification == "gc" and number == stage_number:
                if was is not None and was.margin != now.margin:
                    text += f" (was{_margin(classification, was.margin)})"
                parts.append(text)
            elif was is None:
                parts.append(text)
        if number != stage_number and not parts:
            continue
        if number == stage_number and len(parts) <= 1:
            parts.append("no other leader changed")
        lines.append(f"after stage {number}: " + "; ".join(parts))
    return lines


def summary(lines: Sequence[str]) -> str:
    """``Standings updated after stage 12: Vingegaard leads the GC by 7:35; …``."""
    if not lines:
        return "Standings updated: no stage has results."
    return "Standings updated " + ". ".join(lines) + "."
