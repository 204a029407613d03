"""The inbox's side of the platforms: replies, private replies, direct
messages, hiding, and polling for what a webhook missed. Built on the
pulls' transport (``socialposts.pulls.clients.base``), whose errors they
raise, plus the reply refusals in ``errors``."""

from __future__ import annotations

from aspirations.channels.clients.common import Poll
from aspirations.channels.clients.errors import (
    AlreadyReplied,
    NotReplyable,
    TemplateRefused,
    WindowClosed,
)
from aspirations.channels.clients.meta import FacebookPageInbox, InstagramInbox
from aspirations.channels.clients.whatsapp import WhatsAppClient
from aspirations.channels.clients.youtube import (
    YouTubeInbox,
    budget_key,
    spend_youtube_units,
    youtube_units_spent,
)

__all__ = [
    "AlreadyReplied",
    "FacebookPageInbox",
    "InstagramInbox",
    "NotReplyable",
    "Poll",
    "TemplateRefused",
    "WhatsAppClient",
    "WindowClosed",
    "YouTubeInbox",
    "spend_youtube_units",
    "youtube_units_spent",
    "budget_key",
]
