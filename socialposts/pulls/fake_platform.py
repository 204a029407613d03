"""A fake of the platforms' APIs, served over real HTTP on loopback.

The social platforms cannot be reached from here (and must not be hit by
tests or the demo), so this server speaks the part of their APIs the
clients use: Meta's Graph API (Instagram; Facebook Page ids start with
``page``), YouTube's Data API v3 and Analytics with Google's token
endpoint, and TikTok's Display API v2 with its token endpoint (its tokens
name their user: ``act.<open_id>.<n>``). Data is deterministic, derived
from each account's id; tests inject faults over HTTP:

    POST /_faults   [{"match": "insights", "kind": "429", "times": 2}, ...]
    DELETE /_faults
    GET /_calls     {"<path>": <count>, ...}

Fault kinds: ``429`` (with ``Retry-After``), ``500``, ``slow`` (answers
after ``delay`` seconds), ``truncated`` (cut JSON), ``reset`` (closes the
connection), and in each platform's own error format ``invalid_token``,
``invalid_metric``, ``rate_limit``, ``quota`` and ``not_allowed``; ``malformed``
answers 200 with a shape no client foresaw. ``"times": -1`` makes a fault
last for ever (one object that always fails). A token
equal to ``revoked`` is always refused.

The conversation endpoints (WhatsApp, the Send API, comments, YouTube
comment threads) and their controls under ``/_inbox/`` live in
``fake_inbox``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse
from zoneinfo import ZoneInfo

from PIL import Image

from socialposts.pulls import fake_inbox, fake_oauth

# Instagram account insights as the reference stands (IG User insights,
# updated 2026-06-16, read 2026-12-07): the two time series, the metrics
# served only with metric_type=total_value, and names Meta retired.
ACCOUNT_SERIES = {"reach", "follower_count"}
ACCOUNT_TOTALS = {
    "reach",
    "views",
    "total_interactions",
    "profile_views",
    "accounts_engaged",
    "likes",
    "comments",
    "shares",
    "saves",
    "replies",
    "follows_and_unfollows",
    "profile_links_taps",
}
RETIRED = {
    "impressions",
    "plays",
    "clips_replays_count",
    "ig_reels_aggregated_all_plays_count",
    "video_views",
    "engagement",
    "email_contacts",
    "website_clicks",
}
FOLLOWER_COUNT_MIN = 100
FOLLOWER_COUNT_DAYS = 30
# Media insights by product type (IG Media insights reference, updated
# 2026-06-18; exileum/meta-mcp #120/#174).
MEDIA_METRICS = {
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
}
PACIFIC = ZoneInfo("America/Los_Angeles")
MEDIA_TYPES = ["IMAGE", "VIDEO", "CAROUSEL_ALBUM", "REELS", "IMAGE", "IMAGE"]
BEARER = "Bearer"  # nosec B105 # the OAuth token type, not a password
# Facebook Page metrics still valid after Meta's 2025-2026 retirements.
PAGE_METRICS = {
    "page_total_media_view_unique",
    "page_media_view",
    "page_post_engagements",
    "page_views_total",
    "page_daily_follows_unique",
}
PAGE_POST_METRICS = {
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_by_type_total",
}
STATUS_TYPES = ["added_photos", "added_photos", "added_video", "mobile_status_update"]
DAYS_OF_POSTS = 183
# Picture links point back at this server; the prefix is replaced by its
# address when an answer is sent.
MEDIA = "fake-media://"
PAGE_SIZE = 25
# graph.instagram.com (Instagram Login) is served under this path prefix of
# the fake; graph.facebook.com at its root.
INSTAGRAM_HOST = "/_instagram"


def settings_for(url: str) -> dict[str, str]:
    """The settings that point every platform client at a fake at ``url``."""
    return {
        "SOCIAL_GRAPH_BASE_URL": url,
        "SOCIAL_INSTAGRAM_BASE_URL": url + INSTAGRAM_HOST,
        "SOCIAL_YOUTUBE_BASE_URL": url,
        "SOCIAL_YOUTUBE_ANALYTICS_BASE_URL": url,
        "SOCIAL_TIKTOK_BASE_URL": url,
        "SOCIAL_GOOGLE_TOKEN_URL": url + "/token",
        **fake_oauth.settings_for(url),
    }


def _seed(*parts: Any) -> int:
    text = "|".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def daily_value(account_id: str, metric: str, day: datetime.date) -> int:
    """The value the fake reports for an account's metric on a day."""
    base = 200 + _seed(account_id) % 800
    if metric == "follower_count":
        return _seed(account_id, metric, day) % 12
    weekly = 1.0 + 0.3 * ((day.toordinal() % 7) in (5, 6))
    return int(base * weekly * {"views": 3, "profile_views": 0.2}.get(metric, 1)) + (
        _seed(account_id, metric, day) % 50
    )


def followers(account_id: str, day: datetime.date) -> int:
    if "kecil" in account_id:
        # A small account, below Instagram's 100 followers for follower_count.
        return 60 + _seed(account_id) % 30
    start = 1000 + _seed(account_id) % 9000
    return start + (day - datetime.date(2025, 1, 1)).days * (2 + _seed(account_id) % 5)


def media_for(account_id: str, today: datetime.date) -> list[dict]:
    """About three posts a week over six months, newest first."""
    posts = []
    for back in range(DAYS_OF_POSTS):
        day = today - datetime.timedelta(days=back)
        if _seed(account_id, "post", day) % 7 < 3:
            kind = MEDIA_TYPES[_seed(account_id, "type", day) % len(MEDIA_TYPES)]
            media_id = "{}_{}".format(account_id, day.strftime("%Y%m%d"))
            posts.append(
                {
                    "id": media_id,
                    "caption": "Kegiatan {} tanggal {}".format(
                        account_id[-4:], day.isoformat()
                    ),
                    "media_type": "VIDEO" if kind == "REELS" else kind,
                    "media_product_type": "REELS" if kind == "REELS" else "FEED",
                    "permalink": "https://www.instagram.com/p/{}/".format(media_id),
                    "media_url": "{}{}.png".format(MEDIA, media_id),
                    "timestamp": "{}T09:{:02d}:00+0000".format(
                        day.isoformat(), _seed(media_id) % 60
                    ),
                }
            )
    return posts


def media_value(media_id: str, metric: str, today: datetime.date) -> int:
    stamp = media_id.rsplit("_", 1)[1]
    day = datetime.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
    age = max(1, (today - day).days)
    grown = min(1.0, age / 7)
    base = 50 + _seed(media_id, metric) % 400
    scale = {
        "views": 4,
        "reach": 2,
        "likes": 0.5,
        "comments": 0.05,
        "shares": 0.05,
        "saved": 0.03,
        "total_interactions": 0.7,
    }[metric]
    return int(base * scale * grown)


# A Page video's own id, as the post's attachment target names it.
def page_video_id(post_id: str) -> str:
    return post_id.replace("_", "v")


def page_post_of_video(video_id: str) -> str:
    page, _sep, day = video_id.rpartition("v")
    return "{}_{}".format(page, day)


# Facebook video insights by kind (Video Insights reference, developers.
# facebook.com/docs/graph-api/reference/video/video_insights, read
# 2026-12-07; Reels metrics since 2022-12, Meta's "Introducing Reels
# metrics API"). Reels have no /insights edge (trypostit/trypost #320).
REEL_METRICS = {
    "blue_reels_play_count",
    "post_video_avg_time_watched",
    "post_video_view_time",
}
VIDEO_METRICS = {
    "total_video_views",
    "total_video_views_unique",
    "total_video_view_total_time",
}


def page_video_value(video_id: str, metric: str, today: datetime.date) -> int:
    post_id = page_post_of_video(video_id)
    views = media_value(post_id, "views", today)
    if metric in ("post_video_view_time", "total_video_view_total_time"):
        return views * video_duration(post_id) * 400  # milliseconds
    if metric == "post_video_avg_time_watched":
        return video_duration(post_id) * 400
    return views


def page_posts_for(page_id: str, today: datetime.date) -> list[dict]:
    """A Facebook Page's posts in the shape of ``/{page}/posts``: reels
    and videos carry their video in the attachment's target."""
    posts = []
    for item in media_for(page_id, today):
        post_id = item["id"]
        reel = item["media_product_type"] == "REELS"
        status = STATUS_TYPES[_seed(post_id, "status") % len(STATUS_TYPES)]
        if reel or status == "added_video":
            attachment = {
                "media_type": "video",
                "target": {"id": page_video_id(post_id)},
                "url": "https://www.facebook.com/{}/{}".format(
                    "reel" if reel else "watch", page_video_id(post_id)
                ),
            }
        else:
            attachment = {"media_type": "photo", "target": {"id": post_id}}
        posts.append(
            {
                "attachments": {"data": [attachment]},
                "id": post_id,
                "message": item["caption"],
                "created_time": item["timestamp"],
                "permalink_url": "https://www.facebook.com/{}".format(
                    "reel/" + page_video_id(post_id) if reel else post_id
                ),
                "status_type": "added_video" if reel else status,
                "shares": {"count": _seed(post_id, "shares") % 20},
                "full_picture": item["media_url"],
                "comments": {
                    "data": [],
                    "summary": {"total_count": _seed(post_id, "comments") % 30},
                },
            }
        )
    return posts


def page_post_value(post_id: str, metric: str, today: datetime.date) -> Any:
    if metric == "post_reactions_by_type_total":
        return {
            "like": media_value(post_id, "likes", today),
            "love": _seed(post_id, "love") % 15,
        }
    return media_value(post_id, "reach" if "unique" in metric else "views", today)


class FakePlatform:
    """The server's state: injected faults and a call log."""

    def __init__(self, today: datetime.date | None = None) -> None:
        self.today = today
        self.faults: list[dict] = []
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def current_day(self) -> datetime.date:
        # Meta and YouTube cut their reporting days in Pacific time.
        return self.today or datetime.datetime.now(PACIFIC).date()

    def take_fault(self, path: str) -> dict | None:
        with self.lock:
            self.calls[path] += 1
            for fault in self.faults:
                times = fault.get("times", 1)
                if fault.get("match", "") in path and (times > 0 or times == -1):
                    # times -1: an object that fails for ever.
                    if times > 0:
                        fault["times"] = times - 1
                    return fault
        return None


def _graph_error(code: int, message: str, status: int = 400) -> tuple[int, dict]:
    return status, {
        "error": {"message": message, "type": "OAuthException", "code": code}
    }


def _refresh(query: dict[str, str]) -> tuple[int, Any]:
    """Instagram's long-lived token refresh (60 more days)."""
    token = query.get("access_token", "")
    if token in ("", "revoked") or query.get("grant_type") != "ig_refresh_token":
        return _graph_error(
            190, "Error validating access token: the session is invalid."
        )
    return 200, {
        "access_token": "fresh-" + token[-20:],
        "token_type": BEARER.lower(),
        "expires_in": 60 * 24 * 3600,
    }


def _answer(
    platform: FakePlatform, path: str, query: dict[str, str]
) -> tuple[int, Any]:
    instagram_host = path.startswith(INSTAGRAM_HOST + "/")
    path = path.removeprefix(INSTAGRAM_HOST)
    if path == "/refresh_access_token":
        if not instagram_host:
            # graph.facebook.com has no such node: Facebook-Login tokens
            # are renewed with fb_exchange_token instead.
            return _graph_error(
                100,
                "Unsupported get request. Object with ID 'refresh_access_token' "
                "does not exist, cannot be loaded due to missing permissions, "
                "or does not support this operation.",
            )
        return _refresh(query)
    match = re.fullmatch(
        r"/v\d+\.\d+/([\w]+)(?:/(insights|media|posts|video_insights))?", path
    )
    if not match:
        return 404, {"error": {"message": "Unknown path", "code": 803}}
    if query.get("access_token", "") in ("", "revoked"):
        return _graph_error(
            190, "Error validating access token: the session is invalid."
        )
    node, edge = match.groups()
    today = platform.current_day()
    is_media = "_" in node
    if node.startswith("page"):
        return _page_answer(node, edge, is_media, query, today)
    if edge is None and not is_media:
        return 200, {
            "id": node,
            "username": "akun_{}".format(node[-4:]),
            "followers_count": followers(node, today),
            "media_count": len(media_for(node, today)),
        }
    if edge == "media":
        items = media_for(node, today)
        start = int(query.get("after") or 0)
        limit = min(int(query.get("limit") or PAGE_SIZE), 100)
        # Graph answers the fields asked for, and only those.
        fields = [f for f in query.get("fields", "id").split(",") if f]
        page = [
            _media_fields(item, fields, today) for item in items[start : start + limit]
        ]
        body: dict[str, Any] = {"data": page, "paging": {"cursors": {}}}
        if start + limit < len(items):
            after = str(start + limit)
            body["paging"]["cursors"]["after"] = after
            body["paging"]["next"] = "{}?{}".format(
                path, urlencode({**query, "after": after})
            )
        return 200, body
    if edge == "insights":
        names = [m for m in query.get("metric", "").split(",") if m]
        retired = [m for m in names if m in RETIRED]
        if retired:
            return _graph_error(
                100,
                "(#100) Starting from version v22.0 and above, the {} metric is "
                "no longer supported; the value must be a valid insights "
                "metric".format(retired[0]),
            )
        if is_media:
            return _media_insights(node, names, today)
        return _account_insights(node, names, query, today)
    return 404, {"error": {"message": "Unknown edge", "code": 803}}


def _media_fields(item: dict, fields: list[str], today: datetime.date) -> dict:
    full = {
        **item,
        "like_count": media_value(item["id"], "likes", today),
        "comments_count": media_value(item["id"], "comments", today),
    }
    if item["media_type"] == "VIDEO":
        full["thumbnail_url"] = item["media_url"]
    return {f: full[f] for f in ["id", *fields] if f in full}


def _pacific_days(query: dict[str, str]) -> list[datetime.date]:
    """The reporting days (Pacific) between since and until."""
    since = datetime.datetime.fromtimestamp(int(query["since"]), PACIFIC).date()
    until = datetime.datetime.fromtimestamp(int(query["until"]), PACIFIC)
    last = (
        until.date() - datetime.timedelta(1)
        if until.time() == datetime.time()
        else until.date()
    )
    return [since + datetime.timedelta(d) for d in range((last - since).days + 1)]


def _end_time(day: datetime.date) -> str:
    """Graph's stamp of a daily value: the end of its Pacific day, in UTC."""
    end = datetime.datetime.combine(
        day + datetime.timedelta(1), datetime.time(), PACIFIC
    )
    return end.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _account_insights(
    node: str, names: list[str], query: dict[str, str], today: datetime.date
) -> tuple[int, Any]:
    if "since" not in query or "until" not in query:
        return _graph_error(100, "(#100) The since and until parameters are required")
    total = query.get("metric_type") == "total_value"
    unknown = [m for m in names if m not in ACCOUNT_SERIES | ACCOUNT_TOTALS]
    if unknown:
        return _graph_error(100, "(#100) The value must be a valid insights metric")
    if total:
        refused = [m for m in names if m not in ACCOUNT_TOTALS]
        if refused:
            return _graph_error(
                100,
                "(#100) The following metrics ({}) do not support "
                "metric_type=total_value".format(",".join(refused)),
            )
    else:
        refused = [m for m in names if m not in ACCOUNT_SERIES]
        if refused:
            return _graph_error(
                100,
                "(#100) The following metrics ({}) should be specified with "
                "parameter metric_type=total_value".format(",".join(refused)),
            )
    if int(query["until"]) - int(query["since"]) > 30 * 86400:
        return _graph_error(
            100,
            "(#100) There cannot be more than 30 days (2592000 s) between "
            "since and until",
        )
    days = [d for d in _pacific_days(query) if d <= today]
    if "follower_count" in names:
        if days and days[0] < today - datetime.timedelta(FOLLOWER_COUNT_DAYS):
            return _graph_error(
                100,
                "(#100) follower_count only supports the last 30 days; the "
                "since parameter is too far in the past",
            )
        if followers(node, today) < FOLLOWER_COUNT_MIN:
            # Not served to accounts under 100 followers: left out.
            names = [m for m in names if m != "follower_count"]
    if total:
        data = [
            {
                "name": m,
                "period": "day",
                "title": m,
                "total_value": {"value": sum(daily_value(node, m, d) for d in days)},
                "id": "{}/insights/{}/day".format(node, m),
            }
            for m in names
        ]
        return 200, {"data": data}
    return _daily_series(node, names, days)


def _daily_series(
    node: str, names: list[str], days: list[datetime.date]
) -> tuple[int, Any]:
    """Graph's period=day answer: a value per day, stamped with its end."""
    data = [
        {
            "name": m,
            "period": "day",
            "values": [
                {"value": daily_value(node, m, day), "end_time": _end_time(day)}
                for day in days
            ],
        }
        for m in names
    ]
    return 200, {"data": data}


def _media_insights(
    node: str, names: list[str], today: datetime.date
) -> tuple[int, Any]:
    owner = node.rsplit("_", 1)[0]
    item = next((m for m in media_for(owner, today) if m["id"] == node), None)
    if item is None:
        return _graph_error(
            100,
            "Unsupported get request. Object with ID '{}' does not exist".format(node),
        )
    kind = item["media_product_type"]
    allowed = MEDIA_METRICS.get(kind, MEDIA_METRICS["FEED"])
    for m in names:
        if m not in MEDIA_METRICS["REELS"]:
            return _graph_error(100, "(#100) The value must be a valid insights metric")
        if m not in allowed:
            return _graph_error(
                100,
                "(#100) The metric {} is not supported for this media type".format(m),
            )
    data = [
        {
            "name": m,
            "period": "lifetime",
            "values": [{"value": media_value(node, m, today)}],
        }
        for m in names
    ]
    return 200, {"data": data}


def _is_reel(post_id: str, today: datetime.date) -> bool:
    page = post_id.rsplit("_", 1)[0]
    return any(
        m["id"] == post_id and m["media_product_type"] == "REELS"
        for m in media_for(page, today)
    )


def _video_insights(
    node: str, query: dict[str, str], today: datetime.date
) -> tuple[int, Any]:
    post_id = page_post_of_video(node)
    page = post_id.rsplit("_", 1)[0]
    known = {m["id"] for m in media_for(page, today)}
    if "v" not in node or post_id not in known:
        return _graph_error(
            100,
            "Unsupported get request. Object with ID '{}' does not exist".format(node),
        )
    names = [m for m in query.get("metric", "").split(",") if m]
    allowed = REEL_METRICS if _is_reel(post_id, today) else VIDEO_METRICS
    if not names or any(m not in allowed for m in names):
        return _graph_error(100, "(#100) The value must be a valid insights metric")
    return 200, {
        "data": [
            {
                "name": m,
                "period": "lifetime",
                "values": [{"value": page_video_value(node, m, today)}],
                "id": "{}/video_insights/{}/lifetime".format(node, m),
            }
            for m in names
        ]
    }


def _page_answer(
    node: str,
    edge: str | None,
    is_post: bool,
    query: dict[str, str],
    today: datetime.date,
) -> tuple[int, Any]:
    """The Facebook Page part of the Graph API."""
    if edge == "video_insights":
        return _video_insights(node, query, today)
    if edge == "insights" and is_post and _is_reel(node, today):
        return _graph_error(
            100,
            "(#100) Tried accessing nonexisting field (insights) on node type (Video)",
        )
    if edge is None and not is_post:
        return 200, {
            "id": node,
            "name": "Halaman {}".format(node[-4:]),
            "followers_count": followers(node, today),
        }
    if edge == "posts":
        items = page_posts_for(node, today)
        start = int(query.get("after") or 0)
        limit = min(int(query.get("limit") or PAGE_SIZE), 100)
        body: dict[str, Any] = {
            "data": items[start : start + limit],
            "paging": {"cursors": {}},
        }
        if start + limit < len(items):
            body["paging"]["cursors"]["after"] = str(start + limit)
            body["paging"]["next"] = "/posts?after={}".format(start + limit)
        return 200, body
    if edge == "insights":
        names = [m for m in query.get("metric", "").split(",") if m]
        allowed = PAGE_POST_METRICS if is_post else PAGE_METRICS
        if any(m not in allowed for m in names):
            return _graph_error(100, "(#100) The value must be a valid insights metric")
        if is_post:
            return 200, {
                "data": [
                    {
                        "name": m,
                        "period": "lifetime",
                        "values": [{"value": page_post_value(node, m, today)}],
                    }
                    for m in names
                ]
            }
        days = [day for day in _pacific_days(query) if day <= today]
        return _daily_series(node, names, days)
    return 404, {"error": {"message": "Unknown edge", "code": 803}}


# --- YouTube ---------------------------------------------------------------------

YT_DAILY_METRICS = {"views", "estimatedMinutesWatched", "subscribersGained"}
YT_VIDEO_METRICS = {"estimatedMinutesWatched"}
YT_PAGE_SIZE = 50


def _google_error(
    status: int, reason: str, message: str, state: str = ""
) -> tuple[int, dict]:
    return status, {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube", "reason": reason}],
            "status": state,
        }
    }


def video_duration(video_id: str) -> int:
    """Seconds; about a third of the videos run past the house minute."""
    return 15 + _seed(video_id, "duration") % 165


def _iso_duration(total: int) -> str:
    minutes, secs = divmod(total, 60)
    return "PT{}M{}S".format(minutes, secs) if minutes else "PT{}S".format(secs)


def _published(item: dict) -> str:
    return item["timestamp"].replace("+0000", "Z")


def _youtube_answer(
    path: str, query: dict[str, str], token: str, today: datetime.date
) -> tuple[int, Any]:
    if token in ("", "revoked"):
        return _google_error(
            401,
            "authError",
            "Request had invalid authentication credentials.",
            "UNAUTHENTICATED",
        )
    if path == "/youtube/v3/channels":
        if query.get("mine") == "true":
            return fake_oauth.my_channels(token)
        channel = query.get("id", "")
        if not channel.startswith("UC"):
            return 200, {"items": []}
        return 200, {
            "items": [
                {
                    "id": channel,
                    "statistics": {
                        "subscriberCount": str(followers(channel, today)),
                        "videoCount": str(len(media_for(channel, today))),
                        "hiddenSubscriberCount": False,
                    },
                    "contentDetails": {
                        "relatedPlaylists": {"uploads": "UU" + channel[2:]}
                    },
                }
            ]
        }
    if path == "/youtube/v3/playlistItems":
        channel = "UC" + query.get("playlistId", "")[2:]
        items = [] if "noupload" in channel else media_for(channel, today)
        if not items:
            # YouTube's answer for a channel that never uploaded.
            return _google_error(
                404,
                "playlistNotFound",
                "The playlist identified with the "
                "request's playlistId parameter cannot be found.",
            )
        start = int(query.get("pageToken", "p0")[1:] or 0)
        size = min(int(query.get("maxResults") or 5), YT_PAGE_SIZE)
        body: dict[str, Any] = {
            "items": [
                {
                    "contentDetails": {
                        "videoId": item["id"],
                        "videoPublishedAt": _published(item),
                    }
                }
                for item in items[start : start + size]
            ]
        }
        if start + size < len(items):
            body["nextPageToken"] = "p{}".format(start + size)
        return 200, body
    if path == "/youtube/v3/videos":
        ids = [i for i in query.get("id", "").split(",") if i]
        found = []
        for video_id in ids[:YT_PAGE_SIZE]:
            channel = video_id.rsplit("_", 1)[0]
            item = next(
                (m for m in media_for(channel, today) if m["id"] == video_id), None
            )
            if item is None:
                continue
            found.append(
                {
                    "id": video_id,
                    "snippet": {
                        "title": item["caption"],
                        "description": "Kanal resmi {}".format(channel[-4:]),
                        "publishedAt": _published(item),
                        "thumbnails": {
                            "medium": {
                                "url": item["media_url"],
                                "width": 320,
                                "height": 180,
                            }
                        },
                    },
                    "contentDetails": {
                        "duration": _iso_duration(video_duration(video_id))
                    },
                    "statistics": {
                        "viewCount": str(media_value(video_id, "views", today)),
                        "likeCount": str(media_value(video_id, "likes", today)),
                        "commentCount": str(media_value(video_id, "comments", today)),
                    },
                }
            )
        return 200, {"items": found}
    if path == "/v2/reports":
        if token.startswith("data-only"):
            return _google_error(
                403,
                "forbidden",
                "The caller does not have permission",
                "PERMISSION_DENIED",
            )
        return _youtube_report(query, today)
    return _google_error(404, "notFound", "Not Found")


def yt_daily_value(channel: str, metric: str, day: datetime.date) -> int:
    """YouTube Analytics' value for a channel's metric on a day."""
    if metric == "subscribersGained":
        return _seed(channel, metric, day) % 9
    minutes = metric == "estimatedMinutesWatched"
    return daily_value(channel, "views", day) * (3 if minutes else 1) // 2


def yt_minutes_watched(video_id: str, today: datetime.date) -> int:
    return media_value(video_id, "views", today) * video_duration(video_id) // 120


# YouTube Analytics' data lags 48-72 hours and its last served day is still
# filling (developers.google.com/youtube/analytics/revision_history, entry
# of 2026-09-09): the fake serves days up to two days ago, the last halved.
YT_LAG_DAYS = 2
YT_TOP_VIDEOS_MAX = 200


def _not_supported() -> tuple[int, dict]:
    return _google_error(400, "badRequest", "The query is not supported.")


def _youtube_report(query: dict[str, str], today: datetime.date) -> tuple[int, Any]:
    metrics = [m for m in query.get("metrics", "").split(",") if m]
    dimension = query.get("dimensions", "")
    allowed = YT_DAILY_METRICS if dimension == "day" else YT_VIDEO_METRICS
    unknown = [m for m in metrics if m not in allowed]
    if unknown or not metrics:
        return _google_error(
            400,
            "badRequest",
            "Unknown identifier ({}) given in field parameters.metrics.".format(
                ",".join(unknown)
            ),
        )
    # Only documented report combinations (channel reports reference): a
    # daily series of the channel, or its top videos sorted by a metric.
    if dimension not in ("day", "video") or query.get("filters"):
        return _not_supported()
    if dimension == "video" and (
        not query.get("sort", "").startswith("-")
        or int(query.get("maxResults") or 0) not in range(1, YT_TOP_VIDEOS_MAX + 1)
    ):
        return _not_supported()
    headers = [{"name": dimension, "columnType": "DIMENSION"}] + [
        {"name": m, "columnType": "METRIC"} for m in metrics
    ]
    channel = query.get("ids", "").removeprefix("channel==")
    start = datetime.date.fromisoformat(query["startDate"])
    last = today - datetime.timedelta(days=YT_LAG_DAYS)
    if dimension == "day":
        end = min(datetime.date.fromisoformat(query["endDate"]), last)
        rows = []
        for day in (
            start + datetime.timedelta(d) for d in range((end - start).days + 1)
        ):
            values = [yt_daily_value(channel, m, day) for m in metrics]
            if day == last:
                values = [v // 2 for v in values]  # still filling
            rows.append([day.isoformat(), *values])
    else:
        videos = [
            item["id"]
            for item in media_for(channel, today)
            if item["timestamp"][:10] >= start.isoformat()
        ]
        ranked = sorted(videos, key=lambda v: -yt_minutes_watched(v, today))
        rows = [
            [v, yt_minutes_watched(v, today)]
            for v in ranked[: int(query["maxResults"])]
        ]
    return 200, {
        "kind": "youtubeAnalytics#resultTable",
        "columnHeaders": headers,
        "rows": rows,
    }


def _google_token(form: dict[str, str]) -> tuple[int, Any]:
    token = form.get("refresh_token", "")
    if form.get("grant_type") != "refresh_token" or token in ("", "revoked"):
        return 400, {
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked.",
        }
    return 200, {
        "access_token": "ya29.{}".format(token[-12:]),
        "expires_in": 3599,
        "scope": "https://www.googleapis.com/auth/youtube.readonly",
        "token_type": BEARER,
    }


# --- TikTok ------------------------------------------------------------------------

TT_VIDEO_FIELDS = {
    "id",
    "create_time",
    "share_url",
    "title",
    "video_description",
    "duration",
    "cover_image_url",
    "view_count",
    "like_count",
    "comment_count",
    "share_count",
}
TT_STATISTICS = {
    "view_count": "views",
    "like_count": "likes",
    "comment_count": "comments",
    "share_count": "shares",
}


def _tiktok(
    data: Any, code: str = "ok", message: str = "", status: int = 200
) -> tuple[int, dict]:
    return status, {
        "data": data,
        "error": {"code": code, "message": message, "log_id": "fake"},
    }


def tiktok_user(token: str) -> str:
    """The fake's tokens name their user: ``act.<open_id>.<n>``."""
    parts = token.split(".")
    return parts[1] if len(parts) == 3 else "tt-default"


def tiktok_video(
    video_id: str, item: dict, fields: list[str], today: datetime.date
) -> dict:
    created = datetime.datetime.fromisoformat(
        item["timestamp"].replace("+0000", "+00:00")
    )
    full = {
        "id": video_id,
        "create_time": int(created.timestamp()),
        "share_url": "https://www.tiktok.com/@akun/video/{}".format(video_id),
        "title": item["caption"][:150],
        "video_description": item["caption"],
        "duration": video_duration(video_id) // 3,
        "cover_image_url": item["media_url"],
    }
    for name, metric in TT_STATISTICS.items():
        full[name] = media_value(video_id, metric, today)
    return {name: full[name] for name in fields}


def _tiktok_answer(
    path: str,
    query: dict[str, str],
    payload: Any,
    token: str,
    today: datetime.date,
) -> tuple[int, Any]:
    if token in ("", "revoked"):
        return _tiktok(
            {},
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
            401,
        )
    fields = [f for f in query.get("fields", "").split(",") if f]
    user = tiktok_user(token)
    if path == "/v2/user/info/":
        info = {
            "open_id": user,
            "display_name": "Akun {}".format(user[-4:]),
            "follower_count": followers(user, today),
            "video_count": len(media_for(user, today)),
        }
        return _tiktok({"user": {f: info[f] for f in fields if f in info}})
    unknown = [f for f in fields if f not in TT_VIDEO_FIELDS]
    if unknown:
        return _tiktok(
            {}, "invalid_params", "Invalid fields: {}".format(",".join(unknown)), 400
        )
    payload = payload if isinstance(payload, dict) else {}
    if path == "/v2/video/list/":
        items = media_for(user, today)
        start = int(payload.get("cursor") or 0)
        size = min(int(payload.get("max_count") or 10), 20)
        videos = [
            tiktok_video(i["id"], i, fields, today) for i in items[start : start + size]
        ]
        return _tiktok(
            {
                "videos": videos,
                "cursor": start + size,
                "has_more": start + size < len(items),
            }
        )
    if path == "/v2/video/query/":
        ids = set(payload.get("filters", {}).get("video_ids", [])[:20])
        videos = [
            tiktok_video(i["id"], i, fields, today)
            for i in media_for(user, today)
            if i["id"] in ids
        ]
        return _tiktok({"videos": videos})
    return _tiktok({}, "invalid_params", "Unknown path", 404)


# --- The server ----------------------------------------------------------------------


def family(path: str) -> str:
    """Which platform a path belongs to: graph, google or tiktok."""
    if path.startswith("/youtube/") or path in ("/v2/reports", "/token"):
        return "google"
    if re.match(r"/v2/(user|video|oauth)/", path):
        return "tiktok"
    return "graph"


# How each platform says the same fault: (status, body, headers).
def _fault_answer(kind: str, path: str) -> tuple[int, Any, dict[str, str]] | None:
    where = family(path)
    oauth = path in ("/token", "/v2/oauth/token/")
    if kind == "invalid_token":
        if oauth:
            return 400, {"error": "invalid_grant", "error_description": "revoked"}, {}
        if where == "google":
            status, body = _google_error(
                401, "authError", "Invalid Credentials", "UNAUTHENTICATED"
            )
        elif where == "tiktok":
            status, body = _tiktok({}, "access_token_invalid", "Token expired.", 401)
        else:
            status, body = _graph_error(190, "Error validating access token: expired.")
        return status, body, {}
    if kind == "invalid_metric":
        if where == "google":
            status, body = _google_error(
                400,
                "badRequest",
                "Unknown identifier (x) given in field parameters.metrics.",
            )
        elif where == "tiktok":
            status, body = _tiktok({}, "invalid_params", "Invalid fields: x", 400)
        else:
            status, body = _graph_error(
                100, "(#100) The value must be a valid insights metric"
            )
        return status, body, {}
    if kind == "rate_limit":
        if where == "google":
            status, body = _google_error(
                403, "rateLimitExceeded", "Rate Limit Exceeded"
            )
            return status, body, {}
        if where == "tiktok":
            status, body = _tiktok({}, "rate_limit_exceeded", "Too many requests", 429)
            return status, body, {"Retry-After": "0"}
        usage = json.dumps({"call_count": 100, "total_cputime": 40, "total_time": 50})
        status, body = _graph_error(4, "Application request limit reached")
        return status, body, {"X-App-Usage": usage}
    if kind == "quota":
        if where == "google":
            status, body = _google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
            )
            return status, body, {}
        # Meta: the Business Use Case allowance regained only in two hours.
        usage = {
            "1": [
                {
                    "type": "instagram",
                    "call_count": 100,
                    "total_cputime": 20,
                    "total_time": 20,
                    "estimated_time_to_regain_access": 120,
                }
            ]
        }
        status, body = _graph_error(80002, "Application request limit reached")
        return status, body, {"X-Business-Use-Case-Usage": json.dumps(usage)}
    if kind == "not_allowed":
        if where == "google":
            status, body = _google_error(
                403, "insufficientPermissions", "Request had insufficient scopes."
            )
        elif where == "tiktok":
            status, body = _tiktok(
                {}, "scope_not_authorized", "The user did not authorize the scope.", 401
            )
        else:
            status, body = _graph_error(
                10, "(#10) Application does not have permission for this action"
            )
        return status, body, {}
    if kind == "not_enough_viewers":
        status, body = _graph_error(
            10, "(#10) Not enough viewers for the media to show insights", 400
        )
        return status, body, {}
    if kind == "malformed":
        # A good status with a shape no client foresaw (a series point
        # without its end_time).
        return (
            200,
            {"data": [{"name": "reach", "period": "day", "values": [{"value": 1}]}]},
            {},
        )
    if kind == "429":
        return 429, {"error": {"message": "Too many calls", "code": 4}}, {}
    if kind == "500":
        return (
            500,
            {"error": {"message": "An unexpected error has occurred.", "code": 2}},
            {},
        )
    return None


class _Handler(BaseHTTPRequestHandler):
    platform: FakePlatform
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this each answer
        # waits 40 ms for a delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: tests and the demo run it in the background

    def _send(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _picture(self, name: str) -> None:
        """A post's picture: a portrait PNG in a colour of its own."""
        seed = _seed(name)
        colour = (seed % 256, (seed >> 8) % 256, (seed >> 16) % 256)
        output = io.BytesIO()
        Image.new("RGB", (400, 500), colour).save(output, format="PNG")
        data = output.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _origin_host(self) -> str:
        """The host and port the client addressed: the pictures must be on
        the origin the portal was told (SOCIAL_DEMO_PLATFORM_URL may say
        localhost while the server is bound to 127.0.0.1), or the portal
        refuses to fetch them."""
        host = self.headers.get("Host", "")
        if host and all(c.isalnum() or c in ".-:[]" for c in host):
            return host
        return "{}:{}".format(*self.server.server_address[:2])

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:  # noqa: N802
        if self.path == "/_faults":
            faults = json.loads(self._body() or b"[]")
            with self.platform.lock:
                self.platform.faults.extend(faults)
            self._send(200, {"faults": len(self.platform.faults)})
            return
        self._serve(self._body())

    def do_DELETE(self) -> None:  # noqa: N802
        with self.platform.lock:
            self.platform.faults.clear()
            self.platform.calls.clear()
        self._send(200, {})

    def do_GET(self) -> None:  # noqa: N802
        path = urlparse(self.path).path
        if path == "/_calls":
            self._send(200, dict(self.platform.calls))
            return
        if path == "/_redirect":
            # A picture link that redirects: the client must check each hop.
            target = parse_qs(urlparse(self.path).query).get("to", [""])[-1]
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fake_oauth.serve_authorize(self):
            return
        if path.startswith("/_media/"):
            fault = self.platform.take_fault(path)
            if fault and fault.get("kind") == "500":
                self._send(500, {})
            else:
                self._picture(path.removeprefix("/_media/"))
            return
        self._serve(b"")

    def _serve(self, raw: bytes) -> None:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        fault = self.platform.take_fault(url.path)
        kind = (fault or {}).get("kind")
        if kind == "slow":
            time.sleep(float(fault.get("delay", 5)))
        if kind == "reset":
            self.close_connection = True
            self.connection.close()
            return
        canned = _fault_answer(kind, url.path) if kind else None
        if canned is not None:
            status, body, headers = canned
            if kind == "429":
                headers = {"Retry-After": str(fault.get("retry_after", 1))}
            self._send(status, body, headers)
            return
        status, body = self._answer(url.path, query, raw)
        media = "http://{}/_media/".format(self._origin_host())
        data = json.dumps(body).replace(MEDIA, media).encode()
        if kind == "truncated":
            data = data[: len(data) // 2]
        usage = json.dumps({"call_count": 5, "total_cputime": 2, "total_time": 3})
        self._send(status, data, {"X-App-Usage": usage})

    def _answer(self, path: str, query: dict[str, str], raw: bytes) -> tuple[int, Any]:
        today = self.platform.current_day()
        bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
        where = family(path)
        # Conversations (replies, DMs, comments, WhatsApp) and their test
        # controls under /_inbox/: fake_inbox.
        inbox = fake_inbox.answer(
            self.platform,
            self.command,
            path,
            query,
            raw,
            bearer,
            videos=lambda channel: media_for(channel, today),
        )
        if inbox is not None:
            return inbox
        logged_in = fake_oauth.answer(self.platform, path, query, raw)
        if logged_in is not None:
            return logged_in
        if path == "/token":
            return _google_token({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        if where == "google":
            return _youtube_answer(path, query, bearer, today)
        if where == "tiktok":
            try:
                payload = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return _tiktok({}, "invalid_params", "Body is not JSON", 400)
            return _tiktok_answer(path, query, payload, bearer, today)
        return _answer(self.platform, path, query)


def make_server(
    port: int = 0, *, today: datetime.date | None = None
) -> tuple[ThreadingHTTPServer, FakePlatform]:
    """A server bound to 127.0.0.1 (port 0: any free port), not yet serving."""
    platform = FakePlatform(today)
    handler = type("Handler", (_Handler,), {"platform": platform})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server, platform


def start_in_thread(
    port: int = 0, *, today: datetime.date | None = None
) -> tuple[ThreadingHTTPServer, FakePlatform, str]:
    """Serve in a daemon thread; return the server, its state and base URL."""
    server, platform = make_server(port, today=today)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, platform, "http://127.0.0.1:{}".format(server.server_address[1])
