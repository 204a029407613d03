"""The fake platform's conversation part: what citizens write to the OPDs
and what the portal answers, with the platforms' own refusals.

Served by ``fake_platform`` (which hands each request here first):

* WhatsApp Cloud API: ``POST /{phone-number-id}/messages`` (text, template).
* Meta Send API: ``POST /{ig-user-id|page-id}/messages`` (a DM, or a private
  reply with ``recipient.comment_id``).
* Instagram comments: ``GET /{media}/comments``, ``GET|POST /{comment}/replies``,
  ``POST /{comment}?hide=true``; Facebook: ``GET|POST /{object}/comments``
  (``filter=stream``), ``POST /{comment}?is_hidden=true``.
* YouTube: ``GET /youtube/v3/commentThreads``, ``POST /youtube/v3/comments``.

State is kept in memory per server: the citizens' messages (for the 24-hour
and 7-day windows), the comments on each post (a few derived from the
post's id, like the rest of the fake, plus the injected ones), replies the
portal sent, private replies given and hidden comments.

Refused as the real APIs refuse (each with the platform's error shape):
a WhatsApp free-form text more than 24 h after the citizen's last message
(131047), a template not approved (132001), a DM outside 24 h or, with
HUMAN_AGENT, 7 days (code 10, subcode 2018278), a private reply after 7
days (the same) or a second one (10900), a reply to a hidden Instagram
comment or to an Instagram reply (100), and any write with a token whose
name contains ``-basic`` (granted only the read permissions: no
``instagram_business_manage_comments``, ``pages_manage_engagement``,
``whatsapp_business_messaging`` or ``youtube.force-ssl``), as well as the
tokens ``revoked`` and empty. YouTube's quotaExceeded comes from the fake's
fault injection (``{"match": "commentThreads", "kind": "quota"}``).

Test controls:

    POST /_inbox/inject   {"platform", "kind", "account", "author": {"id", "name"},
                           "text", "time", "post", "parent", "id", ...}
        stores a citizen's message or comment (``kind`` message | comment |
        echo | status) and answers {"id", "payload"}: the webhook payload the
        platform would send for it (None for YouTube, which sends none).
    POST /_inbox/deliver  the same, plus "url" (and "app_secret", default the
        fake Meta app's): the payload is also POSTed there, signed with
        X-Hub-Signature-256; answers the portal's status as well.
    POST /_inbox/clock    {"now": "<iso>"} fixes the fake's clock (null: real time).
    GET  /_inbox/sent     what the portal sent, in order.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from socialposts.pulls import fake_oauth

INSTAGRAM_HOST = "/_instagram"
NODE = r"/v\d+\.\d+/([\w.-]+)"
# Meta's windows (the portal's settings hold the same numbers with their
# sources: ASPIRATION_*), the fake's own copy so it refuses on its own.
MESSAGING_WINDOW = datetime.timedelta(hours=24)
HUMAN_AGENT_WINDOW = datetime.timedelta(days=7)
PRIVATE_REPLY_WINDOW = datetime.timedelta(days=7)
WHATSAPP_WINDOW = datetime.timedelta(hours=24)
# Templates the fake's WhatsApp Business account has approved, by name and
# language.
APPROVED_TEMPLATES = {
    ("aspirasi_diterima", "id"),
    ("aspirasi_tindak_lanjut", "id"),
}
# The fake WhatsApp Business account that owns every phone number.
WABA_ID = "102290129340398"
# Seeded comments: at most this many per post, on posts this recent.
SEEDED_PER_POST = 3
SEEDED_DAYS = 30
PAGE_SIZE = 25
SEEDED_TEXTS = [
    "Jalan di depan balai desa rusak parah, mohon segera diperbaiki.",
    "Lampu penerangan jalan di RT 03 mati sudah seminggu.",
    "Bagaimana cara mendaftar bantuan sosial untuk lansia?",
    "Terima kasih infonya, sangat bermanfaat.",
    "Kapan jadwal posyandu bulan depan?",
    "Saluran air di pasar tersumbat, mohon ditindaklanjuti.",
]
OWN_REPLY = "Terima kasih, aduan sudah kami teruskan ke OPD terkait."


def _seed(*parts: Any) -> int:
    text = "|".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


@dataclass
class Comment:
    """A comment or reply on a post or video."""

    id: str
    platform: str  # instagram | facebook | youtube
    account: str  # the OPD's account the post belongs to
    post: str
    author_id: str
    author_name: str
    text: str
    time: datetime.datetime
    parent: str = ""
    hidden: bool = False


@dataclass
class InboxState:
    """One server's conversations."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    now: datetime.datetime | None = None
    comments: dict[str, Comment] = field(default_factory=dict)
    seeded: set[str] = field(default_factory=set)
    # (account, citizen) → the citizen's last message.
    last_in: dict[tuple[str, str], datetime.datetime] = field(default_factory=dict)
    private_replied: set[str] = field(default_factory=set)
    sent: list[dict] = field(default_factory=list)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def clock(self) -> datetime.datetime:
        return self.now or datetime.datetime.now(datetime.UTC)

    def next_id(self, prefix: str) -> str:
        return "{}{}".format(prefix, next(self.numbers))


_states: weakref.WeakKeyDictionary[Any, InboxState] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def state_of(platform: Any) -> InboxState:
    """The inbox state of a fake platform server."""
    with _states_lock:
        if platform not in _states:
            _states[platform] = InboxState()
        return _states[platform]


# --- Error shapes ------------------------------------------------------------------


def _graph_error(
    code: int, message: str, status: int = 400, subcode: int | None = None, **extra
) -> tuple[int, dict]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AfakeTrace",
        **extra,
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return status, {"error": error}


def _outside_window() -> tuple[int, dict]:
    # Send API error reference (developers.facebook.com/docs/messenger-
    # platform/error-codes, read 2026-12-07).
    return _graph_error(
        10, "(#10) This message is sent outside of allowed window.", subcode=2018278
    )


def _no_object(node: str, verb: str = "post") -> tuple[int, dict]:
    return _graph_error(
        100,
        "Unsupported {} request. Object with ID '{}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this "
        "operation.".format(verb, node),
        subcode=33,
    )


def _token_error() -> tuple[int, dict]:
    return _graph_error(190, "Error validating access token: the session is invalid.")


def _google_error(status: int, reason: str, message: str) -> tuple[int, dict]:
    return status, {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube", "reason": reason}],
        }
    }


# --- Time and ids ----------------------------------------------------------------


def _graph_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _google_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: Any, default: datetime.datetime) -> datetime.datetime:
    if not text:
        return default
    moment = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _post_time(post: str) -> datetime.datetime | None:
    """A seeded post's publication, from its id's ``_YYYYMMDD`` tail."""
    match = re.search(r"_(\d{8})$", post)
    if not match:
        return None
    stamp = match.group(1)
    return datetime.datetime(
        int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]), 9, tzinfo=datetime.UTC
    )


def _platform_of(node: str) -> str:
    # The fake's Facebook Page ids start with "page"; its posts and
    # comments carry the Page's id in front.
    return "facebook" if node.startswith("page") else "instagram"


def _account_of(post: str) -> str:
    return post.split("_", 1)[0]


# --- Comments ----------------------------------------------------------------------


def _seed_post(state: InboxState, post: str, platform: str) -> None:
    """The comments a seeded post has before anything is injected: a few
    citizens, and sometimes the account's own answer to the first."""
    if post in state.seeded:
        return
    state.seeded.add(post)
    published = _post_time(post)
    if published is None:
        return
    account = _account_of(post)
    for i in range(_seed(post, "inbox") % (SEEDED_PER_POST + 1)):
        citizen = _seed(post, "citizen", i) % 100000
        comment = Comment(
            id="{}.c{}".format(post, i),
            platform=platform,
            account=account,
            post=post,
            author_id="{}{}".format(
                "UCwarga" if platform == "youtube" else "7100", citizen
            ),
            author_name="warga_{}".format(citizen),
            text=SEEDED_TEXTS[_seed(post, "text", i) % len(SEEDED_TEXTS)],
            time=published + datetime.timedelta(hours=i + 1),
        )
        state.comments[comment.id] = comment
        if i == 0 and _seed(post, "answered") % 2 == 0:
            reply = Comment(
                id="{}.r0".format(comment.id),
                platform=platform,
                account=account,
                post=post,
                author_id=account,
                author_name="akun_{}".format(account[-4:]),
                text=OWN_REPLY,
                time=comment.time + datetime.timedelta(hours=2),
                parent=comment.id,
            )
            state.comments[reply.id] = reply


def _find(state: InboxState, comment_id: str) -> Comment | None:
    if comment_id not in state.comments and ".c" in comment_id:
        post = comment_id.split(".c", 1)[0]
        _seed_post(state, post, _platform_of(post))
    return state.comments.get(comment_id)


def _on_post(state: InboxState, post: str, platform: str) -> list[Comment]:
    _seed_post(state, post, platform)
    return sorted(
        (c for c in state.comments.values() if c.post == post),
        key=lambda c: (c.time, c.id),
    )


def _page(items: list, query: dict[str, str], path: str) -> dict:
    """A Graph page of ``items`` with cursor paging."""
    start = int(query.get("after") or 0)
    limit = min(int(query.get("limit") or PAGE_SIZE), 100)
    body: dict[str, Any] = {
        "data": items[start : start + limit],
        "paging": {"cursors": {}},
    }
    if start + limit < len(items):
        body["paging"]["cursors"]["after"] = str(start + limit)
        body["paging"]["next"] = "{}?after={}".format(path, start + limit)
    return body


def _ig_comment(comment: Comment, replies: list[Comment] | None) -> dict:
    item: dict[str, Any] = {
        "id": comment.id,
        "text": comment.text,
        "timestamp": _graph_time(comment.time),
        "username": comment.author_name,
        "from": {"id": comment.author_id, "username": comment.author_name},
        "hidden": comment.hidden,
        "media": {"id": comment.post},
    }
    if comment.parent:
        item["parent_id"] = comment.parent
    if replies is not None:
        item["replies"] = {"data": [_ig_comment(r, None) for r in replies]}
    return item


def _fb_comment(comment: Comment) -> dict:
    item: dict[str, Any] = {
        "id": comment.id,
        "message": comment.text,
        "created_time": _graph_time(comment.time),
        "from": {"id": comment.author_id, "name": comment.author_name},
        "is_hidden": comment.hidden,
        "permalink_url": "https://www.facebook.com/{}?comment_id={}".format(
            comment.post, comment.id
        ),
    }
    if comment.parent:
        item["parent"] = {"id": comment.parent}
    return item


# --- The routes --------------------------------------------------------------------


def _params(query: dict[str, str], raw: bytes) -> dict[str, Any]:
    """Graph takes parameters in the query, a form body or a JSON body."""
    merged: dict[str, Any] = dict(query)
    if not raw:
        return merged
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
    if isinstance(body, dict):
        merged.update(body)
    return merged


def _json_field(value: Any) -> Any:
    """A form parameter may carry JSON (``recipient={"id": …}``)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def answer(
    platform: Any,
    method: str,
    path: str,
    query: dict[str, str],
    raw: bytes,
    bearer: str,
    *,
    videos: Callable[[str], list[dict]],
) -> tuple[int, Any] | None:
    """The inbox's answer, or None for a path that is not the inbox's.
    ``videos`` lists a YouTube channel's videos (the fake's uploads)."""
    state = state_of(platform)
    if path.startswith("/_inbox/"):
        return _control(state, method, path, raw)
    if path == "/youtube/v3/commentThreads" and method == "GET":
        with state.lock:
            return _threads(state, query, bearer, videos)
    if path == "/youtube/v3/comments" and method == "POST":
        with state.lock:
            return _youtube_reply(state, query, raw, bearer)
    path = path.removeprefix(INSTAGRAM_HOST)
    match = re.fullmatch(NODE + r"(?:/(messages|replies|comments))?", path)
    if not match:
        return None
    node, edge = match.groups()
    params = _params(query, raw)
    if edge is None and not (
        method == "POST" and ("hide" in params or "is_hidden" in params)
    ):
        return None
    if edge == "comments" and method == "GET" and "_" not in node:
        return None
    if edge == "messages" and method != "POST":
        return None
    with state.lock:
        if edge == "messages" and params.get("messaging_product") == "whatsapp":
            return _whatsapp(state, node, params, bearer)
        token = str(params.get("access_token", ""))
        if token in ("", "revoked"):
            return _token_error()
        if edge == "messages":
            return _send_api(state, node, params, token)
        if "-basic" in token and (method == "POST" or _platform_of(node) != "facebook"):
            return _graph_error(
                200,
                "(#200) Requires the instagram_business_manage_comments or "
                "pages_manage_engagement permission to manage the object",
                status=403,
            )
        if edge is None:
            return _hide(state, node, params)
        if method == "GET":
            return _list(state, node, edge, query, path)
        return _reply(state, node, edge, params)


def _hide(state: InboxState, node: str, params: dict) -> tuple[int, Any]:
    comment = _find(state, node)
    facebook = comment is not None and comment.platform == "facebook"
    name = "is_hidden" if facebook else "hide"
    if comment is None or name not in params:
        return _no_object(node)
    comment.hidden = str(params[name]).lower() == "true"
    return 200, {"success": True}


def _list(
    state: InboxState, node: str, edge: str, query: dict[str, str], path: str
) -> tuple[int, Any]:
    fields = query.get("fields", "")
    if edge == "replies":
        comment = _find(state, node)
        if comment is None:
            return _no_object(node, "get")
        replies = [
            _ig_comment(c, None)
            for c in _on_post(state, comment.post, comment.platform)
            if c.parent == node
        ]
        return 200, _page(replies, query, path)
    platform = _platform_of(node)
    comments = _on_post(state, node, platform)
    if platform == "facebook":
        if query.get("filter") != "stream":
            comments = [c for c in comments if not c.parent]
        if query.get("order") == "reverse_chronological":
            comments.reverse()
        return 200, _page([_fb_comment(c) for c in comments], query, path)
    # Instagram answers newest first; replies ride along when asked for.
    tops = [c for c in reversed(comments) if not c.parent]
    items = [
        _ig_comment(
            c,
            [r for r in comments if r.parent == c.id] if "replies" in fields else None,
        )
        for c in tops
    ]
    return 200, _page(items, query, path)


def _reply(state: InboxState, node: str, edge: str, params: dict) -> tuple[int, Any]:
    text = str(params.get("message", ""))
    if not text:
        return _graph_error(100, "(#100) The parameter message is required")
    if edge == "replies":
        # IG Comment Replies reference (developers.facebook.com/docs/
        # instagram-platform/instagram-graph-api/reference/ig-comment/
        # replies, read 2026-12-07): top-level comments only, not hidden.
        parent = _find(state, node)
        if parent is None or parent.platform != "instagram":
            return _no_object(node)
        if parent.parent:
            return _graph_error(
                100, "(#100) Replies can only be made to top-level comments"
            )
        if parent.hidden:
            return _graph_error(100, "(#100) Cannot reply to a hidden comment")
        post, thread = parent.post, parent.id
    else:
        parent = _find(state, node)
        if parent is not None:
            post = parent.post
            # Facebook keeps replies two levels deep: a reply to a reply
            # joins the top-level comment's thread.
            thread = parent.parent or parent.id
        elif node.startswith("page") and "_" in node:
            post, thread = node, ""
        else:
            return _no_object(node)
    account = _account_of(post)
    reply = Comment(
        id=state.next_id("{}.p".format(post)),
        platform=_platform_of(post),
        account=account,
        post=post,
        author_id=account,
        author_name="akun_{}".format(account[-4:]),
        text=text,
        time=state.clock(),
        parent=thread,
    )
    state.comments[reply.id] = reply
    state.sent.append(
        {
            "kind": "public_reply",
            "platform": reply.platform,
            "id": reply.id,
            "to": node,
            "text": text,
            "at": reply.time.isoformat(),
        }
    )
    return 200, {"id": reply.id}


def _send_api(
    state: InboxState, account: str, params: dict, token: str
) -> tuple[int, Any]:
    """Meta's Send API for Instagram and Messenger (developers.facebook.com/
    docs/messenger-platform/reference/send-api, read 2026-12-07)."""
    if "-basic" in token:
        return _graph_error(
            10, "(#10) Application does not have permission for this action"
        )
    recipient = _json_field(params.get("recipient")) or {}
    message = _json_field(params.get("message")) or {}
    text = message.get("text", "") if isinstance(message, dict) else ""
    if not isinstance(recipient, dict) or not text:
        return _graph_error(
            100, "(#100) The parameter recipient and message are required"
        )
    now = state.clock()
    platform = _platform_of(account)
    # An Instagram account on Facebook Login sends through its Page, which
    # fake_oauth names "page-of-<ig-user-id>".
    if account.startswith("page-of-"):
        account, platform = account.removeprefix("page-of-"), "instagram"
    if "comment_id" in recipient:
        comment = _find(state, str(recipient["comment_id"]))
        if comment is None or comment.account != account:
            return _no_object(str(recipient["comment_id"]))
        if comment.id in state.private_replied:
            return _graph_error(10900, "(#10900) Activity already replied to")
        if now - comment.time > PRIVATE_REPLY_WINDOW:
            return _outside_window()
        state.private_replied.add(comment.id)
        mid = state.next_id("m_private_")
        state.sent.append(
            {
                "kind": "private_reply",
                "platform": platform,
                "id": mid,
                "to": comment.id,
                "text": text,
                "at": now.isoformat(),
            }
        )
        return 200, {"recipient_id": comment.author_id, "message_id": mid}
    citizen = str(recipient.get("id", ""))
    last = state.last_in.get((account, citizen))
    if last is None:
        return _graph_error(100, "(#100) No matching user found", subcode=2018001)
    kind = params.get("messaging_type", "RESPONSE")
    if kind == "RESPONSE":
        window = MESSAGING_WINDOW
    elif kind == "MESSAGE_TAG" and params.get("tag") == "HUMAN_AGENT":
        window = HUMAN_AGENT_WINDOW
    else:
        return _graph_error(
            100, "(#100) Param messaging_type must be RESPONSE or a supported tag"
        )
    if now - last > window:
        return _outside_window()
    mid = state.next_id("m_")
    state.sent.append(
        {
            "kind": "message",
            "platform": platform,
            "id": mid,
            "to": citizen,
            "text": text,
            "tag": params.get("tag", ""),
            "at": now.isoformat(),
        }
    )
    return 200, {"recipient_id": citizen, "message_id": mid}


def _whatsapp(
    state: InboxState, phone: str, params: dict, bearer: str
) -> tuple[int, Any]:
    """The Cloud API's messages endpoint (developers.facebook.com/docs/
    whatsapp/cloud-api/reference/messages, read 2026-12-07).

    The real API may accept a late free-form text and report 131047 in a
    ``failed`` status webhook instead; the fake refuses at once, which is
    what the portal must handle first. Both shapes carry the same code.
    """
    if bearer in ("", "revoked"):
        return _token_error()
    if "-basic" in bearer:
        return _graph_error(
            10, "(#10) Application does not have permission for this action"
        )
    to = str(params.get("to", ""))
    kind = params.get("type", "text")
    if kind == "text":
        last = state.last_in.get((phone, to))
        if last is None or state.clock() - last > WHATSAPP_WINDOW:
            return _graph_error(
                131047,
                "(#131047) Re-engagement message",
                error_data={
                    "messaging_product": "whatsapp",
                    "details": "Message failed to send because more than 24 hours "
                    "have passed since the customer last replied to this number.",
                },
            )
        text = (params.get("text") or {}).get("body", "")
    elif kind == "template":
        template = params.get("template") or {}
        name = template.get("name", "")
        language = (template.get("language") or {}).get("code", "")
        if (name, language) not in APPROVED_TEMPLATES:
            return _graph_error(
                132001,
                "(#132001) Template name does not exist in the translation",
                error_data={
                    "messaging_product": "whatsapp",
                    "details": "template name ({}) does not exist in {}".format(
                        name, language
                    ),
                },
            )
        text = "template:{}".format(name)
    else:
        return _graph_error(100, "(#100) Param type must be one of text, template")
    wamid = state.next_id("wamid.fake")
    state.sent.append(
        {
            "kind": kind,
            "platform": "whatsapp",
            "id": wamid,
            "to": to,
            "text": text,
            "at": state.clock().isoformat(),
        }
    )
    return 200, {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid}],
    }


# --- YouTube -----------------------------------------------------------------------


def _yt_comment(comment: Comment, channel: str) -> dict:
    snippet: dict[str, Any] = {
        "channelId": channel,
        "videoId": comment.post,
        "textDisplay": comment.text,
        "textOriginal": comment.text,
        "authorDisplayName": comment.author_name,
        "authorChannelId": {"value": comment.author_id},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": _google_time(comment.time),
        "updatedAt": _google_time(comment.time),
    }
    if comment.parent:
        snippet["parentId"] = comment.parent
    return {"kind": "youtube#comment", "id": comment.id, "snippet": snippet}


def _threads(
    state: InboxState,
    query: dict[str, str],
    bearer: str,
    videos: Callable[[str], list[dict]],
) -> tuple[int, Any]:
    """commentThreads.list (developers.google.com/youtube/v3/docs/
    commentThreads/list, read 2026-12-07), newest thread first."""
    if bearer in ("", "revoked"):
        return _google_error(401, "authError", "Invalid Credentials")
    channel = query.get("allThreadsRelatedToChannelId", "")
    if not channel.startswith("UC"):
        return _google_error(404, "channelNotFound", "The channel could not be found.")
    size = int(query.get("maxResults") or 20)
    if not 1 <= size <= 100:
        return _google_error(400, "invalidParameter", "maxResults must be 1 to 100")
    newest = state.clock() - datetime.timedelta(days=SEEDED_DAYS)
    for video in videos(channel):
        published = _post_time(video["id"])
        if published and published >= newest:
            _seed_post(state, video["id"], "youtube")
    comments = [
        c
        for c in state.comments.values()
        if c.platform == "youtube" and c.account == channel
    ]
    tops = sorted((c for c in comments if not c.parent), key=lambda c: (c.time, c.id))
    tops.reverse()
    start = int(query.get("pageToken", "t0")[1:] or 0)
    parts = set(query.get("part", "").split(","))
    items = []
    for top in tops[start : start + size]:
        replies = sorted(
            (c for c in comments if c.parent == top.id), key=lambda c: c.time
        )
        item: dict[str, Any] = {
            "kind": "youtube#commentThread",
            "id": top.id,
            "snippet": {
                "channelId": channel,
                "videoId": top.post,
                "topLevelComment": _yt_comment(top, channel),
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
            },
        }
        if "replies" in parts and replies:
            item["replies"] = {"comments": [_yt_comment(r, channel) for r in replies]}
        items.append(item)
    body: dict[str, Any] = {
        "kind": "youtube#commentThreadListResponse",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
        "items": items,
    }
    if start + size < len(tops):
        body["nextPageToken"] = "t{}".format(start + size)
    return 200, body


def _youtube_reply(
    state: InboxState, query: dict[str, str], raw: bytes, bearer: str
) -> tuple[int, Any]:
    """comments.insert (developers.google.com/youtube/v3/docs/comments/
    insert, read 2026-12-07): a reply to a top-level comment only."""
    if bearer in ("", "revoked"):
        return _google_error(401, "authError", "Invalid Credentials")
    if "-basic" in bearer:
        return _google_error(
            403, "insufficientPermissions", "Request had insufficient scopes."
        )
    try:
        snippet = (json.loads(raw or b"{}") or {}).get("snippet") or {}
    except json.JSONDecodeError:
        return _google_error(400, "parseError", "Parse Error")
    parent = _find(state, str(snippet.get("parentId", "")))
    if parent is None or parent.platform != "youtube":
        return _google_error(
            404, "parentCommentNotFound", "The parent comment could not be found."
        )
    if parent.parent:
        return _google_error(
            400, "operationNotSupported", "Replies to replies are not supported."
        )
    text = str(snippet.get("textOriginal", ""))
    if not text or query.get("part") != "snippet":
        return _google_error(
            400, "commentTextRequired", "The comment text is required."
        )
    reply = Comment(
        id=state.next_id("{}.p".format(parent.id)),
        platform="youtube",
        account=parent.account,
        post=parent.post,
        author_id=parent.account,
        author_name="Kanal {}".format(parent.account[-4:]),
        text=text,
        time=state.clock(),
        parent=parent.id,
    )
    state.comments[reply.id] = reply
    state.sent.append(
        {
            "kind": "public_reply",
            "platform": "youtube",
            "id": reply.id,
            "to": parent.id,
            "text": text,
            "at": reply.time.isoformat(),
        }
    )
    return 200, _yt_comment(reply, parent.account)


# --- Test controls and the webhook payloads ------------------------------------------


def _control(state: InboxState, method: str, path: str, raw: bytes) -> tuple[int, Any]:
    if path == "/_inbox/sent" and method == "GET":
        with state.lock:
            return 200, {"sent": list(state.sent)}
    if method != "POST":
        return 405, {"error": "method not allowed"}
    try:
        spec = json.loads(raw or b"{}")
    except json.JSONDecodeError:
        return 400, {"error": "body is not JSON"}
    if not isinstance(spec, dict):
        return 400, {"error": "body must be an object"}
    if path == "/_inbox/clock":
        with state.lock:
            state.now = _parse_time(spec.get("now"), None) if spec.get("now") else None
        return 200, {"now": state.clock().isoformat()}
    if path in ("/_inbox/inject", "/_inbox/deliver"):
        try:
            with state.lock:
                found = inject(state, spec)
        except (KeyError, ValueError, TypeError) as exc:
            return 400, {"error": "bad injection: {!r}".format(exc)}
        if path == "/_inbox/deliver":
            found.update(_deliver(found["payload"], spec))
        return 200, found
    return 404, {"error": "unknown control"}


def sign(body: bytes, secret: str) -> str:
    """Meta's X-Hub-Signature-256 value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return "sha256={}".format(digest)


def _deliver(payload: Any, spec: dict) -> dict:
    """POST the payload to the portal's webhook, signed as Meta signs."""
    if payload is None:
        return {"status": None}
    body = json.dumps(payload).encode()
    secret = spec.get("app_secret") or fake_oauth.CLIENTS["meta"][1]
    signature = (
        "sha256=" + "0" * 64 if spec.get("bad_signature") else sign(body, secret)
    )
    try:
        response = httpx.post(
            spec["url"],
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature,
            },
            timeout=10,
        )
    except httpx.HTTPError as exc:
        return {"status": None, "error": str(exc)}
    return {"status": response.status_code, "body": response.text[:500]}


def inject(state: InboxState, spec: dict) -> dict:
    """Store what a citizen (or the OPD, for an echo) wrote; the platform's
    webhook payload for it."""
    platform = spec["platform"]
    kind = spec.get("kind", "message")
    account = str(spec["account"])
    author = spec.get("author") or {}
    author_id = str(author.get("id", "citizen-1"))
    author_name = str(author.get("name", "Warga"))
    text = str(spec.get("text", ""))
    moment = _parse_time(spec.get("time"), state.clock())
    if platform == "whatsapp":
        return _inject_whatsapp(
            state, spec, kind, account, author_id, author_name, text, moment
        )
    if kind in ("message", "echo"):
        if platform not in ("instagram", "facebook"):
            raise ValueError("direct messages are Instagram's and Messenger's")
        mid = str(spec.get("id") or state.next_id("m_in_"))
        if kind == "message":
            state.last_in[(account, author_id)] = moment
            sender, recipient = author_id, account
        else:
            sender, recipient = account, author_id
        return {
            "id": mid,
            "payload": _messaging_payload(
                platform, account, sender, recipient, mid, text, moment, kind == "echo"
            ),
        }
    if kind != "comment":
        raise ValueError("kind must be message, echo, comment or status")
    post = str(spec.get("post") or "")
    parent = str(spec.get("parent") or "")
    if parent:
        above = _find(state, parent)
        if above is None:
            raise ValueError("unknown parent comment {}".format(parent))
        post = above.post
        # Replies on Instagram and YouTube hang from the top-level comment.
        parent = above.parent or above.id
    if not post:
        raise ValueError("a comment needs its post")
    _seed_post(state, post, platform)
    count = int(spec.get("count", 1)) if platform == "youtube" else 1
    made = []
    for n in range(count):
        comment = Comment(
            id=str(spec.get("id") or state.next_id("{}.i".format(post)))
            if count == 1
            else state.next_id("{}.i".format(post)),
            platform=platform,
            account=account,
            post=post,
            author_id=author_id,
            author_name=author_name,
            text=text,
            time=moment + datetime.timedelta(seconds=n),
            parent=parent,
        )
        state.comments[comment.id] = comment
        made.append(comment.id)
    comment = state.comments[made[-1]]
    payload = None
    if platform == "instagram":
        payload = _instagram_comment_payload(comment)
    elif platform == "facebook":
        payload = _feed_payload(comment, spec)
    return {"id": comment.id, "ids": made, "payload": payload}


def _inject_whatsapp(
    state: InboxState,
    spec: dict,
    kind: str,
    phone: str,
    author_id: str,
    author_name: str,
    text: str,
    moment: datetime.datetime,
) -> dict:
    """WhatsApp webhooks (developers.facebook.com/docs/whatsapp/cloud-api/
    webhooks/payload-examples, read 2026-12-07)."""
    metadata = {
        "display_phone_number": str(spec.get("display_phone_number", "6281100000000")),
        "phone_number_id": phone,
    }
    if kind == "status":
        status = spec.get("status", "delivered")
        entry: dict[str, Any] = {
            "id": str(spec["message_id"]),
            "status": status,
            "timestamp": str(int(moment.timestamp())),
            "recipient_id": author_id,
        }
        if status == "failed":
            entry["errors"] = [
                {
                    "code": 131047,
                    "title": "Re-engagement message",
                    "message": "Re-engagement message",
                    "error_data": {
                        "details": "Message failed to send because more than 24 "
                        "hours have passed since the customer last replied to "
                        "this number."
                    },
                }
            ]
        else:
            entry["conversation"] = {
                "id": "conv-{}".format(_seed(phone, author_id) % 10**12),
                "origin": {"type": "service"},
            }
            entry["pricing"] = {
                "billable": True,
                "pricing_model": "PMP",
                "category": "service",
            }
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": metadata,
            "statuses": [entry],
        }
        return {"id": entry["id"], "payload": _whatsapp_envelope(value)}
    if kind != "message":
        raise ValueError("WhatsApp kinds: message, status")
    wamid = str(spec.get("id") or state.next_id("wamid.citizen"))
    state.last_in[(phone, author_id)] = moment
    value = {
        "messaging_product": "whatsapp",
        "metadata": metadata,
        "contacts": [{"profile": {"name": author_name}, "wa_id": author_id}],
        "messages": [
            {
                "from": author_id,
                "id": wamid,
                "timestamp": str(int(moment.timestamp())),
                "text": {"body": text},
                "type": "text",
            }
        ],
    }
    return {"id": wamid, "payload": _whatsapp_envelope(value)}


def _whatsapp_envelope(value: dict) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def _messaging_payload(
    platform: str,
    account: str,
    sender: str,
    recipient: str,
    mid: str,
    text: str,
    moment: datetime.datetime,
    echo: bool,
) -> dict:
    """Instagram (developers.facebook.com/docs/instagram-platform/webhooks,
    "messages") and Messenger (developers.facebook.com/docs/messenger-
    platform/reference/webhook-events/messages, read 2026-12-07): times in
    milliseconds; an echo (the OPD writing in the app) has the account as
    sender and ``is_echo``."""
    millis = int(moment.timestamp() * 1000)
    message: dict[str, Any] = {"mid": mid, "text": text}
    if echo:
        message["is_echo"] = True
    return {
        "object": "instagram" if platform == "instagram" else "page",
        "entry": [
            {
                "id": account,
                "time": millis,
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": recipient},
                        "timestamp": millis,
                        "message": message,
                    }
                ],
            }
        ],
    }


def _instagram_comment_payload(comment: Comment) -> dict:
    """The ``comments`` field (developers.facebook.com/docs/instagram-
    platform/webhooks/examples, read 2026-12-07)."""
    value: dict[str, Any] = {
        "from": {"id": comment.author_id, "username": comment.author_name},
        "media": {"id": comment.post, "media_product_type": "FEED"},
        "id": comment.id,
        "text": comment.text,
    }
    if comment.parent:
        value["parent_id"] = comment.parent
    return {
        "object": "instagram",
        "entry": [
            {
                "id": comment.account,
                "time": int(comment.time.timestamp()),
                "changes": [{"field": "comments", "value": value}],
            }
        ],
    }


def _feed_payload(comment: Comment, spec: dict) -> dict:
    """The Page ``feed`` field for a comment (developers.facebook.com/docs/
    graph-api/webhooks/reference/page/#feed, read 2026-12-07): ``parent_id``
    is the post for a top-level comment; ``verb`` add."""
    created = int(comment.time.timestamp())
    value = {
        "from": {"id": comment.author_id, "name": comment.author_name},
        "post": {
            "status_type": "added_photos",
            "is_published": True,
            "updated_time": _graph_time(comment.time),
            "permalink_url": "https://www.facebook.com/{}".format(comment.post),
            "promotion_status": "inactive",
            "id": comment.post,
        },
        "message": comment.text,
        "post_id": comment.post,
        "comment_id": comment.id,
        "created_time": created,
        "item": "comment",
        "parent_id": comment.parent or comment.post,
        "verb": spec.get("verb", "add"),
    }
    return {
        "object": "page",
        "entry": [
            {
                "id": comment.account,
                "time": created,
                "changes": [{"field": "feed", "value": value}],
            }
        ],
    }
