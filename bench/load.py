"""Load benchmark (``make bench``): the portal's pages against a trivial view.

Run from the project root::

    .venv/bin/python bench/load.py [--skip-seed | --reseed] [--duration 10]
    make bench BENCH_ARGS="--items 10000 --metric-rows 100000 --duration 2"
    make bench-realistic            # = bench/load.py --realistic-only

It seeds the benchmark database (``purbalingga_bench``) as bench/evaluations.py
does, only what is missing: the 100k-item catalogue over 60 OPDs, two social
accounts per OPD with ~2M daily metric rows, posts and answered requests.
Then it builds two evaluation months (the month before final, the last full
month open for the OPDs' reply), creates a Dinkominfo account and the admin
of one bench OPD, each with a session written straight to the session store
(so the log-in view, its lockout and its rate limit stay out of the
measurement), and measures through gunicorn with wrk, as bench/catalogue.py
does: the floor, the catalogue's endpoints (targets P1-P3), the home page,
the API list, the OPD admin's dashboard and Dinkominfo's page of the month.
On the same gunicorn it then runs the realistic mixed run of
bench/realistic.py (issue 20: visitors' traffic with the OPD admin saving
one public item a second, ``--realistic-duration`` seconds) and reads the
workers' memory.

It prints p50 and p95 latency, throughput and its ratio to the floor for
every page with its target, issue 20's verdict rows, and writes
``bench/results/load-<timestamp>.json``. Exit status 0 when every judged
target passes, 1 when one fails, 2 when the benchmark cannot run. The
accounts, sessions and months are removed at the end, and the edited items
put back; the seeded data stays for the next run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import import_module
from pathlib import Path
from typing import Any

# The project root, for ``bench``; importing bench.evaluations then takes
# bench/ off the path, where that file would shadow the Django app.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import realistic  # noqa: E402
from bench.catalogue import (  # noqa: E402
    CONNECTIONS,
    BenchError,
    Endpoint,
    add_dataset_options,
    catalogue_endpoints,
    catalogue_targets,
    fmt_ms,
    gunicorn_server,
    harness,
    littles_law,
    log,
    measure_endpoints,
    p95_target,
    prepare,
    print_table,
    print_targets,
    ratio_target,
    run_wrk,
    target,
    wait_idle,
    write_results,
)
from bench.evaluations import (  # noqa: E402
    add_social_options,
    catalogue_opds,
    default_month,
    drop_reports,
    prepare_data,
    previous_final,
    reactivate_bench_opds,
)

# Issue 8: the home page and the API list at ≥ 0.3 × the floor.
HOME_MIN_RATIO = 0.30
API_LIST_MIN_RATIO = 0.30
# Issue 20: pages fast on a cache miss, staff pages, the realistic run and
# the workers' memory: (row, p95 limit in ms, minimum × floor).
ISSUE20_PAGES = [
    ("search selective", 40.0, 0.10),
    ("search broad", 100.0, None),
    ("detail", 15.0, 0.30),
    ("dashboard opd", 60.0, 0.10),
    ("evaluation month", 60.0, 0.10),
]
REALISTIC_P95_MS = 40.0
REALISTIC_MIN_RATIO = 0.15
WORKER_RSS_MB = 250.0
USER_PREFIX = "bench-load-"
# Long enough for the slowest full run; the sessions are deleted at the end.
SESSION_SECONDS = 3 * 3600
# The summary's rows: the pages the issue names, cheapest class first.
SUMMARY = [
    "floor",
    "home",
    "selective cached",
    "search selective",
    "broad cached",
    "search broad",
    "search broad c32",
    "detail cached",
    "detail",
    "api selective",
    "api list",
    "dashboard opd",
    "evaluation month",
]
NO_TARGET = "none: docs/quality-targets.md §4 sets none for staff pages"


# --- Staff sessions and evaluation months --------------------------------------------


def remove_staff() -> None:
    """This benchmark's accounts, left by an interrupted run: an OPD admin
    protects its OPD, so the catalogue could not be seeded anew."""
    from opds.models import User

    User.objects.filter(username__startswith=USER_PREFIX).delete()


def session_cookie(user: Any) -> tuple[str, str]:
    """A logged-in session for ``user`` in the session store, as the log-in
    view leaves it; the cookie wrk sends and the session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(SESSION_SECONDS)
    store.create()
    key = store.session_key
    return "{}={}".format(settings.SESSION_COOKIE_NAME, key), key


@contextmanager
def staff(opd: Any) -> Iterator[tuple[Any, Any, str, str]]:
    """A Dinkominfo account and ``opd``'s admin, logged in, for the block:
    (the Dinkominfo user, the OPD admin, their cookies)."""
    from django.conf import settings

    from opds.models import User

    remove_staff()
    dinkominfo = User.objects.create_user(
        USER_PREFIX + "dinkominfo", role=User.Role.DINKOMINFO
    )
    admin = User.objects.create_user(
        USER_PREFIX + "opd-admin", role=User.Role.OPD_ADMIN, opd=opd
    )
    sessions = [session_cookie(dinkominfo), session_cookie(admin)]
    try:
        yield dinkominfo, admin, sessions[0][0], sessions[1][0]
    finally:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for _, key in sessions:
            store(session_key=key).delete()
        remove_staff()


@contextmanager
def evaluation_months(month: datetime.date, by: Any) -> Iterator[None]:
    """The month before built and final, ``month`` built and open for the
    OPDs' reply (the dashboard then shows a score, its change and the
    actions), both removed afterwards."""
    from django.core.exceptions import ValidationError

    from evaluations import services

    before = services.previous_month(month)
    try:
        drop_reports(month)
        previous_final(month)
        log("Building {:%Y-%m} and opening it for reply ...".format(month))
        try:
            report = services.build_report(month, by=by)
            services.open_for_reply(
                report, by=by, deadline=services.today() + datetime.timedelta(days=7)
            )
        except ValidationError as exc:
            raise BenchError("cannot build {:%Y-%m}: {}".format(month, exc)) from None
        yield
    finally:
        drop_reports(month)
        drop_reports(before)


def wrk_floor(wrk: str, base: str, workdir: Path) -> float:
    """The trivial view's req/s with wrk at c=8, beside the realistic run's
    own client (how much of wrk's load that client can drive)."""
    paths = workdir / "realistic-floor.paths"
    paths.write_text("/bench-floor/\n")
    return run_wrk(wrk, base, paths, CONNECTIONS, realistic.FLOOR_S)["rps"]


# --- Report ----------------------------------------------------------------------------


def page_targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 8's ratios for the home page and the API list."""
    floor = results["floor"]["median"]["rps"]
    return [
        ratio_target("#8", "home", results["home"]["median"], floor, HOME_MIN_RATIO),
        ratio_target(
            "#8", "api list", results["api list"]["median"], floor, API_LIST_MIN_RATIO
        ),
    ]


def issue20_targets(
    results: dict[str, dict[str, Any]], mixed: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Issue 20's targets: the pages on a cache miss (the fixed lists with a
    fresh cache key each request) and the staff pages against wrk's floor,
    the realistic run against the floor of its own client, the workers'
    RSS. Rows whose run was skipped are left out."""
    targets = []
    if results:
        floor = results["floor"]["median"]["rps"]
        for name, limit_ms, minimum in ISSUE20_PAGES:
            m = results[name]["median"]
            targets.append(p95_target("#20", name, m, limit_ms))
            if minimum is not None:
                targets.append(ratio_target("#20", name, m, floor, minimum))
    if mixed is None:
        return targets
    overall = mixed["overall"]
    failed = overall["non_200"] + sum(overall["errors"].values())
    p95 = overall["p95_ms"]
    targets.append(
        target(
            "#20",
            "realistic",
            "p95 ≤ {:.0f} ms".format(REALISTIC_P95_MS),
            "n/a"
            if p95 is None
            else "{:.1f} ms{}".format(
                p95, " ({} non-200 or failed)".format(failed) if failed else ""
            ),
            p95 is not None and p95 <= REALISTIC_P95_MS and failed == 0,
        )
    )
    ratio = overall["ratio_to_floor"]
    targets.append(
        target(
            "#20",
            "realistic",
            "≥ {:.2f} × floor".format(REALISTIC_MIN_RATIO),
            "n/a" if ratio is None else "{:.3f} × (same client)".format(ratio),
            ratio is not None and ratio >= REALISTIC_MIN_RATIO,
        )
    )
    targets.append(
        target(
            "#20",
            "realistic",
            "hit rate printed",
            realistic.hit_rate_text(mixed),
            mixed["hit_rate"] is not None,
        )
    )
    workers = mixed["workers"]
    largest = max((w["rss_mb"] for w in workers), default=None)
    targets.append(
        target(
            "#20",
            "workers",
            "RSS ≤ {:.0f} MB each".format(WORKER_RSS_MB),
            "n/a"
            if largest is None
            else "largest {:.0f} MB of {} workers".format(largest, len(workers)),
            largest is not None and largest <= WORKER_RSS_MB,
        )
    )
    return targets


def _verdicts(targets: list[dict[str, Any]]) -> str:
    return "; ".join(
        "{} {}: {}".format(
            t["id"],
            t["limit"],
            ("pass" if t["pass"] else "fail")
            if t["informational"]
            else ("PASS" if t["pass"] else "FAIL"),
        )
        for t in targets
    )


def print_summary(
    results: dict[str, dict[str, Any]],
    targets: list[dict[str, Any]],
    mixed: dict[str, Any] | None,
) -> None:
    """One row a page: latency, throughput, ratio, and its targets with the
    verdict (upper case judged, lower case for information); then the
    realistic run and the workers' memory."""
    header = "{:<17} {:>5} {:>8} {:>8} {:>8} {:>7}  {}".format(
        "page", "cache", "req/s", "p50 ms", "p95 ms", "×floor", "target: verdict"
    )
    log("")
    log("Summary (medians; c=8 unless the name says otherwise):")
    log(header)
    log("-" * len(header))
    if results:
        floor = results["floor"]["median"]["rps"]
        for name in SUMMARY:
            result = results[name]
            m = result["median"]
            mine = [t for t in targets if t["endpoint"] == name]
            log(
                "{:<17} {:>5} {:>8.1f} {} {} {:>7.3f}  {}".format(
                    name,
                    result["cache"],
                    m["rps"],
                    fmt_ms(m["p50_us"]),
                    fmt_ms(m["p95_us"]),
                    m["rps"] / floor,
                    _verdicts(mine) or ("–" if name == "floor" else NO_TARGET),
                )
            )
    if mixed is None:
        return
    overall = mixed["overall"]
    log(
        "{:<17} {:>5} {:>8.1f} {} {} {:>7.3f}  {}".format(
            "realistic",
            "mixed",
            overall["rps"],
            fmt_ms(None if overall["p50_ms"] is None else overall["p50_ms"] * 1000),
            fmt_ms(None if overall["p95_ms"] is None else overall["p95_ms"] * 1000),
            overall["ratio_to_floor"] or 0.0,
            _verdicts([t for t in targets if t["endpoint"] == "realistic"]),
        )
    )
    log(
        "{:<17} {:>5} {:>8} {:>8} {:>8} {:>7}  {}".format(
            "workers",
            "-",
            "",
            "",
            "",
            "",
            _verdicts([t for t in targets if t["endpoint"] == "workers"]),
        )
    )
    log(
        "realistic: ×floor against the trivial view with the same Python client "
        "({:.0f} req/s); hit rate {}.".format(
            mixed["floor"]["rps"], realistic.hit_rate_text(mixed)
        )
    )


# --- Main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_dataset_options(parser)
    add_social_options(parser)
    parser.add_argument(
        "--reseed",
        action="store_true",
        help="Replace the catalogue and the social data even if they are there.",
    )
    parser.add_argument(
        "--realistic-duration",
        type=int,
        default=realistic.DURATION_S,
        help="Seconds of the realistic mixed run (after a {} s warm-up).".format(
            realistic.WARMUP_S
        ),
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--realistic-only",
        action="store_true",
        help="Only the realistic mixed run (and the workers' memory).",
    )
    only.add_argument(
        "--skip-realistic",
        action="store_true",
        help="Only the fixed-list runs, as before issue 20.",
    )
    args = parser.parse_args(argv)
    if args.skip_seed and args.reseed:
        parser.error("--skip-seed and --reseed exclude each other")
    return args


def main(argv: list[str] | None = None) -> int:
    return harness(parse_args(argv), run, "load")


def run(
    args: argparse.Namespace, wrk: str, workdir: Path, started: datetime.datetime
) -> int:
    import subprocess  # nosec B404 # the benchmark drives its own server

    env, load_before = prepare(workdir)
    remove_staff()
    try:
        prepare_data(args, env)
    except subprocess.CalledProcessError as exc:
        raise BenchError("seeding failed ({})".format(exc)) from None
    reactivate_bench_opds()
    opds = catalogue_opds()
    month = default_month()
    results: dict[str, dict[str, Any]] = {}
    queries: dict[str, int] = {}
    dataset: dict[str, Any] = {}
    mixed = None
    with staff(opds[0]) as (dinkominfo, admin, dinkominfo_cookie, admin_cookie):
        traffic = (
            None if args.skip_realistic else realistic.load_traffic(args.seed, log)
        )
        with (
            evaluation_months(month, dinkominfo)
            if not args.realistic_only
            else (nullcontext())
        ):
            if not args.realistic_only:
                endpoints, dataset = catalogue_endpoints(
                    args.seed,
                    extra=[
                        Endpoint("home", ["/"], cache="-"),
                        Endpoint("dashboard opd", ["/dasbor/"], "-", admin_cookie),
                        Endpoint(
                            "evaluation month",
                            ["/dasbor/evaluasi/{:%Y-%m}/".format(month)],
                            "-",
                            dinkominfo_cookie,
                        ),
                    ],
                )
            with gunicorn_server(env, workdir) as server:
                if not args.realistic_only:
                    results, queries = measure_endpoints(
                        wrk, env, workdir, endpoints, args.duration, server=server
                    )
                if traffic is not None:
                    wait_idle(server.base)
                    mixed = realistic.run(
                        server.base,
                        server.pid,
                        traffic,
                        admin,
                        admin_cookie,
                        args.realistic_duration,
                        args.seed,
                        log,
                        wrk_floor=lambda: wrk_floor(wrk, server.base, workdir),
                    )
    targets: list[dict[str, Any]] = []
    law: dict[str, Any] = {}
    if results:
        print_table(results, queries)
        law = littles_law(results)
        targets = catalogue_targets(results) + page_targets(results)
    if mixed is not None:
        realistic.print_report(mixed, log)
    targets += issue20_targets(results, mixed)
    print_targets(
        targets,
        "Targets (catalogue as deployed, with the page cache; #20 on cache "
        "misses, staff pages and the realistic run; lower case for information):",
    )
    print_summary(results, targets, mixed)
    return write_results(
        "load",
        started,
        load_before,
        env,
        args.duration,
        results,
        {
            "dataset": {
                **dataset,
                "seed": args.seed,
                "opds": len(opds),
                "evaluation_month": month.isoformat(),
                "dashboard_opd": opds[0].slug,
            },
            "query_counts": queries,
            "littles_law": law,
            "targets": targets,
            "realistic": mixed,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
