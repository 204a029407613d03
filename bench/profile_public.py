"""Where the public catalogue pages spend their time on a page-cache miss.

Run from the project root, against the seeded ``purbalingga_bench`` (this
script only reads it)::

    .venv/bin/python bench/profile_public.py [--requests 300] [--top 25]
        [--kinds selective,broad,item] [--no-profile] [--redis-url URL]

In one process, with the settings of ``bench/catalogue.py`` (DEBUG off,
manifest static files, the bench's floor view), an anonymous
``django.test.Client`` requests each page kind many times: the trivial
floor view, selective and broad catalogue searches and item pages. Every
catalogue request carries a fresh ``bench-nocache=<n>`` parameter, as the
benchmark's "miss" rows do, so the visitors' page cache never answers; item
pages are drawn from every public bench item, so nothing about the item is
cached either. For each kind it prints the mean, p50 and p95 in ms, the
ratio of the floor's mean to the page's (as the benchmark's ratio of
throughputs) and the SQL queries of one request; then, unless
``--no-profile``, a cProfile run of each kind with its top functions by
own time and by cumulative time.

The cache is this process's memory unless ``--redis-url`` names a Redis
database (never the benchmark's database 15 while it runs). It is a
benchmark aid, not a test; figures from a shared machine are noisy, so read
the ratios.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import statistics
import subprocess  # nosec B404 # collectstatic of this project, fixed argv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = Path(tempfile.gettempdir()) / "purbalingga-profile-static"


def environment(redis_url: str | None) -> dict[str, str]:
    """bench/catalogue.py's environment, with this script's cache."""
    sys.path.insert(0, str(ROOT))
    from bench.catalogue import bench_env

    env = bench_env(STATIC_DIR)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def collect_static(env: dict[str, str]) -> None:
    """The manifest DEBUG-off pages need, collected once into a temp dir."""
    if (STATIC_DIR / "staticfiles.json").exists():
        return
    print("Collecting static files into {} ...".format(STATIC_DIR), flush=True)
    subprocess.run(  # nosec B603 # fixed argv: this project's manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def paths(kind: str, rng: random.Random) -> Callable[[int], str]:
    """A function giving the n-th path of a page kind."""
    from bench.seed_catalogue import BROAD_QUERIES, SELECTIVE_QUERIES, SLUG_PREFIX
    from ppid.catalogue.models import InformationItem

    if kind == "floor":
        return lambda n: "/bench-floor/"
    if kind == "item":
        ids = list(
            InformationItem.objects.public()
            .filter(opd__slug__startswith=SLUG_PREFIX)
            .values_list("pk", flat=True)
        )
        rng.shuffle(ids)
        return lambda n: "/informasi/{}/?bench-nocache={}".format(ids[n % len(ids)], n)
    queries = {"selective": SELECTIVE_QUERIES, "broad": BROAD_QUERIES}[kind]
    return lambda n: "/informasi/?q={}&bench-nocache={}".format(
        quote_plus(queries[n % len(queries)]), n
    )


def timed(
    client, path_of: Callable[[int], str], start: int, n: int
) -> list[tuple[float, float]]:
    """(wall ms, this process's CPU ms) of each request."""
    times = []
    for i in range(start, start + n):
        path = path_of(i)
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(
            (
                (time.perf_counter() - began) * 1000,
                (time.process_time() - began_cpu) * 1000,
            )
        )
        if response.status_code != 200:
            raise SystemExit("{} answered {}".format(path, response.status_code))
    return times


def query_count(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return len(ctx.captured_queries)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per page kind")
    parser.add_argument("--top", type=int, default=25, help="profile rows shown")
    parser.add_argument(
        "--kinds", default="selective,broad,item", help="page kinds, comma-separated"
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)

    env = environment(args.redis_url)
    collect_static(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(args.seed)  # nosec B311 # sampling, not a secret
    kinds = ["floor", *[k for k in args.kinds.split(",") if k]]
    counter = itertools.count(1)
    path_ofs = {kind: paths(kind, rng) for kind in kinds}
    queries = {}
    for kind, path_of in path_ofs.items():
        # Warm up: templates compiled, connection open, vocabulary read.
        timed(client, path_of, next(counter) * 100_000, 20)
        queries[kind] = query_count(client, path_of(next(counter) * 100_000))
    # Round robin, one request of each kind in turn: on a shared machine the
    # load then weighs on every kind alike, and the ratios hold.
    times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    start = next(counter) * 100_000
    for n in range(start, start + args.requests):
        for kind, path_of in path_ofs.items():
            times[kind] += timed(client, path_of, n, 1)
    floor_wall = statistics.fmean(wall for wall, _ in times["floor"])
    floor_cpu = statistics.fmean(cpu for _, cpu in times["floor"])
    print()
    print(
        "Wall time includes waiting for PostgreSQL (its CPU too on this machine);"
        " CPU is this process's only, steadier on a shared machine."
    )
    print(
        "{:<10} {:>8} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7}".format(
            "page", "mean ms", "p50", "p95", "× floor", "CPU ms", "× floor", "queries"
        )
    )
    for kind in kinds:
        walls = [wall for wall, _ in times[kind]]
        cpu = statistics.fmean(c for _, c in times[kind])
        mean = statistics.fmean(walls)
        print(
            "{:<10} {:>8.2f} {:>7.2f} {:>7.2f} {:>8.3f} {:>8.2f} {:>8.3f} {:>7}".format(
                kind,
                mean,
                percentile(walls, 0.5),
                percentile(walls, 0.95),
                floor_wall / mean,
                cpu,
                floor_cpu / cpu if cpu else 0.0,
                queries[kind],
            )
        )
    if args.no_profile:
        return 0
    for kind in kinds[1:]:
        path_of = path_ofs[kind]
        profiler = cProfile.Profile()
        start = next(counter) * 100_000
        profiler.enable()
        timed(client, path_of, start, args.requests)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(args.top)
            print(
                "\n=== {} ({} requests), by {} ===".format(kind, args.requests, order)
            )
            # Skip pstats' preamble up to the table.
            text = out.getvalue()
            print(text[text.find("   ncalls") :])
    return 0


if __name__ == "__main__":
    sys.exit(main())
