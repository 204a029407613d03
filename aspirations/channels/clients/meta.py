"""Instagram and Facebook Page conversations over the Graph API: replies,
private replies, direct messages, hiding, and the polling that catches
what a webhook missed.

Permissions (developers.facebook.com/docs/instagram-platform/comment-
moderation and .../private-replies, .../messenger-platform/send-messages,
read 2026-12-07):

* Instagram Login (graph.instagram.com): ``instagram_business_basic``,
  ``instagram_business_manage_comments`` (read, reply, hide),
  ``instagram_business_manage_messages`` (DMs, private replies).
* Facebook Page (graph.facebook.com, a Page token): ``pages_read_engagement``
  and ``pages_read_user_content`` (read comments), ``pages_manage_engagement``
  (reply, hide), ``pages_messaging`` (Messenger, private replies), and for
  the ``feed`` webhook ``pages_manage_metadata`` with ``pages_show_list``
  (developers.facebook.com/docs/pages-api/webhooks-for-pages, "Requirements",
  read 2026-12-07).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from aspirations import events
from aspirations.channels.clients.common import (
    InboxGraphTransport,
    Poll,
    graph_time,
)
from aspirations.events import Inbound
from socialposts.pulls.clients.base import (
    NotAllowed,
    PlatformError,
    QuotaExceeded,
    TokenInvalid,
)
from socialposts.pulls.clients.meta import paged

# A page of comments: Graph's maximum for the comments edge is 100.
COMMENTS_PAGE = 100
IG_COMMENT_FIELDS = "id,text,timestamp,username,from,hidden,parent_id"


def _message_id(answer: dict) -> str:
    try:
        return str(answer["message_id"])
    except (KeyError, TypeError) as exc:
        raise PlatformError("Send API answered without a message_id") from exc


def _id(answer: dict) -> str:
    try:
        return str(answer["id"])
    except (KeyError, TypeError) as exc:
        raise PlatformError("Graph answered without an id") from exc


class InstagramInbox:
    """An Instagram professional account's comments and messages.

    ``instagram_login`` False: an account reached through its Facebook Page
    (graph.facebook.com with the Page's token); its messages then go out
    through the Page (``page_id``: POST /{page-id}/messages, developers.
    facebook.com/docs/messenger-platform/instagram/features/send-message,
    read 2026-12-07), with Instagram Login through /{ig-user-id}/messages.
    """

    platform = "instagram"
    comment_channel = events.INSTAGRAM_COMMENT

    def __init__(
        self,
        account_id: str,
        token: str,
        *,
        instagram_login: bool = True,
        page_id: str = "",
        **transport: Any,
    ) -> None:
        self.account_id = account_id
        self.sender_id = page_id or account_id
        if instagram_login:
            transport.setdefault("base_url", settings.SOCIAL_INSTAGRAM_BASE_URL)
        self.transport = InboxGraphTransport(token, **transport)

    def close(self) -> None:
        self.transport.close()

    # --- Replies ----------------------------------------------------------------

    def reply_to_comment(self, comment_id: str, text: str) -> str:
        """A public reply under a top-level comment; the reply's id.

        POST /{ig-comment-id}/replies?message= (developers.facebook.com/docs/
        instagram-platform/instagram-graph-api/reference/ig-comment/replies,
        read 2026-12-07): only top-level comments take replies, and not
        hidden ones (NotReplyable).
        """
        answer = self.transport.post(
            "{}/replies".format(comment_id), params={"message": text}
        )
        return _id(answer)

    def private_reply(self, comment_id: str, text: str) -> str:
        """The one private message to a commenter, within 7 days of the
        comment; the message id.

        Send API with ``recipient: {comment_id}`` (developers.facebook.com/
        docs/instagram-platform/private-replies, updated 2026-06-30, read
        2026-12-07). A second one raises AlreadyReplied, a late one
        WindowClosed.
        """
        answer = self.transport.post(
            "{}/messages".format(self.sender_id),
            body={"recipient": {"comment_id": comment_id}, "message": {"text": text}},
        )
        return _message_id(answer)

    def send_message(
        self, recipient_id: str, text: str, *, human_agent: bool = False
    ) -> str:
        """A direct message to a citizen who wrote first; the message id.

        ``messaging_type=RESPONSE`` within 24 hours of their last message;
        ``human_agent`` sends ``MESSAGE_TAG`` with ``tag=HUMAN_AGENT`` (up to
        7 days), which only apps Meta granted the feature may use
        (developers.facebook.com/docs/messenger-platform/send-messages/
        message-tags, read 2026-12-07). Raises WindowClosed outside it.
        """
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "message": {"text": text},
            "messaging_type": "RESPONSE",
        }
        if human_agent:
            if not settings.ASPIRATION_META_HUMAN_AGENT:
                raise NotAllowed(
                    "the HUMAN_AGENT tag is not granted to this app "
                    "(ASPIRATION_META_HUMAN_AGENT)"
                )
            body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        answer = self.transport.post("{}/messages".format(self.sender_id), body=body)
        return _message_id(answer)

    def hide_comment(self, comment_id: str, hidden: bool = True) -> None:
        """Hide a comment (one that exposes a NIK or a phone number), or
        show it again.

        POST /{ig-comment-id}?hide=true (IG Comment reference, read
        2026-12-07).
        """
        self.transport.post(comment_id, params={"hide": "true" if hidden else "false"})

    # --- Polling ----------------------------------------------------------------

    def recent_posts(self, since: datetime.datetime) -> list[dict]:
        """The account's media published since ``since``, newest first, as
        ``{"id", "published_at", "permalink"}``: the pull's paging
        (socialposts.pulls.clients.meta.paged) over /{ig-user-id}/media."""
        found = []
        params = {"fields": "id,timestamp,permalink,comments_count", "limit": 50}
        for item in paged(self.transport, "{}/media".format(self.account_id), params):
            published = graph_time(item["timestamp"])
            if published < since:
                break
            found.append(
                {
                    "id": item["id"],
                    "published_at": published,
                    "permalink": item.get("permalink", ""),
                }
            )
        return found

    def comments(self, post_id: str, permalink: str = "") -> list[Inbound]:
        """Every comment on a medium and the replies under each.

        GET /{ig-media-id}/comments with the ``replies`` field expanded
        (developers.facebook.com/docs/instagram-platform/instagram-graph-api/
        reference/ig-media/comments, read 2026-12-07); the account's own
        replies come back as ``OUT``.
        """
        fields = "{},replies{{{}}}".format(IG_COMMENT_FIELDS, IG_COMMENT_FIELDS)
        params = {"fields": fields, "limit": COMMENTS_PAGE}
        found = []
        for item in paged(self.transport, "{}/comments".format(post_id), params):
            found.append(self._inbound(item, item["id"], post_id, permalink))
            for reply in (item.get("replies") or {}).get("data", []):
                found.append(self._inbound(reply, item["id"], post_id, permalink))
        return found

    def _inbound(
        self, item: dict, thread: str, post_id: str, permalink: str
    ) -> Inbound:
        author = item.get("from") or {}
        author_id = str(author.get("id", ""))
        parent = "" if item["id"] == thread else (item.get("parent_id") or thread)
        return Inbound(
            platform=self.platform,
            channel=self.comment_channel,
            account_external_id=self.account_id,
            external_id=item["id"],
            thread_key=thread,
            author_id=author_id,
            author_name=author.get("username") or item.get("username", ""),
            text=item.get("text", ""),
            sent_at=graph_time(item["timestamp"]),
            direction=events.OUT if author_id == self.account_id else events.IN,
            parent_external_id=parent,
            post_external_id=post_id,
            permalink=permalink,
        )

    def poll(self, since: datetime.datetime | None = None) -> Poll:
        """Comments on the posts of the last ASPIRATION_POLL_POSTS_DAYS (or
        since ``since``), for the reconciliation with what webhooks brought.

        One post that fails is noted and skipped; a refused token or a
        spent quota stops the round (``stopped`` says why).
        """
        result = Poll()
        if since is None:
            since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(
                days=settings.ASPIRATION_POLL_POSTS_DAYS
            )
        try:
            for post in self.recent_posts(since):
                try:
                    result.inbound += self.comments(post["id"], post["permalink"])
                except (TokenInvalid, QuotaExceeded):
                    raise
                except PlatformError as exc:
                    result.problems.append("comments of {}: {}".format(post["id"], exc))
        except (TokenInvalid, QuotaExceeded, PlatformError) as exc:
            result.stopped = str(exc)
        finally:
            result.calls = self.transport.calls
        return result


class FacebookPageInbox(InstagramInbox):
    """A Facebook Page's comments and Messenger conversations (a Page token)."""

    platform = "facebook"
    comment_channel = events.FACEBOOK_COMMENT

    def __init__(self, page_id: str, token: str, **transport: Any) -> None:
        super().__init__(page_id, token, instagram_login=False, **transport)

    def reply_to_comment(self, comment_id: str, text: str) -> str:
        """A public reply; POST /{object-id}/comments?message= (developers.
        facebook.com/docs/graph-api/reference/object/comments, read
        2026-12-07; needs pages_manage_engagement)."""
        answer = self.transport.post(
            "{}/comments".format(comment_id), params={"message": text}
        )
        return _id(answer)

    def hide_comment(self, comment_id: str, hidden: bool = True) -> None:
        """POST /{comment-id}?is_hidden=true (Graph Comment reference,
        "Updating", read 2026-12-07)."""
        self.transport.post(
            comment_id, params={"is_hidden": "true" if hidden else "false"}
        )

    def recent_posts(self, since: datetime.datetime) -> list[dict]:
        """The Page's posts since ``since``: /{page-id}/posts, paged as the
        pull pages it."""
        found = []
        params = {"fields": "id,created_time,permalink_url", "limit": 50}
        for item in paged(self.transport, "{}/posts".format(self.account_id), params):
            published = graph_time(item["created_time"])
            if published < since:
                break
            found.append(
                {
                    "id": item["id"],
                    "published_at": published,
                    "permalink": item.get("permalink_url", ""),
                }
            )
        return found

    def comments(self, post_id: str, permalink: str = "") -> list[Inbound]:
        """Every comment on a post, replies included, flat.

        GET /{object-id}/comments?filter=stream (Object Comments reference,
        read 2026-12-07): ``stream`` gives replies too, each naming its
        ``parent``; a reply's thread is its top-level ancestor.
        """
        params = {
            "filter": "stream",
            "order": "chronological",
            "fields": "id,message,created_time,from,parent{id},is_hidden,permalink_url",
            "limit": COMMENTS_PAGE,
        }
        items = list(paged(self.transport, "{}/comments".format(post_id), params))
        parents = {
            item["id"]: (item.get("parent") or {}).get("id", "") for item in items
        }

        def top(comment_id: str) -> str:
            seen = set()
            while parents.get(comment_id) and comment_id not in seen:
                seen.add(comment_id)
                comment_id = parents[comment_id]
            return comment_id

        found = []
        for item in items:
            author = item.get("from") or {}
            author_id = str(author.get("id", ""))
            found.append(
                Inbound(
                    platform=self.platform,
                    channel=self.comment_channel,
                    account_external_id=self.account_id,
                    external_id=item["id"],
                    thread_key=top(item["id"]),
                    author_id=author_id,
                    author_name=author.get("name", ""),
                    text=item.get("message", ""),
                    sent_at=graph_time(item["created_time"]),
                    direction=events.OUT if author_id == self.account_id else events.IN,
                    parent_external_id=parents[item["id"]],
                    post_external_id=post_id,
                    permalink=item.get("permalink_url") or permalink,
                )
            )
        return found
