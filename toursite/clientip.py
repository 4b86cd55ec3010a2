"""The client's address, for sign-in throttling (django-axes and django-ratelimit
both ask this function).

Without a proxy (``DJANGO_PROXY_COUNT=0``) it is the socket's address: a client
cannot choose it by sending ``X-Forwarded-For``. Behind N proxies that each append
the address of their peer to that header (nginx's ``$proxy_add_x_forwarded_for``),
the client is the N-th address from the right: what a client wrote itself stands
further left and is never taken. A header with fewer entries than proxies (a proxy
that does not append) falls back to the socket's address rather than to a shared
or client-chosen one.

Hand-written rather than django-ipware: its ``proxy_count`` expects the proxies' own
addresses in the header too, and with nginx's usual header it answers nothing,
which would put every visitor under one address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# A request without any address (a Unix socket without a proxy header) still needs
# a valid one to be counted under.
UNKNOWN = "0.0.0.0"  # noqa: S104 (a key, not an address to bind)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    socket_address = _valid(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
    count = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return socket_address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [e for e in (part.strip() for part in forwarded.split(",")) if e]
    if len(entries) < count:
        return socket_address
    return _valid(entries[-count]) or socket_address
