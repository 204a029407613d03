"""Meta's Graph API: Instagram professional accounts and Facebook Pages."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.db.models import F

from socialposts.accounts.models import PlatformMetric, SocialAccount
from socialposts.pulls.clients.base import (
    POST_REFRESH_DAYS,
    FetchResult,
    InvalidMetric,
    NoData,
    NotAllowed,
    PlatformDown,
    PlatformError,
    QuotaExceeded,
    RateLimited,
    TokenInvalid,
    Transport,
    in_groups,
    number,
    part,
    retry_after_seconds,
    stopped_early,
)

# Graph API rate limiting (developers.facebook.com/docs/graph-api/overview/
# rate-limiting, read 2026-12-07): app, user, Page, custom and the Business
# Use Case family.
META_RATE_LIMIT_CODES = {4, 17, 32, 613, *range(80000, 80010), 80014}
# Above this share of the hourly allowance (percent), calls slow down.
USAGE_SLOW_DOWN = 90


class GraphTransport(Transport):
    """GET requests to the Graph API, the token in the query string."""

    def __init__(
        self, token: str, *, version: str | None = None, **kwargs: Any
    ) -> None:
        kwargs["base_url"] = kwargs.get("base_url") or settings.SOCIAL_GRAPH_BASE_URL
        super().__init__(token, **kwargs)
        self.version = version or settings.SOCIAL_GRAPH_API_VERSION

    def get(self, path: str, params: dict[str, Any]) -> dict:
        # A few endpoints (the token refresh) have no version in their path.
        if path.startswith("/"):
            url = "{}{}".format(self.base_url, path)
        else:
            url = "{}/{}/{}".format(self.base_url, self.version, path)
        return self.request("GET", url, path, params=params)

    def prepare(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {**kwargs, "params": {**kwargs["params"], "access_token": self.token}}

    def note_usage(self, response: httpx.Response) -> None:
        """Pause when X-App-Usage or X-Business-Use-Case-Usage nears 100 %.

        Meta counts over a rolling hour; past the limit every call fails and
        prolongs the block, so slowing down early is cheaper than retrying.
        """
        percent, regain = _usage(response.headers)
        base = settings.SOCIAL_RETRY_BASE_SECONDS
        if regain:
            wait = regain * 60.0
        elif percent >= 100:
            wait = base * 30  # a minute of the rolling hour
        elif percent >= USAGE_SLOW_DOWN:
            wait = base * 2.5
        else:
            return
        if wait > settings.SOCIAL_RETRY_MAX_SECONDS:
            # Waiting that long would hold a worker for nothing: this answer
            # is kept, the next call defers the account to tomorrow.
            self.exhausted = "Meta usage at {}% for {} more minutes".format(
                percent, regain
            )
            return
        self.pause = max(self.pause, wait)

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        if response.status_code == 200:
            return None
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code = error.get("code")
        message = "{} {}: {}".format(
            response.status_code, label, error.get("message", "")
        )
        if code == 190:
            return TokenInvalid(message)
        if code == 10 and "not enough viewers" in error.get("message", "").lower():
            # IG Media insights reference: a post with too small a reach
            # has no insights yet; not a refused scope.
            return NoData(message)
        if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
            return NotAllowed(message)
        if code == 100 and "metric" in error.get("message", ""):
            return InvalidMetric(message)
        if code in META_RATE_LIMIT_CODES:
            # Usage headers may also have set a pause before the next call.
            return RateLimited(message, retry_after_seconds(response))
        return self.by_status(response, message)


def paged(
    transport: GraphTransport, path: str, params: dict[str, Any]
) -> Iterator[dict]:
    """Every item of a paged Graph edge, page after page, by its ``after``
    cursor (the pulls and the aspiration inbox's polling share it)."""
    while True:
        body = transport.get(path, params)
        yield from body.get("data", [])
        after = body.get("paging", {}).get("cursors", {}).get("after")
        if not after or not body.get("paging", {}).get("next"):
            return
        params = {**params, "after": after}


def _usage(headers: httpx.Headers) -> tuple[int, int]:
    """The highest usage percentage and minutes to regain access, from
    X-App-Usage and X-Business-Use-Case-Usage."""
    percent, regain = 0, 0
    blocks: list[dict] = []
    for name in ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"):
        try:
            value = json.loads(headers.get(name) or "null")
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and name == "X-Business-Use-Case-Usage":
            for entries in value.values():
                blocks.extend(e for e in entries if isinstance(e, dict))
        elif isinstance(value, dict):
            blocks.append(value)
    for block in blocks:
        for key in ("call_count", "total_cputime", "total_time"):
            if isinstance(block.get(key), int | float):
                percent = max(percent, int(block[key]))
        minutes = block.get("estimated_time_to_regain_access")
        if isinstance(minutes, int | float):
            regain = max(regain, int(minutes))
    return percent, regain


# --- Instagram -----------------------------------------------------------------

# The canonical metrics asked for, at account and at post level.
IG_ACCOUNT_METRICS = [
    "reach",
    "views",
    "interactions",
    "profile_visits",
    "new_followers",
]
IG_POST_METRICS = [
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saves",
    "interactions",
]
# Meta cuts its days in Pacific time (the metric catalogue records it).
PACIFIC = ZoneInfo("America/Los_Angeles")
# Instagram account insights, as the reference stands (developers.facebook.
# com/docs/instagram-platform/api-reference/instagram-user/insights, updated
# 2026-06-16, read 2026-12-07): only these come as a period=day time series;
# views, total_interactions and profile_views (whose daily series went in
# v21, 2025-01-08) only with metric_type=total_value, answering
# total_value.value for the range asked.
IG_SERIES = {"reach", "follower_count"}
# follower_count: accounts with fewer followers get none, and it covers the
# last 30 days only (same page, "Limitations").
IG_FOLLOWER_COUNT_MIN = 100
IG_FOLLOWER_COUNT_DAYS = 30
# Media insights by media product type (Instagram Media insights reference,
# updated 2026-06-18, and exileum/meta-mcp #120/#174, 2026-05: `shares`,
# `likes` and `comments` are refused for non-Reels with "(#100) The metric
# shares is not supported for this media type"; `saved` for stories). Feed
# posts' likes and comments come from the media fields like_count and
# comments_count instead.
IG_MEDIA_METRICS = {
    "REELS": {
        "views",
        "reach",
        "likes",
        "comments",
        "shares",
        "saved",
        "total_interactions",
    },
    "FEED": {"views", "reach", "saved", "total_interactions"},
    "STORY": {"views", "reach", "shares"},
}
IG_MEDIA_FIELDS = {"like_count": "likes", "comments_count": "comments"}
IG_CONTENT_TYPES = {
    ("IMAGE", "FEED"): "foto",
    ("VIDEO", "FEED"): "video",
    ("VIDEO", "REELS"): "reels",
    ("CAROUSEL_ALBUM", "FEED"): "carousel",
    ("IMAGE", "STORY"): "story",
    ("VIDEO", "STORY"): "story",
}


# Graph's insights accept at most 30 days (2,592,000 s) between since and
# until; a span across the end of daylight saving has a 25-hour day.
MAX_SPAN_DAYS = 29
NODE_FIELDS = {"followers_count", "like_count", "comments_count"}


def day_bounds(day: datetime.date) -> tuple[int, int]:
    """Unix times of the start of ``day`` and of the next, in Meta's
    reporting day."""
    start = datetime.datetime.combine(day, datetime.time(), PACIFIC)
    end = datetime.datetime.combine(
        day + datetime.timedelta(1), datetime.time(), PACIFIC
    )
    return int(start.timestamp()), int(end.timestamp())


def reporting_day(end_time: str) -> datetime.date:
    """The day a daily value belongs to: Graph stamps it with the end of
    that day (midnight Pacific, in UTC)."""
    moment = _timestamp(end_time).astimezone(PACIFIC)
    return moment.date() - datetime.timedelta(1)


def platform_names(
    platform: str, codes: list[str], day: datetime.date, prefix: str = ""
) -> dict[str, str]:
    """The platform's name for each canonical metric, as valid on ``day``.

    Facebook names its Page and post metrics apart (``page_…``, ``post_…``);
    ``prefix`` picks one family.
    """
    names: dict[str, str] = {}
    # Where an old name and its replacement overlap, the replacement wins:
    # the old one is about to be refused.
    rows = PlatformMetric.objects.filter(
        platform=platform, metric_id__in=codes, name__startswith=prefix
    ).order_by(F("valid_from").desc(nulls_last=True))
    for row in rows:
        if (row.valid_from is None or row.valid_from <= day) and (
            row.valid_to is None or day <= row.valid_to
        ):
            # Fields of a node (the profile's followers_count, a medium's
            # like_count) are read with the node, never asked as insights.
            if row.name not in NODE_FIELDS:
                names.setdefault(row.metric_id, row.name)
    return names


class InstagramClient:
    """Instagram Graph API: the profile, account insights, media and their
    insights."""

    platform = "instagram"
    profile_fields = "username,followers_count,media_count"
    account_metrics = IG_ACCOUNT_METRICS
    post_metrics = IG_POST_METRICS
    # Facebook names its Page and post metrics apart (page_…, post_…).
    account_prefix = post_prefix = ""

    def __init__(self, account: SocialAccount, token: str, **transport: Any) -> None:
        self.account = account
        if account.meta_login == SocialAccount.MetaLogin.INSTAGRAM:
            transport.setdefault("base_url", settings.SOCIAL_INSTAGRAM_BASE_URL)
        self.transport = GraphTransport(token, **transport)
        self.followers = 0.0
        self.catalogues: dict[tuple[str, datetime.date], dict[str, str]] = {}
        # Keys of the account parts not yet tried, kept when a pull stops.
        self.pending: list[str] = []
        self.product_types: dict[str, str] = {}
        # Facebook: post id → (video id, is a Reel).
        self.videos: dict[str, tuple[str, bool]] = {}

    def fetch(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> FetchResult:
        result = FetchResult()
        # Meta's days are Pacific: at the 02:00 WIB run, WIB's today has
        # not begun there yet.
        insights_end = min(end, datetime.datetime.now(PACIFIC).date())
        self.pending = [
            "account:{}".format((start + datetime.timedelta(d)).isoformat())
            for d in range(max(0, (insights_end - start).days + 1))
        ]
        try:
            self._profile(result, end)
            if start <= insights_end:
                self._daily_insights(result, start, insights_end, heartbeat)
            self.pending = []
            with part(result, "media list", "media"):
                posts = self._posts(result, end)
                for post in posts:
                    result.posts.append(post)
                    with (
                        part(
                            result,
                            "insights of {}".format(post["external_id"]),
                            "media:{}".format(post["external_id"]),
                        ),
                        self.transport.part_budget(),
                    ):
                        self._post_insights(result, post, end)
                    heartbeat()
        except (QuotaExceeded, PlatformDown) as exc:
            # A Business Use Case block, or a platform gone down, mid-pull:
            # what came before it is kept, the rest waits for the next run.
            stopped_early(result, exc, self.pending)
        finally:
            result.calls = self.transport.calls
            self.transport.close()
        return result

    def _profile(self, result: FetchResult, day: datetime.date) -> None:
        body = self.transport.get(
            self.account.external_id, {"fields": self.profile_fields}
        )
        self.followers = number(body.get("followers_count"), "followers_count")
        result.account_values.append(
            ("followers", day, self.followers, "followers_count")
        )

    def _insights(
        self, path: str, names: list[str], params: dict[str, Any], result: FetchResult
    ) -> list[dict]:
        """Ask in small groups; split a group a retired metric breaks."""
        answers = in_groups(
            names,
            lambda group: self.transport.get(
                path, {**params, "metric": ",".join(group)}
            ),
            result.problems,
        )
        return [series for body in answers for series in body.get("data", [])]

    def _catalogue(self, level: str, day: datetime.date) -> dict[str, str]:
        """The platform's metric names valid on ``day`` at account or post
        level, each with its canonical code; read once per pull, not once
        per post."""
        key = (level, day)
        if key not in self.catalogues:
            codes, prefix = (
                (self.account_metrics, self.account_prefix)
                if level == "account"
                else (self.post_metrics, self.post_prefix)
            )
            names = platform_names(self.platform, codes, day, prefix=prefix)
            self.catalogues[key] = {name: code for code, name in names.items()}
        return self.catalogues[key]

    def _daily_insights(
        self,
        result: FetchResult,
        start: datetime.date,
        end: datetime.date,
        heartbeat: Callable[[], None],
    ) -> None:
        """Account-level values, one per reporting day of the window: the
        series metrics in one call per group, the total_value ones in one
        call per day."""
        canonical = self._catalogue("account", end)
        series = [n for n in canonical if n in IG_SERIES]
        totals = [n for n in canonical if n not in IG_SERIES]
        if "follower_count" in series and self.followers < IG_FOLLOWER_COUNT_MIN:
            series.remove("follower_count")
        # The window ends today on a nightly pull.
        recent = end - datetime.timedelta(IG_FOLLOWER_COUNT_DAYS - 1)
        if "follower_count" in series and start < recent:
            # Its 30 days are asked apart from the longer window.
            series.remove("follower_count")
            if recent <= end:
                with part(result, "account insights follower_count", "account"):
                    self._series(result, canonical, ["follower_count"], recent, end)
        if series:
            with part(
                result, "account insights {}".format(",".join(series)), "account"
            ):
                self._series(result, canonical, series, start, end)
        day = start
        while totals and day <= end:
            key = "account:{}".format(day.isoformat())
            with part(result, "account insights {}".format(day.isoformat()), key):
                self._totals(result, canonical, totals, day)
            if key in self.pending:
                self.pending.remove(key)
            heartbeat()
            day += datetime.timedelta(1)

    def _series(
        self,
        result: FetchResult,
        canonical: dict[str, str],
        names: list[str],
        start: datetime.date,
        end: datetime.date,
    ) -> None:
        """period=day series: one value per day, stamped with its end, in
        spans of at most 30 days ("(#100) There cannot be more than 30 days
        (2592000 s) between since and until")."""
        path = "{}/insights".format(self.account.external_id)
        answers = []
        first = start
        while first <= end:
            last = min(end, first + datetime.timedelta(MAX_SPAN_DAYS - 1))
            since, until = day_bounds(first)[0], day_bounds(last)[1]
            params = {"period": "day", "since": since, "until": until}
            answers += self._insights(path, names, params, result)
            first = last + datetime.timedelta(1)
        for series in answers:
            code = canonical.get(series.get("name"))
            for point in series.get("values", []):
                day = reporting_day(point["end_time"])
                if code and start <= day <= end:
                    result.account_values.append(
                        (
                            code,
                            day,
                            number(point.get("value"), series["name"]),
                            series["name"],
                        )
                    )

    def _totals(
        self,
        result: FetchResult,
        canonical: dict[str, str],
        names: list[str],
        day: datetime.date,
    ) -> None:
        """metric_type=total_value for one reporting day."""
        since, until = day_bounds(day)
        params = {
            "metric_type": "total_value",
            "period": "day",
            "since": since,
            "until": until,
        }
        path = "{}/insights".format(self.account.external_id)
        for series in self._insights(path, names, params, result):
            code = canonical.get(series.get("name"))
            total = series.get("total_value") or {}
            if code and "value" in total:
                result.account_values.append(
                    (code, day, number(total["value"], series["name"]), series["name"])
                )

    def _pages(self, edge: str, params: dict[str, Any]) -> Iterator[dict]:
        """Every item of a paged edge, newest first, page after page."""
        return paged(
            self.transport, "{}/{}".format(self.account.external_id, edge), params
        )

    def _posts(self, result: FetchResult, end: datetime.date) -> list[dict]:
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        fields = (
            "id,caption,media_type,media_product_type,permalink,timestamp,"
            "media_url,thumbnail_url,like_count,comments_count"
        )
        found = []
        for item in self._pages("media", {"fields": fields, "limit": 50}):
            published = _timestamp(item["timestamp"])
            if published.date() < oldest:
                break
            # Videos have a cover in thumbnail_url; media_url is the video.
            picture = item.get("thumbnail_url") or (
                item.get("media_url") if item.get("media_type") != "VIDEO" else ""
            )
            if picture:
                result.thumbnails[item["id"]] = picture
            found.append(
                {
                    "external_id": item["id"],
                    "permalink": item.get("permalink", ""),
                    "published_at": published,
                    "caption": (item.get("caption") or "")[:5000],
                    "content_type": IG_CONTENT_TYPES.get(
                        (item.get("media_type"), item.get("media_product_type")),
                        "foto",
                    ),
                }
            )
            self.product_types[item["id"]] = item.get("media_product_type") or "FEED"
            if item.get("media_product_type") != "REELS":
                for name, code in IG_MEDIA_FIELDS.items():
                    if item.get(name) is not None:
                        result.post_values.append(
                            (item["id"], code, end, number(item[name], name), name)
                        )
        return found

    def _post_insights(
        self, result: FetchResult, post: dict, day: datetime.date
    ) -> None:
        canonical = self._catalogue("post", day)
        asked = [n for n in canonical if self.media_allows(post, n)]
        path = "{}/insights".format(post["external_id"])
        for series in self._insights(path, asked, {}, result):
            code = canonical.get(series.get("name"))
            values = series.get("values") or [{}]
            value = values[0].get("value")
            if code and value is not None:
                result.post_values.append(
                    (
                        post["external_id"],
                        code,
                        day,
                        number(value, series["name"]),
                        series["name"],
                    )
                )

    def media_allows(self, post: dict, name: str) -> bool:
        """Whether the media's product type has this metric at all."""
        kind = self.product_types.get(post["external_id"], "FEED")
        return name in IG_MEDIA_METRICS.get(kind, IG_MEDIA_METRICS["FEED"])


# --- Facebook Pages ----------------------------------------------------------------

FB_ACCOUNT_METRICS = [
    "reach",
    "views",
    "interactions",
    "profile_visits",
    "new_followers",
]
FB_POST_METRICS = ["reach", "views", "likes"]
# Facebook videos and Reels: their figures come from /{video-id}/
# video_insights (Video Insights reference, developers.facebook.com/docs/
# graph-api/reference/video/video_insights, read 2026-12-07); Reels have no
# /insights edge at all (trypostit/trypost #320). View time is in
# milliseconds.
FB_REEL_METRICS = {
    "blue_reels_play_count": "views",
    "post_video_view_time": "watch_time_minutes",
}
FB_VIDEO_METRICS = {"total_video_view_total_time": "watch_time_minutes"}
MILLISECONDS = {"post_video_view_time", "total_video_view_total_time"}
FB_CONTENT_TYPES = {
    "added_photos": "foto",
    "added_video": "video",
    "mobile_status_update": "teks",
    "shared_story": "teks",
    "created_note": "teks",
}


class FacebookPageClient(InstagramClient):
    """Facebook Page insights and posts over the same Graph transport.

    Reels have no ``/insights`` edge on Pages; they are read as posts with
    their comment and share counts only.
    """

    platform = "facebook"
    profile_fields = "name,followers_count"
    account_metrics = FB_ACCOUNT_METRICS
    post_metrics = FB_POST_METRICS
    account_prefix, post_prefix = "page_", "post_"

    def _daily_insights(
        self,
        result: FetchResult,
        start: datetime.date,
        end: datetime.date,
        heartbeat: Callable[[], None],
    ) -> None:
        """Page metrics are all period=day series (Page Insights reference;
        airbytehq/airbyte #84408, 2026)."""
        canonical = self._catalogue("account", end)
        with part(result, "page insights", "account"):
            self._series(result, canonical, list(canonical), start, end)
        heartbeat()

    def media_allows(self, post: dict, name: str) -> bool:
        return True

    def _post_insights(
        self, result: FetchResult, post: dict, day: datetime.date
    ) -> None:
        """Post insights, and for a video or a Reel its video insights; a
        Reel has only the latter."""
        video = self.videos.get(post["external_id"])
        if not (video and video[1]):
            super()._post_insights(result, post, day)
        if not video:
            return
        video_id, reel = video
        metrics = FB_REEL_METRICS if reel else FB_VIDEO_METRICS
        body = self.transport.get(
            "{}/video_insights".format(video_id), {"metric": ",".join(metrics)}
        )
        for series in body.get("data", []):
            name = series.get("name")
            values = series.get("values") or [{}]
            if name not in metrics or values[0].get("value") is None:
                continue
            value = number(values[0]["value"], name)
            if name in MILLISECONDS:
                value = round(value / 60000, 2)
            result.post_values.append(
                (post["external_id"], metrics[name], day, value, name)
            )

    def _posts(self, result: FetchResult, end: datetime.date) -> list[dict]:
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        fields = (
            "id,message,created_time,permalink_url,status_type,shares,full_picture,"
            "comments.summary(true).limit(0),attachments{media_type,target,url}"
        )
        found = []
        for item in self._pages("posts", {"fields": fields, "limit": 50}):
            published = _timestamp(item["created_time"])
            if published.date() < oldest:
                break
            if item.get("full_picture"):
                result.thumbnails[item["id"]] = item["full_picture"]
            video = _video_of(item)
            if video:
                self.videos[item["id"]] = video
            found.append(
                {
                    "external_id": item["id"],
                    "permalink": item.get("permalink_url", ""),
                    "published_at": published,
                    "caption": (item.get("message") or "")[:5000],
                    "content_type": "reels"
                    if video and video[1]
                    else FB_CONTENT_TYPES.get(item.get("status_type"), "teks"),
                }
            )
            comments = item.get("comments", {}).get("summary", {}).get("total_count")
            shares = item.get("shares", {}).get("count")
            for code, value in (("comments", comments), ("shares", shares)):
                if value is not None:
                    result.post_values.append(
                        (item["id"], code, end, number(value, code), code)
                    )
        return found


def _video_of(item: dict) -> tuple[str, bool] | None:
    """The post's video id, and whether it is a Reel, from its attachment."""
    for attachment in (item.get("attachments") or {}).get("data", []):
        if attachment.get("media_type") == "video":
            target = (attachment.get("target") or {}).get("id")
            reel = "/reel/" in (attachment.get("url") or "") or "/reel/" in (
                item.get("permalink_url") or ""
            )
            if target:
                return target, reel
    return None


def refresh_instagram_token(
    token: str, **transport: Any
) -> tuple[str, datetime.datetime]:
    """Exchange a long-lived Instagram token for a fresh one (60 days).

    Only graph.instagram.com serves this, and only for Instagram-Login
    tokens (developers.facebook.com/docs/instagram-platform/reference/
    refresh_access_token, read 2026-12-07).

    Raises TokenInvalid when the platform refuses it: only a new login
    helps; PlatformError for an answer without the token or its lifetime,
    which may pass by tomorrow.
    """
    transport.setdefault("base_url", settings.SOCIAL_INSTAGRAM_BASE_URL)
    graph = GraphTransport(token, **transport)
    try:
        body = graph.get("/refresh_access_token", {"grant_type": "ig_refresh_token"})
    finally:
        graph.close()
    fresh = body.get("access_token") if isinstance(body, dict) else None
    try:
        seconds = int(body["expires_in"])
    except (KeyError, TypeError, ValueError):
        seconds = 0
    if not fresh or not isinstance(fresh, str) or seconds <= 0:
        raise PlatformError(
            "Instagram token refresh answered without a token or expiry"
        )
    return fresh, datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=seconds
    )


def _timestamp(text: str) -> datetime.datetime:
    """Graph's ``2026-03-16T09:15:00+0000``."""
    return datetime.datetime.fromisoformat(text.replace("+0000", "+00:00"))
