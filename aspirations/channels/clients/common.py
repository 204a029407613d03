"""What the inbox clients share: the result of a polling round and the
Graph transport that also writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import httpx

from aspirations.channels.clients.errors import (
    AlreadyReplied,
    NotReplyable,
    TemplateRefused,
    WindowClosed,
)
from aspirations.events import Inbound
from socialposts.pulls.clients.base import Call, PlatformError, Transport
from socialposts.pulls.clients.meta import GraphTransport

# Send API error codes (developers.facebook.com/docs/messenger-platform/
# error-codes, read 2026-12-07): code 10 with this subcode is a message
# outside the allowed window (24 h, or 7 days with HUMAN_AGENT).
OUTSIDE_WINDOW_SUBCODE = 2018278
# A second private reply to one comment: "(#10900) Activity already replied
# to". The private-reply pages (developers.facebook.com/docs/instagram-
# platform/private-replies, updated 2026-06-30, read 2026-12-07) say "a
# single message" but list no code; open-source inboxes that call the Send
# API with recipient.comment_id handle this code and text (seen in several
# public repositories, 2026-12-07), so both are matched. 10903 "This user
# can't reply to this activity" is the same family: no reply possible.
ALREADY_REPLIED_CODE = 10900
CANNOT_REPLY_CODE = 10903
# WhatsApp Cloud API error codes (developers.facebook.com/docs/whatsapp/
# cloud-api/support/error-codes, read 2026-12-07): 131047 "Re-engagement
# message", more than 24 hours since the customer last replied; 132001
# "Template name does not exist in the translation" (unknown or not approved).
WHATSAPP_REENGAGEMENT = 131047
WHATSAPP_TEMPLATE_MISSING = 132001


@dataclass
class Poll:
    """What one polling round brought: the messages and comments found, the
    answers received (for the audit table), what went wrong with a part,
    and why the round stopped early ("" when it did not)."""

    inbound: list[Inbound] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stopped: str = ""


def refusal(error: dict, label: str, message: str) -> PlatformError | None:
    """The reply refusal a Graph or WhatsApp error stands for, or None."""
    code = error.get("code")
    subcode = error.get("error_subcode")
    text = str(error.get("message", "")).lower()
    if code == 10 and subcode == OUTSIDE_WINDOW_SUBCODE:
        return WindowClosed(message)
    if code == WHATSAPP_REENGAGEMENT:
        return WindowClosed(message)
    if code == ALREADY_REPLIED_CODE or "already replied" in text:
        return AlreadyReplied(message)
    if code == CANNOT_REPLY_CODE:
        return NotReplyable(message)
    if code == WHATSAPP_TEMPLATE_MISSING:
        return TemplateRefused(message)
    if code == 100 and label.endswith("/replies"):
        # Instagram answers an invalid-parameter error for a reply to a
        # reply or to a hidden comment (the comment-moderation page lists
        # the rule, not its code: unverified).
        return NotReplyable(message)
    return None


class InboxGraphTransport(GraphTransport):
    """The Graph transport, writing as well as reading; a write is sent
    once (a retried send after a timeout could reach the citizen twice)."""

    def post(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict:
        url = "{}/{}/{}".format(self.base_url, self.version, path)
        kwargs: dict[str, Any] = {"params": params or {}}
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", url, path, attempts=1, **kwargs)

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        error = body.get("error") if isinstance(body, dict) else None
        if response.status_code != 200 and isinstance(error, dict):
            message = "{} {}: {}".format(
                response.status_code, label, error.get("message", "")
            )
            found = refusal(error, label, message)
            if found is not None:
                return found
        return super().classify(response, body, label)


class BearerGraphTransport(InboxGraphTransport):
    """Graph errors, the token as a bearer header (the WhatsApp Cloud API's
    way: developers.facebook.com/docs/whatsapp/cloud-api/get-started)."""

    def prepare(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return Transport.prepare(self, kwargs)


def graph_time(text: str) -> datetime.datetime:
    """Graph's ``2026-03-16T09:15:00+0000``."""
    return datetime.datetime.fromisoformat(text.replace("+0000", "+00:00"))
