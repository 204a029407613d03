"""A fake of the platforms' APIs, served over real HTTP on loopback.

The social platforms cannot be reached from here (and must not be hit by
tests or the demo), so this server speaks the part of the Instagram Graph
API the clients use, with deterministic data derived from each account's
id (Facebook Page ids start with ``page``), and faults that tests inject
over HTTP:

    POST /_faults   [{"match": "insights", "kind": "429", "times": 2}, ...]
    DELETE /_faults
    GET /_calls     {"<path>": <count>, ...}

Fault kinds: ``429`` (with ``Retry-After``), ``500``, ``slow`` (answers
after ``delay`` seconds), ``truncated`` (cut JSON), ``invalid_token``
(Meta code 190), ``invalid_metric`` (Meta code 100), ``rate_limit``
(Meta code 4 with a full ``X-App-Usage``), ``reset`` (closes the
connection). A token equal to ``revoked`` is always refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

# Instagram account and media metrics the fake knows, as of API v22+.
ACCOUNT_METRICS = {
    "reach",
    "views",
    "total_interactions",
    "profile_views",
    "follower_count",
}
MEDIA_METRICS = {
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saved",
    "total_interactions",
}
MEDIA_TYPES = ["IMAGE", "VIDEO", "CAROUSEL_ALBUM", "REELS", "IMAGE", "IMAGE"]
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
PAGE_SIZE = 25


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


def page_posts_for(page_id: str, today: datetime.date) -> list[dict]:
    """A Facebook Page's posts in the shape of ``/{page}/posts``."""
    posts = []
    for item in media_for(page_id, today):
        post_id = item["id"]
        posts.append(
            {
                "id": post_id,
                "message": item["caption"],
                "created_time": item["timestamp"],
                "permalink_url": "https://www.facebook.com/{}".format(post_id),
                "status_type": STATUS_TYPES[
                    _seed(post_id, "status") % len(STATUS_TYPES)
                ],
                "shares": {"count": _seed(post_id, "shares") % 20},
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
        # The platforms count days in UTC.
        return self.today or datetime.datetime.now(datetime.UTC).date()

    def take_fault(self, path: str) -> dict | None:
        with self.lock:
            self.calls[path] += 1
            for fault in self.faults:
                if fault.get("match", "") in path and fault.get("times", 1) > 0:
                    fault["times"] = fault.get("times", 1) - 1
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
        "token_type": "bearer",
        "expires_in": 60 * 24 * 3600,
    }


def _answer(
    platform: FakePlatform, path: str, query: dict[str, str]
) -> tuple[int, Any]:
    if path == "/refresh_access_token":
        return _refresh(query)
    match = re.fullmatch(r"/v\d+\.\d+/([\w]+)(?:/(insights|media|posts))?", path)
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
        page = items[start : start + limit]
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
        allowed = MEDIA_METRICS if is_media else ACCOUNT_METRICS
        unknown = [m for m in names if m not in allowed]
        if unknown:
            return _graph_error(100, "(#100) The value must be a valid insights metric")
        if is_media:
            data = [
                {
                    "name": m,
                    "period": "lifetime",
                    "values": [{"value": media_value(node, m, today)}],
                }
                for m in names
            ]
            return 200, {"data": data}
        since = datetime.datetime.fromtimestamp(
            int(query["since"]), datetime.UTC
        ).date()
        until = datetime.datetime.fromtimestamp(
            int(query["until"]), datetime.UTC
        ).date()
        days = [since + datetime.timedelta(d) for d in range((until - since).days + 1)]
        data = [
            {
                "name": m,
                "period": "day",
                "values": [
                    {
                        "value": daily_value(node, m, day),
                        "end_time": "{}T07:00:00+0000".format(
                            (day + datetime.timedelta(days=1)).isoformat()
                        ),
                    }
                    for day in days
                    if day <= today
                ],
            }
            for m in names
        ]
        return 200, {"data": data}
    return 404, {"error": {"message": "Unknown edge", "code": 803}}


def _page_answer(
    node: str,
    edge: str | None,
    is_post: bool,
    query: dict[str, str],
    today: datetime.date,
) -> tuple[int, Any]:
    """The Facebook Page part of the Graph API."""
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
        since = datetime.datetime.fromtimestamp(
            int(query["since"]), datetime.UTC
        ).date()
        until = datetime.datetime.fromtimestamp(
            int(query["until"]), datetime.UTC
        ).date()
        days = [since + datetime.timedelta(d) for d in range((until - since).days + 1)]
        return 200, {
            "data": [
                {
                    "name": m,
                    "period": "day",
                    "values": [
                        {
                            "value": daily_value(node, m, day),
                            "end_time": "{}T07:00:00+0000".format(
                                (day + datetime.timedelta(days=1)).isoformat()
                            ),
                        }
                        for day in days
                        if day <= today
                    ],
                }
                for m in names
            ]
        }
    return 404, {"error": {"message": "Unknown edge", "code": 803}}


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

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/_faults":
            self._send(404, {})
            return
        length = int(self.headers.get("Content-Length") or 0)
        faults = json.loads(self.rfile.read(length) or b"[]")
        with self.platform.lock:
            self.platform.faults.extend(faults)
        self._send(200, {"faults": len(self.platform.faults)})

    def do_DELETE(self) -> None:  # noqa: N802
        with self.platform.lock:
            self.platform.faults.clear()
            self.platform.calls.clear()
        self._send(200, {})

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path == "/_calls":
            self._send(200, dict(self.platform.calls))
            return
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        fault = self.platform.take_fault(url.path)
        kind = (fault or {}).get("kind")
        if kind == "429":
            retry = str(fault.get("retry_after", 1))
            self._send(
                429,
                {"error": {"message": "Too many calls", "code": 4}},
                {"Retry-After": retry},
            )
            return
        if kind == "500":
            self._send(
                500,
                {"error": {"message": "An unexpected error has occurred.", "code": 2}},
            )
            return
        if kind == "slow":
            time.sleep(float(fault.get("delay", 5)))
        if kind == "reset":
            self.close_connection = True
            self.connection.close()
            return
        if kind == "invalid_token":
            status, body = _graph_error(190, "Error validating access token: expired.")
            self._send(status, body)
            return
        if kind == "rate_limit":
            usage = json.dumps(
                {"call_count": 100, "total_cputime": 40, "total_time": 50}
            )
            status, body = _graph_error(4, "Application request limit reached")
            self._send(status, body, {"X-App-Usage": usage})
            return
        if kind == "invalid_metric":
            status, body = _graph_error(
                100, "(#100) The value must be a valid insights metric"
            )
            self._send(status, body)
            return
        status, body = _answer(self.platform, url.path, query)
        data = json.dumps(body).encode()
        if kind == "truncated":
            data = data[: len(data) // 2]
        usage = json.dumps({"call_count": 5, "total_cputime": 2, "total_time": 3})
        self._send(status, data, {"X-App-Usage": usage})


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
