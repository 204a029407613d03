"""Profile of the two staff pages of issue 20, in process: Dinkominfo's page
of a month (``/dasbor/evaluasi/<YYYY-MM>/``, a built version open for the
OPDs' reply) and the OPD admin's dashboard (``/dasbor/``), each beside the
trivial floor view (``/bench-floor/``) measured in the same process, so the
ratio holds on a shared, noisy machine.

Run from the project root, on the seeded benchmark database
(``purbalingga_bench``, seeded by ``make bench``)::

    .venv/bin/python bench/profile_staff.py [--requests 200] [--month YYYY-MM]
        [--profile 50] [--keep]

It builds its own two months, by default two months before the one
bench/load.py measures (so a benchmark running beside it keeps its months),
the month before final and the month open for reply, as bench/load.py
leaves them; it logs in its own two accounts (``bench-profile-``) with
``Client.force_login`` and removes the accounts and months at the end
(``--keep`` leaves the months for a second run).

It prints, per page: mean and p95 milliseconds per request, the ratio of
its throughput to the floor's, the queries of one request, the bytes of
the page; then the top functions of cProfile over ``--profile`` requests.
It measures; it judges nothing (bench/load.py has the verdicts).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Run as a script, Python puts bench/ first on the path, where
# bench/evaluations.py would shadow the Django app of that name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench.catalogue import bench_env, log, setup_django  # noqa: E402

USER_PREFIX = "bench-profile-"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", type=int, default=50)
    parser.add_argument("--month", help="YYYY-MM open for reply (default: see doc)")
    parser.add_argument("--queries", action="store_true", help="list them, timed")
    parser.add_argument("--keep", action="store_true", help="leave the months built")
    parser.add_argument(
        "--reuse", action="store_true", help="use the months as they are, built"
    )
    parser.add_argument(
        "--static-root",
        default=str(Path(tempfile.gettempdir()) / "bench-profile-staff-static"),
        help="where collectstatic writes the manifest DEBUG=False needs",
    )
    return parser.parse_args(argv)


def prepare_months(month: datetime.date, by: Any, reuse: bool) -> None:
    """The month before final, ``month`` built and open for reply."""
    from bench.evaluations import drop_reports, previous_final
    from evaluations import services
    from evaluations.models import MonthlyReport

    if reuse and MonthlyReport.objects.filter(month=month).exists():
        return
    drop_reports(month)
    previous_final(month)
    log("Building {:%Y-%m} and opening it for reply ...".format(month))
    report = services.build_report(month, by=by)
    services.open_for_reply(
        report, by=by, deadline=services.today() + datetime.timedelta(days=7)
    )


def measure(client: Any, path: str, n: int) -> dict[str, Any]:
    """Mean and p95 ms of ``n`` GETs after two warm-up requests."""
    for _ in range(2):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit("{} answered {}".format(path, response.status_code))
    times, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return {
        "mean": statistics.fmean(times),
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
        # This process's CPU only (the database's is not in it): steadier
        # than the wall clock on a loaded machine.
        "cpu": statistics.median(cpu),
        "bytes": len(response.content),
    }


def queries_of(client: Any, path: str, show: bool = False) -> int:
    """The queries of one request; with ``show``, each with its time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    if show:
        log("\n--- queries of {} ---".format(path))
        for query in captured.captured_queries:
            log("{:>7} ms  {}".format(query["time"], query["sql"][:150]))
    return len(captured)


def profile(client: Any, path: str, n: int, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def run(args: argparse.Namespace) -> int:
    static_root = Path(args.static_root)
    env = bench_env(static_root)
    # The test client's host; no network is involved.
    env["ALLOWED_HOSTS"] = env["ALLOWED_HOSTS"] + ",testserver"
    setup_django(env)

    from django.test import Client

    from bench.evaluations import catalogue_opds, default_month, drop_reports
    from evaluations import services
    from opds.models import User

    if not (static_root / "staticfiles.json").exists():
        # The manifest storage of DEBUG=False needs its manifest.
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
    month = (
        datetime.date.fromisoformat(args.month + "-01")
        if args.month
        else services.previous_month(services.previous_month(default_month()))
    )
    before = services.previous_month(month)
    opd = catalogue_opds()[0]
    User.objects.filter(username__startswith=USER_PREFIX).delete()
    dinkominfo = User.objects.create_user(
        USER_PREFIX + "dinkominfo", role=User.Role.DINKOMINFO
    )
    admin = User.objects.create_user(
        USER_PREFIX + "opd-admin", role=User.Role.OPD_ADMIN, opd=opd
    )
    try:
        prepare_months(month, dinkominfo, args.reuse)
        floor, kab, own = Client(), Client(), Client()
        kab.force_login(dinkominfo)
        own.force_login(admin)
        month_path = "/dasbor/evaluasi/{:%Y-%m}/".format(month)
        pages = [
            ("floor", floor, "/bench-floor/"),
            ("evaluation month", kab, month_path),
            ("evaluation month, kind filter", kab, month_path + "?kind=dinas"),
            ("dashboard opd", own, "/dasbor/"),
        ]
        results = {}
        # Floor, pages, floor again: the floor's mean is the mean of both.
        for name, client, path in [pages[0], *pages[1:], pages[0]]:
            result = measure(client, path, args.requests)
            if name in results:
                for figure in ("mean", "cpu"):
                    results[name][figure] = (results[name][figure] + result[figure]) / 2
            else:
                results[name] = result
                result["queries"] = queries_of(client, path)
        floor_ms = results["floor"]["mean"]
        log(
            "\n{:<32} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}".format(
                "page", "mean ms", "p95 ms", "x floor", "cpu ms", "queries", "bytes"
            )
        )
        for name, result in results.items():
            log(
                "{:<32} {:>9.2f} {:>9.2f} {:>9.3f} {:>9.2f} {:>8} {:>9}".format(
                    name,
                    result["mean"],
                    result["p95"],
                    floor_ms / result["mean"],
                    result["cpu"],
                    result["queries"],
                    result["bytes"],
                )
            )
        if args.queries:
            for _name, client, path in pages[1:]:
                queries_of(client, path, show=True)
        if args.profile:
            for name, client, path in pages[1:]:
                if "filter" in name:
                    continue
                log("\n=== cProfile: {} ({} requests) ===".format(name, args.profile))
                log(profile(client, path, args.profile))
    finally:
        if not args.keep:
            drop_reports(month)
            drop_reports(before)
        User.objects.filter(username__startswith=USER_PREFIX).delete()
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
