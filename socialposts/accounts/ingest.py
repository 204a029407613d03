"""Idempotent writes of metric values: upserts on the natural keys
(account, metric, date) and (post, metric, date).

On PostgreSQL a batch is COPYed into a temporary table and merged with one
``INSERT … ON CONFLICT DO UPDATE``: about 3× faster than ``bulk_create``
(docs/quality-targets.md §1.5). Each batch is de-duplicated first, because one
statement may not touch the same key twice, and platforms return
overlapping windows. Replaying any batch, in any order, leaves the same
table.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from socialposts.accounts.models import (
    AccountMetricDaily,
    Metric,
    Post,
    PostMetricSnapshot,
    SocialAccount,
)


@dataclass(frozen=True)
class AccountValue:
    """An account's value of a canonical metric on a day."""

    account_id: int
    metric: str
    date: datetime.date
    value: float
    source_metric: str


@dataclass(frozen=True)
class PostValue:
    """A post's cumulative value of a canonical metric as of a day."""

    post_id: int
    metric: str
    date: datetime.date
    value: float
    source_metric: str


@dataclass(frozen=True)
class _Target:
    model: type[Model]
    owner: str  # the owner's column: account_id or post_id
    owner_model: type[Model]
    stage: str  # name of the temporary staging table


ACCOUNT = _Target(
    AccountMetricDaily, "account_id", SocialAccount, "social_stage_account"
)
POST = _Target(PostMetricSnapshot, "post_id", Post, "social_stage_post")


def upsert_account_values(
    values: Iterable[AccountValue], *, fetched_at: datetime.datetime | None = None
) -> int:
    """Write ``values``; return how many rows were inserted or changed."""
    rows = {(v.account_id, v.metric, v.date): v for v in values}
    return _upsert(ACCOUNT, [_row(k, v) for k, v in rows.items()], fetched_at)


def upsert_post_values(
    values: Iterable[PostValue], *, fetched_at: datetime.datetime | None = None
) -> int:
    """Write ``values``; return how many rows were inserted or changed."""
    rows = {(v.post_id, v.metric, v.date): v for v in values}
    return _upsert(POST, [_row(k, v) for k, v in rows.items()], fetched_at)


def _row(key: tuple, value: AccountValue | PostValue) -> tuple:
    # The last value given for a key wins: later answers correct earlier ones.
    return (*key, float(value.value), value.source_metric[:100])


def _upsert(
    target: _Target, rows: Sequence[tuple], fetched_at: datetime.datetime | None
) -> int:
    if not rows:
        return 0
    fetched_at = fetched_at or timezone.now()
    if connection.vendor == "postgresql":
        return _copy_and_merge(target, rows, fetched_at)
    return _bulk_upsert(target, rows, fetched_at)


def _copy_and_merge(
    target: _Target, rows: Sequence[tuple], fetched_at: datetime.datetime
) -> int:
    table = connection.ops.quote_name(target.model._meta.db_table)
    owner = target.owner
    # COPY's text format, built by hand: three times faster than csv.writer,
    # and every field is a number, a date or a cleaned name.
    buffer = io.StringIO(
        "".join(
            "{}\t{}\t{}\t{!r}\t{}\n".format(o, m, d.isoformat(), v, _text(s))
            for o, m, d, v, s in rows
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.{}".format(target.stage))
        cursor.execute(
            "CREATE TEMP TABLE {} ({} bigint, metric_id varchar(40), date date, "
            "value double precision, source_metric varchar(100)) "
            "ON COMMIT DROP".format(target.stage, owner)
        )
        cursor.copy_expert(
            "COPY {} FROM STDIN".format(target.stage),
            buffer,
        )
        # The joins keep out rows of unknown accounts, posts or metrics (the
        # table has no foreign keys, for speed); an unchanged value is left
        # alone, so a replay writes nothing.
        cursor.execute(
            "INSERT INTO {table} AS t "  # nosec B608 # names from the models, values bound
            "({owner}, metric_id, date, value, source_metric, fetched_at) "
            "SELECT s.{owner}, s.metric_id, s.date, s.value, s.source_metric, %s "
            "FROM {stage} s "
            "JOIN {owners} o ON o.id = s.{owner} "
            "JOIN {metrics} m ON m.code = s.metric_id "
            "ON CONFLICT ({owner}, metric_id, date) DO UPDATE SET "
            "value = EXCLUDED.value, source_metric = EXCLUDED.source_metric, "
            "fetched_at = EXCLUDED.fetched_at "
            "WHERE (t.value, t.source_metric) "
            "IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.source_metric)".format(
                table=table,
                stage=target.stage,
                owner=owner,
                owners=connection.ops.quote_name(target.owner_model._meta.db_table),
                metrics=connection.ops.quote_name(Metric._meta.db_table),
            ),
            [fetched_at],
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE {}".format(target.stage))
    return written


_UNSAFE = str.maketrans({"\\": "/", "\t": " ", "\n": " ", "\r": " "})


def _text(value: str) -> str:
    """A name made safe for COPY's text format."""
    return value.translate(_UNSAFE)


def _bulk_upsert(
    target: _Target, rows: Sequence[tuple], fetched_at: datetime.datetime
) -> int:
    """The portable path (SQLite): the same statement, row by row."""
    owner = target.owner
    # The same guard as the joins of the COPY path.
    known_owners = set(
        target.owner_model.objects.filter(pk__in={r[0] for r in rows}).values_list(
            "pk", flat=True
        )
    )
    known_metrics = set(Metric.objects.values_list("code", flat=True))
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(fetched_at)
    params = [
        (o, m, ops.adapt_datefield_value(d), v, s, stamp)
        for o, m, d, v, s in rows
        if o in known_owners and m in known_metrics
    ]
    sql = (
        "INSERT INTO {table} ({owner}, metric_id, date, value, source_metric, fetched_at) "  # nosec B608 # names from the models, values bound
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT ({owner}, metric_id, date) DO UPDATE SET "
        "value = excluded.value, source_metric = excluded.source_metric, "
        "fetched_at = excluded.fetched_at "
        "WHERE value IS NOT excluded.value "
        "OR source_metric IS NOT excluded.source_metric"
    ).format(table=ops.quote_name(target.model._meta.db_table), owner=owner)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
        return max(cursor.rowcount, 0)
