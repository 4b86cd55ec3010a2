"""Races, editions and start lists (teams, riders, entries) written one object at a
time. What the standings are computed from is recomputed from the first stage: an
edition's rules and youth cut-off, an entry's team or rider, a rider's birth date
(the youth classification), a deleted team or entry (their results go with them).
Anything else only bumps the data version of the editions whose pages show it; a
rider's pages span editions, so a rider bumps them all.

An edition, team or rider with results takes them along when deleted: the
deletes refuse it, naming them, when asked to protect results
(``protect_results``: the admin asks it for everyone but superusers)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editions.models import Edition, Entry, Race, Rider, Team
from stages.services.identity import nationalities_refresh
from stages.services.writes import Touched, write

# The path from an edition, a team or a rider to its results.
RESULTS = {
    Edition: "stages__results",
    Team: "entries__results",
    Rider: "entries__results",
}
# A draft's results are public nowhere yet: its editors may delete or replace it.
PROTECTED_ONLY = {Edition: {"published": True}}
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
        # Their riders' own nationality is that of their latest published edition.
        nationalities_refresh(
            Entry.objects.filter(edition__in=changing).values_list(
                "rider_id", flat=True
            )
        )

    write(change, touched)
    return len(changing)


def editions_delete(
    *, editions: Iterable[Edition], protect_results: bool = False
) -> None:
    """Delete editions with their stages, start lists and standings (the pages
    spanning editions see one fewer in their data version). With
    ``protect_results``, editions with results are refused."""
    editions = list(editions)
    touched = Touched()
    if protect_results:
        touched.shows(*(e.pk for e in editions))  # their locks: no paste meanwhile
    _delete(editions, touched, protect=protect_results)


def team_save(*, team: Team) -> None:
    """Create or change a team (name, code, country)."""
    touched = Touched()
    touched.shows(team.edition_id, *_stored(Team, [team], "edition_id"))
    _save(team, touched)


def teams_delete(*, teams: Iterable[Team], protect_results: bool = False) -> list[str]:
    """Delete teams with their entries and these riders' results: their races'
    standings are recomputed. With ``protect_results``, teams with results are
    refused."""
    teams = list(teams)
    touched = Touched()
    for edition_id in {team.edition_id for team in teams}:
        touched.moves(edition_id)
    return _delete(teams, touched, protect=protect_results)


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


def riders_delete(*, riders: Iterable[Rider], protect_results: bool = False) -> None:
    """Delete riders (only riders on no start list can go: entries protect them).
    With ``protect_results``, riders with results are refused by name."""
    riders = list(riders)
    touched = Touched(everywhere=True)
    if protect_results:
        touched.shows(
            *Entry.objects.filter(rider__in=[r.pk for r in riders]).values_list(
                "edition_id", flat=True
            )
        )
    _delete(riders, touched, protect=protect_results)


def entry_save(*, entry: Entry, changed: Iterable[str] = ()) -> list[str]:
    """Create or change an entry; a new team, rider or edition recomputes the
    standings of the races it leaves and joins. Another rider on an entry rides
    under his own nationality unless the editor set one; both riders' own
    nationality follows (``identity.nationalities_refresh``)."""
    changed = set(changed)
    touched = Touched()
    stored = _stored(Entry, [entry], "edition_id")
    touched.shows(entry.edition_id, *stored)
    if ENTRY_SCORING & changed:
        for edition_id in (entry.edition_id, *stored):
            touched.moves(edition_id)
    was = Entry.objects.filter(pk=entry.pk).values_list("rider_id", flat=True).first()
    if "rider" in changed and "nationality" not in changed:
        entry.nationality = entry.rider.nationality
    entry.full_clean()

    def change() -> None:
        entry.save()
        # The riders' own nationality is that of their latest edition.
        nationalities_refresh({entry.rider_id, was} - {None})

    return write(change, touched)


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


def _delete(
    objs: list[models.Model], touched: Touched, protect: bool = False
) -> list[str]:
    """Delete ``objs``; with ``protect``, none if any has results (checked under
    the locks)."""

    def change() -> None:
        if protect and (kept := having_results(objs)):
            raise results_refusal(kept)
        for obj in objs:
            obj.delete()

    return write(change, touched)


def having_results(objs: Iterable[models.Model]) -> list[models.Model]:
    """Those of these editions, teams or riders that have results (editions:
    published ones, see ``PROTECTED_ONLY``)."""
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    having = set(
        model.objects.filter(
            pk__in=[obj.pk for obj in objs],
            **{f"{RESULTS[model]}__isnull": False},
            **PROTECTED_ONLY.get(model, {}),
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    return [obj for obj in objs if obj.pk in having]


def results_refusal(objs: list[models.Model]) -> ValidationError:
    """Why these editions, teams or riders (with results) are not deleted."""
    names = [str(obj) for obj in objs]
    return ValidationError(
        ngettext(
            # Translators: named are the editions, teams or riders ("A, B and C"),
            # plural what they are ("editions").
            "%(named)s has results: only a superuser deletes %(plural)s with "
            "results (the results would go with them).",
            "%(named)s have results: only a superuser deletes %(plural)s with "
            "results (the results would go with them).",
            len(names),
        ),
        code="has_results",
        params={
            # Translators: the last two of a list of names: "A, B and C".
            "named": get_text_list(names, _("and")),
            "plural": type(objs[0])._meta.verbose_name_plural,
        },
    )


def _stored(model: type[models.Model], objs: list, field: str) -> list:
    """``field`` of the objects as stored (before the edit)."""
    pks = [obj.pk for obj in objs if obj.pk is not None]
    if not pks:
        return []
    return list(model.objects.filter(pk__in=pks).values_list(field, flat=True))
