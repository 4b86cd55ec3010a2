"""The benchmark's processes: management commands, throwaway databases, gunicorn,
the machine and the memory of gunicorn's workers."""

import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import loadgen

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The Redis the benchmarks use when one answers on 127.0.0.1 and none is named
# (BENCH_REDIS_URL or --redis): a database number of its own. Stored pages are keyed
# by release and data version, so runs sharing it only ever share identical pages.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    with suppress(OSError):
        found = re.search(
            r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M
        )
        cpu = found.group(1).strip() if found else cpu
    ram = "unknown"
    with suppress(OSError, AttributeError):
        found = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        ram = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB"
    return {
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "load_tool": "wrk" if loadgen.have_wrk() else "python (wrk not installed)",
    }


def production_env(
    workdir: Path, redis_url: str | None = None, workers: int | None = None
) -> dict[str, str]:
    """The environment of a production deployment on this machine: debug off, a
    fresh secret, static files collected under ``workdir``, gunicorn.conf.py's
    defaults (no GUNICORN_* from the caller's environment) and Redis as the cache
    when ``redis_url`` is given. DATABASE_URL is added per database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("GUNICORN_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="toursite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    with suppress(OSError), socket.create_connection((host, port), timeout=1) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


def choose_redis(asked: str | None) -> str | None:
    """The Redis URL to use: the one asked for ("none": the memory cache), else
    BENCH_REDIS_URL, else DEFAULT_REDIS_URL when a Redis answers on 127.0.0.1."""
    asked = asked or os.environ.get("BENCH_REDIS_URL")
    if asked:
        return None if asked.lower() == "none" else asked
    return DEFAULT_REDIS_URL if redis_reachable() else None


def worker_pids(master: int) -> list[int]:
    """The processes gunicorn's master forked: its workers."""
    children = Path(f"/proc/{master}/task/{master}/children")
    with suppress(OSError):
        return sorted(int(pid) for pid in children.read_text().split())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rpartition(")")[2].split()[1]) == master:
                found.append(int(stat.parent.name))
    return sorted(found)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and RssAnon of a process, in KiB (empty once it has gone)."""
    with suppress(OSError):
        text = Path(f"/proc/{pid}/status").read_text()
        return {
            name: int(value)
            for name, value in re.findall(r"^(VmRSS|RssAnon):\s+(\d+) kB", text, re.M)
        }
    return {}


def run(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


def postgres_reachable() -> bool:
    if shutil.which("createdb") is None or shutil.which("pg_isready") is None:
        return False
    check = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-t", "3"],
        capture_output=True,
    )
    return check.returncode == 0


@contextmanager
def database(kind: str, workdir: Path):
    """A throwaway database URL, removed on exit."""
    if kind == "sqlite":
        path = workdir / "bench.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in workdir.glob("bench.sqlite3*"):
                leftover.unlink()
        return
    name = f"toursite_bench_{os.getpid()}"
    pg = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
    subprocess.run(["createdb", *pg, name], check=True, capture_output=True)
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        subprocess.run(
            ["dropdb", *pg, "--if-exists", "--force", name], capture_output=True
        )


def get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@contextmanager
def server(env: dict[str, str], port: int, workdir: Path):
    """gunicorn with the repository's configuration, in its own process group."""
    logfile = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "toursite.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with suppress(OSError):
                if get(port, "/healthz")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                logfile.flush()
                raise RuntimeError(
                    "gunicorn did not start:\n"
                    + (workdir / "gunicorn.log").read_text()[-3000:]
                )
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        logfile.close()
