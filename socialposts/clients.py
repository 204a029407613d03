"""Clients of the platforms' APIs.

Every call goes through one transport that classifies what went wrong:

* ``TokenInvalid`` (Meta code 190, Google ``invalid_grant``): never retried;
  the account needs reconnecting.
* ``QuotaExceeded`` (YouTube ``quotaExceeded``; a Meta app usage still full
  after the retries): the account is deferred to the next day.
* ``InvalidMetric`` (Meta code 100 on an insights call): the metric group
  is split, so one retired metric does not lose the others.
* ``Transient`` (429, 5xx, timeouts, reset connections, truncated JSON,
  Meta rate-limit codes): retried with exponential backoff and full jitter,
  at most ``SOCIAL_RETRY_ATTEMPTS`` attempts and ``SOCIAL_RETRY_MAX_SECONDS``
  in all, honouring ``Retry-After``.

Instagram and Facebook Pages are implemented so far; YouTube and TikTok
follow the same shape (see the README).
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from socialposts.models import PlatformMetric, SocialAccount

META_RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002}


class PlatformError(Exception):
    """Something the platform answered that the pull must act on."""


class TokenInvalid(PlatformError):
    pass


class QuotaExceeded(PlatformError):
    pass


class InvalidMetric(PlatformError):
    pass


class Transient(PlatformError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Call:
    """One answer as received, for the audit table."""

    endpoint: str
    status: int
    payload: Any


@dataclass
class FetchResult:
    """What one pull brought back, in canonical terms."""

    account_values: list[tuple[str, datetime.date, float, str]] = field(
        default_factory=list
    )
    posts: list[dict] = field(default_factory=list)
    post_values: list[tuple[str, str, datetime.date, float, str]] = field(
        default_factory=list
    )
    problems: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)


def _backoff(state: RetryCallState) -> float:
    """Full jitter, or the platform's Retry-After when it asks for longer."""
    base = settings.SOCIAL_RETRY_BASE_SECONDS
    ceiling = min(settings.SOCIAL_RETRY_MAX_SECONDS, base * 2**state.attempt_number)
    wait = random.uniform(0, ceiling)
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Transient) and error.retry_after:
        wait = max(wait, min(error.retry_after, settings.SOCIAL_RETRY_MAX_SECONDS))
    return wait


def _scrub(value: Any, secret: str) -> Any:
    """``value`` with every occurrence of ``secret`` replaced."""
    if isinstance(value, str):
        return value.replace(secret, "[token]") if secret else value
    if isinstance(value, dict):
        return {k: _scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    return value


class GraphTransport:
    """GET requests to Meta's Graph API with retries and error mapping."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        version: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.token = token
        self.base_url = (base_url or settings.SOCIAL_GRAPH_BASE_URL).rstrip("/")
        self.version = version or settings.SOCIAL_GRAPH_API_VERSION
        self.sleep = sleep
        self.calls: list[Call] = []
        self.http = httpx.Client(timeout=settings.SOCIAL_HTTP_TIMEOUT_SECONDS)

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, params: dict[str, Any]) -> dict:
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(settings.SOCIAL_RETRY_ATTEMPTS)
            | stop_after_delay(settings.SOCIAL_RETRY_MAX_SECONDS),
            wait=_backoff,
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(self._once, path, params)

    def _once(self, path: str, params: dict[str, Any]) -> dict:
        # A few endpoints (the token refresh) have no version in their path.
        if path.startswith("/"):
            url = "{}{}".format(self.base_url, path)
        else:
            url = "{}/{}/{}".format(self.base_url, self.version, path)
        try:
            response = self.http.get(url, params={**params, "access_token": self.token})
        except httpx.TimeoutException as exc:
            raise Transient("timeout: {}".format(exc)) from exc
        except httpx.TransportError as exc:
            raise Transient("connection: {}".format(exc)) from exc
        try:
            body = response.json()
        except json.JSONDecodeError as exc:
            raise Transient("truncated answer from {}".format(path)) from exc
        # The token never reaches the audit table; Graph's paging links
        # carry it in their query strings.
        self.calls.append(Call(path, response.status_code, _scrub(body, self.token)))
        if response.status_code == 200:
            return body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code = error.get("code")
        message = "{} {}: {}".format(
            response.status_code, path, error.get("message", "")
        )
        if code == 190:
            raise TokenInvalid(message)
        if code == 100 and "metric" in error.get("message", ""):
            raise InvalidMetric(message)
        retry_after = response.headers.get("Retry-After")
        if response.status_code == 429 or code in META_RATE_LIMIT_CODES:
            raise Transient(message, float(retry_after) if retry_after else None)
        if response.status_code >= 500:
            raise Transient(message)
        raise PlatformError(message)


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
# Posts older than this are no longer snapshotted every day.
POST_REFRESH_DAYS = 90
METRIC_GROUP = 3


def platform_names(
    platform: str, codes: list[str], day: datetime.date, prefix: str = ""
) -> dict[str, str]:
    """The platform's name for each canonical metric, as valid on ``day``.

    Facebook names its Page and post metrics apart (``page_…``, ``post_…``);
    ``prefix`` picks one family.
    """
    names: dict[str, str] = {}
    rows = PlatformMetric.objects.filter(
        platform=platform, metric_id__in=codes, name__startswith=prefix
    ).order_by("valid_from")
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
            self._daily_insights(result, start, end)
            heartbeat()
            for post in self._posts(result, end):
                result.posts.append(post)
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
        data: list[dict] = []
        groups = [
            names[i : i + METRIC_GROUP] for i in range(0, len(names), METRIC_GROUP)
        ]
        while groups:
            group = groups.pop(0)
            try:
                body = self.transport.get(path, {**params, "metric": ",".join(group)})
            except InvalidMetric as exc:
                if len(group) == 1:
                    result.problems.append("{}: {}".format(group[0], exc))
                else:
                    groups = [[name] for name in group] + groups
                continue
            data.extend(body.get("data", []))
        return data

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
        fields = "id,caption,media_type,media_product_type,permalink,timestamp"
        found = []
        for item in self._pages("media", {"fields": fields, "limit": 50}):
            published = _timestamp(item["timestamp"])
            if published.date() < oldest:
                break
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
            "id,message,created_time,permalink_url,status_type,shares,"
            "comments.summary(true).limit(0)"
        )
        found = []
        for item in self._pages("posts", {"fields": fields, "limit": 50}):
            published = _timestamp(item["created_time"])
            if published.date() < oldest:
                break
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

    Raises TokenInvalid when the platform refuses it: only a new login helps.
    """
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


def client_for(account: SocialAccount, token: str, **transport: Any) -> InstagramClient:
    """The client of the account's platform."""
    if account.platform == "instagram":
        return InstagramClient(account, token, **transport)
    if account.platform == "facebook":
        return FacebookPageClient(account, token, **transport)
    raise PlatformError(
        "pulling from {} is not implemented yet".format(account.get_platform_display())
    )
