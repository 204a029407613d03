"""YouTube: the Data API v3 (channel, uploads playlist, video statistics)
and YouTube Analytics where the token allows it; Google OAuth refresh."""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings

from socialposts.accounts.models import SocialAccount
from socialposts.pulls.clients.base import (
    POST_REFRESH_DAYS,
    Call,
    FetchResult,
    InvalidMetric,
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

# YouTube Analytics names, per day of the channel, and their canonical codes.
DAILY_METRICS = {
    "views": "views",
    "estimatedMinutesWatched": "watch_time_minutes",
    "subscribersGained": "new_followers",
}
# videos.list statistics, cumulative per video.
VIDEO_STATISTICS = {
    "viewCount": "views",
    "likeCount": "likes",
    "commentCount": "comments",
}
# videos.list and the Analytics filter take at most this many ids at once.
VIDEO_BATCH = 50
# The "top videos" report answers at most this many rows.
TOP_VIDEOS = 200
DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


class GoogleTransport(Transport):
    """Google APIs: a bearer token; errors as ``{"error": {"errors":
    [{"reason": …}]}}``, or ``{"error": "invalid_grant"}`` from OAuth."""

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        if response.status_code == 200:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, str):
            message = "{} {}: {} {}".format(
                response.status_code, label, error, body.get("error_description", "")
            )
            if error in ("invalid_grant", "unauthorized_client"):
                return TokenInvalid(message)
            return self.by_status(response, message)
        error = error if isinstance(error, dict) else {}
        reasons = {
            item.get("reason")
            for item in error.get("errors", [])
            if isinstance(item, dict)
        }
        message = "{} {}: {}".format(
            response.status_code, label, error.get("message", "")
        )
        if response.status_code == 401:
            return TokenInvalid(message)
        if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
            return QuotaExceeded(message)
        if reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
            return RateLimited(message, retry_after_seconds(response))
        if response.status_code == 403 and reasons & {
            "insufficientPermissions",
            "forbidden",
            "accessNotConfigured",
        }:
            return NotAllowed(message)
        if response.status_code == 404 and "playlistNotFound" in reasons:
            return NoUploads(message)
        if response.status_code == 400 and "metric" in message.lower():
            return InvalidMetric(message)
        return self.by_status(response, message)


class NoUploads(PlatformError):
    """YouTube answers 404 for the uploads playlist of a channel that has
    never uploaded."""


def seconds(duration: str) -> int | None:
    """ISO 8601 ``PT1M5S`` as 65; None when it is not a duration."""
    match = DURATION.fullmatch(duration or "")
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, secs = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def _timestamp(text: str) -> datetime.datetime:
    """Google's ``2026-03-16T09:15:00Z``."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class YouTubeClient:
    """A channel's subscribers, its daily Analytics series, and the videos of
    its uploads playlist with their statistics and watch time."""

    platform = "youtube"

    def __init__(
        self,
        account: SocialAccount,
        token: str,
        *,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.calls: list[Call] = []
        self.data = GoogleTransport(
            token,
            base_url=base_url or settings.SOCIAL_YOUTUBE_BASE_URL,
            sleep=sleep,
            calls=self.calls,
        )
        self.analytics = GoogleTransport(
            token,
            base_url=base_url or settings.SOCIAL_YOUTUBE_ANALYTICS_BASE_URL,
            sleep=sleep,
            calls=self.calls,
        )
        # Set when the token was not granted yt-analytics.readonly.
        self.analytics_allowed = True

    def fetch(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        heartbeat: Callable[[], None] = lambda: None,
    ) -> FetchResult:
        result = FetchResult()
        pending = ["report:daily", "report:videos"]
        try:
            uploads = self._channel(result, end)
            # Each Analytics report succeeds or fails alone: a refused
            # report no longer loses the channel's other figures.
            with part(result, "YouTube Analytics daily report", "report:daily"):
                self._daily(result, start, end)
            pending.remove("report:daily")
            heartbeat()
            self._videos(result, uploads, end, heartbeat)
            with (
                part(result, "YouTube Analytics top videos", "report:videos"),
                self.analytics.part_budget(),
            ):
                self._watch_time(result, end)
            pending.remove("report:videos")
        except (QuotaExceeded, PlatformDown) as exc:
            # The day's quota spent, or the platform down, after the channel
            # came: what came is kept, the rest waits for the next run.
            stopped_early(result, exc, pending)
        finally:
            result.calls = self.calls
            self.data.close()
            self.analytics.close()
        return result

    def _get(self, transport: GoogleTransport, path: str, params: dict) -> dict:
        return transport.request("GET", transport.base_url + path, path, params=params)

    def _channel(self, result: FetchResult, day: datetime.date) -> str:
        """Record the subscriber total; return the uploads playlist id."""
        body = self._get(
            self.data,
            "/youtube/v3/channels",
            {"part": "statistics,contentDetails", "id": self.account.external_id},
        )
        items = body.get("items") or []
        if not items:
            raise PlatformError("channel {} not found".format(self.account.external_id))
        statistics = items[0].get("statistics", {})
        if not statistics.get("hiddenSubscriberCount") and (
            "subscriberCount" in statistics
        ):
            result.account_values.append(
                (
                    "followers",
                    day,
                    number(statistics["subscriberCount"], "subscriberCount"),
                    "subscriberCount",
                )
            )
        return items[0]["contentDetails"]["relatedPlaylists"]["uploads"]

    def _report(self, params: dict[str, Any], names: list[str], result: FetchResult):
        """Analytics rows as dicts, metrics asked in small groups; nothing
        when the token does not allow Analytics."""
        if not self.analytics_allowed:
            return []

        def ask(group: list[str]) -> list[dict]:
            body = self._get(
                self.analytics, "/v2/reports", {**params, "metrics": ",".join(group)}
            )
            headers = [h["name"] for h in body.get("columnHeaders", [])]
            return [
                dict(zip(headers, row, strict=False)) for row in body.get("rows") or []
            ]

        try:
            answers = in_groups(names, ask, result.problems)
        except NotAllowed as exc:
            # Connected without the Analytics scope, or the API is not
            # enabled in the project: the Data API figures still come in,
            # and the run says what is missing until staff reconnect.
            self.analytics_allowed = False
            result.problems.append("YouTube Analytics: {}".format(exc))
            return []
        return [row for rows in answers for row in rows]

    def _daily(
        self, result: FetchResult, start: datetime.date, end: datetime.date
    ) -> None:
        rows = self._report(
            {
                "ids": "channel=={}".format(self.account.external_id),
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "dimensions": "day",
                "sort": "day",
            },
            list(DAILY_METRICS),
            result,
        )
        for row in rows:
            day = datetime.date.fromisoformat(row["day"])
            for name, code in DAILY_METRICS.items():
                if row.get(name) is not None and start <= day <= end:
                    result.account_values.append(
                        (code, day, number(row[name], name), name)
                    )

    def _videos(
        self,
        result: FetchResult,
        uploads: str,
        end: datetime.date,
        heartbeat: Callable[[], None],
    ) -> None:
        """The uploads playlist newest first, then the videos' details in
        batches (one quota unit each; search.list would cost 100)."""
        oldest = end - datetime.timedelta(days=POST_REFRESH_DAYS)
        ids: list[str] = []
        params: dict[str, Any] = {
            "part": "contentDetails",
            "playlistId": uploads,
            "maxResults": 50,
        }
        while True:
            try:
                body = self._get(self.data, "/youtube/v3/playlistItems", params)
            except NoUploads:
                return
            items = body.get("items", [])
            for item in items:
                details = item.get("contentDetails", {})
                published = details.get("videoPublishedAt")
                if published and _timestamp(published).date() < oldest:
                    break
                ids.append(details["videoId"])
            else:
                if body.get("nextPageToken"):
                    params = {**params, "pageToken": body["nextPageToken"]}
                    continue
            break
        for first in range(0, len(ids), VIDEO_BATCH):
            body = self._get(
                self.data,
                "/youtube/v3/videos",
                {
                    "part": "snippet,contentDetails,statistics",
                    "id": ",".join(ids[first : first + VIDEO_BATCH]),
                },
            )
            for video in body.get("items", []):
                self._video(result, video, end)
            heartbeat()

    def _video(self, result: FetchResult, video: dict, day: datetime.date) -> None:
        snippet = video.get("snippet", {})
        title = snippet.get("title") or ""
        description = snippet.get("description") or ""
        result.posts.append(
            {
                "external_id": video["id"],
                "permalink": "https://www.youtube.com/watch?v={}".format(video["id"]),
                "published_at": _timestamp(snippet["publishedAt"]),
                "caption": "\n\n".join(p for p in (title, description) if p)[:5000],
                # Shorts cannot be told apart through the API; staff may
                # reclassify, and a pull never overwrites that.
                "content_type": "video",
                "duration_seconds": seconds(
                    video.get("contentDetails", {}).get("duration", "")
                ),
            }
        )
        thumbnails = snippet.get("thumbnails", {})
        picture = (thumbnails.get("medium") or thumbnails.get("default") or {}).get(
            "url"
        )
        if picture:
            result.thumbnails[video["id"]] = picture
        for name, code in VIDEO_STATISTICS.items():
            # likeCount is absent when the channel hides it.
            value = video.get("statistics", {}).get(name)
            if value is not None:
                result.post_values.append(
                    (video["id"], code, day, number(value, name), name)
                )

    def _watch_time(self, result: FetchResult, end: datetime.date) -> None:
        """Minutes watched per video since the oldest one kept was published,
        from the channel's "top videos" report: dimensions=video sorted by
        a metric, at most 200 rows, and no video filter. That combination is
        documented (developers.google.com/youtube/analytics/channel_reports,
        "Top videos", read 2026-12-07); dimensions=video with
        filters=video==a,b is not, and answers 400 "The query is not
        supported"."""
        if not result.posts:
            return
        start = min(p["published_at"] for p in result.posts).date()
        kept = {p["external_id"] for p in result.posts}
        rows = self._report(
            {
                "ids": "channel=={}".format(self.account.external_id),
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "dimensions": "video",
                "maxResults": TOP_VIDEOS,
                "sort": "-estimatedMinutesWatched",
            },
            ["estimatedMinutesWatched"],
            result,
        )
        for row in rows:
            value = row.get("estimatedMinutesWatched")
            if value is not None and row.get("video") in kept:
                result.post_values.append(
                    (
                        row["video"],
                        "watch_time_minutes",
                        end,
                        number(value, "estimatedMinutesWatched"),
                        "estimatedMinutesWatched",
                    )
                )


def refresh_google_token(
    refresh_token: str, **transport: Any
) -> tuple[str, datetime.datetime, str, datetime.datetime | None]:
    """A new access token (an hour) from the refresh token, the new refresh
    token if Google sent one, and when that lapses (Google does not say).

    Raises TokenInvalid on ``invalid_grant``: the refresh token was revoked,
    or it came from an OAuth app left in "Testing" (7 days).
    """
    base = transport.pop("base_url", None)
    url = (
        "{}/token".format(base.rstrip("/"))
        if base
        else settings.SOCIAL_GOOGLE_TOKEN_URL
    )
    oauth = GoogleTransport("", **transport)
    try:
        body = oauth.request(
            "POST",
            url,
            "token",
            data={
                "client_id": settings.SOCIAL_GOOGLE_CLIENT_ID,
                "client_secret": settings.SOCIAL_GOOGLE_CLIENT_SECRET,
                "refresh_token": refresh_token,
                "grant_type": "refresh_token",
            },
        )
    finally:
        oauth.close()
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=int(body.get("expires_in", 3600))
    )
    # Google keeps the refresh token; it sends a new one only on a new login.
    return body["access_token"], expires, body.get("refresh_token", ""), None
