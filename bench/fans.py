"""Fans polling the live centre, for ``make bench-live``: asyncio, one keep-alive
connection per fan, each fan polling one URL at a fixed interval (htmx's ``every 5s``)
as a browser does: ``If-None-Match`` with the last ETag it got, ``Accept-Encoding``
and ``Cache-Control: max-age=0``. Fans of a watched URL look for texts in the bodies
they get (the editor's ticker posts), to time save-to-fan.
"""

import asyncio
import gzip
import random
import statistics
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import brotli

TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    """A URL the fans poll, with the headers of that poll."""

    name: str
    path: str
    headers: tuple[tuple[str, str], ...]
    share: float  # of the fans
    watch: bool = False  # look for the editor's texts in its bodies


@dataclass
class Watch:
    """Texts posted by the editor and when each fan of a watched URL first got one
    (wall-clock times, comparable with the editor's commit times)."""

    texts: list[bytes] = field(default_factory=list)
    seen: dict[bytes, list[float]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.texts.append(text.encode())
        self.seen[text.encode()] = []


@dataclass
class Stop:
    """When the fans stop (event-loop time): set once the replay has ended."""

    at: float = float("inf")


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms
    statuses: Counter = field(default_factory=Counter)  # (target, status)
    errors: Counter = field(default_factory=Counter)  # kind of error
    late: int = 0  # polls sent more than a second after their time
    bytes: int = 0

    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def request_bytes(target: Target, host: str, etag: str | None) -> bytes:
    lines = [f"GET {target.path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in target.headers]
    if etag:
        lines.append(f"If-None-Match: {etag}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict, bytes]:
    """Status, headers (lower-case names) and body of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if status in (204, 304) or 100 <= status < 200:
        return status, headers, b""
    if "content-length" in headers:
        return status, headers, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # no trailers expected
        return status, headers, b"".join(chunks)
    return status, headers, await reader.read()  # until the server closes


def decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


class Fan:
    """One browser tab polling ``target`` every ``interval`` seconds."""

    def __init__(self, target: Target, host: str, port: int):
        self.target, self.host, self.port = target, host, port
        self.etag: str | None = None
        self.seen: set[bytes] = set()
        self.reader = self.writer = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def poll(self) -> tuple[int, dict, bytes]:
        """One request; on a kept-alive connection the server closed meanwhile, again
        on a new one (as browsers do)."""
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port
                )
            try:
                self.writer.write(request_bytes(self.target, self.host, self.etag))
                await self.writer.drain()
                return await read_response(self.reader)
            except (ConnectionResetError, asyncio.IncompleteReadError) as exc:
                self.close()
                if not reused or attempt == 2 or getattr(exc, "partial", b""):
                    raise
        raise AssertionError("unreachable")

    def got(self, status: int, headers: dict, body: bytes, watch: Watch) -> None:
        if status == 200:
            self.etag = headers.get("etag", self.etag)
            if self.target.watch and len(self.seen) < len(watch.texts):
                text = decoded(body, headers.get("content-encoding", ""))
                now = time.time()
                for wanted in watch.texts:
                    if wanted not in self.seen and wanted in text:
                        self.seen.add(wanted)
                        watch.seen[wanted].append(now)
        if headers.get("connection", "").lower() == "close":
            self.close()

    async def run(self, first: float, interval: float, stop: Stop, stats, watch):
        loop = asyncio.get_running_loop()
        due = first
        latencies = stats.latencies.setdefault(self.target.name, [])
        while due < stop.at:
            await asyncio.sleep(max(0.0, due - loop.time()))
            if due >= stop.at:
                break
            if loop.time() - due > 1.0:
                stats.late += 1
            started = time.perf_counter()
            try:
                async with asyncio.timeout(TIMEOUT):
                    status, headers, body = await self.poll()
            except (OSError, EOFError, ValueError, TimeoutError) as exc:
                stats.errors[type(exc).__name__] += 1
                self.close()
            else:
                latencies.append((time.perf_counter() - started) * 1000)
                stats.statuses[(self.target.name, status)] += 1
                stats.bytes += len(body)
                if status not in (200, 304):
                    stats.errors[f"HTTP {status}"] += 1
                self.got(status, headers, body, watch)
            due += interval
        self.close()


def crowd(targets: list[Target], fans: int, host: str, port: int) -> list[Fan]:
    """``fans`` fans shared out over the targets by their share."""
    total = sum(t.share for t in targets)
    made: list[Fan] = []
    for n, target in enumerate(targets):
        count = (
            fans - len(made)
            if n == len(targets) - 1
            else round(fans * target.share / total)
        )
        made += [Fan(target, host, port) for _ in range(count)]
    return made


async def poll_all(
    fans: list[Fan], interval: float, stop: Stop, stats: Stats, watch: Watch
) -> float:
    """Every fan polls until ``stop``, starting at a random moment of its first
    interval (so the crowd is spread evenly); returns the elapsed time."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        fan.run(start + random.uniform(0, interval), interval, stop, stats, watch)
        for fan in fans
    ]
    await asyncio.gather(*tasks)
    return loop.time() - start


async def ceiling(target: Target, host: str, port: int, seconds: float) -> float:
    """What this generator sustains flat out, closed loop on 32 connections, on one
    URL the proxy answers from its cache (requests per second)."""
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    done = [0]

    async def hammer() -> None:
        fan = Fan(target, host, port)
        while loop.time() < until:
            try:
                async with asyncio.timeout(TIMEOUT):
                    await fan.poll()
                done[0] += 1
            except (OSError, EOFError, ValueError, TimeoutError):
                fan.close()
        fan.close()

    start = loop.time()
    await asyncio.gather(*(hammer() for _ in range(32)))
    return done[0] / (loop.time() - start)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def latency_summary(stats: Stats) -> dict[str, dict[str, float]]:
    every = [x for values in stats.latencies.values() for x in values]
    rows = {"all": every, **stats.latencies}
    return {
        name: {
            "requests": len(values),
            "p50_ms": statistics.median(values) if values else float("nan"),
            "p99_ms": percentile(values, 0.99),
        }
        for name, values in rows.items()
    }
