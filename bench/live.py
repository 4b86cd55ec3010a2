"""The live centre under a crowd (``make bench-live``): prints figures, never fails on
a target.

A throwaway PostgreSQL database with the 2023 Grand Tours, gunicorn with production
settings (Redis as the cache), and nginx in front with the repository's deploy file
(deploy/nginx/toursite.conf, bench/proxy.py). Then the finish of Tour 2023 stage 12 is
replayed (``manage.py replay_stage``) while fans poll, each on one keep-alive
connection, every 5 s as the pages do: the live panel and the stage's tables, with
their last ETag (bench/fans.py). Every ~10 s an editor posts a ticker entry
(bench/editor.py) and the benchmark times how long the fans take to get it.

Figures: the requests the fans got and their latency at the proxy; from nginx's
access log, the requests that reached Django and how many times each page variant was
rendered per data version (the goal: once); save-to-fan; errors; the CPU each part
used. Everything it starts or creates is removed at the end, also on Ctrl-C.

The last lines are ``name: value``, one per figure, to compare runs.
"""

import argparse
import asyncio
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import fans
import live_report
import processes
import proxy
import redis

RACE, YEAR, STAGE = "tour-de-france", 2023, 12
STAGE_PATH = f"/races/{RACE}/{YEAR}/stage-{STAGE}/"
REDIS_URL = "redis://127.0.0.1:6379/13"
# What the site needs from the live centre, and what to say when it is missing.
NEEDED = {
    "stages/management/commands/replay_stage.py": "manage.py replay_stage",
    "stages/services/live.py": "stages.services.live.ticker_post",
}
BROWSER = (("Accept-Encoding", "gzip, deflate, br"), ("Cache-Control", "max-age=0"))


def log(message: str = "") -> None:
    print(message, flush=True)


def targets(live: float, stage: float, gc: float) -> list[fans.Target]:
    poll = (("HX-Request", "true"), ("HX-Trigger", "table-poll"), *BROWSER)
    return [
        fans.Target(
            "live",
            STAGE_PATH + "live/",
            (("HX-Request", "true"), ("HX-Trigger", "live-poll"), *BROWSER),
            live,
            watch=True,
        ),
        fans.Target("stage", STAGE_PATH, poll, stage),
        fans.Target("gc", STAGE_PATH + "gc/", poll, gc),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# CPU time of the parts, from /proc


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU time of the machine, in ticks."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


@dataclass
class Parts:
    """The processes whose CPU time is reported."""

    nginx: int
    gunicorn: int

    def sample(self) -> dict[str, float]:
        busy, total = machine_ticks()
        return {
            "generator": time.process_time(),
            "nginx": cpu_seconds([self.nginx, *processes.worker_pids(self.nginx)]),
            "gunicorn": cpu_seconds(
                [self.gunicorn, *processes.worker_pids(self.gunicorn)]
            ),
            "machine_busy": busy,
            "machine_total": total,
        }


# The run


@dataclass
class Run:
    args: argparse.Namespace
    env: dict[str, str]
    workdir: Path
    watch: fans.Watch = field(default_factory=fans.Watch)
    stats: fans.Stats = field(default_factory=fans.Stats)
    replay_lines: list[tuple[float, str]] = field(default_factory=list)
    posts: list[tuple[str, float]] = field(default_factory=list)  # text, commit
    refused: list[str] = field(default_factory=list)
    children: list[asyncio.subprocess.Process] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    async def child(self, name: str, *args: str) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            processes.PYTHON,
            *args,
            cwd=processes.ROOT,
            env=self.env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=(self.workdir / f"{name}.log").open("w"),
            start_new_session=True,
        )
        self.children.append(process)
        return process

    async def stop_children(self) -> None:
        """The editor and the replay stopped (also on Ctrl-C), and waited for
        within the event loop, which owns their pipes."""
        for process in self.children:
            if process.returncode is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.children:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()

    def child_log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")[-2000:]


async def start_editor(run: Run) -> asyncio.subprocess.Process:
    editor = await run.child("editor", "bench/editor.py", RACE, str(YEAR), str(STAGE))
    ready = (await editor.stdout.readline()).decode().strip()
    if ready != "ready":
        raise RuntimeError(f"bench/editor.py: {ready!r}\n{run.child_log('editor')}")
    return editor


async def follow_replay(
    run: Run, replay: asyncio.subprocess.Process, live: asyncio.Event
) -> None:
    async for raw in replay.stdout:
        run.replay_lines.append((time.time(), raw.decode(errors="replace").rstrip()))
        live.set()
    await replay.wait()
    live.set()
    if replay.returncode != 0:
        raise RuntimeError(f"replay_stage failed:\n{run.child_log('replay')}")


async def post_every(
    run: Run, editor: asyncio.subprocess.Process, finished: asyncio.Event
) -> None:
    """A ticker post with a unique text about every ``--post-every`` seconds while
    the replay runs. The gaps vary by a quarter either way: nginx refreshes a live
    page on whole seconds, and posts at a fixed rhythm would all meet it at the
    same moment of its cycle."""
    number = 0
    while True:
        gap = run.args.post_every * random.uniform(0.75, 1.25)
        try:
            await asyncio.wait_for(finished.wait(), gap)
            return
        except TimeoutError:
            pass
        number += 1
        text = f"Bench flash {number} {secrets.token_hex(5)}"
        run.watch.add(text)  # before the post: a fan may get it before the answer
        editor.stdin.write(f"post {text}\n".encode())
        await editor.stdin.drain()
        answer = (await editor.stdout.readline()).decode().strip()
        if answer.startswith("posted "):
            run.posts.append((text, float(answer.split()[1])))
        else:
            run.refused.append(f"{text}: {answer or 'no answer'}")


async def crowd_during_replay(run: Run, port: int, parts: Parts) -> None:
    args = run.args
    share = targets(args.live_share, args.stage_share, args.gc_share)
    crowd = fans.crowd(share, args.fans, "127.0.0.1", port)
    run.figures["watchers"] = sum(1 for fan in crowd if fan.target.watch)
    run.figures["ceiling_rps"] = await fans.ceiling(share[2], "127.0.0.1", port, 3)
    editor = await start_editor(run)
    replay = await run.child(
        "replay", "manage.py", "replay_stage", RACE, str(YEAR), str(STAGE),
        "--speed", f"{args.speed:g}",
    )  # fmt: skip
    live, finished = asyncio.Event(), asyncio.Event()
    following = asyncio.create_task(follow_replay(run, replay, live))
    await live.wait()
    if replay.returncode not in (None, 0):
        await following  # raises with the replay's output
    stop = fans.Stop()
    before, started = parts.sample(), time.time()
    polling = asyncio.create_task(
        fans.poll_all(crowd, args.interval, stop, run.stats, run.watch)
    )
    posting = asyncio.create_task(post_every(run, editor, finished))
    await following
    finished.set()
    run.figures["replay_s"] = time.time() - run.replay_lines[0][0]
    # One more poll for everyone after the last write, then stop.
    stop.at = asyncio.get_running_loop().time() + args.interval + 1
    await posting
    run.figures["elapsed_s"] = await polling
    after, ended = parts.sample(), time.time()
    run.figures |= {"window": (started, ended), "cpu": (before, after)}
    editor.stdin.write(b"quit\n")
    await editor.stdin.drain()
    await editor.wait()


def prepare(run: Run) -> None:
    started = time.perf_counter()
    for command in (
        ("manage.py", "migrate", "--no-input", "-v0"),
        ("manage.py", "load_demo"),
        ("manage.py", "collectstatic", "--no-input", "-v0"),
    ):
        processes.run(run.env, *command)
    log(f"  database and static files ready in {time.perf_counter() - started:.1f} s")


def keep_logs(run: Run, nginx: proxy.Proxy, folder: Path) -> None:
    """nginx's, gunicorn's, the editor's and the replay's logs, copied to
    ``folder`` before the run's temporary folders go."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*nginx.folder.glob("*.log"), *run.workdir.glob("*.log")]:
        shutil.copy(path, folder / path.name)
    log(f"  logs kept in {folder}")


def serve_and_measure(run: Run) -> None:
    args = run.args
    app_port, proxy_port = free_port(), free_port()
    with (
        processes.server(run.env, app_port, run.workdir) as gunicorn,
        proxy.running(proxy_port, app_port) as nginx,
    ):
        log(f"  gunicorn on :{app_port}, nginx on :{proxy_port}")
        log(
            f"  replaying {RACE} {YEAR} stage {STAGE} at x{args.speed:g}, "
            f"{args.fans} fans polling every {args.interval:g} s"
        )
        parts = Parts(nginx=nginx.process.pid, gunicorn=gunicorn.pid)

        async def session() -> None:
            try:
                await crowd_during_replay(run, proxy_port, parts)
            finally:
                await run.stop_children()

        try:
            asyncio.run(session())
        finally:
            if args.logs:
                keep_logs(run, nginx, Path(args.logs))
        started, ended = run.figures["window"]
        run.figures["hits"] = proxy.read_log(nginx.access_log, started, ended)
        run.figures["all_hits"] = proxy.read_log(nginx.access_log)
        if errors := nginx.errors().strip():
            log("  nginx error log (tail):\n" + errors[-1500:])
    access = run.workdir / "gunicorn-access.log"
    run.figures["gunicorn_requests"] = len(access.read_text().splitlines())


def enough_files(fans_count: int) -> None:
    """Room for a connection per fan (here and in nginx, which inherits it): the
    soft limit on open files raised as far as the hard one allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = fans_count + 200
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < needed:
            log(f"  only {target} open files allowed: expect errors past that")


def missing() -> list[str]:
    return [
        f"{what} ({path} is missing)"
        for path, what in NEEDED.items()
        if not (processes.ROOT / path).exists()
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fans", type=int, default=2000, help="a connection each (at most 8,000)"
    )
    parser.add_argument("--interval", type=float, default=5.0, help="poll, seconds")
    parser.add_argument(
        "--speed", type=float, default=30.0, help="replay speed (x30: about 75 s)"
    )
    parser.add_argument(
        "--post-every", type=float, default=10.0, help="ticker posts, seconds"
    )
    parser.add_argument("--live-share", type=float, default=2.0)
    parser.add_argument("--stage-share", type=float, default=1.0)
    parser.add_argument("--gc-share", type=float, default=1.0)
    parser.add_argument("--workers", type=int, help="gunicorn workers")
    parser.add_argument("--redis", default=REDIS_URL, help=f"default {REDIS_URL}")
    parser.add_argument("--logs", metavar="DIR", help="keep the logs in DIR")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    # SIGTERM (e.g. from CI) unwinds like Ctrl-C, so every cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = processes.machine()
    info["load_tool"] = "bench/fans.py (asyncio, a keep-alive connection per fan)"
    log("toursite live benchmark: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    if lacking := missing():
        log("  cannot run: the live centre lacks " + "; ".join(lacking))
        return 2
    if not processes.postgres_reachable():
        log("  cannot run: no PostgreSQL server on 127.0.0.1:5432")
        return 2
    enough_files(args.fans)
    redis.Redis.from_url(args.redis).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="toursite-bench-live-"))
    try:
        env = processes.production_env(workdir, args.redis, args.workers)
        env |= {
            "DJANGO_PROXY_COUNT": "1",
            "TOURSITE_RELEASE": f"bench-live-{os.getpid()}",
            "GUNICORN_ACCESS_LOG": str(workdir / "gunicorn-access.log"),
        }
        run = Run(args, env, workdir)
        with processes.database("postgres", workdir) as url:
            run.env["DATABASE_URL"] = url
            prepare(run)
            serve_and_measure(run)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    lines = live_report.figures(run, info)
    log("\n== figures ==")
    for line in lines:
        log(line)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("\n  interrupted: everything it started is stopped and removed")
        sys.exit(130)
