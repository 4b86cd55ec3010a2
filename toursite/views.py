from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the benchmark's bare-Django baseline."""
    return HttpResponse("ok", content_type="text/plain")


# Placeholders replaced by the site pages (issue 4).
def about(request):
    raise Http404


def feed(request):
    raise Http404
