"""Instagram and Facebook against a fake as strict as the Graph API: the
fake refuses what the references refuse (each behaviour below is held
against the documented one, so the fake cannot drift back to leniency), and
the client asks only for what is served, keeps what it got when one part
fails, and never leaves a run running on an answer it did not foresee."""

import datetime

import httpx
import pytest
from django.utils import timezone

from socialposts.accounts.models import AccountMetricDaily, Post, PostMetricSnapshot
from socialposts.pulls import fake_platform
from socialposts.pulls import services as pulls
from socialposts.pulls.clients.base import ValueRefused, number
from socialposts.pulls.clients.meta import day_bounds
from socialposts.pulls.models import IngestionRun
from tests.factories import SocialAccountFactory
from tests.socialposts.conftest import TODAY, calls, inject
from tests.socialposts.test_platforms import connect, run_task

pytestmark = pytest.mark.django_db
Status = IngestionRun.Status
IG = "17841400000001"
SMALL = "17841400kecil01"
WINDOW = [TODAY - datetime.timedelta(days=d) for d in range(3)]


def graph(url, path, **params):
    params.setdefault("access_token", "token-ok")
    return httpx.get("{}/v23.0/{}".format(url, path), params=params)


def error(response):
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == 100
    return body["message"]


# --- the fake refuses what the references refuse ----------------------------------


def test_account_totals_need_metric_type_total_value(fake):
    # IG User insights reference (updated 2026-06-16): views,
    # total_interactions and profile_views only as total_value.
    since, until = day_bounds(TODAY)
    for metric in ("views", "total_interactions", "profile_views"):
        message = error(
            graph(
                fake,
                IG + "/insights",
                metric=metric,
                period="day",
                since=since,
                until=until,
            )
        )
        assert "metric_type=total_value" in message
        answer = graph(
            fake,
            IG + "/insights",
            metric=metric,
            period="day",
            metric_type="total_value",
            since=since,
            until=until,
        )
        assert answer.status_code == 200
        (series,) = answer.json()["data"]
        assert "values" not in series
        assert series["total_value"]["value"] == fake_platform.daily_value(
            IG, metric, TODAY
        )


def test_retired_metrics_are_refused(fake):
    since, until = day_bounds(TODAY)
    for metric in ("impressions", "plays", "engagement"):
        error(
            graph(
                fake,
                IG + "/insights",
                metric=metric,
                period="day",
                since=since,
                until=until,
            )
        )
    media = fake_platform.media_for(IG, TODAY)[0]["id"]
    error(graph(fake, media + "/insights", metric="impressions"))


def test_shares_and_likes_are_refused_for_feed_media(fake):
    items = fake_platform.media_for(IG, TODAY)
    feed = next(m for m in items if m["media_product_type"] == "FEED")
    reel = next(m for m in items if m["media_product_type"] == "REELS")
    for metric in ("shares", "likes", "comments"):
        message = error(graph(fake, feed["id"] + "/insights", metric=metric))
        assert "not supported for this media type" in message
    assert (
        graph(fake, reel["id"] + "/insights", metric="shares,likes").status_code == 200
    )


def test_follower_count_only_at_100_followers_and_for_30_days(fake):
    since, until = day_bounds(TODAY)
    small = graph(
        fake,
        SMALL + "/insights",
        metric="follower_count,reach",
        period="day",
        since=since,
        until=until,
    )
    assert [s["name"] for s in small.json()["data"]] == ["reach"]
    old = day_bounds(TODAY - datetime.timedelta(days=40))[0]
    error(
        graph(
            fake,
            IG + "/insights",
            metric="follower_count",
            period="day",
            since=old,
            until=until,
        )
    )


def test_instagram_refresh_is_served_only_by_the_instagram_host(fake):
    params = {"grant_type": "ig_refresh_token", "access_token": "token-ok"}
    assert httpx.get(fake + "/refresh_access_token", params=params).status_code == 400
    on_instagram = httpx.get(
        fake + fake_platform.INSTAGRAM_HOST + "/refresh_access_token", params=params
    )
    assert on_instagram.status_code == 200
    assert on_instagram.json()["expires_in"] == 60 * 24 * 3600


# --- the client asks for what is served ----------------------------------------------


def test_an_instagram_pull_records_every_account_metric_and_succeeds(fake):
    account = connect("instagram", IG, "token-ok")
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.failed_parts == []
    rows = {
        (r.metric_id, r.date): (r.value, r.source_metric)
        for r in AccountMetricDaily.objects.filter(account=account)
    }
    expected = {
        "views": "views",
        "interactions": "total_interactions",
        "profile_visits": "profile_views",
        "reach": "reach",
        "new_followers": "follower_count",
    }
    for code, name in expected.items():
        for day in WINDOW:
            value = fake_platform.daily_value(IG, name, day)
            assert rows[(code, day)] == (value, name), (code, day)
    assert rows[("followers", TODAY)][0] == fake_platform.followers(IG, TODAY)
    assert set(run.payloads.values_list("api_version", flat=True)) == {"v23.0"}


def test_a_small_account_is_not_asked_for_follower_count(fake):
    account = connect("instagram", SMALL, "token-ok")
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    metrics = set(
        AccountMetricDaily.objects.filter(account=account).values_list(
            "metric", flat=True
        )
    )
    assert "new_followers" not in metrics
    assert {"views", "reach", "interactions"} <= metrics


def test_feed_likes_come_from_the_media_fields_and_reels_from_insights(fake):
    account = connect("instagram", IG, "token-ok")
    assert run_task(account).status == Status.SUCCEEDED
    items = fake_platform.media_for(IG, TODAY)
    feed = next(m for m in items if m["media_product_type"] == "FEED")
    reel = next(m for m in items if m["media_product_type"] == "REELS")

    def figures(item):
        return {
            s.metric_id: (s.value, s.source_metric)
            for s in PostMetricSnapshot.objects.filter(post__external_id=item["id"])
        }

    assert figures(feed)["likes"] == (
        fake_platform.media_value(feed["id"], "likes", TODAY),
        "like_count",
    )
    assert "shares" not in figures(feed)
    assert figures(reel)["shares"][1] == "shares"


# --- pulls keep what they got ----------------------------------------------------------


def test_one_media_object_failing_for_ever_costs_only_itself(fake, settings):
    settings.SOCIAL_PART_RETRY_ATTEMPTS = 3
    account = connect("instagram", IG, "token-ok")
    broken = fake_platform.media_for(IG, TODAY)[1]["id"]
    inject(fake, {"match": broken + "/insights", "kind": "500", "times": -1})
    run = run_task(account)
    assert run.status == Status.PARTIAL
    assert run.failed_parts == ["media:{}".format(broken)]
    assert broken in run.error
    # Its own budget, not the run's: three attempts, then the next post.
    assert calls(fake, broken + "/insights") == 3
    others = PostMetricSnapshot.objects.filter(post__account=account).exclude(
        post__external_id=broken
    )
    assert (
        others.filter(metric="views").count()
        == Post.objects.filter(account=account).count() - 1
    )
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="views").count() == 3
    )


def test_a_business_use_case_block_mid_pull_defers_the_rest_and_keeps_the_rest(fake):
    account = connect("instagram", IG, "token-ok")
    inject(fake, {"match": IG + "/media", "kind": "quota", "times": -1})
    run = run_task(account)
    assert run.status == Status.DEFERRED
    assert run.rows_written > 0
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="views").count() == 3
    )
    assert account.deferred_until == timezone.localdate() + datetime.timedelta(days=1)


def test_an_answer_no_one_foresaw_fails_the_run_once_with_the_error_kept(fake):
    account = connect("instagram", IG, "token-ok")
    inject(fake, {"match": IG + "/insights", "kind": "malformed", "times": -1})
    run = run_task(account)
    assert run.status == Status.FAILED
    assert "end_time" in run.error
    assert run.attempts == 1 and run.finished_at is not None


def test_the_next_night_asks_again_for_the_days_that_failed(fake):
    account = SocialAccountFactory(
        platform="instagram", external_id=IG, connection="api"
    )
    failed_day = timezone.localdate() - datetime.timedelta(days=12)
    IngestionRun.objects.create(
        account=account,
        trigger="schedule",
        status=Status.PARTIAL,
        window_start=failed_day,
        window_end=failed_day,
        finished_at=timezone.now(),
        failed_parts=["account:{}".format(failed_day.isoformat()), "media:x_1"],
    )
    run = pulls.queue_pull(account, trigger="schedule", enqueue=lambda run_id: None)
    assert run.window_start == failed_day
    assert run.window_end == timezone.localdate()


# --- one parser for every value ------------------------------------------------------------


def test_values_are_numbers_or_refused_with_the_metric_named():
    assert number(12, "reach") == 12.0 and number("7", "viewCount") == 7.0
    assert number({"like": 3, "love": 2}, "post_reactions_by_type_total") == 5.0
    assert number({"paid": 10, "organic": 5}, "page_media_view") == 15.0
    for bad in ({"paid": 1}, [1], True, None, "tinggi"):
        with pytest.raises(ValueRefused, match="reach"):
            number(bad, "reach")


# --- Facebook videos and Reels ----------------------------------------------------------

PAGE = "page100000000001"


def test_a_reel_has_no_insights_edge_only_video_insights(fake):
    reel = next(
        m
        for m in fake_platform.media_for(PAGE, TODAY)
        if m["media_product_type"] == "REELS"
    )
    error(graph(fake, reel["id"] + "/insights", metric="post_media_view"))
    video = fake_platform.page_video_id(reel["id"])
    error(graph(fake, video + "/video_insights", metric="total_video_views"))
    answer = graph(fake, video + "/video_insights", metric="blue_reels_play_count")
    assert answer.status_code == 200


def test_facebook_reels_and_videos_are_read_from_their_video_insights(fake):
    page = connect("facebook", PAGE, "token-ok")
    run = run_task(page)
    assert run.status == Status.SUCCEEDED, run.error
    posts = {p["id"]: p for p in fake_platform.page_posts_for(PAGE, TODAY)}
    reel_id = next(
        m["id"]
        for m in fake_platform.media_for(PAGE, TODAY)
        if m["media_product_type"] == "REELS"
    )
    video = fake_platform.page_video_id(reel_id)
    reel = Post.objects.get(external_id=reel_id)
    assert reel.content_type == "reels"
    figures = {
        s.metric_id: (s.value, s.source_metric)
        for s in PostMetricSnapshot.objects.filter(post=reel)
    }
    assert figures["views"] == (
        fake_platform.page_video_value(video, "blue_reels_play_count", TODAY),
        "blue_reels_play_count",
    )
    milliseconds = fake_platform.page_video_value(video, "post_video_view_time", TODAY)
    assert figures["watch_time_minutes"] == (
        round(milliseconds / 60000, 2),
        "post_video_view_time",
    )
    assert "reach" not in figures  # a Reel has no /insights to ask
    plain = next(
        pid
        for pid, p in posts.items()
        if p["status_type"] == "added_video"
        and "/reel/" not in p["permalink_url"]
        and Post.objects.filter(external_id=pid).exists()
    )
    sources = set(
        PostMetricSnapshot.objects.filter(post__external_id=plain).values_list(
            "source_metric", flat=True
        )
    )
    assert {"total_video_view_total_time", "post_media_view"} <= sources


# --- what the review found ---------------------------------------------------------------


def test_insights_spans_are_at_most_30_days_and_a_long_window_is_asked_in_pieces(fake):
    since = day_bounds(TODAY - datetime.timedelta(days=39))[0]
    until = day_bounds(TODAY)[1]
    message = error(
        graph(
            fake,
            IG + "/insights",
            metric="reach",
            period="day",
            since=since,
            until=until,
        )
    )
    assert "30 days" in message
    account = connect("instagram", IG, "token-ok")
    run = IngestionRun.objects.create(
        account=account,
        trigger="command",
        window_start=TODAY - datetime.timedelta(days=39),
        window_end=TODAY,
    )
    from socialposts.pulls.tasks import pull_account_task

    pull_account_task.delay(run.pk)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="reach").count() == 40
    )


def test_a_post_with_too_few_viewers_is_no_failure(fake):
    account = connect("instagram", IG, "token-ok")
    quiet = next(
        m
        for m in fake_platform.media_for(IG, TODAY)
        if m["media_product_type"] == "FEED"
    )
    inject(
        fake,
        {"match": quiet["id"] + "/insights", "kind": "not_enough_viewers", "times": -1},
    )
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.failed_parts == []
    metrics = set(
        PostMetricSnapshot.objects.filter(post__external_id=quiet["id"]).values_list(
            "metric", flat=True
        )
    )
    assert metrics == {"likes", "comments"}  # the media fields still came


def test_a_platform_that_goes_down_mid_pull_keeps_what_came(fake):
    account = connect("instagram", IG, "token-ok")
    # Every media object's insights fail: three in a row stop the pull.
    inject(fake, {"match": IG + "_", "kind": "500", "times": -1})
    run = run_task(account)
    assert run.status == Status.PARTIAL
    assert "3 parts in a row" in run.error
    assert len([k for k in run.failed_parts if k.startswith("media:")]) == 3
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="views").count() == 3
    )


def test_failed_days_survive_a_run_that_failed_whole(fake):
    account = SocialAccountFactory(
        platform="instagram", external_id=IG, connection="api"
    )
    today = timezone.localdate()
    partial_day = today - datetime.timedelta(days=9)
    common = {"account": account, "trigger": "schedule", "window_end": today}
    IngestionRun.objects.create(
        **common,
        status=Status.PARTIAL,
        window_start=today - datetime.timedelta(days=10),
        finished_at=timezone.now() - datetime.timedelta(days=1),
        failed_parts=["account:{}".format(partial_day.isoformat())],
    )
    IngestionRun.objects.create(
        **common,
        status=Status.FAILED,
        window_start=today - datetime.timedelta(days=6),
        finished_at=timezone.now(),
    )
    run = pulls.queue_pull(account, trigger="schedule", enqueue=lambda run_id: None)
    assert run.window_start == partial_day


def test_the_graph_version_sunset_is_checked(settings):
    from socialposts.checks import graph_version

    settings.SOCIAL_GRAPH_API_VERSION = "v23.0"
    assert graph_version(today=datetime.date(2026, 12, 7)) == []
    (warning,) = graph_version(today=datetime.date(2027, 8, 1))
    assert warning.id == "socialposts.W001" and "2027-10-08" in warning.msg
    (error_,) = graph_version(today=datetime.date(2027, 10, 8))
    assert error_.id == "socialposts.E001"
    settings.SOCIAL_GRAPH_API_VERSION = "v99.0"
    (note,) = graph_version(today=datetime.date(2026, 12, 7))
    assert note.id == "socialposts.I001"
