"""nginx in front of gunicorn for ``make bench-live``: the repository's deploy file
(deploy/nginx/toursite.conf) with its port and paths replaced by text, included from a
minimal main configuration, run unprivileged in the foreground; and its access log
read back.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "nginx" / "toursite.conf"
# What the benchmark replaces in the deploy file (its header lists the same).
LISTEN = "listen 80;"
UPSTREAM = "server 127.0.0.1:8000"
CACHE = "/var/cache/nginx/toursite"
ACCESS_LOG = "/var/log/nginx/toursite.access.log"
ERROR_LOG = "/var/log/nginx/toursite.error.log"

MAIN = """\
# Written by bench/proxy.py: the minimal main configuration around the deploy file.
worker_processes 1;
worker_rlimit_nofile 16384;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {folder}/tmp/client_body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    access_log off;
    include {folder}/toursite.conf;
}}
"""


def nginx_binary() -> str:
    """nginx's path; installed from Debian's packages when missing and root."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(
            "nginx is not installed: run `apt-get install -y nginx` as root"
        )
    print("  installing nginx (apt-get install -y nginx)", flush=True)
    quiet = {
        "stdout": subprocess.DEVNULL,
        "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    }
    subprocess.run(["apt-get", "update"], check=True, **quiet)
    subprocess.run(["apt-get", "install", "-y", "nginx"], check=True, **quiet)
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError("apt-get installed nginx, but no nginx binary was found")
    return found


def configuration(text: str, port: int, upstream_port: int, folder: Path) -> str:
    """The deploy file for this run: each replaced value must be there exactly once
    (comments aside), so that an edit of the deploy file cannot escape the benchmark
    unnoticed."""
    replacements = {
        LISTEN: f"listen 127.0.0.1:{port};",
        UPSTREAM: f"server 127.0.0.1:{upstream_port}",
        CACHE: str(folder / "cache"),
        ACCESS_LOG: str(folder / "access.log"),
        ERROR_LOG: str(folder / "error.log"),
    }
    lines = text.splitlines(keepends=True)
    code = [n for n, line in enumerate(lines) if not line.lstrip().startswith("#")]
    for old, new in replacements.items():
        found = [n for n in code if old in lines[n]]
        if len(found) != 1 or lines[found[0]].count(old) != 1:
            raise RuntimeError(
                f"{DEPLOY.relative_to(ROOT)} must hold {old!r} exactly once outside "
                f"comments (found {len(found)}): the benchmark replaces it"
            )
        lines[found[0]] = lines[found[0]].replace(old, new)
    return "".join(lines)


@dataclass
class Proxy:
    port: int
    folder: Path
    process: subprocess.Popen

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def errors(self) -> str:
        with suppress(OSError):
            return (self.folder / "error.log").read_text()[-3000:]
        return ""


def _unprivileged() -> dict:
    """Popen arguments that drop root to nobody (nginx would otherwise run its
    workers as nobody, and they could not write the cache)."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _prepare(folder: Path, port: int, upstream_port: int) -> None:
    for sub in ("cache", "tmp"):
        (folder / sub).mkdir()
    text = configuration(DEPLOY.read_text(), port, upstream_port, folder)
    (folder / "toursite.conf").write_text(text)
    (folder / "nginx.conf").write_text(MAIN.format(folder=folder))
    if (drop := _unprivileged()) and "user" in drop:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, drop["user"], drop["group"])


def _answers(port: int) -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGQUIT)  # graceful: logs complete
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def running(port: int, upstream_port: int) -> Iterator[Proxy]:
    """nginx on 127.0.0.1:``port`` in front of gunicorn on ``upstream_port``; stopped
    and its folder (cache, logs) removed on exit."""
    binary = nginx_binary()
    folder = Path(tempfile.mkdtemp(prefix="toursite-nginx-"))
    command = [binary, "-p", str(folder), "-e", str(folder / "error.log")]
    command += ["-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    try:
        _prepare(folder, port, upstream_port)
        check = subprocess.run(
            [*command, "-t", "-q"], capture_output=True, text=True, **_unprivileged()
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx refuses the configuration:\n{check.stderr}")
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "stderr.log").open("w"),
            start_new_session=True,
            **_unprivileged(),
        )
        proxy = Proxy(port, folder, process)
        try:
            deadline = time.monotonic() + 10
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start:\n{proxy.errors()}")
                time.sleep(0.1)
            yield proxy
        finally:
            _stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# The access log (log_format toursite_cache in the deploy file)

FIELD = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))')
LINE = re.compile(r'^\S+ \[[^\]]*\] (?P<msec>[\d.]+) "[^"]*" (?P<status>\d+) ')


@dataclass(frozen=True)
class Hit:
    """One line of the access log."""

    msec: float
    status: int
    uri: str
    hx: str
    trigger: str
    cache: str
    upstream: str  # "" when Django was not asked
    page: str
    etag: str
    rt: float

    @property
    def token(self) -> str:
        """The data token of the ETag: after its last dot."""
        return self.etag.rstrip('"').rpartition(".")[2] if "." in self.etag else ""


def _value(text: str) -> str:
    text = text.replace("\\x22", '"').replace("\\x5C", "\\")
    return "" if text == "-" else text


def parse(line: str) -> Hit | None:
    if not (head := LINE.match(line)):
        return None
    fields = {
        key: _value(quoted if quoted else bare)
        for key, quoted, bare in FIELD.findall(line[head.end() :])
    }
    try:
        return Hit(
            msec=float(head["msec"]),
            status=int(head["status"]),
            uri=fields["uri"],
            hx=fields["hx"],
            trigger=fields["trigger"],
            cache=fields["cache"],
            upstream=fields["upstream"],
            page=fields["page"],
            etag=fields["etag"],
            rt=float(fields["rt"] or 0),
        )
    except (KeyError, ValueError):
        return None


def read_log(path: Path, since: float = 0.0, until: float = float("inf")) -> list:
    """The lines logged between two wall-clock times."""
    hits = []
    with path.open(errors="replace") as lines:
        for line in lines:
            if (hit := parse(line)) is not None and since <= hit.msec <= until:
                hits.append(hit)
    return hits


def renders(hits: list[Hit]) -> Counter:
    """Renders (X-Toursite-Page: rendered) per page variant and data version."""
    return Counter(
        (hit.uri, hit.hx, hit.trigger, hit.token)
        for hit in hits
        if hit.page == "rendered"
    )
