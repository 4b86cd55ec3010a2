from django.http import Http404


# Placeholders replaced by the rider pages (issue 4).
def rider_detail(request, slug):
    raise Http404


def start_list(request, race, year):
    raise Http404


def search(request):
    raise Http404
