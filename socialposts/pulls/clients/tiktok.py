"""TikTok Display API v2: the user's follower total, the video list and the
videos' statistics; the OAuth refresh of its day-long access tokens."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings

from socialposts.accounts.models import SocialAccount
from socialposts.pulls.clients.base import (
    POST_REFRESH_DAYS,
    FetchResult,
    InvalidMetric,
    NotAllowed,
    PlatformError,
    RateLimited,
    TokenInvalid,
    Transient,
    Transport,
    in_groups,
    part,
    retry_after_seconds,
)

# video.query fields, cumulative per video, and their canonical codes.
VIDEO_STATISTICS = {
    "view_count": "views",
    "like_count": "likes",
    "comment_count": "comments",
    "share_count": "shares",
}
VIDEO_FIELDS = (
    "id,create_time,share_url,title,video_description,duration,cover_image_url"
)
# video.list pages and video.query filters take at most 20 videos.
VIDEO_BATCH = 20


class TikTokTransport(Transport):
    """open.tiktokapis.com: a bearer token; every answer carries
    ``{"error": {"code": "ok" | …}}``, OAuth answers ``{"error": "…"}``."""

    def __init__(self, token: str, **kwargs: Any) -> None:
        kwargs["base_url"] = kwargs.get("base_url") or settings.SOCIAL_TIKTOK_BASE_URL
        super().__init__(token, **kwargs)

    def call(self, method: str, path: str, **kwargs: Any) -> dict:
        url = "{}/{}/{}".format(
            self.base_url, settings.SOCIAL_TIKTOK_API_VERSION, path.lstrip("/")
        )
        return self.request(method, url, path, **kwargs)

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, str):
            message = "{} {}: {} {}".format(
                response.status_code, label, error, body.get("error_description", "")
            )
            if error == "invalid_grant":
                return TokenInvalid(message)
            if error in ("server_error", "temporarily_unavailable"):
                return Transient(message)
            # OAuth errors may come with status 200.
            return self.by_status(response, message) or PlatformError(message)
        error = error if isinstance(error, dict) else {}
        code = error.get("code", "")
        if response.status_code == 200 and code in ("ok", ""):
            return None
        message = "{} {}: {} {}".format(
            response.status_code, label, code, error.get("message", "")
        )
        if code in ("access_token_invalid", "access_token_expired"):
            return TokenInvalid(message)
        if code in ("scope_not_authorized", "scope_permission_missed"):
            return NotAllowed(message)
        if code == "rate_limit_exceeded":
            return RateLimited(message, retry_after_seconds(response))
        if code == "invalid_params" and "field" in message.lower():
            return InvalidMetric(message)
        return self.by_status(response, message) or PlatformError(message)


class TikTokClient:
    """A TikTok account's followers and its videos' cumulative counts.

    The Display API has no reach or daily series; those come from the
    Business API or a manual export."""

    platform = "tiktok"

    def __init__(
        self,
        account: SocialAccount,
        token: str,
        *,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.transport = TikTokTransport(token, base_url=base_url, sleep=sleep)

    def fetch(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> FetchResult:
        result = FetchResult()
        try:
            # The follower count needs the user.info.stats scope; without
            # it the videos still come in.
            with part(result, "user.info.stats"):
                body = self.transport.call(
                    "GET",
                    "user/info/",
                    params={
                        "fields": "open_id,display_name,follower_count,video_count"
                    },
                )
                user = body.get("data", {}).get("user", {})
                if user.get("follower_count") is not None:
                    result.account_values.append(
                        (
                            "followers",
                            end,
                            float(user["follower_count"]),
                            "follower_count",
                        )
                    )
            heartbeat()
            self._videos(result, end)
            ids = [post["external_id"] for post in result.posts]
            for first in range(0, len(ids), VIDEO_BATCH):
                with part(result, "video statistics"):
                    self._statistics(result, ids[first : first + VIDEO_BATCH], end)
                heartbeat()
        finally:
            result.calls = self.transport.calls
            self.transport.close()
        return result

    def _videos(self, result: FetchResult, end: datetime.date) -> None:
        """video.list, newest first, until the refresh horizon."""
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        request: dict[str, Any] = {"max_count": VIDEO_BATCH}
        while True:
            body = self.transport.call(
                "POST", "video/list/", params={"fields": VIDEO_FIELDS}, json=request
            )
            data = body.get("data", {})
            for video in data.get("videos", []):
                published = datetime.datetime.fromtimestamp(
                    int(video["create_time"]), datetime.UTC
                )
                if published.date() < oldest:
                    return
                if video.get("cover_image_url"):
                    result.thumbnails[str(video["id"])] = video["cover_image_url"]
                title = video.get("title") or ""
                description = video.get("video_description") or ""
                result.posts.append(
                    {
                        "external_id": str(video["id"]),
                        "permalink": video.get("share_url", ""),
                        "published_at": published,
                        "caption": (description or title)[:5000],
                        "content_type": "video",
                        "duration_seconds": video.get("duration"),
                    }
                )
            if not data.get("has_more") or data.get("cursor") is None:
                return
            request = {**request, "cursor": data["cursor"]}

    def _statistics(
        self, result: FetchResult, ids: list[str], day: datetime.date
    ) -> None:
        def ask(group: list[str]) -> dict:
            return self.transport.call(
                "POST",
                "video/query/",
                params={"fields": ",".join(["id", *group])},
                json={"filters": {"video_ids": ids}},
            )

        for body in in_groups(list(VIDEO_STATISTICS), ask, result.problems):
            for video in body.get("data", {}).get("videos", []):
                for name, code in VIDEO_STATISTICS.items():
                    if video.get(name) is not None:
                        result.post_values.append(
                            (str(video["id"]), code, day, float(video[name]), name)
                        )


def refresh_tiktok_token(
    refresh_token: str, **transport: Any
) -> tuple[str, datetime.datetime, str, datetime.datetime | None]:
    """A new access token (2 hours), the refresh token that replaces the old
    one and when that lapses (180 days at most); TokenInvalid when TikTok
    refuses the refresh token."""
    oauth = TikTokTransport("", **transport)
    try:
        # One attempt: TikTok rotates the refresh token, so a retry after an
        # answer lost on the way would spend the old one and be refused.
        body = oauth.call(
            "POST",
            "oauth/token/",
            attempts=1,
            data={
                "client_key": settings.SOCIAL_TIKTOK_CLIENT_KEY,
                "client_secret": settings.SOCIAL_TIKTOK_CLIENT_SECRET,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
    finally:
        oauth.close()
    if not body.get("access_token"):
        raise PlatformError("token answer without an access token")
    now = datetime.datetime.now(datetime.UTC)
    expires = now + datetime.timedelta(seconds=int(body.get("expires_in", 7200)))
    refresh_expires = (
        now + datetime.timedelta(seconds=int(body["refresh_expires_in"]))
        if body.get("refresh_expires_in")
        else None
    )
    return body["access_token"], expires, body.get("refresh_token", ""), refresh_expires
