"""Absolute links to the portal, for what leaves it (images, files, mail)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``); a link that is
    absolute already is returned as it is."""
    return settings.SITE_URL + path if path.startswith("/") else path
