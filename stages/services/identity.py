"""Who a start list's riders are: one identity across editions.

A rider of a package or a pasted start list is a **known** rider when a stored rider
has the same given and family names (case and accents ignored) and the same birth
date; he is **new** when no stored rider has his names. Same names with another (or
an unknown) birth date is for the editor to **decide**: two riders can share a name,
and twins share a birth date but not a given name (Adam and Simon Yates stay two
riders). Matching a whole start list costs one query.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from editions.models import Entry, Rider, edition_start
from racing.text import fold, slugify

KNOWN, NEW, DECIDE = "known", "new", "decide"


@dataclass(frozen=True)
class Person:
    """A rider as a start list gives him."""

    key: int  # the bib
    given_name: str
    family_name: str
    nationality: str
    birth_date: date | None

    @property
    def base_slug(self) -> str:
        return slugify(f"{self.given_name} {self.family_name}") or "rider"


@dataclass(frozen=True)
class RiderMatch:
    person: Person
    known: Rider | None = None
    namesakes: tuple[Rider, ...] = field(default=())

    @property
    def status(self) -> str:
        if self.known is not None:
            return KNOWN
        return DECIDE if self.namesakes else NEW


def name_key(given_name: str, family_name: str) -> str:
    """Names compared without case, accents or punctuation (``Pogačar`` and
    ``POGACAR`` alike; ``Søren`` keeps its ``ø``)."""
    return " ".join(fold(f"{given_name} {family_name}").split())


def match_riders(people: Iterable[Person]) -> tuple[dict[int, RiderMatch], set[str]]:
    """Each person's match by key, and every stored slug that a new rider's slug
    must avoid (1 query). Stored riders are looked for by their slug (the site's
    own) and by their family name (a slug edited by hand)."""
    people = list(people)
    if not people:
        return {}, set()
    wanted = Q()
    for base in {p.base_slug for p in people}:
        wanted |= Q(slug=base) | Q(slug__startswith=f"{base}-")
    for family in {p.family_name for p in people}:
        wanted |= Q(family_name__iexact=family)
    stored = list(Rider.objects.filter(wanted).order_by("pk"))
    taken = {r.slug for r in stored}
    by_name: dict[str, list[Rider]] = {}
    for rider in stored:
        by_name.setdefault(name_key(rider.given_name, rider.family_name), []).append(
            rider
        )
    matches = {}
    for person in people:
        same_name = by_name.get(name_key(person.given_name, person.family_name), [])
        matches[person.key] = _match(person, same_name)
    return matches, taken


def _match(person: Person, same_name: list[Rider]) -> RiderMatch:
    """Known: the same birth date. Both unknown: the same person only when he is
    the one stored rider of that name (as the import always took him); else the
    editor decides."""
    same_day = [r for r in same_name if r.birth_date == person.birth_date]
    if same_day and (person.birth_date is not None or len(same_name) == 1):
        return RiderMatch(person, same_day[0])
    return RiderMatch(person, None, tuple(same_name))


def undecided(
    matches: Mapping[int, RiderMatch], decisions: Mapping[int, int | None]
) -> list[str]:
    """A problem for each rider to decide without a decision, or decided as a
    rider who is not one of his namesakes."""
    problems = []
    for key, match in sorted(matches.items()):
        if match.status != DECIDE:
            continue
        p = match.person
        if key not in decisions:
            problems.append(
                _(
                    "bib %(bib)s: %(name)s has the name of a known rider with another "
                    "birth date: say whether he is that rider or a new one"
                )
                % {"bib": key, "name": f"{p.given_name} {p.family_name}"}
            )
        elif decisions[key] is not None and decisions[key] not in {
            r.pk for r in match.namesakes
        }:
            problems.append(
                _("bib %(bib)s: the rider chosen is not a namesake") % {"bib": key}
            )
    return problems


def riders_for(
    matches: Mapping[int, RiderMatch],
    taken: set[str],
    decisions: Mapping[int, int | None] | None = None,
) -> dict[int, Rider]:
    """The rider of each key: the known one, the namesake the editor chose, or a
    new rider created now (in bulk, with a unique slug; an undecided namesake is a
    new rider, as the command-line import always made him)."""
    decisions = decisions or {}
    riders: dict[int, Rider] = {}
    new: list[Rider] = []
    taken = set(taken)
    for key, match in matches.items():
        # A decision counts only for a namesake, and only for one of his.
        chosen = next((r for r in match.namesakes if r.pk == decisions.get(key)), None)
        if match.known is not None:
            riders[key] = match.known
        elif chosen is not None:
            riders[key] = chosen
        else:
            riders[key] = _new_rider(match.person, taken)
            new.append(riders[key])
    Rider.objects.bulk_create(new)
    return riders


def _new_rider(person: Person, taken: set[str]) -> Rider:
    base = person.base_slug
    slug = base
    if slug in taken:
        slug = f"{base}-{person.birth_date.year}" if person.birth_date else base
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
    taken.add(slug)
    return Rider(
        given_name=person.given_name,
        family_name=person.family_name,
        nationality=person.nationality,
        birth_date=person.birth_date,
        slug=slug,
    )


def nationalities_refresh(rider_ids: Iterable[int]) -> None:
    """Each rider's nationality is the one he rode under in his latest published
    edition (``Entry.nationality``; by first stage day): a package of an older
    edition loaded last does not bring back an old flag, nor does a draft change
    what visitors see (publishing it refreshes its riders). 1 query to read, 1
    UPDATE per nationality that changed (usually none)."""
    latest: dict[int, str] = {}
    current: dict[int, str] = {}
    for rider_id, nationality, ridden in (
        Entry.objects.filter(rider_id__in=set(rider_ids), edition__published=True)
        .annotate(first_day=edition_start("edition_id"))
        .order_by("rider_id", "edition__year", "first_day", "edition__pk")
        .values_list("rider_id", "nationality", "rider__nationality")
    ):
        latest[rider_id] = nationality
        current[rider_id] = ridden
    changed: dict[str, list[int]] = {}
    for rider_id, nationality in latest.items():
        if nationality and nationality != current[rider_id]:
            changed.setdefault(nationality, []).append(rider_id)
    for nationality, pks in changed.items():
        Rider.objects.filter(pk__in=pks).update(nationality=nationality)
