"""Rider pages: profile, start list of an edition, and search (riders and teams)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from riders import queries
from stages import queries as stage_queries
from toursite.http import (
    for_edition,
    for_site,
    is_fragment_request,
    public_page,
    sees_drafts,
)


@require_safe
@public_page(for_site)
def rider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    staff = sees_drafts(request)
    rider = queries.rider_by_slug(slug, drafts=staff)
    if rider is None:
        raise Http404("No rider with that name.")
    rides = queries.rides_of(rider, drafts=staff)
    context = {
        "rider": rider,
        "rides": rides,
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
        "riders_count": sum(len(t.riders) for t in teams),
    }
    return render(request, "riders/start_list.html", context)


@require_safe
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Riders and teams as you type: the results region alone for htmx, else the
    whole page (also on a history restore, which needs the full page).

    Not cached: every keystroke is a new query, so stored pages would rarely be
    hit again and would push the race pages out of the cache."""
    results = queries.search(queries.clean_query(request.GET.get("q")))
    template = "site/search.html"
    if is_fragment_request(request):
        template += "#search-results"
    return render(request, template, {"results": results})
