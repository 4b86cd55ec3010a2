"""The hot page under attack (``make bench``, while the server is up).

The stage page is measured in slices that alternate between quiet, while eight
connections flood the admin sign-in with wrong passwords for a user that exists (each
POST with a valid CSRF cookie and token, so it reaches the sign-in logic: the rate
limit, then django-axes, then the password hasher), and while one client asks for the
page with a fresh random query parameter on every request (cache keys ignore unknown
parameters, so these should hit the stored page). Goal: the page keeps at least half
its quiet throughput under either attack.

Before the clock, the flood's POSTs are sent one at a time until the first 429: the
few that hash a password (until django-axes locks the username at this address) are
shown apart, so that the figure is the flood as it goes on, whatever ``--duration``.

Attackers are wrk with bench/attack.lua (its settings written in front, to the work
directory) when wrk is installed, else Python threads; each runs beside the
measurement and reports how many requests it sent and the status of each (a 429 is
split into ``throttled``, the sign-in rate limit, and ``locked``, django-axes' lock
on the username and address).
"""

import http.client
import re
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import loadgen
from processes import get, run

USERNAME = "bench-editor"
FLOOD_CONNECTIONS = 8
RANDOM_CONNECTIONS = 1
TARGET = 0.5
# Sequential wrong passwords at most, before the flood, until the sign-in says 429.
LOCK_OUT_TRIES = 20
# Attackers start this long before the measured slice, so it sees them in full swing.
RAMP_SECONDS = 0.3
ATTACKS = {"login_flood": "login flood", "random_param": "random param"}
LUA = Path(__file__).with_name("attack.lua")
LOCKED_TEXT = "Sign-in locked"  # toursite.views.locked_out
THROTTLED_TEXT = "Too many sign-in attempts"  # toursite.views.login


def log(message: str = "") -> None:
    print(message, flush=True)


def prepare(env: dict[str, str]) -> None:
    """An account for the flood to guess at (before the server starts)."""
    password = {"DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(24)}
    user = [f"--username={USERNAME}", f"--email={USERNAME}@example.com"]
    run({**env, **password}, "manage.py", "createsuperuser", "--no-input", *user)


def csrf_pair(port: int) -> tuple[str, str]:
    """The csrftoken cookie and the form's token from a GET of the sign-in page."""
    status, headers, body = get(port, "/admin/login/")
    cookie = re.search(r"csrftoken=([^;,\s]+)", headers.get("Set-Cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not cookie or not token:
        raise RuntimeError(f"/admin/login/ gave no CSRF cookie and token ({status})")
    return cookie.group(1), token.group(1).decode()


def label(status: int, body: bytes) -> str:
    if status == 429 and LOCKED_TEXT.encode() in body:
        return "429_locked"
    if status == 429 and THROTTLED_TEXT.encode() in body:
        return "429_throttled"
    return str(status)


def send(conn: http.client.HTTPConnection, attack: dict, path: str) -> str:
    """One request of ``attack``; its status, labelled."""
    conn.request(attack["method"], path, body=attack["body"], headers=attack["headers"])
    response = conn.getresponse()
    return label(response.status, response.read())


# Attackers: what each sends


def login_flood(port: int, cookie: str, token: str) -> dict:
    body = urlencode(
        {
            "username": USERNAME,
            "password": "wrong-" + secrets.token_hex(4),
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    )
    return {
        "port": port,
        "method": "POST",
        "path": "/admin/login/",
        "body": body,
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
        "random_param": False,
        "connections": FLOOD_CONNECTIONS,
    }


def lock_out(attack: dict) -> dict:
    """The flood's POSTs one at a time until the first 429. The few that reach the
    password hasher, until django-axes locks the username at this address (for
    AXES_COOLOFF_TIME), are paid before the clock starts: the measured figure is
    the flood as it goes on, the same whatever ``--duration``."""
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for _ in range(LOCK_OUT_TRIES):
        conn = http.client.HTTPConnection("127.0.0.1", attack["port"], timeout=30)
        try:
            key = send(conn, attack, attack["path"])
        finally:
            conn.close()
        statuses[key] = statuses.get(key, 0) + 1
        if not key.startswith("200"):
            break
    return {
        "requests": sum(statuses.values()),
        "seconds": time.perf_counter() - started,
        "statuses": dict(sorted(statuses.items())),
    }


def random_param(port: int, path: str, headers: dict[str, str]) -> dict:
    return {
        "port": port,
        "method": "GET",
        "path": path,
        "body": None,
        "headers": dict(headers),
        "random_param": True,
        "connections": RANDOM_CONNECTIONS,
    }


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(attack: dict) -> str:
    settings = {
        "PATH": lua_string(attack["path"]),
        "METHOD": lua_string(attack["method"]),
        "BODY": lua_string(attack["body"]) if attack["body"] else "nil",
        "RANDOM": "true" if attack["random_param"] else "false",
        "LOCKED": lua_string(LOCKED_TEXT),
        "THROTTLED": lua_string(THROTTLED_TEXT),
    }
    head = "".join(f"local {name} = {value}\n" for name, value in settings.items())
    return head + LUA.read_text()


class WrkAttacker:
    """wrk with a Lua script, stopped with SIGINT (wrk then reports as usual)."""

    def __init__(self, attack: dict, workdir: Path, name: str):
        self.attack = attack
        self.script = workdir / f"attack-{name}.lua"
        self.script.write_text(lua_script(attack))
        self.process: subprocess.Popen | None = None

    def start(self, seconds: float) -> None:
        connections = self.attack["connections"]
        command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}"]
        command += [f"-d{seconds + 30:g}s", "--timeout", "5s", "-s", str(self.script)]
        for name, value in self.attack["headers"].items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://127.0.0.1:{self.attack['port']}{self.attack['path']}")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
        if not found:
            raise RuntimeError(f"unexpected wrk output:\n{out}{err}")
        seconds = loadgen.duration_ms(found.group(2) + found.group(3)) / 1000
        statuses: dict[str, int] = {}
        for key, count in re.findall(r"^status (\S+) (\d+)$", out, re.M):
            statuses[key] = statuses.get(key, 0) + int(count)
        errors = re.search(r"Socket errors: (.*)$", out, re.M)
        return {
            "requests": int(found.group(1)),
            "seconds": seconds,
            "statuses": statuses,
            "socket_errors": errors.group(1) if errors else "",
        }


class ThreadAttacker:
    """The fallback without wrk: one thread per connection, http.client."""

    def __init__(self, attack: dict, workdir: Path, name: str):
        self.attack = attack
        self.stopping = threading.Event()
        self.statuses: dict[str, int] = {}
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.loop, args=(n,))
            for n in range(attack["connections"])
        ]

    def one(self, conn: http.client.HTTPConnection, n: int, sent: int) -> str:
        path = self.attack["path"]
        if self.attack["random_param"]:
            path += f"?r={n}-{sent}-{secrets.token_hex(6)}"
        return send(conn, self.attack, path)

    def loop(self, n: int) -> None:
        conn, sent = None, 0
        while not self.stopping.is_set():
            sent += 1
            try:
                conn = conn or http.client.HTTPConnection(
                    "127.0.0.1", self.attack["port"], timeout=5
                )
                key = self.one(conn, n, sent)
            except (OSError, http.client.HTTPException):
                key, conn = "socket_error", conn.close() if conn else None
            with self.lock:
                self.statuses[key] = self.statuses.get(key, 0) + 1
        if conn is not None:
            conn.close()

    def start(self, seconds: float) -> None:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()

    def stop(self) -> dict:
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        return {
            "requests": sum(self.statuses.values()),
            "seconds": time.perf_counter() - self.started,
            "statuses": dict(self.statuses),
            "socket_errors": "",
        }


# The measurement


def attacked_slice(measured: dict, attack: dict, name: str, workdir: Path):
    """One slice of the page measured while ``attack`` runs beside it."""
    kind = WrkAttacker if loadgen.have_wrk() else ThreadAttacker
    attacker = kind(attack, workdir, name)
    attacker.start(measured["seconds"])
    try:
        time.sleep(RAMP_SECONDS)
        load = loadgen.run(**measured)
    finally:
        report = attacker.stop()
    return load, report


def attacker_totals(reports: list[dict]) -> dict:
    statuses: dict[str, int] = {}
    for report in reports:
        for key, count in report["statuses"].items():
            statuses[key] = statuses.get(key, 0) + count
    requests = sum(report["requests"] for report in reports)
    seconds = sum(report["seconds"] for report in reports)
    errors = [report["socket_errors"] for report in reports if report["socket_errors"]]
    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "socket_errors": errors,
    }


def measure(page: tuple[str, dict], args, workdir: Path, slice_seconds: float):
    """The page (path, headers) quiet and under each attack, in alternating slices
    of about ``slice_seconds``, each for ``args.duration`` in all."""
    (path, headers), port = page, args.port
    cookie, token = csrf_pair(port)
    attacks = {
        "login_flood": login_flood(port, cookie, token),
        "random_param": random_param(port, path, headers),
    }
    locking = lock_out(attacks["login_flood"])
    slices = max(1, round(args.duration / slice_seconds))
    measured = {
        "url": f"http://127.0.0.1:{port}{path}",
        "connections": args.connections,
        "seconds": args.duration / slices,
        "headers": headers,
    }
    loads: dict[str, list] = {"quiet": [], **{name: [] for name in attacks}}
    reports: dict[str, list] = {name: [] for name in attacks}
    for _ in range(slices):
        loads["quiet"].append(loadgen.run(**measured))
        for name, attack in attacks.items():
            load, report = attacked_slice(measured, attack, name, workdir)
            loads[name].append(load)
            reports[name].append(report)
    quiet = loadgen.combine(loads["quiet"], args.duration)
    figures = {"quiet": quiet, "lock_out": locking}
    for name in attacks:
        page = loadgen.combine(loads[name], args.duration)
        page["ratio"] = page["rps"] / quiet["rps"] if quiet["rps"] else 0.0
        figures[name] = page | {"attacker": attacker_totals(reports[name])}
    return figures


def statuses_text(statuses: dict[str, int]) -> str:
    return ", ".join(f"{key} {count}" for key, count in statuses.items()) or "-"


def show(page: str, figures: dict) -> None:
    quiet, locking = figures["quiet"], figures["lock_out"]
    log(
        f"  before the clock: {locking['requests']} wrong-password POSTs for "
        f"{USERNAME}, one at a time, until the first 429 "
        f"({locking['seconds']:.1f} s); status " + statuses_text(locking["statuses"])
    )
    log(
        f"  {page} quiet{'':17} {quiet['rps']:6.0f} req/s  "
        f"p99 {quiet['p99_ms']:5.1f} ms  errors {quiet['errors']}"
    )
    for name, title in ATTACKS.items():
        result = figures[name]
        ok = result["ratio"] >= TARGET and not result["errors"]
        log(
            f"  {page} under {title:16} {result['rps']:6.0f} req/s  "
            f"p99 {result['p99_ms']:5.1f} ms  errors {result['errors']}  "
            f"(quiet {quiet['rps']:.0f} req/s, x{result['ratio']:.2f}; "
            f"target x{TARGET})  " + ("meets target" if ok else "MISSES the target")
        )
        attacker = result["attacker"]
        what = "sign-in POSTs" if name == "login_flood" else "requests with ?r=<random>"
        connections = FLOOD_CONNECTIONS if name == "login_flood" else RANDOM_CONNECTIONS
        log(
            f"    attacker ({connections} connection{'s' * (connections > 1)}): "
            f"{attacker['requests']} {what}, {attacker['rps']:.0f}/s; status "
            + statuses_text(attacker["statuses"])
            + "".join(f"; socket errors {e}" for e in attacker["socket_errors"])
        )


def summary(kind: str, page: str, figures: dict) -> list[str]:
    lines = [f"{kind}.{page}.quiet_rps: {figures['quiet']['rps']:.0f}"]
    for name in ATTACKS:
        result = figures[name]
        lines += [
            f"{kind}.{page}.{name}_rps: {result['rps']:.0f}",
            f"{kind}.{page}.{name}_ratio: {result['ratio']:.2f}",
        ]
    locking = figures["lock_out"]
    lines += [
        f"{kind}.login_flood.lock_out_posts: {locking['requests']}",
        f"{kind}.login_flood.lock_out_s: {locking['seconds']:.2f}",
    ]
    lines += [
        f"{kind}.login_flood.lock_out_status_{key}: {count}"
        for key, count in locking["statuses"].items()
    ]
    for name in ATTACKS:
        attacker = figures[name]["attacker"]
        lines += [
            f"{kind}.{name}.attacker_requests: {attacker['requests']}",
            f"{kind}.{name}.attacker_rps: {attacker['rps']:.0f}",
        ]
        lines += [
            f"{kind}.{name}.attacker_status_{key}: {count}"
            for key, count in attacker["statuses"].items()
        ]
    return lines
