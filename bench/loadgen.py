"""Load generation for the benchmark: wrk when installed, else a Python fallback."""

import http.client
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# One request of a mix: a path and its headers.
Request = tuple[str, dict[str, str]]


@dataclass
class Load:
    """What one load run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors
    tool: str


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def duration_ms(text: str) -> float:
    """A duration as wrk prints it (``850.3us``, ``1.2ms``, ``2s``) in ms."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    """Figures from ``wrk --latency`` output."""
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.M))
    if not {"50", "99"} <= percentiles.keys():
        raise ValueError(f"unexpected wrk output:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = 0
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(found.group(1))
    return Load(
        rps=rps,
        p50_ms=duration_ms(percentiles["50"]),
        p99_ms=duration_ms(percentiles["99"]),
        requests=requests,
        errors=errors,
        tool="wrk",
    )


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str],
    script: str | None = None,
) -> Load:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    command += ["--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    done = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds * 3 + 10,
    )
    return parse_wrk(done.stdout)


def _lua(text: str) -> str:
    """A Lua string literal (JSON's escapes are Lua's for printable ASCII)."""
    return json.dumps(text, ensure_ascii=True)


def mix_script(requests: list[Request]) -> str:
    """A wrk script sending ``requests`` in turn on each of its threads (made in
    ``init``, once wrk knows the Host header)."""
    lines = ["local requests = {}", "init = function(args)"]
    for path, headers in requests:
        fields = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items())
        lines.append(
            f"  requests[#requests + 1] = wrk.format('GET', {_lua(path)}, {{{fields}}})"
        )
    lines += [
        "end",
        "local n = 0",
        "request = function()",
        "  n = n % #requests + 1",
        "  return requests[n]",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_python(
    url: str, *, connections: int, seconds: float, headers: dict[str, str]
) -> Load:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return _run_python(url, [(path, headers)], connections, seconds)


def _run_python(
    url: str, requests: list[Request], connections: int, seconds: float
) -> Load:
    """A thread per connection with http.client, each sending ``requests`` in turn;
    the GIL makes it the slower generator, so its figures understate the server
    (reported as such)."""
    parts = urlsplit(url)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = None
        turn = n
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            path, headers = requests[turn % len(requests)]
            turn += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        parts.hostname, parts.port, timeout=5
                    )
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if not 200 <= response.status < 400:
                    errors[n] += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                if conn is not None:
                    conn.close()
                conn = None
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for per in latencies for x in per)
    if not every:
        return Load(0.0, 0.0, 0.0, 0, sum(errors), "python")
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    return Load(
        rps=len(every) / elapsed,
        p50_ms=statistics.median(every),
        p99_ms=p99,
        requests=len(every),
        errors=sum(errors),
        tool="python",
    )


def combine(loads: list[Load], seconds: float) -> dict:
    """One figure from several slices: total throughput, median slice latencies."""
    return {
        "rps": sum(load.requests for load in loads) / seconds,
        "p50_ms": statistics.median(load.p50_ms for load in loads),
        "p99_ms": statistics.median(load.p99_ms for load in loads),
        "errors": sum(load.errors for load in loads),
        "requests": sum(load.requests for load in loads),
    }


def run(url: str, *, connections: int, seconds: float, headers: dict[str, str]):
    runner = run_wrk if have_wrk() else run_python
    return runner(url, connections=connections, seconds=seconds, headers=headers)


def run_mix(
    base_url: str, requests: list[Request], *, connections: int, seconds: float
) -> Load:
    """Load on several pages at once: each connection sends ``requests`` (paths
    under ``base_url`` with their headers) in turn."""
    if not have_wrk():
        return _run_python(base_url, requests, connections, seconds)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(mix_script(requests))
        script.flush()
        return run_wrk(
            base_url,
            connections=connections,
            seconds=seconds,
            headers={},
            script=script.name,
        )
