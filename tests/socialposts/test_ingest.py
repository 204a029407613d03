"""Metric upserts: idempotent, order-independent, one row per natural key."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from socialposts.accounts.models import AccountMetricDaily, Metric, PostMetricSnapshot
from tests.factories import PostFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 16)


def table():
    return sorted(
        AccountMetricDaily.objects.values_list(
            "account_id", "metric_id", "date", "value", "source_metric"
        )
    )


def test_catalogue_maps_renamed_metrics_with_their_dates():
    views = Metric.objects.get(code="views")
    names = {
        (p.platform, p.name): (p.valid_from, p.valid_to, p.breaks_series)
        for p in views.platform_names.all()
    }
    assert names[("instagram", "impressions")] == (
        None,
        datetime.date(2025, 4, 20),
        False,
    )
    assert names[("instagram", "views")] == (datetime.date(2025, 4, 21), None, True)
    assert names[("facebook", "page_media_view")][0] == datetime.date(2025, 11, 15)


def test_insert_then_update_then_replay():
    account = SocialAccountFactory()
    first = [
        AccountValue(account.pk, "followers", DAY, 1000, "followers_count"),
        AccountValue(account.pk, "reach", DAY, 250, "reach"),
    ]
    assert upsert_account_values(first) == 2
    assert upsert_account_values(first) == 0  # nothing changed, nothing written
    corrected = [AccountValue(account.pk, "reach", DAY, 260, "reach")]
    assert upsert_account_values(corrected) == 1
    assert table() == [
        (account.pk, "followers", DAY, 1000.0, "followers_count"),
        (account.pk, "reach", DAY, 260.0, "reach"),
    ]


def test_duplicates_in_one_batch_keep_the_last_value():
    account = SocialAccountFactory()
    batch = [
        AccountValue(account.pk, "reach", DAY, 1, "reach"),
        AccountValue(account.pk, "reach", DAY, 2, "reach"),
    ]
    assert upsert_account_values(batch) == 1
    assert AccountMetricDaily.objects.get().value == 2


def test_post_snapshots_upsert_on_post_metric_day():
    post = PostFactory()
    values = [PostValue(post.pk, "views", DAY, 10, "views")]
    upsert_post_values(values)
    upsert_post_values([PostValue(post.pk, "views", DAY, 12, "views")])
    assert list(PostMetricSnapshot.objects.values_list("value", flat=True)) == [12.0]


@pytest.mark.needs_postgres
def test_a_batch_costs_a_fixed_number_of_queries():
    """The COPY path: the same statements for 5 rows as for 2,000."""
    account = SocialAccountFactory()

    def queries(days):
        values = [
            AccountValue(account.pk, "views", DAY - datetime.timedelta(d), d, "views")
            for d in range(days)
        ]
        with CaptureQueriesContext(connection) as ctx:
            upsert_account_values(values)
        return len(ctx)

    assert queries(5) == queries(2000)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 2),  # account
            st.sampled_from(["reach", "views", "followers"]),
            st.integers(0, 4),  # day
        ),
        min_size=1,
        max_size=30,
        unique=True,
    ),
    extra=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6),
    chunk=st.integers(1, 10),
    seed=st.randoms(use_true_random=False),
)
def test_shuffled_duplicated_overlapping_batches_give_the_same_table(
    data, extra, chunk, seed
):
    AccountMetricDaily.objects.all().delete()
    accounts = _accounts()
    truth = [
        AccountValue(accounts[a], m, DAY - datetime.timedelta(d), (a + 1) * 100 + d, m)
        for a, m, d in data
    ]
    upsert_account_values(truth)
    expected = table()
    AccountMetricDaily.objects.all().delete()
    # Every value arrives at least once, in chunks; extra slices overlap and
    # repeat them; duplicates inside a batch too; in any order.
    batches = [truth[i : i + chunk] for i in range(0, len(truth), chunk)]
    batches += [truth[min(a, b) : max(a, b)] for a, b in extra]
    batches += [batch + batch for batch in batches[:2]]
    seed.shuffle(batches)
    for batch in batches:
        upsert_account_values(batch)
    assert table() == expected


def _accounts():
    from socialposts.accounts.models import SocialAccount

    ids = list(SocialAccount.objects.order_by("pk").values_list("pk", flat=True)[:3])
    while len(ids) < 3:
        ids.append(SocialAccountFactory().pk)
    return ids
