"""toursite benchmark (``make bench``): prints figures, never fails on a target.

For each database (a throwaway SQLite file, and a throwaway PostgreSQL database when
a server answers on 127.0.0.1): import the 2023 Tour, time the standings recompute
and the data-version query every public page runs (the driver fast path against
Django's cursor and the ORM), start gunicorn with production settings (Redis as the
cache when one answers on 127.0.0.1, see ``--redis``) and measure each page's
requests/s and p99 under load against a bare Django view, every request asking for
compression, then the stage page quiet, under a sign-in flood and under random query
parameters (bench/attacks.py, ``--skip-attacks``).
Then the first-load transfer size of the stage page. Everything it creates (server,
databases, files) is removed at the end, also on failure or Ctrl-C.

The last lines are ``name: value``, one per figure, to compare runs.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import attacks
import brotli
import loadgen
from processes import (
    choose_redis,
    database,
    get,
    machine,
    postgres_reachable,
    production_env,
    run,
    server,
)

TOUR = "tour-de-france/2023"

# Every request asks for compression, as browsers do.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
# name, path, request headers, target ratio to the baseline (None: the baseline)
PAGES = [
    ("healthz", "/healthz", BROWSER, None),
    ("stage12", f"/races/{TOUR}/stage-12/", BROWSER, 0.8),
    (
        "gc_fragment",
        f"/races/{TOUR}/stage-12/gc/",
        {**BROWSER, "HX-Request": "true"},
        0.8,
    ),
    ("rider", "/riders/{rider_slug}/", BROWSER, 0.5),
    ("edition", f"/races/{TOUR}/", BROWSER, 0.5),
]
P99_TARGET_MS = 50.0
# A page's p99 may be at most this many times the baseline's alongside it.
P99_BASELINE_FACTOR = 2.0
# The hot page, also measured under attack (bench/attacks.py).
HOT = "stage12"
# Pages and the baseline are measured in alternating slices of about this length.
SLICE_SECONDS = 2.0
RECOMPUTE_TARGETS = {"recompute_full_s": 0.5, "recompute_stage21_s": 0.1}
FIRST_LOAD_TARGET = 60 * 1024


def log(message: str = "") -> None:
    print(message, flush=True)


# Measurements


def show(name: str, figures: dict, target: float | None = None) -> None:
    verdict = ""
    if target is not None:
        ok = (
            figures["ratio"] >= target
            and figures["p99_ms"] <= P99_TARGET_MS
            and figures["p99_factor"] <= P99_BASELINE_FACTOR
            and not figures["errors"]
        )
        verdict = (
            f"x{figures['ratio']:.2f} of the baseline alongside "
            f"({figures['paired_rps']:.0f} req/s, p99 "
            f"{figures['paired_p99_ms']:.1f} ms; targets x{target}, p99 at most "
            f"{P99_TARGET_MS:.0f} ms and x{P99_BASELINE_FACTOR:g} the baseline's)  "
        ) + ("meets targets" if ok else "MISSES a target")
    log(
        f"  {name:12} {figures['rps']:7.0f} req/s  p50 {figures['p50_ms']:5.1f} ms  "
        f"p99 {figures['p99_ms']:5.1f} ms  errors {figures['errors']}  {verdict}"
    )


def measure_pages(port: int, facts: dict, args) -> dict[str, dict]:
    """Each page in slices alternating with the baseline, so that both see the
    same machine: other processes come and go on a shared machine."""
    (_, base_path, base_headers, _), *pages = PAGES
    base_url = f"http://127.0.0.1:{port}{base_path}"
    slices = max(1, round(args.duration / SLICE_SECONDS))
    slice_seconds = args.duration / slices
    results: dict[str, dict] = {}
    every_baseline: list[loadgen.Load] = []
    for name, path, headers, target in pages:
        path = path.format(**facts)
        status, _, body = get(port, path, headers)
        if status != 200:
            log(f"  {name:12} {path}: answers {status}, not measured")
            results[name] = {"status": status}
            continue
        url = f"http://127.0.0.1:{port}{path}"
        # Warm-up: every worker renders (and caches) once before the clock starts.
        for warm_url, warm_headers in ((base_url, base_headers), (url, headers)):
            loadgen.run(
                warm_url, connections=args.connections, seconds=1, headers=warm_headers
            )
        base, page = [], []
        for _ in range(slices):
            for runs, run_url, run_headers in (
                (base, base_url, base_headers),
                (page, url, headers),
            ):
                runs.append(
                    loadgen.run(
                        run_url,
                        connections=args.connections,
                        seconds=slice_seconds,
                        headers=run_headers,
                    )
                )
        every_baseline += base
        figures = loadgen.combine(page, args.duration)
        paired = loadgen.combine(base, args.duration)
        figures |= {"path": path, "target": target, "bytes": len(body)}
        figures |= {
            "ratio": figures["rps"] / paired["rps"],
            "paired_rps": paired["rps"],
            "paired_p99_ms": paired["p99_ms"],
            "p99_factor": figures["p99_ms"] / max(paired["p99_ms"], 0.001),
        }
        results[name] = figures
        show(name, figures, target)
    if every_baseline:
        results = {
            "healthz": loadgen.combine(
                every_baseline, slice_seconds * len(every_baseline)
            )
            | {"path": base_path, "ratio": 1.0, "target": None},
            **results,
        }
        show("healthz", results["healthz"])
    return results


ASSET = re.compile(
    r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"'
)


def decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    return body


def first_load(port: int) -> dict:
    """Bytes on the wire for a first visit to the stage page: HTML, CSS, JS."""
    accept = {"Accept-Encoding": "br, gzip"}
    path = f"/races/{TOUR}/stage-12/"
    status, headers, html = get(port, path, accept)
    if status != 200:
        return {"status": status}
    encoding = headers.get("Content-Encoding", "identity")
    items = [(path, encoding, len(html), headers.get("Cache-Control", ""))]
    text = decode(html, encoding).decode("utf-8", "replace")
    for url in ASSET.findall(text):
        if url.startswith(("http:", "https:", "//")):
            items.append((url, "other host!", 0, ""))
            continue
        status, headers, body = get(port, url, accept)
        items.append(
            (
                url,
                headers.get("Content-Encoding", "identity"),
                len(body),
                headers.get("Cache-Control", ""),
            )
        )
    for url, encoding, size, cache_control in items:
        log(f"  {size:7d} B  {encoding:8}  {url}  {cache_control}")
    total = sum(size for _, _, size, _ in items)
    log(f"  {total:7d} B  total (target {FIRST_LOAD_TARGET} B)")
    return {"bytes": total, "html_bytes": items[0][2]}


def bench_database(kind: str, base_env: dict, workdir: Path, args) -> dict:
    log(f"\n== {kind} ==")
    figures: dict = {}
    with database(kind, workdir) as url:
        env = {**base_env, "DATABASE_URL": url}
        started = time.perf_counter()
        run(env, "manage.py", "migrate", "--no-input", "-v0")
        run(env, "manage.py", "import_race", "races/tour-de-france-2023")
        if not args.skip_attacks:
            attacks.prepare(env)
        log(f"  database ready in {time.perf_counter() - started:.1f} s")
        facts = json.loads(run(env, "bench/probe.py").strip().splitlines()[-1])
        for name, target in RECOMPUTE_TARGETS.items():
            log(
                f"  {name:22} {facts[name]:.3f} s (target {target} s)"
                + ("" if facts[name] <= target else "  MISSES the target")
            )
        log(
            f"  full recompute: read inputs {facts['read_inputs_s']:.3f} s, "
            f"compute {facts['compute_s']:.3f} s, write {facts['write_full_s']:.3f} s"
        )
        log(
            "  data-version query: "
            + ", ".join(
                f"{way} {facts[f'version_query_{way}_us']:.1f} µs"
                for way in ("driver", "cursor", "orm")
            )
            + " (driver: the fast path; cursor: Django's cursor; orm: the ORM)"
        )
        figures["recompute"] = facts
        with server(env, args.port, workdir):
            figures["pages"] = measure_pages(args.port, facts, args)
            if not args.skip_attacks and "rps" in figures["pages"].get(HOT, {}):
                log(f"  {HOT} under attack:")
                headers = next(page[2] for page in PAGES if page[0] == HOT)
                hot = figures["pages"][HOT]["path"], headers
                figures["attacks"] = attacks.measure(hot, args, workdir, SLICE_SECONDS)
                attacks.show(HOT, figures["attacks"])
            if kind == "sqlite" or "first_load" not in args.done:
                log("  first load of the stage page (Accept-Encoding: br, gzip):")
                figures["first_load"] = first_load(args.port)
                args.done.add("first_load")
    return figures


def summary(info: dict, by_db: dict) -> list[str]:
    lines = [f"machine_{k}: {v}" for k, v in info.items()]
    for kind, figures in by_db.items():
        if "skipped" in figures:
            lines.append(f"{kind}: skipped ({figures['skipped']})")
            continue
        facts = figures["recompute"]
        for name in ("recompute_full_s", "recompute_stage21_s"):
            lines.append(f"{kind}.{name}: {facts[name]:.3f}")
        for way in ("driver", "cursor", "orm"):
            name = f"version_query_{way}_us"
            lines.append(f"{kind}.{name}: {facts[name]:.1f}")
        for page, result in figures["pages"].items():
            if "rps" not in result:
                lines.append(f"{kind}.{page}: unavailable (HTTP {result['status']})")
                continue
            lines += [
                f"{kind}.{page}.rps: {result['rps']:.0f}",
                f"{kind}.{page}.p50_ms: {result['p50_ms']:.1f}",
                f"{kind}.{page}.p99_ms: {result['p99_ms']:.1f}",
                f"{kind}.{page}.errors: {result['errors']}",
            ]
            if result["ratio"] is not None and page != "healthz":
                lines.append(f"{kind}.{page}.ratio: {result['ratio']:.2f}")
                lines.append(
                    f"{kind}.{page}.p99_vs_baseline: {result['p99_factor']:.2f}"
                )
        if "attacks" in figures:
            lines += attacks.summary(kind, HOT, figures["attacks"])
        if "bytes" in figures.get("first_load", {}):
            lines.append(f"first_load_bytes: {figures['first_load']['bytes']}")
    return lines


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765))
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="the Redis to use as the cache, or 'none' for the memory cache "
        "(default: BENCH_REDIS_URL, else a Redis answering on 127.0.0.1:6379)",
    )
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)"
    )
    parser.add_argument(
        "--skip-attacks",
        action="store_true",
        help="skip the hot page under a sign-in flood and random parameters",
    )
    args = parser.parse_args()
    args.done = set()
    return args


def main() -> int:
    args = arguments()

    # SIGTERM (e.g. from CI) unwinds like Ctrl-C, so every cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    info = machine()
    log("toursite benchmark: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    workdir = Path(tempfile.mkdtemp(prefix="toursite-bench-"))
    args.redis = choose_redis(args.redis)
    log(f"cache: {args.redis or 'memory of each worker (no Redis)'}")
    base_env = production_env(workdir, args.redis, args.workers)
    by_db: dict[str, dict] = {}
    try:
        run(base_env, "manage.py", "collectstatic", "--no-input", "-v0")
        for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
            if kind == "postgresql" and not postgres_reachable():
                log("\n== postgresql ==\n  skipped: no server on 127.0.0.1:5432")
                by_db[kind] = {"skipped": "no PostgreSQL server on 127.0.0.1:5432"}
                continue
            by_db[kind] = bench_database(kind, base_env, workdir, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log("\n== figures ==")
    log(f"cache: {'redis' if args.redis else 'memory'}")
    for line in summary(info, by_db):
        log(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
