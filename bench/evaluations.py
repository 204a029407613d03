"""Evaluation benchmark: quality target P6 (docs/quality-targets.md section 4).

Run from the project root::

    .venv/bin/python bench/evaluations.py [--skip-seed | --reseed] [--month YYYY-MM]
    .venv/bin/python bench/evaluations.py --drop    # remove its data, measure nothing

It uses the benchmark database (``purbalingga_bench``) and seeds what is
missing: the 100k-item catalogue over 60 OPDs (``bench/seed_catalogue.py``),
two manually connected social-media accounts per
bench OPD with ~2,000,000 daily account metric rows (10 metrics × 120
accounts × ~4.6 years) written through
``socialposts.accounts.ingest.upsert_account_values``, posts with snapshots, and
information requests answered over the last twelve months.

Then, for one month inside the data (by default the last full month before
the newest metric row), with the month before built and made final (its
manual scores are carried over, as in the monthly cycle), each the median
of ``--repeats``:

* a baseline measured in the same run: a plain
  ``SELECT account_id, metric_id, sum(value) … GROUP BY 1, 2`` over the whole
  metric table (docs/quality-targets.md §1.6 item 7: ≈ 1.0 s), and over the month;
* ``evaluations.services.build_report(month)`` on a month without a report
  (what the monthly beat does), with its statements counted by
  ``CaptureQueriesContext``; the recomputation of an existing draft is shown
  for information;
* the same counts with only 10 OPDs active (the others are set inactive for
  the measurement and restored afterwards).

It prints the statements the build repeats and its slowest ones, and runs
the slowest SELECTs again under ``EXPLAIN ANALYZE`` (execution and JIT
time). Targets: the build takes ≤ 5 s, issues ≤ 15 SELECTs, and issues as
many statements for 10 OPDs as for 60. Exit status 0 when they pass, 1 when
one fails, 2 when the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Run as a script, Python puts bench/ first on the path, where this file
# would shadow the Django app it measures (``evaluations``).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench.catalogue import (  # noqa: E402
    RESULTS_DIR,
    BenchError,
    _raise_interrupt,
    bench_env,
    bench_item_count,
    ensure_database,
    log,
    manage,
    run_seeder,
    setup_django,
)
from socialposts.targets import ACCOUNT_METRICS  # noqa: E402

# Targets (docs/quality-targets.md section 4, P6).
BUILD_MAX_S = 5.0
SELECTS_MAX = 15
FEW_OPDS = 10

ACCOUNTS_PER_OPD = 2
HANDLE_PREFIX = "bench_eval_"
REQUEST_PREFIX = "BENCH-EVAL/"
POST_METRICS = ["views", "likes", "comments", "shares"]
SNAPSHOT_DAYS = [1, 7, 30]
# Every ninth account stops delivering data this many days before the end,
# so the channel-health rule has unhealthy accounts to find.
STALE_EVERY, STALE_DAYS = 9, 45
UPSERT_BATCH = 200_000
REQUEST_MONTHS = 12
CONTENT_TYPES = [
    ("foto", 35),
    ("video", 10),
    ("reels", 15),
    ("infografis", 15),
    ("carousel", 15),
    ("story", 5),
    ("teks", 5),
]

# --- Dataset -----------------------------------------------------------------------


def catalogue_opds() -> list:
    """The OPDs of the seeded catalogue, in pk order.

    Other ``bench-`` OPDs (``bench-ingest`` of bench/ingestion.py) own no
    items and get no accounts here.
    """
    from django.db.models import Exists, OuterRef

    from bench.seed_catalogue import SLUG_PREFIX
    from opds.models import Opd
    from ppid.catalogue.models import InformationItem

    return list(
        Opd.objects.filter(slug__startswith=SLUG_PREFIX)
        .filter(Exists(InformationItem.objects.filter(opd=OuterRef("pk"))))
        .order_by("pk")
    )


def metric_days(n_opds: int, metric_rows: int) -> int:
    return math.ceil(metric_rows / (n_opds * ACCOUNTS_PER_OPD * len(ACCOUNT_METRICS)))


def days_of(index: int, days: int) -> int:
    """Days of data of the index-th account (stale ones stop early)."""
    return days - STALE_DAYS if index % STALE_EVERY == STALE_EVERY - 1 else days


def planned_metric_rows(n_opds: int, metric_rows: int) -> int:
    days = metric_days(n_opds, metric_rows)
    return sum(
        days_of(i, days) * len(ACCOUNT_METRICS)
        for i in range(n_opds * ACCOUNTS_PER_OPD)
    )


def social_state(opds: list) -> dict[str, int]:
    """What this benchmark's social data holds now."""
    from socialposts.accounts.models import AccountMetricDaily, Post, SocialAccount

    accounts = SocialAccount.objects.filter(
        handle__startswith=HANDLE_PREFIX, opd__in=opds
    )
    return {
        "accounts": accounts.count(),
        "metric_rows": AccountMetricDaily.objects.filter(account__in=accounts).count(),
        "posts": Post.objects.filter(account__in=accounts).count(),
    }


def clear_social(opd_ids: list[int]) -> None:
    """Remove the rows that hang on these OPDs: accounts with their metrics,
    posts and snapshots, requests, and evaluation reports.

    Accounts, requests and OPD scores protect their OPD, so
    bench/seed_catalogue.py cannot replace the bench OPDs while they exist.
    """
    from django.db import connection, transaction

    from evaluations.models import MonthlyReport, OpdScore
    from ppid.requests.models import InformationRequest
    from socialposts.accounts.models import Post, SocialAccount

    accounts = list(
        SocialAccount.objects.filter(opd_id__in=opd_ids).values_list("pk", flat=True)
    )
    with transaction.atomic():
        MonthlyReport.objects.filter(
            pk__in=OpdScore.objects.filter(opd_id__in=opd_ids).values("report_id")
        ).delete()
        InformationRequest.objects.filter(opd_id__in=opd_ids).delete()
        with connection.cursor() as cursor:
            # Raw deletes: the ORM would load two million rows to cascade.
            cursor.execute(
                "DELETE FROM socialposts_postmetricsnapshot WHERE post_id IN "
                "(SELECT id FROM socialposts_post WHERE account_id = ANY(%s))",
                [accounts],
            )
            cursor.execute(
                "DELETE FROM socialposts_accountmetricdaily WHERE account_id = ANY(%s)",
                [accounts],
            )
        Post.objects.filter(account_id__in=accounts).delete()
        SocialAccount.objects.filter(pk__in=accounts).delete()


def seed_social(opds: list, args: argparse.Namespace) -> dict[str, Any]:
    """Accounts, daily metrics, posts with snapshots and answered requests."""
    from django.db import connection
    from django.utils import timezone

    from socialposts.accounts.models import SocialAccount

    rng = random.Random(args.seed)  # nosec B311 # synthetic data, not a secret
    end = timezone.localdate() - datetime.timedelta(days=1)
    days = metric_days(len(opds), args.metric_rows)
    start = end - datetime.timedelta(days=days - 1)
    platforms = ["facebook", "youtube", "tiktok"]
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(
            opd_id=opd.pk,
            platform=platform_,
            handle="{}{}".format(HANDLE_PREFIX, opd.slug),
            connection=SocialAccount.Connection.MANUAL,
        )
        for i, opd in enumerate(opds)
        for platform_ in ("instagram", platforms[i % len(platforms)])
    )
    timings = {}
    began = time.perf_counter()
    written = seed_metrics(rng, [a.pk for a in accounts], start, days)
    timings["metrics_s"] = time.perf_counter() - began
    log(
        "  {:,} account metric rows ({} days from {}) in {:.0f} s".format(
            written, days, start, timings["metrics_s"]
        )
    )
    began = time.perf_counter()
    posts, snapshots = seed_posts(rng, opds, accounts, start, end, args.posts)
    timings["posts_s"] = time.perf_counter() - began
    log(
        "  {:,} posts, {:,} post snapshots in {:.0f} s".format(
            posts, snapshots, timings["posts_s"]
        )
    )
    requests = seed_requests(rng, opds, end)
    log(
        "  {:,} information requests answered over {} months".format(
            requests, REQUEST_MONTHS
        )
    )
    with connection.cursor() as cursor:
        for table in (
            "socialposts_socialaccount",
            "socialposts_accountmetricdaily",
            "socialposts_post",
            "socialposts_postmetricsnapshot",
            "ppid_informationrequest",
        ):
            cursor.execute("VACUUM ANALYZE {}".format(table))
    return {
        "metric_rows": written,
        "posts": posts,
        "snapshots": snapshots,
        "requests": requests,
        **timings,
    }


def seed_metrics(
    rng: random.Random, accounts: list[int], start: datetime.date, days: int
) -> int:
    """Daily account metrics through the production upsert path, in batches."""
    from socialposts.accounts.ingest import AccountValue, upsert_account_values

    batch: list[AccountValue] = []
    written = 0
    for index, account in enumerate(accounts):
        # Accounts of every size, so all follower bands have peers.
        followers = 10 ** rng.uniform(2.5, 5.3)
        growth = rng.uniform(-0.0002, 0.0015)
        engagement = rng.uniform(0.005, 0.08)
        previous = followers
        for d in range(days_of(index, days)):
            day = start + datetime.timedelta(days=d)
            total = round(followers * math.exp(growth * d) * rng.uniform(0.998, 1.002))
            reach = total * rng.uniform(0.05, 0.4)
            views = reach * rng.uniform(1.1, 2.5)
            interactions = reach * engagement * rng.uniform(0.5, 1.5)
            values = (
                total,
                max(0, total - previous),
                round(reach),
                round(views),
                round(interactions),
                round(reach * rng.uniform(0.01, 0.05)),
                round(interactions * 0.8),
                round(interactions * 0.12),
                round(interactions * 0.08),
                round(views * rng.uniform(0.05, 0.5)),
            )
            previous = total
            batch.extend(
                AccountValue(account, metric, day, float(value), metric)
                for metric, value in zip(ACCOUNT_METRICS, values, strict=True)
            )
        if len(batch) >= UPSERT_BATCH:
            written += upsert_account_values(batch)
            batch = []
    if batch:
        written += upsert_account_values(batch)
    return written


def seed_posts(
    rng: random.Random,
    opds: list,
    accounts: list,
    start: datetime.date,
    end: datetime.date,
    n: int,
) -> tuple[int, int]:
    """Posts spread over the metric period, some announcing a PPID item,
    with cumulative snapshots one, seven and thirty days after posting."""
    from ppid.catalogue.models import InformationItem
    from socialposts.accounts.ingest import PostValue, upsert_post_values
    from socialposts.accounts.models import Post

    items: dict[int, list[int]] = {}
    for opd_id, pk in (
        InformationItem.objects.filter(opd__in=opds)
        .order_by("pk")
        .values_list("opd_id", "pk")
    ):
        items.setdefault(opd_id, []).append(pk)
    # Some accounts post a lot, some hardly at all.
    cum = list(accumulate(rng.expovariate(1.0) for _ in accounts))
    kinds = [k for k, _ in CONTENT_TYPES]
    kind_cum = list(accumulate(w for _, w in CONTENT_TYPES))
    first = datetime.datetime.combine(start, datetime.time(), tzinfo=datetime.UTC)
    span = (end - start).days * 86_400
    posts = []
    for number in range(n):
        account = rng.choices(accounts, cum_weights=cum)[0]
        kind = rng.choices(kinds, cum_weights=kind_cum)[0]
        announces = rng.random() < 0.12 and items.get(account.opd_id)
        posts.append(
            Post(
                account_id=account.pk,
                external_id="bench-eval-{}".format(number),
                published_at=first + datetime.timedelta(seconds=rng.randrange(span)),
                content_type=kind,
                caption="Unggahan bench {}".format(number),
                duration_seconds=rng.randint(10, 300)
                if kind in ("video", "reels")
                else None,
                information_item_id=rng.choice(announces) if announces else None,
            )
        )
    posts = Post.objects.bulk_create(posts, batch_size=2_000)
    values = []
    for post in posts:
        views = rng.uniform(50, 5_000)
        for after in SNAPSHOT_DAYS:
            day = post.published_at.date() + datetime.timedelta(days=after)
            if day > end:
                break
            grown = views * (1 + math.log(after))
            figures = (grown, grown * 0.06, grown * 0.008, grown * 0.004)
            values.extend(
                PostValue(post.pk, metric, day, float(round(value)), metric)
                for metric, value in zip(POST_METRICS, figures, strict=True)
            )
    snapshots = 0
    for i in range(0, len(values), UPSERT_BATCH):
        snapshots += upsert_post_values(values[i : i + UPSERT_BATCH])
    return len(posts), snapshots


def seed_requests(rng: random.Random, opds: list, end: datetime.date) -> int:
    """Requests answered in each of the last months, some of them late."""
    from ppid.requests.models import InformationRequest

    Status = InformationRequest.Status
    rows = []
    month = end.replace(day=1)
    for _ in range(REQUEST_MONTHS):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        length = (following - month).days
        for opd in opds:
            for _ in range(rng.randint(0, 6)):
                answered = month + datetime.timedelta(days=rng.randrange(length))
                received = answered - datetime.timedelta(days=rng.randint(1, 25))
                due = received + datetime.timedelta(days=14)
                rows.append(
                    InformationRequest(
                        registration_number="{}{}/{:06d}".format(
                            REQUEST_PREFIX, answered.year, len(rows) + 1
                        ),
                        tracking_code_hash="0" * 64,
                        requester_type="perorangan",
                        full_name="Pemohon Bench {}".format(len(rows) + 1),
                        address="Purbalingga, Jawa Tengah",
                        requested_information="Salinan laporan kegiatan.",
                        purpose="Penelitian.",
                        access_method="salinan",
                        copy_format="softcopy",
                        delivery_method="email",
                        opd_id=opd.pk,
                        received_on=received,
                        status=Status.ANSWERED,
                        due_on=due,
                        answer_due_on=due,
                        completeness_due_on=received + datetime.timedelta(days=3),
                        decision=InformationRequest.Decision.GRANTED_FULL,
                        answered_on=answered,
                    )
                )
    InformationRequest.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def prepare_data(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Seed what is missing (all of it with --reseed, nothing with --skip-seed)."""
    from bench.seed_catalogue import SLUG_PREFIX
    from opds.models import Opd

    seeded: dict[str, Any] = {}
    items = bench_item_count()
    if args.skip_seed:
        if not items:
            raise BenchError("--skip-seed, but no bench catalogue is seeded")
    elif args.reseed or items != args.items:
        # Everything that protects a bench OPD goes first, or the seeder's
        # wipe of the old OPDs fails.
        clear_social(
            list(
                Opd.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
                    "pk", flat=True
                )
            )
        )
        log(
            "Seeding {:,} catalogue items over {} OPDs ...".format(
                args.items, args.opds
            )
        )
        began = time.perf_counter()
        run_seeder(args, env)
        seeded["catalogue_s"] = time.perf_counter() - began
    else:
        log("Reusing {:,} bench catalogue items.".format(items))
    opds = catalogue_opds()
    if not opds:
        raise BenchError("the bench catalogue has no OPDs")
    state = social_state(opds)
    wanted = {
        "accounts": len(opds) * ACCOUNTS_PER_OPD,
        "metric_rows": planned_metric_rows(len(opds), args.metric_rows),
        "posts": args.posts,
    }
    if args.skip_seed:
        if not state["metric_rows"]:
            raise BenchError("--skip-seed, but no evaluation data is seeded")
        log("Reusing the evaluation data (--skip-seed): {}.".format(_counts(state)))
    elif state != wanted or "catalogue_s" in seeded:
        log(
            "Seeding the evaluation data: {} accounts, ~{:,} metric rows, "
            "{:,} posts ...".format(
                wanted["accounts"], wanted["metric_rows"], wanted["posts"]
            )
        )
        clear_social([opd.pk for opd in opds])
        seeded.update(seed_social(opds, args))
    else:
        log("Reusing the evaluation data: {}.".format(_counts(state)))
    return seeded


def _counts(state: dict[str, int]) -> str:
    return "{accounts} accounts, {metric_rows:,} metric rows, {posts:,} posts".format(
        **state
    )


def default_month() -> datetime.date:
    """The last full month before the newest metric row of the bench."""
    from django.db.models import Max

    from socialposts.accounts.models import AccountMetricDaily

    newest = AccountMetricDaily.objects.filter(
        account__handle__startswith=HANDLE_PREFIX
    ).aggregate(newest=Max("date"))["newest"]
    if newest is None:
        raise BenchError("no bench metric rows to choose a month from")
    return (newest.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --- Measurements ------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def baseline(month: datetime.date | None) -> int:
    """The plain aggregate P6 is calibrated against; rows returned."""
    from django.db import connection

    sql = "SELECT account_id, metric_id, sum(value) FROM socialposts_accountmetricdaily"
    params: list[Any] = []
    if month is not None:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        sql += " WHERE date >= %s AND date < %s"
        params = [month, following]
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY 1, 2", params)
        return len(cursor.fetchall())


def drop_reports(month: datetime.date) -> None:
    from evaluations.models import MonthlyReport

    MonthlyReport.objects.filter(month=month).delete()


def kind_of(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return "SELECT" if word in ("SELECT", "WITH") else word


def build(month: datetime.date) -> dict[str, Any]:
    """One build_report, timed, with its statements captured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluations import services
    from evaluations.models import OpdScore

    with CaptureQueriesContext(connection) as ctx:
        seconds, report = timed(lambda: services.build_report(month))
    queries = [
        {"sql": q["sql"], "time": float(q["time"]), "kind": kind_of(q["sql"])}
        for q in ctx.captured_queries
    ]
    return {
        "seconds": seconds,
        "statements": len(queries),
        "selects": sum(1 for q in queries if q["kind"] == "SELECT"),
        "sql_seconds": sum(q["time"] for q in queries),
        "opds": OpdScore.objects.filter(report=report).count(),
        "queries": queries,
    }


@contextmanager
def only_active(keep: list[int]) -> Iterator[None]:
    """Every other OPD inactive for the block; restored afterwards."""
    from opds.models import Opd

    changed = list(
        Opd.objects.filter(is_active=True)
        .exclude(pk__in=keep)
        .values_list("pk", flat=True)
    )
    Opd.objects.filter(pk__in=changed).update(is_active=False)
    try:
        yield
    finally:
        Opd.objects.filter(pk__in=changed).update(is_active=True)


def reactivate_bench_opds() -> None:
    """An interrupted run may have left bench OPDs inactive (only_active's
    restore does not survive a SIGKILL)."""
    from bench.seed_catalogue import SLUG_PREFIX
    from opds.models import Opd

    left = Opd.objects.filter(slug__startswith=SLUG_PREFIX, is_active=False).update(
        is_active=True
    )
    if left:
        log("Reactivated {} bench OPDs left inactive by an earlier run.".format(left))


def previous_final(month: datetime.date) -> int | None:
    """Build the month before and make it final with its manual items
    scored, as the monthly cycle leaves it, so the measured build carries
    those scores over (and pays the query that reads them). Returns the
    manual scores carried, None when the month before cannot be built."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from evaluations import services
    from evaluations.models import Item, ItemScore, MonthlyReport

    before = services.previous_month(month)
    log("Building {:%Y-%m} and making it final ...".format(before))
    drop_reports(before)
    try:
        report = services.build_report(before)
    except ValidationError as exc:
        log("No final month before {:%Y-%m}: {}".format(month, exc))
        return None
    now = timezone.now()
    # Straight to the end state: the reply workflow is not what is measured.
    scored = ItemScore.objects.filter(
        opd_score__report=report, item__method=Item.Method.MANUAL
    ).update(ratio=Decimal("0.75"), scored_at=now)
    MonthlyReport.objects.filter(pk=report.pk).update(
        status=MonthlyReport.Status.FINAL, finalised_at=now
    )
    return scored


def explain(sql: str) -> dict[str, Any]:
    """Execution and JIT time of one captured SELECT, run again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]
    return {
        "ms": top["Execution Time"],
        # Summed over the leader and the parallel workers, which compile
        # the same plan each: CPU time, it may exceed the execution time.
        "jit_ms": top.get("JIT", {}).get("Timing", {}).get("Total", 0.0),
        "jit_functions": top.get("JIT", {}).get("Functions", 0),
    }


def measure(month: datetime.date, repeats: int, opds: list) -> dict[str, Any]:
    drop_reports(month)
    carried = previous_final(month)
    log("Warm-up: one build and both baselines ...")
    baseline(None)
    baseline(month)
    build(month)
    runs: dict[str, list] = {"full": [], "slice": [], "fresh": [], "recompute": []}
    # Interleaved, so a burst of load from another process on the shared
    # machine hits one repeat of everything rather than all of one figure.
    for r in range(repeats):
        runs["full"].append(timed(lambda: baseline(None))[0])
        runs["slice"].append(timed(lambda: baseline(month))[0])
        drop_reports(month)
        runs["fresh"].append(build(month))
        # A draft already exists now: the team's "compute again".
        runs["recompute"].append(build(month))
        log(
            "  repeat {}: full GROUP BY {:.3f} s, slice {:.3f} s, build {:.3f} s, "
            "recompute {:.3f} s".format(
                r + 1,
                runs["full"][-1],
                runs["slice"][-1],
                runs["fresh"][-1]["seconds"],
                runs["recompute"][-1]["seconds"],
            )
        )
    log("Counting statements with {} OPDs active ...".format(FEW_OPDS))
    with only_active([opd.pk for opd in opds[:FEW_OPDS]]):
        drop_reports(month)
        few = build(month)
        few_recompute = build(month)
        drop_reports(month)
    slowest = sorted(
        (q for q in median_run(runs["fresh"])["queries"] if q["kind"] == "SELECT"),
        key=lambda q: -q["time"],
    )[:4]
    log("EXPLAIN ANALYZE of the {} slowest SELECTs ...".format(len(slowest)))
    explained = [{**q, **explain(q["sql"])} for q in slowest]
    return {
        "runs": runs,
        "few": few,
        "few_recompute": few_recompute,
        "carried": carried,
        "explained": explained,
    }


def median_run(builds: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(builds, key=lambda b: b["seconds"])[len(builds) // 2]


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_LISTS = re.compile(r"\?(?:, \?)+")


def shape(sql: str) -> str:
    """A statement with its literals and lists of literals blanked out."""
    return _LISTS.sub("?…", _LITERALS.sub("?", " ".join(sql.split())))


def excerpt(sql: str, width: int = 96) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report(
    month: datetime.date, result: dict[str, Any], dataset: dict[str, Any]
) -> list[dict[str, Any]]:
    runs = result["runs"]
    full = statistics.median(runs["full"])
    month_slice = statistics.median(runs["slice"])
    fresh = median_run(runs["fresh"])
    recompute = median_run(runs["recompute"])
    few, few_recompute = result["few"], result["few_recompute"]
    log("")
    log(
        "Monthly report {:%Y-%m}: {} OPDs, {:,} metric rows, {:,} items; "
        "median of {} (PostgreSQL, one process)".format(
            month,
            fresh["opds"],
            dataset["table_rows"],
            dataset["items"],
            len(runs["fresh"]),
        )
    )
    if result["carried"] is not None:
        log(
            "The month before is final with {:,} manual scores, which the "
            "build carries over.".format(result["carried"])
        )
    log("  {:<44} {:>9} {:>9}  {}".format("measure", "seconds", "× full", "runs"))

    def line(name: str, seconds: float, values: list[float]) -> None:
        log(
            "  {:<44} {:>9.3f} {:>9.2f}  {}".format(
                name,
                seconds,
                seconds / full,
                " ".join("{:.3f}".format(v) for v in values),
            )
        )

    line("baseline: GROUP BY over the whole table", full, runs["full"])
    line("baseline: GROUP BY over the month", month_slice, runs["slice"])
    line(
        "build_report, month without a report",
        fresh["seconds"],
        [b["seconds"] for b in runs["fresh"]],
    )
    line(
        "  of which SQL (time in the database)",
        fresh["sql_seconds"],
        [b["sql_seconds"] for b in runs["fresh"]],
    )
    line(
        "build_report, draft computed again",
        recompute["seconds"],
        [b["seconds"] for b in runs["recompute"]],
    )
    log("")
    log("Statements per build (SELECT / all):")
    for name, b in (
        ("{} OPDs, month without a report".format(fresh["opds"]), fresh),
        ("{} OPDs, month without a report".format(few["opds"]), few),
        ("{} OPDs, draft computed again".format(recompute["opds"]), recompute),
        ("{} OPDs, draft computed again".format(few_recompute["opds"]), few_recompute),
    ):
        kinds: dict[str, int] = {}
        for q in b["queries"]:
            kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
        log(
            "  {:<40} {:>4} / {:<4}  ({})".format(
                name,
                b["selects"],
                b["statements"],
                ", ".join("{} {}".format(n, k) for k, n in sorted(kinds.items())),
            )
        )
    log("")
    log("Statements issued more than once by the median build (count, shape):")
    shapes: dict[str, int] = {}
    for q in fresh["queries"]:
        shapes[shape(q["sql"])] = shapes.get(shape(q["sql"]), 0) + 1
    repeated = [(n, text) for text, n in shapes.items() if n > 1]
    for n, text in sorted(repeated, reverse=True):
        log("  {:>5}  {}".format(n, excerpt(text)))
    if not repeated:
        log("  none")
    log("")
    log("Slowest statements of the median build (seconds, excerpt):")
    for q in sorted(fresh["queries"], key=lambda q: -q["time"])[:8]:
        log("  {:>7.3f}  {}".format(q["time"], excerpt(q["sql"])))
    log("")
    log("The slowest SELECTs run again under EXPLAIN ANALYZE (ms):")
    log(
        "  {:>9} {:>9} {:>6}  {}".format("execution", "JIT (CPU)", "funcs", "statement")
    )
    for q in result["explained"]:
        log(
            "  {:>9.1f} {:>9.1f} {:>6}  {}".format(
                q["ms"], q["jit_ms"], q["jit_functions"], excerpt(q["sql"], 70)
            )
        )
    same = (few["selects"], few["statements"]) == (
        fresh["selects"],
        fresh["statements"],
    )
    targets = [
        {
            "what": "build_report ≤ {:.0f} s".format(BUILD_MAX_S),
            "value": "{:.3f} s ({:.2f} × the full GROUP BY)".format(
                fresh["seconds"], fresh["seconds"] / full
            ),
            "pass": fresh["seconds"] <= BUILD_MAX_S,
        },
        {
            "what": "SELECTs per build ≤ {}".format(SELECTS_MAX),
            "value": "{} ({} statements in all)".format(
                fresh["selects"], fresh["statements"]
            ),
            "pass": fresh["selects"] <= SELECTS_MAX,
        },
        {
            "what": "same count for {} and {} OPDs".format(few["opds"], fresh["opds"]),
            "value": "{} / {} vs {} / {} (SELECT / all)".format(
                few["selects"],
                few["statements"],
                fresh["selects"],
                fresh["statements"],
            ),
            "pass": same,
        },
    ]
    log("")
    log("Targets (P6):")
    for t in targets:
        log(
            "  {} {:<34} {}".format(
                "PASS" if t["pass"] else "FAIL", t["what"], t["value"]
            )
        )
    return targets


# --- Main --------------------------------------------------------------------------


def month_arg(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text + "-01")
    except ValueError:
        raise argparse.ArgumentTypeError("write the month as YYYY-MM") from None


def add_social_options(parser: argparse.ArgumentParser) -> None:
    """The size of the seeded social-media data (prepare_data reads them)."""
    parser.add_argument(
        "--metric-rows",
        type=int,
        default=2_000_000,
        help="Daily account metric rows to seed (about; stale accounts stop early).",
    )
    parser.add_argument("--posts", type=int, default=12_000)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--opds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=42)
    add_social_options(parser)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--month",
        type=month_arg,
        help="YYYY-MM; default: the last full month of data",
    )
    seeding = parser.add_mutually_exclusive_group()
    seeding.add_argument(
        "--skip-seed", action="store_true", help="Use the data as it is."
    )
    seeding.add_argument(
        "--reseed", action="store_true", help="Replace the catalogue and the rest."
    )
    parser.add_argument(
        "--drop",
        action="store_true",
        help="Only remove this benchmark's accounts, metrics, posts, requests "
        "and reports, then exit (the catalogue stays). They protect the bench "
        "OPDs, so bench/catalogue.py cannot reseed while they exist.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return run(args)
    except BenchError as exc:
        log("Benchmark could not run: {}".format(exc))
        return 2
    except KeyboardInterrupt:
        log("Interrupted.")
        return 130


def run(args: argparse.Namespace) -> int:
    import subprocess  # nosec B404 # the benchmark drives its own server

    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        log(
            "Warning: load average {:.2f} before the run; other processes share "
            "the CPUs.".format(load_before[0])
        )
    # No static files are served: the build only reverses URLs.
    env = bench_env(Path("/nonexistent-bench-static"))
    ensure_database()
    log("Migrating purbalingga_bench ...")
    try:
        manage(env, "migrate", "--noinput", "-v0")
    except subprocess.CalledProcessError as exc:
        raise BenchError("migrate failed ({})".format(exc)) from None
    setup_django(env)
    if args.drop:
        opds = catalogue_opds()
        log("Removing the evaluation data of {} bench OPDs ...".format(len(opds)))
        clear_social([opd.pk for opd in opds])
        return 0
    from django.core.exceptions import ValidationError

    from socialposts.accounts.models import AccountMetricDaily

    try:
        seeded = prepare_data(args, env)
    except subprocess.CalledProcessError as exc:
        raise BenchError("seeding failed ({})".format(exc)) from None
    reactivate_bench_opds()
    opds = catalogue_opds()
    month = args.month or default_month()
    dataset = {
        "items": bench_item_count(),
        "opds": len(opds),
        **social_state(opds),
        "table_rows": AccountMetricDaily.objects.count(),
        "seeded": seeded,
    }
    log(
        "Month {:%Y-%m}; {} catalogue OPDs, {:,} items, {:,} metric rows in the "
        "table.".format(month, len(opds), dataset["items"], dataset["table_rows"])
    )
    try:
        result = measure(month, args.repeats, opds)
    except ValidationError as exc:
        raise BenchError("build_report refused: {}".format(exc)) from None
    finally:
        from core.months import previous_month

        drop_reports(month)
        drop_reports(previous_month(month))
    targets = report(month, result, dataset)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out_path = RESULTS_DIR / "evaluations-{}.json".format(
        started.strftime("%Y%m%dT%H%M%SZ")
    )
    runs = result["runs"]
    payload = {
        "benchmark": "evaluations",
        "started_at": started.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
        },
        "month": month.isoformat(),
        "dataset": dataset,
        "baseline_full_s": runs["full"],
        "baseline_month_s": runs["slice"],
        "builds": {
            name: [{k: v for k, v in b.items() if k != "queries"} for b in runs[name]]
            for name in ("fresh", "recompute")
        },
        "few_opds": {k: v for k, v in result["few"].items() if k != "queries"},
        "carried_manual_scores": result["carried"],
        "explained": result["explained"],
        "queries_of_median_build": median_run(runs["fresh"])["queries"],
        "targets": targets,
    }
    out_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    log("")
    log("Figures written to {}".format(out_path.relative_to(ROOT)))
    log(
        "The evaluation data stays for the next run; `bench/evaluations.py "
        "--drop` removes it (needed before bench/catalogue.py can reseed)."
    )
    return 0 if all(t["pass"] for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
