"""YouTube and TikTok through their real clients, and every fault class
against every platform's client, over loopback HTTP to the fake server."""

import datetime

import httpx
import pytest
from django.utils import timezone

from socialposts.accounts.models import AccountMetricDaily, Post, PostMetricSnapshot
from socialposts.pulls import fake_platform, tokens
from socialposts.pulls.clients.base import QuotaExceeded
from socialposts.pulls.clients.meta import GraphTransport
from socialposts.pulls.models import IngestionRun
from socialposts.pulls.tasks import pull_account_task
from tests.factories import SocialAccountFactory
from tests.socialposts.conftest import TODAY, calls, inject

pytestmark = pytest.mark.django_db
Status = IngestionRun.Status
CHANNEL = "UCfakechannel0001"
TT_USER = "tt0001"
HORIZON = TODAY - datetime.timedelta(days=90)


def connect(platform, external_id, access, refresh="", expires_in=None):
    account = SocialAccountFactory(platform=platform, external_id=external_id)
    expires = timezone.now() + expires_in if expires_in else None
    tokens.set_tokens(account, access=access, refresh=refresh, expires_at=expires)
    return account


def run_task(account):
    run = IngestionRun.objects.create(
        account=account,
        trigger="command",
        window_start=TODAY - datetime.timedelta(days=2),
        window_end=TODAY,
    )
    pull_account_task.delay(run.pk)
    run.refresh_from_db()
    account.refresh_from_db()
    return run


def recent(items):
    return [m for m in items if m["timestamp"][:10] >= HORIZON.isoformat()]


def test_a_youtube_pull_reads_the_channel_its_uploads_and_analytics(fake):
    channel = connect(
        "youtube", CHANNEL, "ya29.ok", "1//refresh", datetime.timedelta(hours=1)
    )
    run = run_task(channel)
    assert run.status == Status.SUCCEEDED, run.error
    followers = AccountMetricDaily.objects.get(account=channel, metric="followers")
    assert followers.value == fake_platform.followers(CHANNEL, TODAY)
    assert followers.source_metric == "subscriberCount"
    minutes = dict(
        AccountMetricDaily.objects.filter(
            account=channel, metric="watch_time_minutes"
        ).values_list("date", "value")
    )
    # Analytics lags two days and its last day is still filling: of the
    # window's three days only the first has come, truncated; the nightly
    # lookback fetches it again until it is whole.
    last = TODAY - datetime.timedelta(days=fake_platform.YT_LAG_DAYS)
    assert minutes == {
        last: fake_platform.yt_daily_value(CHANNEL, "estimatedMinutesWatched", last)
        // 2
    }
    videos = recent(fake_platform.media_for(CHANNEL, TODAY))
    assert Post.objects.filter(account=channel).count() == len(videos) > 20
    video = Post.objects.get(external_id=videos[0]["id"])
    assert video.duration_seconds == fake_platform.video_duration(video.external_id)
    assert video.permalink.endswith("watch?v={}".format(video.external_id))
    snapshot = dict(
        PostMetricSnapshot.objects.filter(post=video, date=TODAY).values_list(
            "metric_id", "value"
        )
    )
    assert snapshot["views"] == fake_platform.media_value(
        video.external_id, "views", TODAY
    )
    assert snapshot["watch_time_minutes"] == fake_platform.yt_minutes_watched(
        video.external_id, TODAY
    )
    # Uploads playlist and videos.list in pages of 50; no search.list.
    assert calls(fake, "/youtube/v3/search") == 0
    assert calls(fake, "/youtube/v3/videos") == 1


def test_a_youtube_token_without_analytics_still_brings_the_data_api_figures(fake):
    channel = connect(
        "youtube", CHANNEL, "data-only-token", "1//r", datetime.timedelta(hours=1)
    )
    run = run_task(channel)
    # Partial, saying why, until staff reconnect with the Analytics scope.
    assert run.status == Status.PARTIAL and "YouTube Analytics" in run.error
    assert AccountMetricDaily.objects.filter(
        account=channel, metric="followers"
    ).exists()
    assert not AccountMetricDaily.objects.filter(
        account=channel, metric="views"
    ).exists()
    assert PostMetricSnapshot.objects.filter(
        post__account=channel, metric="views"
    ).exists()
    # Refused once, then not asked again for the watch time.
    assert calls(fake, "/v2/reports") == 1


def test_a_lapsed_google_token_is_renewed_before_the_pull(fake):
    channel = connect(
        "youtube", CHANNEL, "ya29.old", "1//refresh-ok", datetime.timedelta(seconds=-5)
    )
    assert channel.token_health() == "ok"  # the refresh token keeps it alive
    run = run_task(channel)
    assert run.status == Status.SUCCEEDED, run.error
    assert tokens.access_token(channel) == "ya29.refresh-ok"[:5] + "1//refresh-ok"[-12:]
    assert tokens.refresh_token(channel) == "1//refresh-ok"
    assert channel.token_expires_at > timezone.now() + datetime.timedelta(minutes=50)


@pytest.mark.parametrize(
    "platform,external,refresh",
    [
        ("youtube", CHANNEL, "revoked"),
        ("tiktok", TT_USER, "rft.revoked.1"),
    ],
)
def test_a_refused_refresh_token_needs_reconnecting_and_nothing_is_pulled(
    fake, platform, external, refresh
):
    account = connect(
        platform, external, "old", refresh, datetime.timedelta(seconds=-5)
    )
    run = run_task(account)
    assert run.status == Status.FAILED and "invalid_grant" in run.error
    assert account.token_health() == "revoked"
    assert calls(fake, "/youtube/") + calls(fake, "/v2/user/") == 0


def test_a_tiktok_pull_reads_followers_and_video_counts(fake):
    account = connect("tiktok", TT_USER, "act.{}.1".format(TT_USER))
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert AccountMetricDaily.objects.get(
        account=account, metric="followers"
    ).value == fake_platform.followers(TT_USER, TODAY)
    videos = recent(fake_platform.media_for(TT_USER, TODAY))
    assert Post.objects.filter(account=account).count() == len(videos)
    first = Post.objects.get(external_id=videos[0]["id"])
    values = dict(
        PostMetricSnapshot.objects.filter(post=first).values_list("metric_id", "value")
    )
    assert values == {
        code: fake_platform.media_value(first.external_id, code, TODAY)
        for code in ("views", "likes", "comments", "shares")
    }
    # 20 videos per page, statistics for 20 at a time in groups of 3 fields.
    pages = -(-len(videos) // 20)
    assert calls(fake, "/v2/video/query/") == pages * 2


def test_tiktok_rotates_its_refresh_token(fake):
    account = connect(
        "tiktok",
        TT_USER,
        "act.{}.1".format(TT_USER),
        "rft.{}.1".format(TT_USER),
        datetime.timedelta(minutes=1),
    )
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert tokens.access_token(account) == "act.{}.2".format(TT_USER)
    assert tokens.refresh_token(account) == "rft.{}.2".format(TT_USER)


# --- every fault class against every platform -----------------------------------

PLATFORMS = {
    # platform: (external id, access token, the metrics call, the first call)
    "instagram": (
        "17841400000001",
        "token-ok",
        "17841400000001/insights",
        "17841400000001",
    ),
    "facebook": (
        "page100000000001",
        "token-ok",
        "page100000000001/insights",
        "page100000000001",
    ),
    "youtube": (CHANNEL, "ya29.ok", "/v2/reports", "/youtube/v3/channels"),
    # TikTok: user.info.stats is a part that may fail alone; the video list
    # is what the pull cannot do without.
    "tiktok": (TT_USER, "act.tt0001.1", "/v2/video/query/", "/v2/video/list/"),
}
TRANSIENT = [
    {"kind": "429", "retry_after": 0},
    {"kind": "500"},
    {"kind": "slow", "delay": 1.5},
    {"kind": "truncated"},
    {"kind": "reset"},
    {"kind": "rate_limit"},
]


@pytest.fixture(params=sorted(PLATFORMS))
def connected(request, fake):
    platform = request.param
    external, access, metrics, first = PLATFORMS[platform]
    account = connect(platform, external, access, "", None)
    return account, metrics, first


def _complete(account):
    """The account's figures as a pull without faults leaves them."""
    return (
        AccountMetricDaily.objects.filter(account=account).count(),
        PostMetricSnapshot.objects.filter(post__account=account).count(),
    )


@pytest.mark.parametrize("fault", TRANSIENT, ids=lambda f: f["kind"])
def test_transient_faults_are_retried_until_the_run_succeeds(fake, connected, fault):
    account, metrics, _first = connected
    inject(fake, {"match": metrics, "times": 2, **fault})
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert calls(fake, metrics) >= 3
    faulty = _complete(account)
    # Pulling again without faults writes nothing new: nothing was lost.
    again = run_task(account)
    assert again.status == Status.SUCCEEDED and again.rows_written == 0
    assert _complete(account) == faulty and faulty[1] > 0


def test_retries_stop_after_the_set_attempts(fake, connected, settings):
    account, _metrics, first = connected
    settings.SOCIAL_RETRY_ATTEMPTS = 3
    inject(fake, {"match": first, "kind": "500", "times": 99})
    run = run_task(account)
    assert run.status == Status.FAILED and "500" in run.error
    assert calls(fake, first) == 3
    assert _complete(account) == (0, 0)


def test_an_invalid_token_fails_at_once_and_needs_reconnecting(fake, connected):
    account, _metrics, first = connected
    inject(fake, {"match": first, "kind": "invalid_token", "times": 99})
    run = run_task(account)
    assert run.status == Status.FAILED
    assert calls(fake, first) == 1
    assert account.token_health() == "revoked"


def test_an_invalid_metric_costs_a_split_not_the_figures(fake, connected):
    account, metrics, _first = connected
    inject(fake, {"match": metrics, "kind": "invalid_metric", "times": 1})
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    again = run_task(account)
    assert again.rows_written == 0  # the split group brought every value


@pytest.mark.parametrize("platform", ["instagram", "facebook", "youtube"])
def test_a_spent_daily_quota_defers_the_account_to_tomorrow(fake, platform):
    external, access, metrics, _first = PLATFORMS[platform]
    account = connect(platform, external, access)
    inject(fake, {"match": metrics, "kind": "quota", "times": 99})
    run = run_task(account)
    assert run.status == Status.DEFERRED, run.error
    assert account.deferred_until == timezone.localdate() + datetime.timedelta(days=1)
    assert calls(fake, metrics) == 1


def test_meta_usage_headers_slow_the_next_call_down(settings):
    settings.SOCIAL_RETRY_BASE_SECONDS = 2.0
    graph = GraphTransport("t", base_url="http://127.0.0.1:9")
    busy = httpx.Response(200, headers={"X-App-Usage": '{"call_count": 93}'})
    graph.note_usage(busy)
    assert graph.pause == 5.0
    blocked = httpx.Response(
        200,
        headers={
            "X-Business-Use-Case-Usage": '{"1": [{"call_count": 100,'
            ' "estimated_time_to_regain_access": 3}]}'
        },
    )
    graph.note_usage(blocked)
    assert graph.pause == 180.0
    # Blocked for longer than the retries may wait: this answer is kept,
    # and the next call defers the account instead of going out.
    graph.note_usage(
        httpx.Response(
            200,
            headers={
                "X-Business-Use-Case-Usage": '{"1": [{"call_count": 100,'
                ' "estimated_time_to_regain_access": 60}]}'
            },
        )
    )
    with pytest.raises(QuotaExceeded):
        graph.get("me", {})
    assert graph.calls == []
    graph.close()


def test_pulled_posts_get_their_pictures_shrunk_and_stored(fake, settings, tmp_path):
    from PIL import Image

    from socialposts.accounts.thumbnails import PULLED_PER_RUN

    settings.MEDIA_ROOT = tmp_path
    account = connect("tiktok", TT_USER, "act.{}.1".format(TT_USER))
    # One picture fails to download: the run does not.
    inject(fake, {"match": "/_media/", "kind": "500", "times": 1})
    run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    posts = Post.objects.filter(account=account)
    stored = posts.exclude(thumbnail="").count()
    assert stored == min(PULLED_PER_RUN, posts.count()) - 1
    with Image.open(posts.exclude(thumbnail="").first().thumbnail.path) as image:
        assert image.format == "JPEG" and max(image.size) <= 640
    # The next pull fetches only the one that is still missing.
    run_task(account)
    assert posts.exclude(thumbnail="").count() == stored + 1
    assert calls(fake, "/_media/") == stored + 1 + 1


def test_a_rotated_refresh_token_is_spent_once_by_concurrent_pulls(fake):
    account = connect(
        "tiktok",
        TT_USER,
        "act.{}.1".format(TT_USER),
        "rft.{}.1".format(TT_USER),
        datetime.timedelta(minutes=1),
    )
    # Two pulls loaded the account before either renewed its token.
    first, second = (type(account).objects.get(pk=account.pk) for _ in range(2))
    assert tokens.access_token_for_pull(first) == "act.{}.2".format(TT_USER)
    # The second finds the fresh token under the row lock instead of
    # spending the old refresh token, which TikTok would refuse.
    assert tokens.access_token_for_pull(second) == "act.{}.2".format(TT_USER)
    assert calls(fake, "/v2/oauth/token/") == 1


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_part_the_token_may_not_read_is_noted_and_the_rest_kept(fake, platform):
    external, access, metrics, _first = PLATFORMS[platform]
    account = connect(platform, external, access)
    inject(fake, {"match": metrics, "kind": "not_allowed", "times": 99})
    run = run_task(account)
    assert run.status == Status.PARTIAL, run.error
    assert run.error
    assert Post.objects.filter(account=account).exists()


def test_a_short_token_refused_before_its_time_is_renewed_once(fake):
    channel = connect(
        "youtube", CHANNEL, "ya29.early", "1//refresh-ok", datetime.timedelta(hours=1)
    )
    inject(fake, {"match": "/youtube/v3/channels", "kind": "invalid_token"})
    run = run_task(channel)
    assert run.status == Status.SUCCEEDED, run.error
    assert calls(fake, "/token") == 1
    assert channel.token_health() == "ok"
    assert tokens.access_token(channel) != "ya29.early"


def test_a_channel_that_never_uploaded_still_counts_its_subscribers(fake):
    channel = connect(
        "youtube", "UCnouploadchannel1", "ya29.ok", "1//r", datetime.timedelta(hours=1)
    )
    run = run_task(channel)
    assert run.status == Status.SUCCEEDED, run.error
    assert AccountMetricDaily.objects.filter(
        account=channel, metric="followers"
    ).exists()
    assert not Post.objects.filter(account=channel).exists()


def test_an_oauth_error_with_status_200_is_an_error():
    from socialposts.pulls.clients.base import PlatformError, Transient
    from socialposts.pulls.clients.tiktok import TikTokTransport

    transport = TikTokTransport("", base_url="http://127.0.0.1:9")

    def meaning(body):
        return transport.classify(httpx.Response(200, json=body), body, "token")

    assert isinstance(meaning({"error": "temporarily_unavailable"}), Transient)
    assert isinstance(meaning({"error": "odd"}), PlatformError)
    assert meaning({"data": {}, "error": {"code": "ok"}}) is None
    transport.close()


def test_pictures_come_only_from_the_platforms_hosts(fake, settings):
    from socialposts.accounts.thumbnails import _download, picture_allowed

    assert picture_allowed("https://scontent-sin6-1.cdninstagram.com/v/t51/1.jpg")
    assert picture_allowed("https://i.ytimg.com/vi/x/mqdefault.jpg")
    assert not picture_allowed("http://scontent.cdninstagram.com/1.jpg")
    assert not picture_allowed("https://169.254.169.254/latest/meta-data/")
    assert not picture_allowed("https://evilcdninstagram.com/1.jpg")
    assert picture_allowed(fake + "/_media/x.png")  # the configured API itself
    with httpx.Client() as http:
        assert _download(http, fake + "/_media/x.png").startswith(b"\x89PNG")
        # A redirect is checked like the first link.
        with pytest.raises(ValueError):
            _download(http, fake + "/_redirect?to=http://127.0.0.1:9/secret")


def test_a_thumbnail_path_never_comes_from_the_external_id(settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.factories import PostFactory

    settings.MEDIA_ROOT = tmp_path
    post = PostFactory(external_id="../../etc/x")
    post.thumbnail.save("t.jpg", ContentFile(b"x"))
    assert ".." not in post.thumbnail.name
    assert post.thumbnail.name.startswith("social/thumbs/{}/".format(post.account_id))


# --- YouTube Analytics: only documented reports ------------------------------------


def _report(url, **params):
    base = {
        "ids": "channel==" + CHANNEL,
        "startDate": "2026-01-01",
        "endDate": TODAY.isoformat(),
        "metrics": "estimatedMinutesWatched",
    }
    return httpx.get(
        url + "/v2/reports",
        params={**base, **params},
        headers={"Authorization": "Bearer ya29.ok"},
    )


def test_the_fake_refuses_undocumented_youtube_report_combinations(fake):
    video = fake_platform.media_for(CHANNEL, TODAY)[0]["id"]
    for params in (
        {
            "dimensions": "video",
            "filters": "video==" + video,
            "sort": "-estimatedMinutesWatched",
            "maxResults": 10,
        },
        {"dimensions": "video", "maxResults": 10},
        {"dimensions": "video", "sort": "-estimatedMinutesWatched", "maxResults": 500},
    ):
        answer = _report(fake, **params)
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "The query is not supported."
    top = _report(
        fake, dimensions="video", sort="-estimatedMinutesWatched", maxResults=5
    )
    minutes = [row[1] for row in top.json()["rows"]]
    assert len(minutes) == 5 and minutes == sorted(minutes, reverse=True)


def test_one_refused_youtube_report_keeps_the_rest_of_the_pull(fake):
    channel = connect(
        "youtube", CHANNEL, "ya29.ok", "1//r", datetime.timedelta(hours=1)
    )
    inject(fake, {"match": "/v2/reports", "kind": "500", "times": -1})
    run = run_task(channel)
    assert run.status == Status.PARTIAL
    assert run.failed_parts == ["report:daily", "report:videos"]
    assert Post.objects.filter(account=channel).count() > 20
    assert AccountMetricDaily.objects.filter(
        account=channel, metric="followers"
    ).exists()


def test_the_fakes_pictures_are_on_the_origin_the_portal_was_given(
    fake, settings, tmp_path, caplog
):
    # SOCIAL_DEMO_PLATFORM_URL may name the fake as localhost while it is
    # bound to 127.0.0.1: its picture links must still be on that origin,
    # or every demo pull logs "picture host not allowed" once per post.
    settings.MEDIA_ROOT = tmp_path
    by_name = fake.replace("127.0.0.1", "localhost")
    for name, value in fake_platform.settings_for(by_name).items():
        setattr(settings, name, value)
    account = connect("tiktok", TT_USER, "act.{}.1".format(TT_USER))
    with caplog.at_level("INFO", logger="socialposts.accounts.thumbnails"):
        run = run_task(account)
    assert run.status == Status.SUCCEEDED, run.error
    assert not [r for r in caplog.records if "not stored" in r.getMessage()]
    assert Post.objects.filter(account=account).exclude(thumbnail="").exists()
