"""What every channel's intake hands to the inbox, whatever the platform.

Webhook payloads (Meta, WhatsApp) and polled answers (Instagram and
Facebook comments, YouTube comment threads) are read into these plain
records by ``aspirations.channels.parsers`` and the polling clients; the
inbox (``aspirations.inbox.services.receive``) stores them. Keeping the
record free of Django lets the parsers be tested against the documented
payloads alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


class Malformed(Exception):
    """A payload that does not have the documented shape; the message says
    what is wrong (kept on the raw delivery as the rejection reason)."""


# Channel codes: the platform and the kind of conversation. The reply window
# and the client that answers depend on both (aspirations.windows).
WHATSAPP = "whatsapp"
INSTAGRAM_COMMENT = "instagram_comment"
INSTAGRAM_MESSAGE = "instagram_message"
FACEBOOK_COMMENT = "facebook_comment"
MESSENGER = "messenger"
YOUTUBE_COMMENT = "youtube_comment"
TIKTOK_COMMENT = "tiktok_comment"
PORTAL = "portal"

# The platform each channel is on (the key messages are unique under).
PLATFORM_OF = {
    WHATSAPP: "whatsapp",
    INSTAGRAM_COMMENT: "instagram",
    INSTAGRAM_MESSAGE: "instagram",
    FACEBOOK_COMMENT: "facebook",
    MESSENGER: "facebook",
    YOUTUBE_COMMENT: "youtube",
    TIKTOK_COMMENT: "tiktok",
    PORTAL: "portal",
}

IN = "in"
OUT = "out"


@dataclass(frozen=True)
class Inbound:
    """One message or comment, from a citizen (``IN``) or an echo of what
    the OPD sent from the platform's own app (``OUT``)."""

    platform: str  # whatsapp | instagram | facebook | youtube | tiktok
    channel: str  # one of the channel codes above
    # The OPD's end: IG user id, Facebook Page id, WhatsApp phone_number_id,
    # YouTube channel id.
    account_external_id: str
    # Unique per platform: wamid, IG/FB comment id, message mid, YouTube comment id.
    external_id: str
    # The conversation: the top-level comment's id for comments (a reply's
    # thread is its parent's), the citizen's id for DMs and WhatsApp.
    thread_key: str
    author_id: str  # the citizen's id on the platform (wa_id, IGSID, PSID, channel id)
    author_name: str
    text: str
    sent_at: datetime.datetime  # aware
    direction: str = IN
    parent_external_id: str = ""
    post_external_id: str = ""  # the post or video a comment is on
    permalink: str = ""
    attachments: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of a message the portal sent (WhatsApp ``statuses``)."""

    platform: str
    external_id: str  # the sent message's id
    status: str  # sent | delivered | read | failed
    at: datetime.datetime
    error: str = ""
