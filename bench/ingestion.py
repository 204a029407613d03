"""Metric ingestion benchmark: quality target P5 (docs/quality-targets.md section 4).

Run from the project root::

    .venv/bin/python bench/ingestion.py [--rows 200000] [--repeats 3]

It uses the benchmark database (``purbalingga_bench``), migrates it, and
measures three things in the same process, each the median of ``--repeats``:

* ``copy``: a raw ``COPY`` of the rows into a scratch table with the metric
  table's columns, identity and unique key, the ceiling;
* ``new``: the production upsert path (``socialposts.accounts.ingest``) into the
  empty metric table;
* ``update``: the same rows again with every value changed, so every row
  conflicts and is rewritten.

Targets: ≥ 50,000 new rows/s and ≥ 40,000 updated rows/s, and within 2× and
3× of the ``COPY`` measured in the same run. Exit status 0 when they pass,
1 when one fails, 2 when the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "purbalingga_bench"
NEW_MIN, UPDATE_MIN = 50_000, 40_000
NEW_RATIO_MAX, UPDATE_RATIO_MAX = 2.0, 3.0
ACCOUNTS = 100


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/{}".format(DB_NAME),
        DEBUG="True",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg2

    try:
        admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    except psycopg2.OperationalError as exc:
        print("PostgreSQL on 127.0.0.1:5432 is not reachable: {}".format(exc))
        sys.exit(2)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cursor.fetchone() is None:
            cursor.execute("CREATE DATABASE {}".format(DB_NAME))
    admin.close()


def make_rows(n: int, accounts: list[int], shift: float = 0.0) -> list:
    from socialposts.accounts.ingest import AccountValue
    from socialposts.targets import ACCOUNT_METRICS as metrics

    days = -(-n // (len(accounts) * len(metrics)))
    start = datetime.date(2026, 1, 1)
    rows = []
    for account in accounts:
        for metric in metrics:
            for d in range(days):
                rows.append(
                    AccountValue(
                        account,
                        metric,
                        start - datetime.timedelta(days=d),
                        float(d) + shift,
                        metric,
                    )
                )
                if len(rows) == n:
                    return rows
    return rows


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def raw_copy(rows: list) -> None:
    from django.db import connection, transaction

    buffer = io.StringIO()
    stamp = datetime.datetime.now(datetime.UTC).isoformat()
    for v in rows:
        buffer.write(
            "{}\t{}\t{}\t{!r}\t{}\t{}\n".format(
                v.account_id,
                v.metric,
                v.date.isoformat(),
                v.value,
                v.source_metric,
                stamp,
            )
        )
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY bench_copy_scratch (account_id, metric_id, date, value, "
            "source_metric, fetched_at) FROM STDIN",
            buffer,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from opds.models import Opd
    from socialposts.accounts.ingest import upsert_account_values
    from socialposts.accounts.models import AccountMetricDaily, SocialAccount

    opd, _ = Opd.objects.get_or_create(
        slug="bench-ingest",
        defaults={"name": "Bench ingest", "short_name": "BENCH", "kind": "dinas"},
    )
    accounts = []
    for n in range(ACCOUNTS):
        account, _ = SocialAccount.objects.get_or_create(
            platform="instagram",
            handle="bench_ingest_{}".format(n),
            defaults={"opd": opd},
        )
        accounts.append(account.pk)
    rows = make_rows(args.rows, accounts)
    changed = make_rows(args.rows, accounts, shift=0.5)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        # The target's columns, identity and unique key: what any way of
        # storing these rows must at least pay for.
        cursor.execute(
            "CREATE TABLE bench_copy_scratch "
            "(LIKE socialposts_accountmetricdaily INCLUDING ALL)"
        )
    results: dict[str, list[float]] = {"copy": [], "new": [], "update": []}
    for _ in range(args.repeats):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_copy_scratch")
        AccountMetricDaily.objects.filter(account__opd=opd).delete()
        with connection.cursor() as cursor:
            # Both tables start clean: the metric table's dead rows of the
            # previous repeat would otherwise slow its unique checks, as a
            # TRUNCATE spares the scratch table.
            cursor.execute("VACUUM ANALYZE bench_copy_scratch")
            cursor.execute("VACUUM ANALYZE socialposts_accountmetricdaily")
        results["copy"].append(len(rows) / timed(lambda: raw_copy(rows)))
        results["new"].append(len(rows) / timed(lambda: upsert_account_values(rows)))
        results["update"].append(
            len(rows) / timed(lambda: upsert_account_values(changed))
        )
    if AccountMetricDaily.objects.filter(account__opd=opd).count() != len(rows):
        raise SystemExit("the upsert lost rows")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_scratch")
    AccountMetricDaily.objects.filter(account__opd=opd).delete()

    copy = statistics.median(results["copy"])
    new = statistics.median(results["new"])
    update = statistics.median(results["update"])
    print(
        "Metric ingestion, {} rows, median of {} (PostgreSQL, one process)".format(
            len(rows), args.repeats
        )
    )
    print("  {:<8} {:>10}   {}".format("path", "rows/s", "× slower than COPY"))
    print("  {:<8} {:>10,.0f}   1.00".format("copy", copy))
    print("  {:<8} {:>10,.0f}   {:.2f}".format("new", new, copy / new))
    print("  {:<8} {:>10,.0f}   {:.2f}".format("update", update, copy / update))
    checks = [
        ("new rows ≥ {:,}/s".format(NEW_MIN), new >= NEW_MIN, "{:,.0f}/s".format(new)),
        (
            "updates ≥ {:,}/s".format(UPDATE_MIN),
            update >= UPDATE_MIN,
            "{:,.0f}/s".format(update),
        ),
        (
            "new within {:.0f}× of COPY".format(NEW_RATIO_MAX),
            copy / new <= NEW_RATIO_MAX,
            "{:.2f}×".format(copy / new),
        ),
        (
            "updates within {:.0f}× of COPY".format(UPDATE_RATIO_MAX),
            copy / update <= UPDATE_RATIO_MAX,
            "{:.2f}×".format(copy / update),
        ),
    ]
    print("Targets (P5):")
    for what, ok, value in checks:
        print("  {} {:<28} {}".format("PASS" if ok else "FAIL", what, value))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
