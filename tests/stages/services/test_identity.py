"""One rider across editions: a start list's riders matched with the stored ones
(known, new, or for the editor to decide), in one query."""

from datetime import date

import pytest

from editions.models import Rider
from stages.services.identity import (
    DECIDE,
    KNOWN,
    NEW,
    Person,
    match_riders,
    riders_for,
    undecided,
)
from tests.factories import RiderFactory

pytestmark = pytest.mark.django_db


def _person(key, given, family, born=None, nat="GB") -> Person:
    return Person(key, given, family, nat, born)


def test_same_names_and_birth_date_is_the_known_rider_whatever_the_accents(
    django_assert_num_queries,
):
    stored = RiderFactory(
        given_name="Tadeja",
        family_name="Počarnik",
        slug="tadeja-pocarnik",
        birth_date=date(1998, 9, 21),
    )
    with django_assert_num_queries(1):
        matches, _ = match_riders([_person(1, "TADEJA", "Pocarnik", date(1998, 9, 21))])
    assert matches[1].status == KNOWN
    assert matches[1].known == stored


def test_a_namesake_born_another_day_is_for_the_editor_to_decide():
    other = RiderFactory(
        given_name="Juan",
        family_name="Lopez",
        slug="juan-lopez",
        birth_date=date(1990, 1, 1),
    )
    matches, taken = match_riders([_person(7, "Juan", "López", date(1995, 6, 6))])
    assert matches[7].status == DECIDE
    assert matches[7].namesakes == (other,)
    (problem,) = undecided(matches, {})
    assert problem.startswith("bib 7: Juan López has the name of a known rider")
    assert undecided(matches, {7: other.pk}) == []
    assert undecided(matches, {7: None}) == []
    assert undecided(matches, {7: other.pk + 999}) == [
        "bib 7: the rider chosen is not a namesake"
    ]
    riders = riders_for(matches, taken, {7: None})
    assert riders[7].pk != other.pk
    assert riders[7].slug == "juan-lopez-1995"


def test_twins_share_a_birth_date_and_stay_two_riders():
    born = date(1992, 8, 7)
    # As Adam and Simon Yates (who are in the demo data), with other names.
    adam = RiderFactory(
        given_name="Adamo", family_name="Gatesby", slug="adamo-gatesby", birth_date=born
    )
    matches, taken = match_riders(
        [_person(1, "Adamo", "Gatesby", born), _person(2, "Simone", "Gatesby", born)]
    )
    assert (matches[1].status, matches[2].status) == (KNOWN, NEW)
    riders = riders_for(matches, taken)
    assert riders[1] == adam
    assert riders[2].pk is not None
    assert riders[2].given_name == "Simone"
    assert Rider.objects.filter(family_name="Gatesby").count() == 2


def test_new_riders_get_unique_slugs_in_bulk(django_assert_num_queries):
    RiderFactory(given_name="Ana", family_name="Ruiz", slug="ana-ruiz")
    people = [
        _person(1, "Ana", "Ruiz", date(2000, 1, 1)),
        _person(2, "Ana", "Ruiz", date(2000, 1, 1)),  # a duplicate row, same person?
        _person(3, "Bea", "Ruiz"),
    ]
    matches, taken = match_riders(people)
    with django_assert_num_queries(1):
        riders = riders_for(matches, taken, {1: None, 2: None})
    slugs = {riders[k].slug for k in (1, 2, 3)}
    assert len(slugs) == 3
    assert "ana-ruiz" not in slugs


def test_the_yates_twins_ride_the_tour_as_two_riders(tour):
    yates = Rider.objects.filter(entries__edition=tour, family_name="Yates")
    assert sorted(yates.values_list("given_name", flat=True)) == ["Adam", "Simon"]


def test_a_rider_whose_slug_was_edited_by_hand_is_still_found():
    stored = RiderFactory(
        given_name="Bjørn",
        family_name="Ødegårdsen",
        slug="bjorn-o",
        birth_date=date(2000, 3, 12),
    )
    matches, _ = match_riders([_person(3, "BJØRN", "Ødegårdsen", date(2000, 3, 12))])
    assert matches[3].known == stored


def test_two_stored_namesakes_without_birth_dates_are_for_the_editor():
    one = RiderFactory(given_name="Ivo", family_name="Nemo", slug="ivo-nemo")
    two = RiderFactory(given_name="Ivo", family_name="Nemo", slug="ivo-nemo-2")
    Rider.objects.filter(pk__in=[one.pk, two.pk]).update(birth_date=None)
    matches, _ = match_riders([_person(4, "Ivo", "Nemo")])
    assert matches[4].status == DECIDE
    assert {r.pk for r in matches[4].namesakes} == {one.pk, two.pk}
    Rider.objects.filter(pk=two.pk).delete()
    matches, _ = match_riders([_person(4, "Ivo", "Nemo")])
    assert matches[4].known.pk == one.pk
