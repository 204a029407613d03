"""YouTube comments: polled with commentThreads.list (YouTube pushes no
comment events), answered with comments.insert, within a daily budget of
API units shared with the metric pulls."""

from __future__ import annotations

import datetime
import time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.core.cache import cache

from aspirations import events
from aspirations.channels.clients.common import Poll
from aspirations.channels.clients.errors import NotReplyable
from aspirations.events import Inbound
from socialposts.pulls.clients.base import (
    PlatformError,
    QuotaExceeded,
    TokenInvalid,
)
from socialposts.pulls.clients.google import GoogleTransport

# Units per call (developers.google.com/youtube/v3/determine_quota_cost,
# read 2026-12-07): a list costs 1 whatever its page size, an insert 50.
LIST_UNITS = 1
INSERT_UNITS = 50
# commentThreads.list answers at most 100 threads a page.
THREADS_PAGE = 100
# YouTube's quota day ends at midnight Pacific time.
PACIFIC = ZoneInfo("America/Los_Angeles")
# The counter outlives its day by a margin, then expires by itself.
COUNTER_SECONDS = 2 * 24 * 3600
# Refusals of a reply (comments.insert errors, developers.google.com/
# youtube/v3/docs/comments/insert#errors, read 2026-12-07).
NOT_REPLYABLE = {"commentsDisabled", "parentCommentNotFound", "operationNotSupported"}


def budget_key(now: datetime.datetime | None = None) -> str:
    day = (now or datetime.datetime.now(datetime.UTC)).astimezone(PACIFIC).date()
    return "aspirations:youtube-units:{}".format(day.isoformat())


def youtube_units_spent(now: datetime.datetime | None = None) -> int:
    """Units the inbox spent on YouTube's current (Pacific) day."""
    return int(cache.get(budget_key(now)) or 0)


def spend_youtube_units(n: int, now: datetime.datetime | None = None) -> bool:
    """Take ``n`` units from today's budget; False, taking none, when they
    would pass YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY.

    ``cache.incr`` is atomic on Redis, so workers polling at once cannot
    overspend together; a refused spend is given back at once.
    """
    key = budget_key(now)
    cache.add(key, 0, timeout=COUNTER_SECONDS)
    try:
        total = cache.incr(key, n)
    except ValueError:
        # The key expired between add and incr: start the day again.
        cache.add(key, 0, timeout=COUNTER_SECONDS)
        total = cache.incr(key, n)
    if total > settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY:
        cache.decr(key, n)
        return False
    return True


def _budget_spent(needed: int) -> str:
    return (
        "YouTube comment budget spent for today: {} of {} units used, {} needed "
        "(YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY); the rest waits for the next "
        "Pacific day".format(
            youtube_units_spent(),
            settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY,
            needed,
        )
    )


class CommentTransport(GoogleTransport):
    """Google's errors, plus the refusals of a comment reply."""

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        error = body.get("error") if isinstance(body, dict) else None
        if response.status_code != 200 and isinstance(error, dict):
            reasons = {
                item.get("reason")
                for item in error.get("errors", [])
                if isinstance(item, dict)
            }
            if reasons & NOT_REPLYABLE:
                return NotReplyable(
                    "{} {}: {}".format(
                        response.status_code, label, error.get("message", "")
                    )
                )
        return super().classify(response, body, label)


def _time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class YouTubeInbox:
    """One channel's comment threads and the replies to them."""

    platform = "youtube"

    def __init__(
        self, channel_id: str, token: str, *, base_url: str | None = None, **kw: Any
    ) -> None:
        self.channel_id = channel_id
        kw.setdefault("sleep", time.sleep)
        self.transport = CommentTransport(
            token, base_url=base_url or settings.SOCIAL_YOUTUBE_BASE_URL, **kw
        )

    def close(self) -> None:
        self.transport.close()

    def poll(self, since: datetime.datetime | None = None) -> Poll:
        """Threads on the channel's videos, newest first, page by page,
        until one older than ``since`` or the last page.

        commentThreads.list with allThreadsRelatedToChannelId,
        part=snippet,replies, maxResults=100, pageToken (developers.google.
        com/youtube/v3/docs/commentThreads/list, read 2026-12-07). Each page
        spends LIST_UNITS first; when the budget refuses, the round stops
        and ``stopped`` says so: what came is kept.
        """
        result = Poll()
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.channel_id,
            "maxResults": THREADS_PAGE,
            "order": "time",
            "textFormat": "plainText",
        }
        try:
            while True:
                if not spend_youtube_units(LIST_UNITS):
                    result.stopped = _budget_spent(LIST_UNITS)
                    break
                body = self._get("/youtube/v3/commentThreads", params)
                older = False
                for thread in body.get("items", []):
                    found = self._thread(thread)
                    if since and found and found[0].sent_at < since:
                        older = True
                        break
                    result.inbound += found
                token = body.get("nextPageToken")
                if older or not token:
                    break
                params = {**params, "pageToken": token}
        except (TokenInvalid, QuotaExceeded, PlatformError) as exc:
            result.stopped = str(exc)
        finally:
            result.calls = self.transport.calls
        return result

    def _get(self, path: str, params: dict) -> dict:
        return self.transport.request(
            "GET", self.transport.base_url + path, path, params=params
        )

    def _thread(self, thread: dict) -> list[Inbound]:
        snippet = thread.get("snippet", {})
        top = snippet.get("topLevelComment", {})
        video = snippet.get("videoId", "")
        found = [self._inbound(top, top.get("id", thread.get("id", "")), video)]
        for reply in (thread.get("replies") or {}).get("comments", []):
            found.append(self._inbound(reply, found[0].external_id, video))
        return found

    def _inbound(self, comment: dict, thread: str, video: str) -> Inbound:
        snippet = comment.get("snippet", {})
        author = str((snippet.get("authorChannelId") or {}).get("value", ""))
        return Inbound(
            platform=self.platform,
            channel=events.YOUTUBE_COMMENT,
            account_external_id=self.channel_id,
            external_id=comment["id"],
            thread_key=thread,
            author_id=author,
            author_name=snippet.get("authorDisplayName", ""),
            text=snippet.get("textOriginal") or snippet.get("textDisplay", ""),
            sent_at=_time(snippet["publishedAt"]),
            direction=events.OUT if author == self.channel_id else events.IN,
            parent_external_id=snippet.get("parentId", ""),
            post_external_id=video or snippet.get("videoId", ""),
            permalink="https://www.youtube.com/watch?v={}&lc={}".format(
                video, comment["id"]
            )
            if video
            else "",
        )

    def reply(self, parent_id: str, text: str) -> str:
        """A reply under a top-level comment; the new comment's id.

        comments.insert, part=snippet, snippet.parentId (developers.google.
        com/youtube/v3/docs/comments/insert, read 2026-12-07; scope
        youtube.force-ssl). Spends INSERT_UNITS first and raises
        QuotaExceeded, sending nothing, when the budget refuses them.
        """
        if not spend_youtube_units(INSERT_UNITS):
            raise QuotaExceeded(_budget_spent(INSERT_UNITS))
        path = "/youtube/v3/comments"
        answer = self.transport.request(
            "POST",
            self.transport.base_url + path,
            path,
            attempts=1,
            params={"part": "snippet"},
            json={"snippet": {"parentId": parent_id, "textOriginal": text}},
        )
        try:
            return str(answer["id"])
        except (KeyError, TypeError) as exc:
            raise PlatformError("comments.insert answered without an id") from exc
