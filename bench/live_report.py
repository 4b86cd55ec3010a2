"""The figures of ``make bench-live`` (bench/live.py): what the fans got, what reached
Django according to nginx's access log, save-to-fan, and the CPU each part used."""

import statistics
from collections import Counter

import fans
import proxy

# Goals (the report says whether each is met; the benchmark never fails on them).
RENDERS_GOAL = 1  # renders per page variant per data version
ERRORS_GOAL = 0


def log(message: str = "") -> None:
    print(message, flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def django_figures(hits: list[proxy.Hit], all_hits: list[proxy.Hit]) -> dict:
    """Requests that reached Django in the window (background revalidations are
    logged on their own lines), how Django answered them, and renders per page
    variant per data version over the whole run."""
    upstream = [h for h in hits if h.upstream]
    # On a revalidation nginx logs the cached copy's headers: a 304 from Django
    # is told by the status, a render only by a 200 from Django.
    rendered = [h for h in upstream if h.upstream == "200" and h.page == "rendered"]
    renders = proxy.renders([h for h in all_hits if h.upstream == "200"])
    repeated = {key: n for key, n in renders.items() if n > RENDERS_GOAL}
    return {
        "requests": len(upstream),
        "rendered": len(rendered),
        "stored": sum(
            1 for h in upstream if h.upstream == "200" and h.page == "stored"
        ),
        "not_modified": sum(1 for h in upstream if h.upstream == "304"),
        "failed": sum(1 for h in upstream if h.upstream[:1] == "5"),
        "renders_max": max(renders.values(), default=0),
        "renders_pages": len(renders),
        "repeated": repeated,
        "cache": Counter(h.cache or "-" for h in hits),
        "all_upstream": sum(1 for h in all_hits if h.upstream),
    }


def save_to_fan(run) -> dict:
    """Per post: from its commit to the first fan that got it, and to the last of
    the fans of the watched page (each fan once)."""
    watchers = run.figures["watchers"]
    first, last, reached = [], [], []
    unseen = []
    for text, committed in run.posts:
        seen = run.watch.seen.get(text.encode(), [])
        if not seen:
            unseen.append(text)
            continue
        first.append(max(0.0, min(seen) - committed))
        last.append(max(0.0, max(seen) - committed))
        reached.append(len(seen) / watchers if watchers else 0.0)
    return {
        "first": first,
        "last": last,
        "reached_min": min(reached, default=0.0),
        "unseen": unseen,
    }


def cpu_figures(run) -> dict[str, float]:
    before, after = run.figures["cpu"]
    elapsed = run.figures["elapsed_s"]
    shares = {
        f"{part}_cpu_pct": 100 * (after[part] - before[part]) / elapsed
        for part in ("generator", "nginx", "gunicorn")
    }
    total = after["machine_total"] - before["machine_total"]
    busy = after["machine_busy"] - before["machine_busy"]
    shares["machine_busy_pct"] = 100 * busy / total if total else float("nan")
    return shares


def _show(run, latency, django, saved, cpu, errors) -> None:
    args, elapsed = run.args, run.figures["elapsed_s"]
    served = latency["all"]["requests"]
    log(f"\n  fans: {served} responses in {elapsed:.1f} s = {served / elapsed:.0f}/s")
    for name, row in latency.items():
        log(
            f"    {name:6} {row['requests']:7d}  p50 {row['p50_ms']:6.1f} ms"
            f"  p99 {row['p99_ms']:6.1f} ms"
        )
    statuses = ", ".join(
        f"{t} {s}: {n}" for (t, s), n in sorted(run.stats.statuses.items())
    )
    log(f"    statuses: {statuses}")
    log(f"    errors: {errors} {dict(run.stats.errors) or ''}")
    log(
        f"  generator: sent {served / elapsed:.0f} req/s "
        f"({args.fans / args.interval:.0f} planned), {run.stats.late} polls late by "
        f"over 1 s; flat out it makes {run.figures['ceiling_rps']:.0f} req/s "
        "(32 connections, a cached page, nginx on the same cores)"
    )
    log(
        f"  Django (nginx log): {django['requests']} requests "
        f"({django['requests'] / elapsed:.1f}/s): rendered {django['rendered']}, "
        f"stored {django['stored']}, 304 {django['not_modified']}, "
        f"5xx {django['failed']}"
    )
    log(f"    nginx cache statuses: {dict(django['cache'].most_common())}")
    log(
        f"    whole run: {django['all_upstream']} in nginx's log, "
        f"{run.figures['gunicorn_requests']} in gunicorn's"
    )
    verdict = "meets" if django["renders_max"] <= RENDERS_GOAL else "MISSES"
    log(
        f"  renders per page variant per data version: at most {django['renders_max']}"
        f" over {django['renders_pages']} (goal {RENDERS_GOAL}: {verdict} it)"
    )
    for (uri, hx, trigger, token), n in list(django["repeated"].items())[:8]:
        log(f"    {n}x {uri} hx={hx or '-'} trigger={trigger or '-'} data {token}")
    goal = args.interval + 1
    for name, values in (("first fan", saved["first"]), ("every fan", saved["last"])):
        if values:
            log(
                f"  save-to-fan ({name}): median {_median(values):.2f} s, "
                f"max {max(values):.2f} s over {len(values)} posts (goal <= {goal:g} s)"
            )
    if saved["first"]:
        log(
            f"    every post reached at least {saved['reached_min']:.0%} of the fans; "
            "the last of them up to one poll interval after the first. nginx "
            "counts a max-age in whole seconds: a copy with max-age=1 is refreshed "
            "about every 2 s"
        )
    if saved["unseen"] or run.refused:
        log(f"  posts never seen: {saved['unseen']}; refused: {run.refused}")
    log(
        "  CPU: "
        + ", ".join(f"{k.removesuffix('_pct')} {v:.0f}%" for k, v in cpu.items())
        + " (of one core; machine: of all cores)"
    )


def figures(run, info: dict) -> list[str]:
    """Prints the readable report and returns the ``name: value`` lines."""
    args, stats = run.args, run.stats
    elapsed = run.figures["elapsed_s"]
    latency = fans.latency_summary(stats)
    django = django_figures(run.figures["hits"], run.figures["all_hits"])
    saved = save_to_fan(run)
    cpu = cpu_figures(run)
    errors = sum(stats.errors.values())
    _show(run, latency, django, saved, cpu, errors)
    lines = [f"machine_{k}: {v}" for k, v in info.items()]
    lines += [
        f"fans: {args.fans}",
        f"poll_interval_s: {args.interval:g}",
        f"asked_rps: {args.fans / args.interval:.0f}",
        f"replay_speed: {args.speed:g}",
        f"replay_s: {run.figures['replay_s']:.1f}",
        f"replay_writes: {len(run.replay_lines)}",
        f"rps: {latency['all']['requests'] / elapsed:.1f}",
        f"requests: {latency['all']['requests']}",
        f"p50_ms: {latency['all']['p50_ms']:.1f}",
        f"p99_ms: {latency['all']['p99_ms']:.1f}",
    ]
    lines += [
        f"{name}.p99_ms: {row['p99_ms']:.1f}"
        for name, row in latency.items()
        if name != "all"
    ]
    lines += [
        f"django_requests: {django['requests']}",
        f"django_rps: {django['requests'] / elapsed:.2f}",
        f"django_rendered: {django['rendered']}",
        f"django_stored: {django['stored']}",
        f"django_not_modified: {django['not_modified']}",
        f"renders_max_per_page_version: {django['renders_max']}",
        f"renders_repeated: {len(django['repeated'])}",
        f"posts: {len(run.posts)}",
        f"posts_unseen: {len(saved['unseen'])}",
        f"save_to_fan_median_s: {_median(saved['first']):.2f}",
        f"save_to_fan_max_s: {max(saved['first'], default=float('nan')):.2f}",
        f"save_to_every_fan_median_s: {_median(saved['last']):.2f}",
        f"save_to_every_fan_max_s: {max(saved['last'], default=float('nan')):.2f}",
        f"errors: {errors}",
        f"late_polls: {stats.late}",
        f"generator_ceiling_rps: {run.figures['ceiling_rps']:.0f}",
    ]
    lines += [f"{name}: {value:.0f}" for name, value in cpu.items()]
    return lines
