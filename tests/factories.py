"""factory_boy factories for small test worlds, and :func:`small_race`: a race of
three stages, two teams of three riders, every result in and the standings stored.

The real 2023 Grand Tours (loaded once per session) are for the official tables;
tests of one rule or one service build what they need here, so that every number
they assert can be worked out by hand.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from editions.models import Edition, Entry, Race, Rider, Team
from racing.standings import default_youth_cutoff
from racing.text import slugify
from stages.models import (
    Checkpoint,
    CheckpointCrossing,
    RaceReport,
    Stage,
    StageResult,
)
from stages.services.recompute import recompute_standings


def _code(n: int) -> str:
    """Three letters, never a real team's: ``QAA``, ``QAB``, …"""
    return "Q" + chr(65 + n // 26 % 26) + chr(65 + n % 26)


class RaceFactory(DjangoModelFactory):
    class Meta:
        model = Race

    name = factory.Sequence(lambda n: f"Tour of Testland {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class EditionFactory(DjangoModelFactory):
    class Meta:
        model = Edition

    race = factory.SubFactory(RaceFactory)
    year = 2030
    rules = factory.LazyFunction(dict)
    youth_born_on_or_after = factory.LazyAttribute(
        lambda o: default_youth_cutoff(o.year)
    )
    # Most tests look at public pages; a draft is asked for (published=False).
    published = True


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(_code)
    name = factory.LazyAttribute(lambda o: f"Team {o.code}")
    country = "FR"


class RiderFactory(DjangoModelFactory):
    class Meta:
        model = Rider

    given_name = "Test"
    family_name = factory.Sequence(lambda n: f"Rider{n}")
    nationality = "FR"
    birth_date = date(1995, 1, 1)
    slug = factory.LazyAttribute(lambda o: slugify(f"{o.given_name} {o.family_name}"))


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    edition = factory.SubFactory(EditionFactory)
    team = factory.SubFactory(TeamFactory, edition=factory.SelfAttribute("..edition"))
    rider = factory.SubFactory(RiderFactory)
    bib = factory.Sequence(lambda n: n + 1)


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = factory.LazyAttribute(
        lambda o: date(o.edition.year, 7, 1) + timedelta(days=o.number - 1)
    )
    start = factory.LazyAttribute(lambda o: f"Start {o.number}")
    finish = factory.LazyAttribute(lambda o: f"Finish {o.number}")
    distance_km = 150
    type = Stage.Type.FLAT
    status = Stage.Status.FINISHED


class StageResultFactory(DjangoModelFactory):
    """A finisher's row; bonuses are published as 0 so that GC times add up."""

    class Meta:
        model = StageResult

    stage = factory.SubFactory(StageFactory)
    entry = factory.SubFactory(
        EntryFactory, edition=factory.SelfAttribute("..stage.edition")
    )
    rank = factory.Sequence(lambda n: n + 1)
    time_s = 3600
    status = StageResult.Status.OK
    bonus = 0


class CheckpointFactory(DjangoModelFactory):
    class Meta:
        model = Checkpoint

    stage = factory.SubFactory(StageFactory)
    kind = Checkpoint.Kind.SPRINT
    name = factory.Sequence(lambda n: f"Sprint {n}")
    km = 80


class CheckpointCrossingFactory(DjangoModelFactory):
    class Meta:
        model = CheckpointCrossing

    checkpoint = factory.SubFactory(CheckpointFactory)
    rank = factory.Sequence(lambda n: n + 1)
    entry = factory.SubFactory(
        EntryFactory, edition=factory.SelfAttribute("..checkpoint.stage.edition")
    )


class RaceReportFactory(DjangoModelFactory):
    class Meta:
        model = RaceReport

    stage = factory.SubFactory(StageFactory)
    headline = factory.Sequence(lambda n: f"Report {n}")
    body = "A **hard** day."
    status = RaceReport.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


# A small race

# Stage times in seconds by bib: bibs 1-3 ride for the first team, 11-13 for the
# second. GC after each stage: bib 1 leads bib 11 by 0:05, 0:03, then 0:04.
TIMES = {
    1: {1: 3600, 11: 3605, 2: 3610, 12: 3620, 3: 3630, 13: 3640},
    2: {11: 3600, 1: 3602, 12: 3610, 2: 3615, 13: 3620, 3: 3625},
    3: {1: 3600, 11: 3601, 2: 3610, 12: 3612, 3: 3620, 13: 3630},
}
FAMILY_NAMES = {
    1: "Aalto",
    2: "Berg",
    3: "Cruz",
    11: "Dahl",
    12: "Eklund",
    13: "Faure",
}


@dataclass
class SmallRace:
    edition: Edition
    stages: dict[int, Stage]  # by number
    teams: list[Team]
    entries: dict[int, Entry]  # by bib

    def stage(self, number: int) -> Stage:
        return self.stages[number]

    def entry(self, bib: int) -> Entry:
        return self.entries[bib]


def small_race(*, stages: int = 3, standings: bool = True) -> SmallRace:
    """A race with the :data:`TIMES` of its first ``stages`` stages (up to 3) as
    results, and its standings stored (``standings``) as every write leaves them.
    Riders are named after :data:`FAMILY_NAMES`; bib 3 is the one youth rider."""
    edition = EditionFactory()
    teams = [TeamFactory(edition=edition), TeamFactory(edition=edition)]
    entries = {}
    for bib, family in FAMILY_NAMES.items():
        rider = RiderFactory(
            family_name=family,
            slug=f"{family.lower()}-{edition.race.slug}",
            birth_date=date(2008, 5, 1) if bib == 3 else date(1995, 1, 1),
        )
        team = teams[0] if bib < 10 else teams[1]
        entries[bib] = EntryFactory(edition=edition, team=team, rider=rider, bib=bib)
    by_number = {n: StageFactory(edition=edition, number=n) for n in (1, 2, 3)}
    for number in range(1, stages + 1):
        ordered = sorted(TIMES[number].items(), key=lambda item: item[1])
        for rank, (bib, time_s) in enumerate(ordered, start=1):
            StageResultFactory(
                stage=by_number[number], entry=entries[bib], rank=rank, time_s=time_s
            )
    for number in range(stages + 1, 4):
        Stage.objects.filter(pk=by_number[number].pk).update(
            status=Stage.Status.SCHEDULED
        )
        by_number[number].status = Stage.Status.SCHEDULED
    if standings:
        recompute_standings(edition)
        edition.refresh_from_db()
    return SmallRace(edition, by_number, teams, entries)


def clock(seconds: int) -> str:
    """``H:MM:SS``."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def paste_text(times: dict[int, int]) -> str:
    """A small race's stage result as an editor pastes it (rank, bib, time,
    status, bonus): ranks by time, bonuses published as 0 like the stored ones."""
    ordered = sorted(times.items(), key=lambda item: item[1])
    lines = [
        f"{rank},{bib},{clock(seconds)},OK,0"
        for rank, (bib, seconds) in enumerate(ordered, start=1)
    ]
    return "rank,bib,time,status,bonus\n" + "\n".join(lines) + "\n"
