"""Where a rider scored at the checkpoints (sprints, climbs, bonus points) of
each edition he rode: the rider page's "Climbs and sprints".

What a place is worth is the engine's (``racing.standings.checkpoint_points``, with
the edition's rules), a category's name the rules' too (the Giro's Cima Coppi,
the Vuelta's Especial), as on the stage's "Climbs & sprints" table. One query
whatever the number of editions and crossings.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext, ngettext

from editions.models import Edition, Entry
from racing import standings
from stages.inputs import edition_rules
from stages.models import CheckpointCrossing
from stages.queries.checkpoints import CheckpointWords

_FIELDS = (
    "entry_id",
    "rank",
    "checkpoint_id",
    "checkpoint__name",
    "checkpoint__kind",
    "checkpoint__km",
    "checkpoint__category",
    "checkpoint__multiplier",
    "checkpoint__stage__number",
    "checkpoint__scale",
)


@dataclass(frozen=True)
class ScoredAt(CheckpointWords):
    """One place of his at a checkpoint that won something."""

    stage: int
    name: str
    kind: str
    km: Decimal | None
    category: str  # the climb's code ("" for a sprint or bonus point)
    category_label: str  # as the race names it (HC, Cima Coppi, Especial)
    rank: int
    points: int  # points classification at a sprint, mountains on a climb
    bonus: int  # seconds

    @property
    def won(self) -> bool:
        return self.rank == 1


@dataclass
class Scored:
    """His places that won something in one edition, by stage then km."""

    rows: list[ScoredAt] = field(default_factory=list)

    @property
    def last_stage(self) -> int | None:
        """The highest stage among his rows (None without rows): crossings may
        be entered before their stage has results, so the page marks what it
        shows with this stage too."""
        return max((r.stage for r in self.rows), default=None)

    def _won(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.won and r.kind == kind)

    def _total(self, kind: str, what: str = "points") -> int:
        return sum(getattr(r, what) for r in self.rows if r.kind == kind)

    @property
    def summary(self) -> str:
        """ "3 climbs won, 2 sprints won; 57 mountains points and 20 sprint
        points at checkpoints; 8 s of bonus"."""
        won = []
        if n := self._won("climb"):
            won.append(
                ngettext("%(count)s climb won", "%(count)s climbs won", n)
                % {"count": n}
            )
        if n := self._won("sprint"):
            won.append(
                ngettext("%(count)s sprint won", "%(count)s sprints won", n)
                % {"count": n}
            )
        if n := self._won("bonus"):
            won.append(
                ngettext("%(count)s bonus point won", "%(count)s bonus points won", n)
                % {"count": n}
            )
        parts = [", ".join(won)] if won else []
        if points := self._points_text():
            parts.append(points)
        bonus = sum(r.bonus for r in self.rows)
        if bonus:
            # Translators: "8 s of bonus": seconds of time bonus ("s", seconds).
            parts.append(gettext("%(seconds)s s of bonus") % {"seconds": bonus})
        return "; ".join(parts)

    def _points_text(self) -> str:
        """ "57 mountains points and 20 sprint points at checkpoints" ("" for
        none)."""
        climbs, sprints = self._total("climb"), self._total("sprint")
        mountains = ngettext(
            "%(count)s mountains point", "%(count)s mountains points", climbs
        ) % {"count": climbs}
        sprint = ngettext(
            "%(count)s sprint point", "%(count)s sprint points", sprints
        ) % {"count": sprints}
        if climbs and sprints:
            return gettext("%(mountains)s and %(sprint)s at checkpoints") % {
                "mountains": mountains,
                "sprint": sprint,
            }
        if climbs or sprints:
            # Translators: "57 mountains points at checkpoints", or sprint points.
            return gettext("%(points)s at checkpoints") % {
                "points": mountains if climbs else sprint
            }
        return ""


def scored_by_entry(
    entries: list[Entry], with_checkpoints: Collection[int]
) -> dict[int, Scored]:
    """For each entry whose edition is one of ``with_checkpoints`` (the ids of
    the editions with checkpoints, as ``riders.queries.rides_of`` marks them),
    his places that won something (an empty ``Scored`` if none); other editions
    are left out (1 query)."""
    editions: dict[int, Edition] = {e.edition_id: e.edition for e in entries}
    found: dict[int, Scored] = {
        e.pk: Scored() for e in entries if e.edition_id in with_checkpoints
    }
    if not found:
        return {}
    rules = {
        pk: edition_rules(e) for pk, e in editions.items() if pk in with_checkpoints
    }
    edition_of = {e.pk: e.edition_id for e in entries}
    rows: dict[int, list[ScoredAt]] = defaultdict(list)
    for values in CheckpointCrossing.objects.filter(entry__in=list(found)).values_list(
        *_FIELDS
    ):
        entry_id, row = values[0], _row(values, rules[edition_of[values[0]]])
        if row is not None:
            rows[entry_id].append(row)
    for entry_id, scored in found.items():
        scored.rows = sorted(
            rows[entry_id], key=lambda r: (r.stage, r.km is None, r.km or 0, r.name)
        )
    return found


def _row(values: tuple, rules: standings.Rules) -> ScoredAt | None:
    """A crossing as a row, or None when the place won nothing (or the climb's
    scale is unknown to the rules: nothing to show, never an error)."""
    _, rank, pk, name, kind, km, category, multiplier, stage, scale = values
    checkpoint = standings.Checkpoint(pk, kind, category, multiplier, scale)
    won = standings.checkpoint_points(checkpoint, rank, rules)
    if won is None or not any(won):
        return None
    points, bonus = won
    return ScoredAt(
        stage=stage,
        name=name,
        kind=kind,
        km=km,
        category=category,
        category_label=rules.category_label(category, scale),
        rank=rank,
        points=points,
        bonus=bonus,
    )
