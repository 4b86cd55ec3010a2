"""The client's address, for sign-in throttling (django-axes and django-ratelimit
both ask this function).

Without a proxy (``DJANGO_PROXY_COUNT=0``) it is the socket's address: a client
cannot choose it by sending ``X-Forwarded-For``. Behind N proxies that each append
the address they saw, it is the N-th address from the right of that header
(django-ipware reads it), so a value the client wrote itself at the left is never
taken.
"""

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip

# A request without any address (a Unix socket without a proxy header) still needs
# a valid one to be counted under.
UNKNOWN = "0.0.0.0"  # noqa: S104 (a key, not an address to bind)


def client_ip(request: HttpRequest) -> str:
    count = getattr(settings, "PROXY_COUNT", 0)
    if count > 0:
        address, _ = get_client_ip(
            request,
            proxy_order="right-most",
            proxy_count=count,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
        )
    else:
        address = request.META.get("REMOTE_ADDR")
    return address or UNKNOWN
