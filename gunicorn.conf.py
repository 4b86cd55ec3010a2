"""gunicorn settings for toursite: ``gunicorn -c gunicorn.conf.py toursite.wsgi``.

Environment (all optional):

GUNICORN_BIND          address to listen on (default 127.0.0.1:8000; a proxy or CDN
                       in front terminates TLS and sets X-Forwarded-Proto)
GUNICORN_WORKERS       worker processes (default: 2 per CPU available + 1)
GUNICORN_THREADS       threads per worker (default 1: plain sync workers)
GUNICORN_TIMEOUT       seconds before a stuck worker is restarted (default 30)
GUNICORN_MAX_REQUESTS  replace a worker after this many requests (default 0: never)
GUNICORN_MAX_REQUESTS_JITTER  random extra requests per worker, so that workers are
                       not replaced all at once (default: a tenth of the above)
GUNICORN_PRELOAD       "1" (default): load the project once in the master process and
                       fork the workers from it; "0": each worker loads it itself
GUNICORN_ACCESS_LOG    "-" for stdout or a file path (default: off; the proxy logs)
GUNICORN_LOG_LEVEL     default "info"

Workers are not recycled by request count. A cached page costs about a millisecond,
so a worker serves about a thousand requests a second at a stage finish, and any
count a deployer would pick replaces every worker every few seconds. Each replacement
stalls the requests queued behind it: the new worker has to start and fill its own
store of recent pages. Under load, recycling every 5,000 requests raised the p99 of
the cached stage page from 58 ms to 405 ms and that of its fragments from 55 ms to
1.1 s. Memory growth is a bug to find, not to recycle around: ``make soak`` runs ten
minutes at a steady load and prints each worker's memory at the start and the end.

With the project preloaded, a worker that does get replaced (a timeout, a crash, a
deployer's GUNICORN_MAX_REQUESTS) forks from a loaded master in milliseconds instead
of importing Django and the project, and it fills its page store from the shared
cache (Redis), not by rendering again. ``when_ready`` does in the master what each
worker would do on its first request. The master opens no database or cache
connection; ``pre_fork`` closes any it did open all the same, so that no two
processes ever share a socket. A thread is never inherited through a fork: anything
running in the background is started in each worker, after the fork (the data
version listener of toursite.version_push starts on a worker's first request).
Preloading means that ``kill -HUP`` reloads this file but not the code: a deploy
restarts gunicorn (or upgrades it in place with ``kill -USR2``).
"""

import os
import sys


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects container CPU pinning
    except AttributeError:
        return os.cpu_count() or 1


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages are short CPU-bound renders plus a few quick queries: two workers per core
# keep the cores busy while others wait on the database or the cache.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cpus() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"

timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5

# No recycling by request count (see above); a deployer may still ask for it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = int(
    os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
)
preload_app = _flag("GUNICORN_PRELOAD", True)

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the local proxy (gunicorn's default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def when_ready(server):
    """In the master, once the project is preloaded: the work each new worker would
    otherwise do on its first request (importing every view through the URLconf,
    hashing the release that keys stored pages), done once before any fork."""
    if not server.cfg.preload_app:
        return
    from django.urls import get_resolver

    from toursite.caching import release

    get_resolver().reverse_dict  # noqa: B018 (imports the views, maps the URLs)
    release()


def pre_fork(server, worker):
    """In the master, before each fork: close any database or cache connection the
    preloaded project opened, so that no worker inherits (and shares) its socket."""
    if "django.db" not in sys.modules:  # the project is not loaded in the master
        return
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()
