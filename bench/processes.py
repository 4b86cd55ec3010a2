"""The benchmark's processes: management commands, throwaway databases, gunicorn."""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


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
