"""Editions side by side: a race's editions with their winners (the race page),
the races and seasons of the home page, and when an edition is over.

Each query runs a fixed number of queries (stated in its docstring), whatever
the number of editions.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Subquery

from editions.models import Edition, Race
from racing import registry
from stages.models import Stage, Standing
from stages.queries.races import (
    EDITION_SPAN,
    LEADER_FIELDS,
    EditionCard,
    Leader,
    StageLine,
    is_over,
    leader_row,
    open_count,
)


@dataclass(slots=True)
class RaceEdition:
    """An edition on its race's page: its dates and the leader of each
    classification after its latest stage with standings (``after``): its
    winners once it is ``finished``, its current leaders before."""

    edition: Edition
    first_day: date | None = None
    last_day: date | None = None
    stages: int = 0
    after: int | None = None
    finished: bool = False
    leaders: dict[str, Leader] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.after is not None


def race_editions(race: str, *, drafts: bool = False) -> list[RaceEdition]:
    """Every published edition of the race with slug ``race`` (drafts too with
    ``drafts``, for staff), newest first, with its dates and the leaders after
    its latest stage with standings, in registry order (2 queries; 1 when none
    has standings yet). Empty for an unknown race or one without any published
    edition."""
    editions = Edition.objects.filter(race__slug=race).select_related("race")
    if not drafts:
        editions = editions.published()
    # The edition's latest stage with standings: its number and its id.
    latest = (
        Stage.objects.filter(edition=OuterRef("pk"))
        .filter(Exists(Standing.objects.filter(stage=OuterRef("pk"))))
        .order_by("-number")
    )
    editions = editions.annotate(
        **EDITION_SPAN,
        after=Subquery(latest.values("number")[:1]),
        after_stage=Subquery(latest.values("pk")[:1]),
    )
    found = {
        e.pk: RaceEdition(
            e,
            e.first_day,
            e.last_day,
            e.stage_count or 0,
            after=e.after,
            finished=is_over(e.open_stages, e.after),
        )
        for e in editions.order_by("-year")
    }
    stages = [i.edition.after_stage for i in found.values() if i.edition.after_stage]
    rows: dict[int, dict] = {pk: {} for pk in found}
    for edition_id, classification, *values in (
        Standing.objects.filter(rank=1, stage_id__in=stages)
        .order_by("stage__edition_id", "classification", "entry__bib")
        .values_list("stage__edition_id", "classification", *LEADER_FIELDS)
    ):
        rows[edition_id].setdefault(classification, leader_row(values))
    for pk, item in found.items():
        item.leaders = {
            c.key: Leader(c, rows[pk][c.key])
            for c in registry.CLASSIFICATIONS
            if c.key in rows[pk]
        }
    return list(found.values())


def edition_over(lines: list[StageLine], after: int | None) -> bool:
    """Whether the standings after stage ``after`` of the edition of ``lines``
    (``edition_stage_lines``) are final: no stage after it is still to be
    raced."""
    return is_over(open_count(line.stage.status for line in lines), after)


@dataclass(slots=True)
class RaceLink:
    """A race on the home page: its published editions' years, newest first."""

    race: Race
    years: list[int] = field(default_factory=list)


def race_links(cards: list[EditionCard]) -> list[RaceLink]:
    """The races of ``edition_cards``, by name, each with its editions' years
    (no query)."""
    links: dict[int, RaceLink] = {}
    for card in cards:
        race = card.edition.race
        links.setdefault(race.pk, RaceLink(race)).years.append(card.edition.year)
    for link in links.values():
        link.years.sort(reverse=True)
    return sorted(links.values(), key=lambda link: link.race.name)
