"""Conditional GET for the HTMX fragments that live pages poll.

A fragment's ETag is the edition's data version plus the stage status: any
recompute of the standings bumps ``Edition.version``, and a change of status
(live -> finished) changes what the fragment says about polling. Full pages get
no ETag: they carry a fresh CSP nonce on every response.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from stages.models import Stage
from stages.queries import URL_INT_MAX

# Bump when a template change makes old fragments wrong.
FRAGMENT_FORMAT = "1"


def stage_etag(request: HttpRequest, race: str, year: int, number: int, **_) -> str:
    """``"<edition version>-<stage status>"`` of the stage in the URL (1 query);
    None (no ETag) for an unknown stage, which then 404s in the view."""
    if max(year, number) > URL_INT_MAX:
        return None
    found = (
        Stage.objects.filter(
            edition__race__slug=race, edition__year=year, number=number
        )
        .values_list("edition__version", "status")
        .first()
    )
    if found is None:
        return None
    version, status = found
    return f'W/"{FRAGMENT_FORMAT}-{version}-{status}"'


def is_fragment_request(request: HttpRequest) -> bool:
    """An HTMX swap (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def conditional_fragment(etag_func: Callable[..., str | None]) -> Callable:
    """Answer HTMX fragment requests with an ETag and ``304 Not Modified`` when
    ``If-None-Match`` matches; ``no-cache`` makes browsers revalidate each poll."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        conditional_view = condition(etag_func=etag_func)(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_fragment_request(request):
                return view(request, *args, **kwargs)
            response = conditional_view(request, *args, **kwargs)
            if response.has_header("ETag"):
                patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator
