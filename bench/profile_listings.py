"""Profile the public listings on a visitors'-cache miss, in process.

The OPD DIP page (every public item of one OPD) and the API's plain list
(``/api/v1/information/`` and its first pages) are requested with
django.test.Client against ``purbalingga_bench``, with the settings
bench/catalogue.py gives its servers (DEBUG off) and a unique
``bench-nocache=<n>`` parameter so the visitors' cache never answers. The
trivial floor view is timed in the same loop, so the figures are read as a
ratio on a shared, noisy machine.

By default the cache is this process's local memory, so ``--cold`` may bump
the catalogue version before each request (what one edit a second does to the
realistic run: every versioned count and fragment is stale) without touching
the Redis other runs use. ``--redis`` uses bench/catalogue.py's Redis instead
(then ``--cold`` is refused).

    .venv/bin/python bench/profile_listings.py [--rounds 30] [--cold]
        [--profile dip|api] [--database COPY]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import subprocess  # nosec B404 # collectstatic of this project, fixed argv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import catalogue  # noqa: E402

_counter = itertools.count()
STATIC_DIR = Path(tempfile.gettempdir()) / "pb-listings-static"


def setup(use_redis: bool, database: str | None = None) -> None:
    env = catalogue.bench_env(STATIC_DIR)
    if database:
        # A copy, e.g. to try a migration's index without touching the
        # shared benchmark database.
        env["DATABASE_URL"] = catalogue.DATABASE_URL.replace(
            catalogue.DB_NAME, database
        )
    if not use_redis:
        env.pop("REDIS_URL", None)
    # DEBUG-off pages need the static manifest; collected once.
    if not (STATIC_DIR / "staticfiles.json").exists():
        subprocess.run(  # nosec B603 # fixed argv
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def timed(client, path: str, cold: bool) -> float:
    from ppid.catalogue.cache import bump_catalogue_version

    if cold:
        bump_catalogue_version()
    separator = "&" if "?" in path else "?"
    unique = "{}{}bench-nocache={}".format(path, separator, next(_counter))
    start = time.perf_counter()
    response = client.get(unique)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit("{} answered {}".format(unique, response.status_code))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--cold", action="store_true", help="bump the version first")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--profile", choices=["dip", "api"], default=None)
    parser.add_argument("--database", help="a copy of {}".format(catalogue.DB_NAME))
    args = parser.parse_args()
    if args.cold and args.redis:
        raise SystemExit("--cold bumps the shared version; use the local cache")
    setup(args.redis, args.database)

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ppid.catalogue.models import InformationItem

    client = Client(HTTP_HOST="127.0.0.1")
    sizes = (
        InformationItem.objects.public()
        .values("opd__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    biggest = sizes[0]
    median = list(sizes)[len(sizes) // 2]
    pages = {
        "floor": "/bench-floor/",
        "dip {} items".format(biggest["n"]): "/perangkat-daerah/{}/dip/".format(
            biggest["opd__slug"]
        ),
        "dip {} items".format(median["n"]): "/perangkat-daerah/{}/dip/".format(
            median["opd__slug"]
        ),
        "api list": "/api/v1/information/",
        "api list p3": "/api/v1/information/?page=3",
    }
    # Warm up: connections, templates, URL resolvers, the count when warm.
    for path in pages.values():
        for _ in range(2):
            timed(client, path, False)
    queries = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            timed(client, path, args.cold)
        queries[name] = len(ctx.captured_queries)

    if args.profile:
        key = next(k for k in pages if k.startswith(args.profile))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds):
            timed(client, pages[key], args.cold)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        return

    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, path in pages.items():
            times[name].append(timed(client, path, args.cold))
    floor = statistics.median(times["floor"])
    print(
        "{} rounds, cache {}, {}".format(
            args.rounds,
            "redis" if args.redis else "local memory",
            "version bumped before each request" if args.cold else "version held",
        )
    )
    print(
        "{:<18} {:>9} {:>9} {:>9} {:>8}".format(
            "page", "p50 ms", "p95 ms", "x floor", "queries"
        )
    )
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            "{:<18} {:>9.2f} {:>9.2f} {:>9.4f} {:>8}".format(
                name, p50, p95, floor / p50, queries[name]
            )
        )


if __name__ == "__main__":
    main()
