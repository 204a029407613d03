"""The refusals a reply can meet, beyond the pulls' (``PlatformError``
and its kin in ``socialposts.pulls.clients.base``).

Each is raised from the platform's own error code, so the inbox can say
exactly why a reply did not leave and what still can (a template, the
public reply).
"""

from __future__ import annotations

from socialposts.pulls.clients.base import PlatformError


class WindowClosed(PlatformError):
    """The platform's reply window is over: Meta's Send API code 10
    subcode 2018278 ("This message is sent outside of allowed window"),
    WhatsApp 131047 ("Re-engagement message"), a private reply after 7 days."""


class AlreadyReplied(PlatformError):
    """The comment already had its one private reply."""


class NotReplyable(PlatformError):
    """The comment takes no reply: an Instagram reply (only top-level
    comments take replies), a hidden or deleted comment, a YouTube thread
    whose comments are off."""


class TemplateRefused(PlatformError):
    """WhatsApp does not know the template by that name and language, or
    has not approved it (132001)."""
