"""Which replies a platform still accepts in a conversation, and until when.

The platforms refuse a reply outside their windows (Meta's Send API with
code 10 subcode 2018278, WhatsApp with 131047); the case page shows the
open windows so staff do not write a reply that cannot leave. The numbers
are settings, each with its source (config/settings.py, "Aspiration inbox:
platform windows and quotas").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from aspirations import events

# Reply kinds.
FREE_FORM = "free_form"  # WhatsApp text inside the customer service window
TEMPLATE = "template"  # WhatsApp approved template, any time
DIRECT_MESSAGE = "direct_message"  # IG/Messenger DM, messaging_type=RESPONSE
HUMAN_AGENT = "human_agent"  # IG/Messenger DM with the HUMAN_AGENT tag
PUBLIC_REPLY = "public_reply"  # a reply under the comment
PRIVATE_REPLY = "private_reply"  # one DM to the commenter


@dataclass(frozen=True)
class Window:
    """A reply kind open now; ``until`` None means it does not close."""

    kind: str
    until: datetime.datetime | None = None

    def left(self, now: datetime.datetime) -> datetime.timedelta | None:
        """Time left from ``now``; None when the window does not close."""
        return None if self.until is None else max(self.until - now, _ZERO)


_ZERO = datetime.timedelta(0)


def _open(
    kind: str, start: datetime.datetime | None, length: datetime.timedelta, now
) -> list[Window]:
    """The window of ``length`` from ``start``, if it is still open at ``now``."""
    if start is None:
        return []
    until = start + length
    return [Window(kind, until)] if now < until else []


def reply_windows(
    channel: str,
    last_citizen_message_at: datetime.datetime | None,
    now: datetime.datetime,
    *,
    human_agent: bool | None = None,
    private_reply_sent: bool = False,
    comment_created_at: datetime.datetime | None = None,
) -> list[Window]:
    """The reply kinds open at ``now`` on ``channel``, each with its end.

    ``last_citizen_message_at`` is the citizen's latest message (a DM, a
    WhatsApp message; for a comment, the comment itself when
    ``comment_created_at`` is not given). ``human_agent`` None follows
    ASPIRATION_META_HUMAN_AGENT (whether Meta granted the app the tag).
    TikTok comments and the portal's own form have no platform reply: the
    answer is given by hand or by e-mail, so the list is empty.
    """
    if human_agent is None:
        human_agent = settings.ASPIRATION_META_HUMAN_AGENT
    hours = datetime.timedelta(hours=1)
    days = datetime.timedelta(days=1)
    if channel == events.WHATSAPP:
        return [
            *_open(
                FREE_FORM,
                last_citizen_message_at,
                settings.ASPIRATION_WHATSAPP_WINDOW_HOURS * hours,
                now,
            ),
            Window(TEMPLATE),
        ]
    if channel in (events.INSTAGRAM_MESSAGE, events.MESSENGER):
        windows = _open(
            DIRECT_MESSAGE,
            last_citizen_message_at,
            settings.ASPIRATION_MESSAGING_WINDOW_HOURS * hours,
            now,
        )
        if human_agent:
            windows += _open(
                HUMAN_AGENT,
                last_citizen_message_at,
                settings.ASPIRATION_HUMAN_AGENT_WINDOW_DAYS * days,
                now,
            )
        return windows
    if channel in (events.INSTAGRAM_COMMENT, events.FACEBOOK_COMMENT):
        windows = [Window(PUBLIC_REPLY)]
        if not private_reply_sent:
            windows += _open(
                PRIVATE_REPLY,
                comment_created_at or last_citizen_message_at,
                settings.ASPIRATION_PRIVATE_REPLY_DAYS * days,
                now,
            )
        return windows
    if channel == events.YOUTUBE_COMMENT:
        return [Window(PUBLIC_REPLY)]
    return []
