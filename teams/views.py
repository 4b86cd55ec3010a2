"""Team pages: the teams of an edition, and one team's race."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from stages.queries import edition_of
from teams import queries
from toursite.http import for_edition, public_page, sees_drafts


@require_safe
@public_page(for_edition)
def team_list(request: HttpRequest, race: str, year: int) -> HttpResponse:
    edition = edition_of(race, year, drafts=sees_drafts(request))
    if edition is None:
        raise Http404("No such race.")
    context = {"edition": edition, "rows": queries.team_rows(edition)}
    return render(request, "teams/team_list.html", context)


@require_safe
@public_page(for_edition)
def team_detail(request: HttpRequest, race: str, year: int, code: str) -> HttpResponse:
    edition = edition_of(race, year, drafts=sees_drafts(request))
    team = queries.team_for(edition, code) if edition else None
    if team is None:
        raise Http404("No such team in this race.")
    team.edition = edition  # already loaded, with its race
    page = queries.team_page(team)
    context = {"team": team, "page": page, "edition": edition}
    return render(request, "teams/team_detail.html", context)
