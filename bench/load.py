"""Load benchmark (``make bench``): the portal's pages against a trivial view.

Run from the project root::

    .venv/bin/python bench/load.py [--skip-seed | --reseed] [--duration 10]
    make bench BENCH_ARGS="--items 10000 --metric-rows 100000 --duration 2"

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

It prints p50 and p95 latency, throughput and its ratio to the floor for
every page with its target, and writes ``bench/results/load-<timestamp>.json``.
Exit status 0 when every judged target passes, 1 when one fails, 2 when the
benchmark cannot run. The accounts, sessions and months are removed at the
end; the seeded data stays for the next run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

# The project root, for ``bench``; importing bench.evaluations then takes
# bench/ off the path, where that file would shadow the Django app.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalogue import (  # noqa: E402
    BenchError,
    Endpoint,
    add_dataset_options,
    catalogue_endpoints,
    catalogue_targets,
    fmt_ms,
    harness,
    littles_law,
    log,
    measure_endpoints,
    prepare,
    print_table,
    print_targets,
    ratio_target,
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
def staff(opd: Any) -> Iterator[tuple[Any, str, str]]:
    """A Dinkominfo account and ``opd``'s admin, logged in, for the block:
    (the Dinkominfo user, its cookie, the OPD admin's cookie)."""
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
        yield dinkominfo, sessions[0][0], sessions[1][0]
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


def print_summary(
    results: dict[str, dict[str, Any]], targets: list[dict[str, Any]]
) -> None:
    """One row a page: latency, throughput, ratio, and its targets with the
    verdict (upper case judged, lower case for information)."""
    floor = results["floor"]["median"]["rps"]
    header = "{:<17} {:>5} {:>8} {:>8} {:>8} {:>7}  {}".format(
        "page", "cache", "req/s", "p50 ms", "p95 ms", "×floor", "target: verdict"
    )
    log("")
    log("Summary (medians; c=8 unless the name says otherwise):")
    log(header)
    log("-" * len(header))
    for name in SUMMARY:
        result = results[name]
        m = result["median"]
        mine = [t for t in targets if t["endpoint"] == name]
        verdicts = "; ".join(
            "{} {}: {}".format(
                t["id"],
                t["limit"],
                ("pass" if t["pass"] else "fail")
                if t["informational"]
                else ("PASS" if t["pass"] else "FAIL"),
            )
            for t in mine
        )
        log(
            "{:<17} {:>5} {:>8.1f} {} {} {:>7.3f}  {}".format(
                name,
                result["cache"],
                m["rps"],
                fmt_ms(m["p50_us"]),
                fmt_ms(m["p95_us"]),
                m["rps"] / floor,
                verdicts or ("–" if name == "floor" else NO_TARGET),
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
    with staff(opds[0]) as (dinkominfo, dinkominfo_cookie, admin_cookie):
        with evaluation_months(month, dinkominfo):
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
            results, queries = measure_endpoints(
                wrk, env, workdir, endpoints, args.duration
            )
    print_table(results, queries)
    law = littles_law(results)
    targets = catalogue_targets(results) + page_targets(results)
    print_targets(
        targets,
        "Targets (catalogue as deployed, with the page cache; lower case for "
        "information):",
    )
    print_summary(results, targets)
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
        },
    )


if __name__ == "__main__":
    sys.exit(main())
