"""Rider pages: profile, start list of an edition, and the site search."""

import functools

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from riders import careers, queries
from riders import compare as compare_queries
from riders import scored as scored_queries
from riders import search as site_search
from stages import queries as stage_queries
from toursite.http import (
    PLAIN,
    Variant,
    for_edition,
    for_site,
    is_fragment_request,
    public_page,
    sees_drafts,
)
from toursite.versions import DataVersion


@require_safe
@public_page(for_site)
def rider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    staff = sees_drafts(request)
    rider = queries.rider_by_slug(slug, drafts=staff)
    if rider is None:
        raise Http404("No rider with that name.")
    rides = queries.rides_of(rider, drafts=staff)
    entries = [ride.entry for ride in rides]
    with_checkpoints = {e.edition_id for e in entries if e.has_checkpoints}
    scored = scored_queries.scored_by_entry(entries, with_checkpoints)
    for ride in rides:
        ride.scored = scored.get(ride.entry.pk)
    context = {
        "rider": rider,
        "rides": rides,
        "career": careers.career(rides),
        "latest": rides[0] if rides else None,
        "age": queries.age_on(rider.birth_date, timezone.localdate()),
    }
    return render(request, "riders/rider_detail.html", context)


@require_safe
@public_page(for_edition)
def start_list(request: HttpRequest, race: str, year: int) -> HttpResponse:
    edition = stage_queries.edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race.")
    teams, left = queries.start_list(edition)
    context = {
        "edition": edition,
        "teams": teams,
        "left": left,
        # Exits are marked with the latest stage, not each rider's own: in
        # spoiler-free mode no placeholder may tell who left when.
        # Once a stage has results, the block is there even if nobody left.
        "latest": stage_queries.latest_stage_number(edition),
        "riders_count": sum(len(t.riders) for t in teams),
    }
    return render(request, "riders/start_list.html", context)


@require_safe
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Riders, teams, stages and races as you type: the results region alone for
    htmx, else the whole page (also on a history restore, which needs it all).

    Not cached: every keystroke is a new query, so stored pages would rarely be
    hit again and would push the race pages out of the cache."""
    results = site_search.find(request.GET.get("q"))
    template = "site/search.html"
    fragment = is_fragment_request(request)
    if fragment:
        template += "#search-results"  # with the status line, out of band
    context = {"results": results, "fragment": fragment}
    return render(request, template, context | {"max_words": site_search.MAX_WORDS})


@functools.lru_cache(maxsize=256)
def _rider_slugs(race: str, year: int, token: str) -> dict[str, int]:
    """The edition's riders' bibs by slug at data version ``token`` (1 query per
    version)."""
    return compare_queries.edition_bibs(race, year)


def _redirects(request: HttpRequest, chosen: compare_queries.Pick) -> bool:
    """Known riders asked for in any other spelling than ``?riders=a,b`` (their
    bib order, each once, nothing else), so a set of riders is one page."""
    return chosen.clean and request.META.get("QUERY_STRING") != chosen.query


def compare_variant(
    request: HttpRequest, current: DataVersion | None, race: str, year: int
) -> Variant | None:
    """The riders as ``compare_queries.pick`` cleans them (known riders only, so
    junk cannot multiply stored pages) and whether the view redirects. Unknown
    names are echoed on the page: not stored. No rider named (``?riders=,,``) is
    the plain page."""
    values = request.GET.getlist("riders")
    if not values:
        return PLAIN
    if current is None:
        return None
    chosen = compare_queries.pick(values, _rider_slugs(race, year, current.token))
    if not chosen.asked:
        return PLAIN
    redirects = _redirects(request, chosen)
    return Variant((chosen, redirects), store=not (chosen.unknown or redirects))


@require_safe
@public_page(for_edition, variant=compare_variant)
def compare(request: HttpRequest, race: str, year: int) -> HttpResponse:
    """Two to four riders of an edition head-to-head; with fewer, more or
    unknown riders, why not and a form to pick them."""
    edition = stage_queries.edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race.")
    entrants = compare_queries.entrants(edition)
    by_slug = {e.slug: e for e in entrants}
    bibs = {e.slug: e.bib for e in entrants}
    chosen = compare_queries.pick(request.GET.getlist("riders"), bibs)
    url = reverse("riders:compare", args=[race, year])
    if _redirects(request, chosen):
        return redirect(f"{url}?{chosen.query}")
    riders = [by_slug[s] for s in chosen.slugs]
    picked = chosen.slugs + ("",) * (compare_queries.MAX_RIDERS - len(chosen.slugs))
    canonical = f"{url}?{chosen.query}" if chosen.ok else url
    context = {
        "edition": edition,
        "entrants": entrants,
        "pick": chosen,
        "riders": riders,
        "slots": picked,
        # From the configured address: a stored page must not keep the Host
        # and scheme of whoever asked first.
        "canonical_link": settings.SITE_URL + canonical,
        "comparison": None,
    }
    if chosen.ok:
        latest = stage_queries.latest_stage_number(edition)
        context["comparison"] = compare_queries.comparison(edition, riders, latest)
    return render(request, "riders/compare.html", context)
