"""Races, editions and start lists (teams, riders, entries) written one object at a
time. What the standings are computed from is recomputed from the first stage: an
edition's rules and youth cut-off, an entry's team or rider, a rider's birth date
(the youth classification), a deleted team or entry (their results go with them).
Anything else only bumps the data version of the editions whose pages show it; a
rider's pages span editions, so a rider bumps them all."""

from collections.abc import Iterable

from django.db import models

from editions.models import Edition, Entry, Race, Rider, Team
from stages.services.writes import Touched, write

EDITION_SCORING = frozenset({"rules", "youth_born_on_or_after"})
ENTRY_SCORING = frozenset({"edition", "team", "rider"})


def race_save(*, race: Race) -> None:
    """Create or rename a race: its editions' pages show the name."""
    touched = Touched()
    if race.pk is not None:
        touched.shows(*Edition.objects.filter(race=race).values_list("pk", flat=True))
    _save(race, touched)


def races_delete(*, races: Iterable[Race]) -> None:
    """Delete races (only races without editions can go: editions protect them)."""
    _delete(list(races), Touched())


def edition_save(*, edition: Edition, changed: Iterable[str] = ()) -> list[str]:
    """Create or change an edition; a change of its rules or youth cut-off
    recomputes its standings. Returns what changed at the top."""
    touched = Touched()
    if edition.pk is not None:
        touched.shows(edition.pk)
        if EDITION_SCORING & set(changed):
            touched.moves(edition.pk)
    return _save(edition, touched)


def editions_publish(*, editions: Iterable[Edition], published: bool = True) -> int:
    """Publish draft editions (or take published ones back to draft): their pages,
    tables and exports appear to visitors (or go). Returns how many changed."""
    changing = [e for e in editions if e.published != published]
    touched = Touched()
    touched.shows(*(e.pk for e in changing))

    def change() -> None:
        Edition.objects.filter(pk__in=[e.pk for e in changing]).update(
            published=published
        )
        for edition in changing:
            edition.published = published

    write(change, touched)
    return len(changing)


def editions_delete(*, editions: Iterable[Edition]) -> None:
    """Delete editions with their stages, start lists and standings (the pages
    spanning editions see one fewer in their data version)."""
    _delete(list(editions), Touched())


def team_save(*, team: Team) -> None:
    """Create or change a team (name, code, country)."""
    touched = Touched()
    touched.shows(team.edition_id, *_stored(Team, [team], "edition_id"))
    _save(team, touched)


def teams_delete(*, teams: Iterable[Team]) -> list[str]:
    """Delete teams with their entries and these riders' results: their races'
    standings are recomputed."""
    teams = list(teams)
    touched = Touched()
    for edition_id in {team.edition_id for team in teams}:
        touched.moves(edition_id)
    return _delete(teams, touched)


def rider_save(*, rider: Rider, changed: Iterable[str] = ()) -> list[str]:
    """Create or change a rider; a new birth date recomputes the standings of his
    races (the youth classification)."""
    touched = Touched(everywhere=True)
    if rider.pk is not None and "birth_date" in set(changed):
        for edition_id in Entry.objects.filter(rider=rider).values_list(
            "edition_id", flat=True
        ):
            touched.moves(edition_id)
    return _save(rider, touched)


def riders_delete(*, riders: Iterable[Rider]) -> None:
    """Delete riders (only riders on no start list can go: entries protect them)."""
    _delete(list(riders), Touched(everywhere=True))


def entry_save(*, entry: Entry, changed: Iterable[str] = ()) -> list[str]:
    """Create or change an entry; a new team, rider or edition recomputes the
    standings of the races it leaves and joins."""
    touched = Touched()
    stored = _stored(Entry, [entry], "edition_id")
    touched.shows(entry.edition_id, *stored)
    if ENTRY_SCORING & set(changed):
        for edition_id in (entry.edition_id, *stored):
            touched.moves(edition_id)
    return _save(entry, touched)


def entries_delete(*, entries: Iterable[Entry]) -> list[str]:
    """Delete entries with their results: their races' standings are recomputed."""
    entries = list(entries)
    touched = Touched()
    for edition_id in {entry.edition_id for entry in entries}:
        touched.moves(edition_id)
    return _delete(entries, touched)


def _save(obj: models.Model, touched: Touched) -> list[str]:
    obj.full_clean()
    return write(obj.save, touched)


def _delete(objs: list[models.Model], touched: Touched) -> list[str]:
    def change() -> None:
        for obj in objs:
            obj.delete()

    return write(change, touched)


def _stored(model: type[models.Model], objs: list, field: str) -> list:
    """``field`` of the objects as stored (before the edit)."""
    pks = [obj.pk for obj in objs if obj.pk is not None]
    if not pks:
        return []
    return list(model.objects.filter(pk__in=pks).values_list(field, flat=True))
