"""Pulling Instagram through the real client, against the fake platform
server over loopback HTTP, with every fault class."""

import datetime

import httpx
import pytest

from core import runs
from socialposts.accounts.models import (
    AccountMetricDaily,
    PlatformMetric,
    Post,
    PostMetricSnapshot,
)
from socialposts.pulls import fake_platform, tokens
from socialposts.pulls import services as pipeline
from socialposts.pulls.models import IngestionRun, RawPayload
from socialposts.pulls.tasks import pull_account_task
from tests.factories import SocialAccountFactory
from tests.socialposts.conftest import TODAY, calls, inject

pytestmark = pytest.mark.django_db
IG_ID = "17841400000001"
Status = IngestionRun.Status


@pytest.fixture
def account():
    account = SocialAccountFactory(external_id=IG_ID, connection="api")
    tokens.set_tokens(account, access="token-ok")
    return account


def queued(account):
    return IngestionRun.objects.create(
        account=account,
        trigger="command",
        window_start=TODAY - datetime.timedelta(days=2),
        window_end=TODAY,
    )


def run_task(account):
    run = queued(account)
    pull_account_task.delay(run.pk)
    run.refresh_from_db()
    return run


def test_a_pull_stores_followers_daily_insights_posts_and_payloads(fake, account):
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    followers = AccountMetricDaily.objects.get(metric="followers", date=TODAY)
    assert followers.value == fake_platform.followers(IG_ID, TODAY)
    reach = dict(
        AccountMetricDaily.objects.filter(metric="reach").values_list("date", "value")
    )
    assert reach == {
        TODAY - datetime.timedelta(days=d): fake_platform.daily_value(
            IG_ID, "reach", TODAY - datetime.timedelta(days=d)
        )
        for d in range(3)
    }
    # Views under Instagram's current name, with the source name kept.
    assert (
        AccountMetricDaily.objects.filter(metric="views", source_metric="views").count()
        == 3
    )
    expected_posts = [
        m
        for m in fake_platform.media_for(IG_ID, TODAY)
        if m["timestamp"][:10] >= (TODAY - datetime.timedelta(days=90)).isoformat()
    ]
    assert Post.objects.count() == len(expected_posts) > 20
    reel = Post.objects.filter(content_type="reels").first()
    assert reel is not None
    assert PostMetricSnapshot.objects.filter(post=reel, date=TODAY).count() == 7
    assert (
        run.rows_written
        == AccountMetricDaily.objects.count() + PostMetricSnapshot.objects.count()
    )
    assert RawPayload.objects.filter(run=run).exists()
    assert "token-ok" not in str(
        list(RawPayload.objects.values_list("payload", flat=True))
    )
    account.refresh_from_db()
    assert not account.is_stale()


def test_pulling_the_same_window_again_changes_nothing(fake, account):
    run_task(account)
    before = sorted(AccountMetricDaily.objects.values_list("metric", "date", "value"))
    posts = Post.objects.count()
    again = run_task(account)
    assert again.status == Status.SUCCEEDED and again.rows_written == 0
    assert (
        sorted(AccountMetricDaily.objects.values_list("metric", "date", "value"))
        == before
    )
    assert Post.objects.count() == posts


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "429", "retry_after": 0},
        {"kind": "500"},
        {"kind": "slow", "delay": 1.5},
        {"kind": "truncated"},
        {"kind": "reset"},
        {"kind": "rate_limit"},
    ],
    ids=lambda f: f["kind"],
)
def test_transient_faults_are_retried_and_the_run_succeeds(fake, account, fault):
    inject(fake, {"match": "{}/insights".format(IG_ID), "times": 2, **fault})
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    # Two failures, then the answer (the first group of account metrics).
    assert calls(fake, "{}/insights".format(IG_ID)) >= 3
    assert AccountMetricDaily.objects.filter(metric="reach").count() == 3


def test_retries_are_bounded(fake, account, settings):
    settings.SOCIAL_RETRY_ATTEMPTS = 3
    inject(fake, {"match": IG_ID, "kind": "500", "times": 99})
    run = run_task(account)
    assert run.status == Status.FAILED and "500" in run.error
    assert calls(fake, IG_ID) == 3
    assert not AccountMetricDaily.objects.exists()


def test_retry_after_is_honoured(fake, account):
    slept = []
    inject(fake, {"match": IG_ID, "kind": "429", "retry_after": 7, "times": 1})
    run = queued(account)
    run = runs.claim(IngestionRun, run.pk)
    status, _rows, _problems, _failed = pipeline.pull(run, sleep=slept.append)
    assert status == Status.SUCCEEDED
    assert slept and slept[0] >= 7


def test_an_invalid_token_is_not_retried_and_the_account_needs_reconnecting(
    fake, account
):
    inject(fake, {"match": IG_ID, "kind": "invalid_token", "times": 99})
    run = run_task(account)
    assert run.status == Status.FAILED
    assert calls(fake, IG_ID) == 1
    account.refresh_from_db()
    assert account.token_health() == "revoked"


def test_a_retired_metric_loses_only_itself(fake, account):
    # profile_views retired; the catalogue now names one the platform rejects.
    PlatformMetric.objects.filter(platform="instagram", name="profile_views").update(
        valid_to=datetime.date(2025, 12, 31)
    )
    PlatformMetric.objects.create(
        platform="instagram",
        name="profile_visits_v2",
        metric_id="profile_visits",
        valid_from=datetime.date(2026, 1, 1),
    )
    run = run_task(account)
    assert run.status == Status.PARTIAL
    assert "profile_visits_v2" in run.error
    assert AccountMetricDaily.objects.filter(metric="reach").count() == 3
    assert not AccountMetricDaily.objects.filter(metric="profile_visits").exists()


def test_the_fake_pages_media_like_the_graph_api(fake):
    body = httpx.get(
        fake + "/v23.0/{}/media".format(IG_ID),
        params={"access_token": "x", "limit": 10},
    ).json()
    assert len(body["data"]) == 10 and body["paging"]["cursors"]["after"] == "10"
    refused = httpx.get(
        fake + "/v23.0/{}".format(IG_ID), params={"access_token": "revoked"}
    )
    assert refused.json()["error"]["code"] == 190


def test_a_facebook_page_pull_uses_the_metrics_valid_today(fake):
    page = SocialAccountFactory(
        platform="facebook", external_id="page100000000001", connection="api"
    )
    tokens.set_tokens(page, access="token-ok")
    run = run_task(page)
    assert run.status == Status.SUCCEEDED, run.error
    reach = AccountMetricDaily.objects.filter(account=page, metric="reach")
    # The replacement wins where old and new names overlap (until 2026-06-14).
    assert set(reach.values_list("source_metric", flat=True)) == {
        "page_total_media_view_unique"
    }
    assert reach.count() == 3
    # A Reel has no /insights edge: its figures are its video insights.
    post = (
        Post.objects.filter(account=page)
        .exclude(content_type="reels")
        .order_by("-published_at")
        .first()
    )
    values = dict(
        PostMetricSnapshot.objects.filter(post=post, date=TODAY).values_list(
            "metric_id", "value"
        )
    )
    reactions = fake_platform.page_post_value(
        post.external_id, "post_reactions_by_type_total", TODAY
    )
    assert values["likes"] == sum(reactions.values())
    assert {"reach", "views", "comments", "shares"} <= set(values)
    assert set(
        Post.objects.filter(account=page).values_list("content_type", flat=True)
    ) <= {
        "foto",
        "video",
        "teks",
        "reels",
    }


def test_expiring_instagram_tokens_are_refreshed_and_refusals_recorded(fake):
    import django.utils.timezone as tz

    from socialposts.pulls.tasks import refresh_expiring_tokens_task

    soon = tz.now() + datetime.timedelta(days=3)
    instagram_login = {"connection": "api", "meta_login": "instagram"}
    expiring = SocialAccountFactory(external_id="17841400000101", **instagram_login)
    tokens.set_tokens(expiring, access="token-expiring", expires_at=soon)
    refused = SocialAccountFactory(external_id="17841400000102", **instagram_login)
    tokens.set_tokens(refused, access="revoked", expires_at=soon)
    later = SocialAccountFactory(external_id="17841400000103", **instagram_login)
    tokens.set_tokens(
        later, access="token-later", expires_at=tz.now() + datetime.timedelta(days=30)
    )
    assert refresh_expiring_tokens_task.delay().get() == 1
    expiring.refresh_from_db()
    assert tokens.access_token(expiring) == "fresh-token-expiring"
    assert expiring.token_health() == "ok"
    assert expiring.token_expires_at > tz.now() + datetime.timedelta(days=59)
    refused.refresh_from_db()
    assert refused.token_health() == "revoked"
    later.refresh_from_db()
    assert tokens.access_token(later) == "token-later"
