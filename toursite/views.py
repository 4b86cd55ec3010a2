from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the benchmark's bare-Django baseline."""
    return HttpResponse("ok", content_type="text/plain")
