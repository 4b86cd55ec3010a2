from django.http import Http404


# Placeholders replaced by the team pages (issue 4).
def team_list(request, race, year):
    raise Http404


def team_detail(request, race, year, code):
    raise Http404
