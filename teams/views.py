"""Team pages: the teams of an edition, and one team's race."""

import functools
from collections.abc import Callable

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from stages.queries import edition_of
from teams import queries
from toursite.http import for_edition, for_site, public_page, sees_drafts


@require_safe
@public_page(for_edition)
def team_list(request: HttpRequest, race: str, year: int) -> HttpResponse:
    edition = edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race.")
    context = {"edition": edition, "rows": queries.team_rows(edition)}
    return render(request, "teams/team_list.html", context)


def lower_case_code(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A team's address in one letter case: ``…/teams/UAD/`` (or ``UAD.json``)
    answers 301 to ``…/teams/uad/``, before the page store, so another case is
    neither rendered nor stored apart (the query string kept)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, race: str, year: int, code: str):
        if code == code.lower():
            # By name: public_page's version function reads the edition from
            # the keyword arguments (positional ones would leave it unknown, so
            # the page would be neither stored nor cacheable).
            return view(request, race=race, year=year, code=code)
        name = request.resolver_match.view_name
        url = reverse(name, args=[race, year, code.lower()])
        if query := request.META.get("QUERY_STRING"):
            url += "?" + query
        return HttpResponsePermanentRedirect(url)

    return wrapper


@require_safe
@lower_case_code
@public_page(for_site)  # it links to the team's other editions
def team_detail(request: HttpRequest, race: str, year: int, code: str) -> HttpResponse:
    drafts = sees_drafts(request)
    edition = edition_of(race, year, drafts=drafts)
    team = queries.team_for(edition, code) if edition else None
    if team is None:
        raise Http404("No such team in this race.")
    team.edition = edition  # already loaded, with its race
    context = {
        "team": team,
        "page": queries.team_page(team),
        "edition": edition,
        "others": queries.other_editions(team, drafts=drafts),
    }
    return render(request, "teams/team_detail.html", context)
