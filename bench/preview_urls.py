"""The site's URLs with its public views wrapped in ``stages.caching.public_page``.

Only for ``bench/run.py --preview-caching``: measures what the caching gives before
it is wired into the views themselves. Production never imports this module.
"""

from django.urls import URLPattern, URLResolver

from stages import caching
from toursite.urls import urlpatterns

STAGE_HEADERS = ("HX-Request", "HX-Trigger", "HX-History-Restore-Request")
WRAP = {
    "stages:home": caching.public_page(caching.for_site),
    "stages:edition": caching.public_page(caching.for_edition()),
    "stages:detail": caching.public_page(
        caching.for_edition(), params={"team", "q", "all"}, vary=STAGE_HEADERS
    ),
    "stages:table": caching.public_page(
        caching.for_edition(), params={"team", "q", "all"}, vary=STAGE_HEADERS
    ),
    "riders:detail": caching.public_page(caching.for_site),
    "riders:start_list": caching.public_page(caching.for_edition()),
    "teams:list": caching.public_page(caching.for_edition()),
    "teams:detail": caching.public_page(caching.for_edition()),
}


def _wrap(patterns, namespace: str = "") -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _wrap(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            decorator = WRAP.get(f"{namespace}:{pattern.name}")
            if decorator is not None:
                pattern.callback = decorator(pattern.callback)


_wrap(urlpatterns)
