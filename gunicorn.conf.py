"""gunicorn settings for toursite: ``gunicorn -c gunicorn.conf.py toursite.wsgi``.

Environment (all optional):

GUNICORN_BIND          address to listen on (default 127.0.0.1:8000; a proxy or CDN
                       in front terminates TLS and sets X-Forwarded-Proto)
GUNICORN_WORKERS       worker processes (default: 2 per CPU available + 1)
GUNICORN_THREADS       threads per worker (default 1: plain sync workers)
GUNICORN_TIMEOUT       seconds before a stuck worker is restarted (default 30)
GUNICORN_ACCESS_LOG    "-" for stdout or a file path (default: off; the proxy logs)
GUNICORN_LOG_LEVEL     default "info"
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects container CPU pinning
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages are short CPU-bound renders plus a few quick queries: two workers per core
# keep the cores busy while others wait on the database or the cache.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cpus() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"

timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow memory growth never accumulates.
max_requests = 5000
max_requests_jitter = 500

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the local proxy (gunicorn's default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
