"""The channel on which writes announce new data versions to every web process.

``recompute.bump_version`` calls :func:`announce`: once the transaction commits, the
ids of the editions whose version changed (or ``*`` for all) are published on a
Redis pub/sub channel of the Redis in ``REDIS_URL``. ``toursite.version_push`` listens
there and drops the data versions its process keeps, so that a stored page is served
without asking the database for its version.

Without ``REDIS_URL`` nothing is published, and nothing is kept. A publication that
fails is logged; the processes then serve what they kept for at most
``TOURSITE_VERSION_PUSH_MAX_AGE`` seconds (their bound on every kept version).
"""

import logging
import os
from collections.abc import Iterable

import redis
from django.conf import settings
from django.db import transaction
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger("toursite")

# Pub/sub channels are shared by every database of a Redis server: the channel is
# named after the database number of REDIS_URL, like the cache's keys.
CHANNEL_PREFIX = "toursite:data-version"
# The message naming every edition (a bump without editions).
EVERY_EDITION = "*"
# Like the cache's: a Redis that is down must not stall a write or a listener.
SOCKET_TIMEOUT = 0.5


def redis_url() -> str:
    """The Redis of the shared cache and of the channel ("" when none)."""
    return getattr(settings, "REDIS_URL", "") or ""


def client(url: str, name: str | None = None) -> redis.Redis:
    """A client of the Redis at ``url`` with short timeouts and no silent retries:
    a connection that fails says so at once (a listener that reconnected without
    noticing could have missed messages). ``name`` shows in ``CLIENT LIST``."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=SOCKET_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        client_name=name,
    )


def channel(connection: redis.Redis) -> str:
    """The channel's name for the Redis database ``connection`` uses."""
    db = connection.connection_pool.connection_kwargs.get("db", 0)
    return f"{CHANNEL_PREFIX}:{db}"


# One publishing client per process and URL (never one made before a fork).
_publisher: tuple[int, str, redis.Redis] | None = None


def _publishing_client(url: str) -> redis.Redis:
    global _publisher
    if _publisher is None or _publisher[:2] != (os.getpid(), url):
        _publisher = (os.getpid(), url, client(url))
    return _publisher[2]


def publish(url: str, message: str) -> None:
    """Publish ``message`` now; a failure is logged, never raised (the write is
    committed already)."""
    try:
        connection = _publishing_client(url)
        connection.publish(channel(connection), message)
    except Exception as exc:  # any Redis error: the write stands
        logger.warning(
            "Data version announcement failed (%s: %s): web processes may serve "
            "kept versions for up to %s s.",
            type(exc).__name__,
            exc,
            getattr(settings, "TOURSITE_VERSION_PUSH_MAX_AGE", 60),
        )


def announce(edition_ids: Iterable[int] = ()) -> None:
    """Publish the new data version of these editions (of every edition when none
    are given) once the current transaction commits, at once outside one; nothing
    when the transaction rolls back or without ``REDIS_URL``."""
    url = redis_url()
    if not url:
        return
    ids = sorted(set(edition_ids))
    message = ",".join(map(str, ids)) if ids else EVERY_EDITION
    transaction.on_commit(lambda: publish(url, message))
