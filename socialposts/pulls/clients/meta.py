"""Meta's Graph API: Instagram professional accounts and Facebook Pages."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from django.conf import settings
from django.db.models import F

from socialposts.accounts.models import PlatformMetric, SocialAccount
from socialposts.pulls.clients.base import (
    POST_REFRESH_DAYS,
    FetchResult,
    InvalidMetric,
    NotAllowed,
    PlatformError,
    RateLimited,
    TokenInvalid,
    Transport,
    in_groups,
    part,
    retry_after_seconds,
)

META_RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002}
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
        if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
            return NotAllowed(message)
        if code == 100 and "metric" in error.get("message", ""):
            return InvalidMetric(message)
        if code in META_RATE_LIMIT_CODES:
            # Usage headers may also have set a pause before the next call.
            return RateLimited(message, retry_after_seconds(response))
        return self.by_status(response, message)


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
IG_CONTENT_TYPES = {
    ("IMAGE", "FEED"): "foto",
    ("VIDEO", "FEED"): "video",
    ("VIDEO", "REELS"): "reels",
    ("CAROUSEL_ALBUM", "FEED"): "carousel",
    ("IMAGE", "STORY"): "story",
    ("VIDEO", "STORY"): "story",
}


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
            # The field-based followers_count is read from the profile.
            if row.name != "followers_count":
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

    def fetch(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> FetchResult:
        result = FetchResult()
        try:
            self._profile(result, end)
            with part(result, "account insights"):
                self._daily_insights(result, start, end)
            heartbeat()
            for post in self._posts(result, end):
                result.posts.append(post)
                with part(result, "insights of {}".format(post["external_id"])):
                    self._post_insights(result, post, end)
                heartbeat()
        finally:
            result.calls = self.transport.calls
            self.transport.close()
        return result

    def _profile(self, result: FetchResult, day: datetime.date) -> None:
        body = self.transport.get(
            self.account.external_id, {"fields": self.profile_fields}
        )
        result.account_values.append(
            ("followers", day, float(body["followers_count"]), "followers_count")
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

    def _daily_insights(
        self, result: FetchResult, start: datetime.date, end: datetime.date
    ) -> None:
        """Account-level series, one value per day of the window."""
        names = platform_names(
            self.platform, self.account_metrics, end, prefix=self.account_prefix
        )
        canonical = {name: code for code, name in names.items()}
        since = datetime.datetime.combine(start, datetime.time(), datetime.UTC)
        until = datetime.datetime.combine(end, datetime.time(), datetime.UTC)
        params = {
            "period": "day",
            "since": int(since.timestamp()),
            "until": int(until.timestamp()),
        }
        path = "{}/insights".format(self.account.external_id)
        for series in self._insights(path, list(names.values()), params, result):
            code = canonical.get(series["name"])
            for point in series.get("values", []):
                # A day's value is stamped with the end of that day.
                day = datetime.date.fromisoformat(
                    point["end_time"][:10]
                ) - datetime.timedelta(1)
                if code and start <= day <= end:
                    result.account_values.append(
                        (code, day, float(point["value"]), series["name"])
                    )

    def _pages(self, edge: str, params: dict[str, Any]) -> Iterator[dict]:
        """Every item of a paged edge, newest first, page after page."""
        while True:
            body = self.transport.get(
                "{}/{}".format(self.account.external_id, edge), params
            )
            yield from body.get("data", [])
            after = body.get("paging", {}).get("cursors", {}).get("after")
            if not after or not body.get("paging", {}).get("next"):
                return
            params = {**params, "after": after}

    def _posts(self, result: FetchResult, end: datetime.date) -> list[dict]:
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        fields = (
            "id,caption,media_type,media_product_type,permalink,timestamp,"
            "media_url,thumbnail_url"
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
        return found

    def _post_insights(
        self, result: FetchResult, post: dict, day: datetime.date
    ) -> None:
        names = platform_names(
            self.platform, self.post_metrics, day, prefix=self.post_prefix
        )
        canonical = {name: code for code, name in names.items()}
        path = "{}/insights".format(post["external_id"])
        for series in self._insights(path, list(names.values()), {}, result):
            code = canonical.get(series["name"])
            values = series.get("values") or [{}]
            value = values[0].get("value")
            if isinstance(value, dict):  # reactions by type: like, love, wow…
                value = sum(value.values())
            if code and value is not None:
                result.post_values.append(
                    (post["external_id"], code, day, float(value), series["name"])
                )


# --- Facebook Pages ----------------------------------------------------------------

FB_ACCOUNT_METRICS = [
    "reach",
    "views",
    "interactions",
    "profile_visits",
    "new_followers",
]
FB_POST_METRICS = ["reach", "views", "likes"]
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

    def _posts(self, result: FetchResult, end: datetime.date) -> list[dict]:
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        fields = (
            "id,message,created_time,permalink_url,status_type,shares,full_picture,"
            "comments.summary(true).limit(0)"
        )
        found = []
        for item in self._pages("posts", {"fields": fields, "limit": 50}):
            published = _timestamp(item["created_time"])
            if published.date() < oldest:
                break
            if item.get("full_picture"):
                result.thumbnails[item["id"]] = item["full_picture"]
            found.append(
                {
                    "external_id": item["id"],
                    "permalink": item.get("permalink_url", ""),
                    "published_at": published,
                    "caption": (item.get("message") or "")[:5000],
                    "content_type": FB_CONTENT_TYPES.get(
                        item.get("status_type"), "teks"
                    ),
                }
            )
            comments = item.get("comments", {}).get("summary", {}).get("total_count")
            shares = item.get("shares", {}).get("count")
            for code, value in (("comments", comments), ("shares", shares)):
                if value is not None:
                    result.post_values.append(
                        (item["id"], code, end, float(value), code)
                    )
        return found


def refresh_instagram_token(
    token: str, **transport: Any
) -> tuple[str, datetime.datetime]:
    """Exchange a long-lived Instagram token for a fresh one (60 days).

    Only graph.instagram.com serves this, and only for Instagram-Login
    tokens (developers.facebook.com/docs/instagram-platform/reference/
    refresh_access_token, read 2026-12-07).

    Raises TokenInvalid when the platform refuses it: only a new login helps.
    """
    transport.setdefault("base_url", settings.SOCIAL_INSTAGRAM_BASE_URL)
    graph = GraphTransport(token, **transport)
    try:
        body = graph.get("/refresh_access_token", {"grant_type": "ig_refresh_token"})
    finally:
        graph.close()
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=int(body.get("expires_in", 0))
    )
    return body["access_token"], expires


def _timestamp(text: str) -> datetime.datetime:
    """Graph's ``2026-03-16T09:15:00+0000``."""
    return datetime.datetime.fromisoformat(text.replace("+0000", "+00:00"))
