"""Webhook payloads of Meta (Instagram, Facebook Page, Messenger) and of the
WhatsApp Cloud API, read into the inbox's plain records.

The shapes follow the platforms' pages, read 2026-12-07:

* Instagram: developers.facebook.com/docs/instagram-platform/webhooks/examples
  (``comments``: ``value.id``, ``from{id,username}``, ``media{id,
  media_product_type}``, ``text``, ``parent_id`` on a reply; messaging:
  ``entry[].messaging[]`` with ``sender``, ``recipient``, ``timestamp`` in
  ms, ``message{mid,text,attachments,is_echo}``), the field reference
  developers.facebook.com/docs/graph-api/webhooks/reference/instagram, and
  the ``mentions`` field (developers.facebook.com/docs/instagram-platform/
  instagram-api-with-facebook-login/mentions: ``value{comment_id,
  media_id}``, no text; the text is read with ``mentioned_comment``).
* Facebook Page ``feed``: developers.facebook.com/docs/graph-api/webhooks/
  reference/page/#feed (``item: comment``, ``verb: add``, ``post_id``,
  ``comment_id``, ``parent_id`` = the post for a top-level comment,
  ``from{id,name}``, ``message``, ``created_time`` in s).
* Messenger: developers.facebook.com/documentation/business-messaging/
  messenger-platform/webhooks/webhook-events/messages and .../message-echoes
  (an echo has the Page as ``sender`` and ``message.is_echo``, with the
  ``app_id`` of the app that sent it).
* WhatsApp: developers.facebook.com/documentation/business-messaging/
  whatsapp/webhooks/reference/messages (``value.metadata.phone_number_id``,
  ``contacts[].profile.name``, ``messages[]`` with ``from`` = the wa_id,
  ``id`` = the wamid, ``timestamp`` in s, ``type``) and .../messages/status
  (``statuses[]`` with ``id``, ``status``, ``timestamp``, ``errors[]``).

A payload without the documented envelope raises ``Malformed`` with the
path of what is wrong; fields the portal does not use (reactions, reads,
likes, edits, other webhook fields) are skipped, not refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from aspirations.events import (
    FACEBOOK_COMMENT,
    IN,
    INSTAGRAM_COMMENT,
    INSTAGRAM_MESSAGE,
    MESSENGER,
    OUT,
    WHATSAPP,
    Inbound,
    Malformed,
    StatusUpdate,
)

Event = Inbound | StatusUpdate

# A Unix time above this is in milliseconds: messaging events and a
# Messenger entry's ``time`` are, comments' ``created_time`` is not.
_MILLIS_FROM = 10**11
# WhatsApp statuses the inbox keeps (``played`` of a voice note is a read).
_WA_STATUSES = {"sent": "sent", "delivered": "delivered", "read": "read"}
_WA_STATUSES |= {"failed": "failed", "played": "read"}
# WhatsApp message types whose content is a media object with an id.
_WA_MEDIA = ("image", "video", "audio", "document", "sticker")


def _need(value: Any, kind: type | tuple[type, ...], path: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, str) and not value):
        names = {
            dict: _("an object"),
            list: _("a list"),
            str: _("text"),
        }
        expected = names.get(kind if isinstance(kind, type) else kind[0], _("a value"))
        raise Malformed(
            _("%(path)s is missing or is not %(expected)s.")
            % {"path": path, "expected": expected}
        )
    return value


def _text_id(value: Any, path: str) -> str:
    """An id the platforms send as a string (or, in some samples, a number)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise Malformed(_("%(path)s is missing or is not an ID.") % {"path": path})
    return str(value)


def _time(value: Any, path: str) -> datetime.datetime:
    """A Unix time in seconds or milliseconds (a string for WhatsApp)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Malformed(
            _("%(path)s is missing or is not a time.") % {"path": path}
        ) from None
    if number <= 0:
        raise Malformed(_("%(path)s is missing or is not a time.") % {"path": path})
    seconds = number / 1000 if number >= _MILLIS_FROM else number
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def _entries(payload: Any) -> list[dict]:
    _need(payload, dict, "payload")
    entries = _need(payload.get("entry"), list, "entry")
    for n, entry in enumerate(entries):
        _need(entry, dict, "entry[{}]".format(n))
    return entries


def _changes(entry: dict, n: int) -> Iterable[tuple[str, dict, str]]:
    changes = entry.get("changes")
    if changes is None:
        return []
    _need(changes, list, "entry[{}].changes".format(n))
    found = []
    for m, change in enumerate(changes):
        path = "entry[{}].changes[{}]".format(n, m)
        _need(change, dict, path)
        field = _need(change.get("field"), str, path + ".field")
        value = _need(change.get("value"), dict, path + ".value")
        found.append((field, value, path + ".value"))
    return found


# --- Meta: Instagram, Facebook Page, Messenger --------------------------------------


def parse_meta(payload: Any, *, own_app_ids: Iterable[str] = ()) -> list[Event]:
    """The events of one Meta webhook POST (``object`` instagram or page).

    ``own_app_ids``: the portal's Meta apps; an echo of a message one of
    them sent is skipped, as the portal stored it when it sent it.
    """
    _need(payload, dict, "payload")
    kind = payload.get("object")
    if kind not in ("instagram", "page"):
        raise Malformed(
            _("object is %(value)r, not instagram or page.") % {"value": kind}
        )
    own = {str(app) for app in own_app_ids}
    events: list[Event] = []
    for n, entry in enumerate(_entries(payload)):
        account = _text_id(entry.get("id"), "entry[{}].id".format(n))
        for field, value, path in _changes(entry, n):
            if kind == "instagram" and field in ("comments", "live_comments"):
                events.append(_ig_comment(entry, account, value, path))
            elif kind == "instagram" and field == "mentions":
                events.append(_ig_mention(entry, account, value, path, n))
            elif kind == "page" and field == "feed":
                found = _feed_comment(account, value, path)
                if found is not None:
                    events.append(found)
        messaging = entry.get("messaging")
        if messaging is None:
            continue
        _need(messaging, list, "entry[{}].messaging".format(n))
        for m, item in enumerate(messaging):
            path = "entry[{}].messaging[{}]".format(n, m)
            _need(item, dict, path)
            events.extend(_messaging(kind, account, item, path, own))
    return events


def _ig_comment(entry: dict, account: str, value: dict, path: str) -> Inbound:
    comment_id = _text_id(value.get("id"), path + ".id")
    author = _need(value.get("from"), dict, path + ".from")
    author_id = _text_id(author.get("id"), path + ".from.id")
    media = _need(value.get("media"), dict, path + ".media")
    media_id = _text_id(media.get("id"), path + ".media.id")
    text = value.get("text", "")
    if not isinstance(text, str):
        raise Malformed(_("%(path)s is missing or is not text.") % {"path": path})
    parent = str(value.get("parent_id") or "")
    # The comment payload has no time of its own: the notification's is
    # the nearest (Instagram's entry.time, in seconds).
    return Inbound(
        platform="instagram",
        channel=INSTAGRAM_COMMENT,
        account_external_id=account,
        external_id=comment_id,
        thread_key=parent or comment_id,
        author_id=author_id,
        author_name=str(author.get("username") or ""),
        text=text,
        sent_at=_time(entry.get("time"), path.split(".changes")[0] + ".time"),
        # The account answering under its own media is the OPD's reply.
        direction=OUT if author_id == account else IN,
        parent_external_id=parent,
        post_external_id=media_id,
    )


def _ig_mention(entry: dict, account: str, value: dict, path: str, n: int) -> Inbound:
    comment_id = _text_id(value.get("comment_id"), path + ".comment_id")
    media_id = _text_id(value.get("media_id"), path + ".media_id")
    # Only the ids come: the author and text are read later with
    # GET /{ig-user-id}?fields=mentioned_comment.comment_id(...).
    return Inbound(
        platform="instagram",
        channel=INSTAGRAM_COMMENT,
        account_external_id=account,
        external_id=comment_id,
        thread_key=comment_id,
        author_id="",
        author_name="",
        text="",
        sent_at=_time(entry.get("time"), "entry[{}].time".format(n)),
        post_external_id=media_id,
    )


def _feed_comment(page: str, value: dict, path: str) -> Inbound | None:
    if value.get("item") != "comment" or value.get("verb") != "add":
        # Posts, reactions, likes, edits and removals: not a new message.
        return None
    comment_id = _text_id(value.get("comment_id"), path + ".comment_id")
    post_id = _text_id(value.get("post_id"), path + ".post_id")
    author = _need(value.get("from"), dict, path + ".from")
    author_id = _text_id(author.get("id"), path + ".from.id")
    text = value.get("message", "")
    if not isinstance(text, str):
        raise Malformed(
            _("%(path)s is missing or is not text.") % {"path": path + ".message"}
        )
    parent = str(value.get("parent_id") or "")
    # A top-level comment's parent is the post itself.
    top = parent if parent and parent != post_id else ""
    post = value.get("post") if isinstance(value.get("post"), dict) else {}
    return Inbound(
        platform="facebook",
        channel=FACEBOOK_COMMENT,
        account_external_id=page,
        external_id=comment_id,
        thread_key=top or comment_id,
        author_id=author_id,
        author_name=str(author.get("name") or ""),
        text=text,
        sent_at=_time(value.get("created_time"), path + ".created_time"),
        direction=OUT if author_id == page else IN,
        parent_external_id=top,
        post_external_id=post_id,
        permalink=str(post.get("permalink_url") or ""),
    )


def _messaging(
    kind: str, account: str, item: dict, path: str, own: set[str]
) -> list[Event]:
    platform = "instagram" if kind == "instagram" else "facebook"
    delivery = item.get("delivery")
    if isinstance(delivery, dict) and kind == "page":
        # Messenger's delivery receipt lists the mids it covers.
        at = _time(item.get("timestamp") or delivery.get("watermark"), path)
        return [
            StatusUpdate(
                platform=platform, external_id=str(mid), status="delivered", at=at
            )
            for mid in delivery.get("mids") or []
            if mid
        ]
    message = item.get("message")
    if message is None:
        # Reads, reactions, postbacks, referrals: not a message.
        return []
    _need(message, dict, path + ".message")
    if message.get("is_deleted") or message.get("is_unsupported"):
        return []
    sender = _text_id((item.get("sender") or {}).get("id"), path + ".sender.id")
    recipient = _text_id(
        (item.get("recipient") or {}).get("id"), path + ".recipient.id"
    )
    mid = _text_id(message.get("mid"), path + ".message.mid")
    echo = bool(message.get("is_echo"))
    if echo and str(message.get("app_id") or "") in own - {""}:
        return []
    text = message.get("text", "")
    if not isinstance(text, str):
        raise Malformed(
            _("%(path)s is missing or is not text.") % {"path": path + ".message.text"}
        )
    attachments = []
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            payload = attachment.get("payload")
            url = payload.get("url") if isinstance(payload, dict) else None
            attachments.append(
                "{}:{}".format(attachment.get("type") or "file", url or "")
            )
    citizen = recipient if echo else sender
    return [
        Inbound(
            platform=platform,
            channel=INSTAGRAM_MESSAGE if kind == "instagram" else MESSENGER,
            account_external_id=account,
            external_id=mid,
            thread_key=citizen,
            author_id=citizen,
            author_name="",
            text=text,
            sent_at=_time(item.get("timestamp"), path + ".timestamp"),
            direction=OUT if echo else IN,
            attachments=tuple(attachments),
        )
    ]


# --- WhatsApp Cloud API ---------------------------------------------------------------


def parse_whatsapp(payload: Any) -> list[Event]:
    """The events of one WhatsApp Cloud API webhook POST."""
    _need(payload, dict, "payload")
    if payload.get("object") != "whatsapp_business_account":
        raise Malformed(
            _("object is %(value)r, not whatsapp_business_account.")
            % {"value": payload.get("object")}
        )
    events: list[Event] = []
    for n, entry in enumerate(_entries(payload)):
        for field, value, path in _changes(entry, n):
            if field != "messages":
                # Template, quality and account updates: not the inbox's.
                continue
            events.extend(_wa_value(value, path))
    return events


def _wa_value(value: dict, path: str) -> list[Event]:
    metadata = _need(value.get("metadata"), dict, path + ".metadata")
    line = _text_id(metadata.get("phone_number_id"), path + ".metadata.phone_number_id")
    names = {}
    for m, contact in enumerate(value.get("contacts") or []):
        _need(contact, dict, "{}.contacts[{}]".format(path, m))
        profile = (
            contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
        )
        names[str(contact.get("wa_id") or "")] = str(profile.get("name") or "")
    events: list[Event] = []
    messages = value.get("messages")
    if messages is not None:
        _need(messages, list, path + ".messages")
        for m, message in enumerate(messages):
            found = _wa_message(line, message, names, "{}.messages[{}]".format(path, m))
            if found is not None:
                events.append(found)
    statuses = value.get("statuses")
    if statuses is not None:
        _need(statuses, list, path + ".statuses")
        for m, status in enumerate(statuses):
            found = _wa_status(status, "{}.statuses[{}]".format(path, m))
            if found is not None:
                events.append(found)
    return events


def _wa_message(line: str, message: Any, names: dict, path: str) -> Inbound | None:
    _need(message, dict, path)
    kind = _need(message.get("type"), str, path + ".type")
    if kind in ("reaction", "system", "request_welcome"):
        # A reaction to a message, or WhatsApp's own notice: not a message.
        return None
    wa_id = _text_id(message.get("from"), path + ".from")
    wamid = _text_id(message.get("id"), path + ".id")
    content = message.get(kind) if isinstance(message.get(kind), dict) else {}
    attachments: tuple[str, ...] = ()
    if kind == "text":
        text = _need(content.get("body"), str, path + ".text.body")
    elif kind in _WA_MEDIA:
        text = str(content.get("caption") or "")
        # The media is fetched with its id (GET /{media-id}); ids expire.
        attachments = ("{}:{}".format(kind, content.get("id") or ""),)
    elif kind == "location":
        text = " ".join(
            str(content.get(key) or "")
            for key in ("name", "address", "latitude", "longitude")
            if content.get(key) not in (None, "")
        )
    elif kind == "button":
        text = str(content.get("text") or "")
    elif kind == "interactive":
        chosen = content.get(content.get("type") or "") or {}
        text = str(chosen.get("title") or "") if isinstance(chosen, dict) else ""
    elif kind == "contacts":
        people = message.get("contacts") or []
        text = ", ".join(
            str((person.get("name") or {}).get("formatted_name") or "")
            for person in people
            if isinstance(person, dict)
        )
    else:
        # ``unsupported`` and types added later: kept, with no text.
        text = ""
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    return Inbound(
        platform="whatsapp",
        channel=WHATSAPP,
        account_external_id=line,
        external_id=wamid,
        thread_key=wa_id,
        author_id=wa_id,
        author_name=names.get(wa_id, ""),
        text=text,
        sent_at=_time(message.get("timestamp"), path + ".timestamp"),
        parent_external_id=str(context.get("id") or ""),
        attachments=attachments,
    )


def _wa_status(status: Any, path: str) -> StatusUpdate | None:
    _need(status, dict, path)
    name = _need(status.get("status"), str, path + ".status")
    if name not in _WA_STATUSES:
        return None
    error = ""
    for problem in status.get("errors") or []:
        if isinstance(problem, dict):
            details = (problem.get("error_data") or {}).get("details") or ""
            error = "{} {}: {}".format(
                problem.get("code", ""), problem.get("title", ""), details
            ).strip()
            break
    return StatusUpdate(
        platform="whatsapp",
        external_id=_text_id(status.get("id"), path + ".id"),
        status=_WA_STATUSES[name],
        at=_time(status.get("timestamp"), path + ".timestamp"),
        error=error[:300],
    )
