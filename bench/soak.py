"""toursite soak test (``make soak``): a steady load for ten minutes, and whether the
workers hold up: their memory, the p99 minute by minute, and errors.

On a throwaway PostgreSQL database (SQLite when no server answers on 127.0.0.1) with
the 2023 Tour, gunicorn runs with production settings (gunicorn.conf.py's defaults,
debug off, Redis as the cache when one answers, see ``--redis``). After a warm-up,
``--connections`` clients ask in turn for the hot pages of a stage finish: the stage 12
page, its GC fragment as htmx asks for it, the edition page and a rider page, every
request asking for compression. Each worker's memory (VmRSS of gunicorn's worker
processes, from /proc) is printed at the start, after every minute and at the end.

Verdicts: each worker's memory at the end within 10 % of the start, every minute's p99
within 1.5 times the median minute's (plus a millisecond for timer noise), no errors,
no worker replaced. A worker whose memory grows has a leak to find: workers are not
recycled by request count (gunicorn.conf.py). Everything it creates is removed at the
end, also on failure or Ctrl-C. The last lines are ``name: value`` figures.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

import loadgen
from processes import (
    choose_redis,
    database,
    get,
    machine,
    memory_kib,
    postgres_reachable,
    production_env,
    run,
    server,
    worker_pids,
)

TOUR = "tour-de-france/2023"
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
# name, path, request headers
HOT_PAGES = [
    ("stage12", f"/races/{TOUR}/stage-12/", BROWSER),
    ("gc_fragment", f"/races/{TOUR}/stage-12/gc/", {**BROWSER, "HX-Request": "true"}),
    ("edition", f"/races/{TOUR}/", BROWSER),
    ("rider", "/riders/{rider_slug}/", BROWSER),
]
MEMORY_GROWTH_LIMIT = 0.10
P99_SPREAD_LIMIT = 1.5
P99_NOISE_MS = 1.0


def log(message: str = "") -> None:
    print(message, flush=True)


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def memory(master: int) -> dict[int, dict[str, int]]:
    """VmRSS and RssAnon (KiB) of each of gunicorn's workers, by process id."""
    return {pid: found for pid in worker_pids(master) if (found := memory_kib(pid))}


def show_memory(label: str, master: int) -> dict[int, dict[str, int]]:
    workers = memory(master)
    log(
        f"  memory {label}: "
        + ", ".join(
            f"{pid} {mib(m['VmRSS'])} MiB (anon {mib(m.get('RssAnon', 0))})"
            for pid, m in workers.items()
        )
        + f"; master {mib(memory_kib(master).get('VmRSS', 0))} MiB"
    )
    return workers


def hot_requests(port: int, facts: dict) -> list[loadgen.Request]:
    """The hot pages, each checked to answer 200 first."""
    requests = []
    for name, path, headers in HOT_PAGES:
        path = path.format(**facts)
        status, _, body = get(port, path, headers)
        if status != 200:
            raise RuntimeError(f"{name} {path} answers {status}")
        log(f"  {name:12} {path}  {len(body)} B")
        requests.append((path, headers))
    return requests


def soak(port: int, master: int, requests: list, args) -> dict:
    """The warm-up, then one load run per minute; memory before and after."""
    base_url = f"http://127.0.0.1:{port}"
    load = {"connections": args.connections}
    log(f"  warm-up: {args.warmup:g} s")
    loadgen.run_mix(base_url, requests, seconds=args.warmup, **load)
    start = show_memory("at the start", master)
    minutes: list[loadgen.Load] = []
    for minute in range(1, args.minutes + 1):
        result = loadgen.run_mix(base_url, requests, seconds=args.minute, **load)
        minutes.append(result)
        now = memory(master)
        log(
            f"  minute {minute:2}: {result.rps:6.0f} req/s  p50 {result.p50_ms:6.1f} ms"
            f"  p99 {result.p99_ms:6.1f} ms  errors {result.errors}  RSS "
            + " ".join(mib(m["VmRSS"]) for m in now.values())
            + " MiB"
        )
    end = show_memory("at the end", master)
    return {"start": start, "end": end, "minutes": minutes}


def verdicts(result: dict) -> tuple[list[str], dict]:
    """The verdict lines and the figures behind them."""
    start, end, minutes = result["start"], result["end"], result["minutes"]
    kept = [pid for pid in start if pid in end]
    growth = {
        pid: end[pid]["VmRSS"] / start[pid]["VmRSS"] - 1 for pid in kept if start[pid]
    }
    worst = max(growth.values(), default=0.0)
    p99s = [load.p99_ms for load in minutes]
    median = statistics.median(p99s)
    p99_limit = median * P99_SPREAD_LIMIT + P99_NOISE_MS
    errors = sum(load.errors for load in minutes)
    replaced = len(set(start) - set(end))
    lines = [
        ("memory flat" if worst <= MEMORY_GROWTH_LIMIT else "memory GROWS")
        + f": largest growth {worst:+.1%} over {len(kept)} workers "
        f"(limit {MEMORY_GROWTH_LIMIT:.0%})",
        ("p99 per minute flat" if max(p99s) <= p99_limit else "p99 NOT flat")
        + f": {min(p99s):.1f} to {max(p99s):.1f} ms, median {median:.1f} ms "
        f"(limit {p99_limit:.1f} ms)",
        ("no errors" if not errors else "ERRORS") + f": {errors}",
        ("no worker replaced" if not replaced else "workers REPLACED")
        + f": {replaced} of {len(start)}",
    ]
    figures = {
        "worst_growth": worst,
        "p99s": p99s,
        "errors": errors,
        "replaced": replaced,
        "ok": worst <= MEMORY_GROWTH_LIMIT
        and max(p99s) <= p99_limit
        and not errors
        and not replaced,
    }
    return lines, figures


def summary(info: dict, kind: str, result: dict, figures: dict, args) -> list[str]:
    minutes = result["minutes"]
    requests = sum(load.requests for load in minutes)
    start, end = result["start"], result["end"]
    lines = [f"machine_{k}: {v}" for k, v in info.items()]
    lines += [
        f"soak.database: {kind}",
        f"soak.cache: {'redis' if args.redis else 'memory'}",
        f"soak.workers: {len(start)}",
        f"soak.connections: {args.connections}",
        f"soak.minutes: {len(minutes)}",
        f"soak.requests: {requests}",
        f"soak.rps: {requests / (args.minute * len(minutes)):.0f}",
    ]
    p99s = figures["p99s"]
    lines += [f"soak.p99_ms.minute{n}: {p:.1f}" for n, p in enumerate(p99s, 1)]
    lines += [
        f"soak.p99_ms.median: {statistics.median(figures['p99s']):.1f}",
        f"soak.p99_ms.max: {max(figures['p99s']):.1f}",
        f"soak.errors: {figures['errors']}",
        "soak.rss_mib.start: " + " ".join(mib(m["VmRSS"]) for m in start.values()),
        "soak.rss_mib.end: " + " ".join(mib(m["VmRSS"]) for m in end.values()),
        f"soak.rss_growth_pct.max: {figures['worst_growth'] * 100:.1f}",
        f"soak.workers_replaced: {figures['replaced']}",
        f"soak.verdict: {'holds' if figures['ok'] else 'FAILS'}",
    ]
    return lines


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument(
        "--minute", type=float, default=60.0, help=argparse.SUPPRESS
    )  # seconds in a "minute": shorter only to try this script out
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8766))
    )
    parser.add_argument(
        "--database",
        choices=("postgresql", "sqlite"),
        help="default: postgresql when a server answers on 127.0.0.1, else sqlite",
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
    args = parser.parse_args()
    args.database = args.database or (
        "postgresql" if postgres_reachable() else "sqlite"
    )
    args.redis = choose_redis(args.redis)
    return args


def main() -> int:
    args = arguments()
    # SIGTERM (e.g. from CI) unwinds like Ctrl-C, so every cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = machine()
    log("toursite soak: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    log(
        f"  {args.minutes} min at {args.connections} connections on {args.database}, "
        f"cache {'redis' if args.redis else 'memory'}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="toursite-soak-"))
    env = production_env(workdir, args.redis, args.workers)
    try:
        run(env, "manage.py", "collectstatic", "--no-input", "-v0")
        with database(args.database, workdir) as url:
            env["DATABASE_URL"] = url
            run(env, "manage.py", "migrate", "--no-input", "-v0")
            run(env, "manage.py", "import_race", "races/tour-de-france-2023")
            probe = run({**env, "BENCH_RECOMPUTE_RUNS": "1"}, "bench/probe.py")
            facts = json.loads(probe.strip().splitlines()[-1])
            with server(env, args.port, workdir) as process:
                requests = hot_requests(args.port, facts)
                result = soak(args.port, process.pid, requests, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    lines, figures = verdicts(result)
    log("\n== verdicts ==")
    for line in lines:
        log(line)
    log("\n== figures ==")
    for line in summary(info, args.database, result, figures, args):
        log(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
