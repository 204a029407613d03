"""Clients of the platforms' APIs; see ``base`` for how failures are told
apart and what the pull does with each."""

from __future__ import annotations

from typing import Any

from socialposts.accounts.models import SocialAccount
from socialposts.pulls.clients.base import (
    Call,
    FetchResult,
    InvalidMetric,
    NotAllowed,
    PlatformError,
    QuotaExceeded,
    RateLimited,
    TokenInvalid,
    Transient,
)
from socialposts.pulls.clients.google import YouTubeClient, refresh_google_token
from socialposts.pulls.clients.meta import (
    FacebookPageClient,
    InstagramClient,
    refresh_instagram_token,
)
from socialposts.pulls.clients.tiktok import TikTokClient, refresh_tiktok_token

__all__ = [
    "Call",
    "FetchResult",
    "InvalidMetric",
    "NotAllowed",
    "PlatformError",
    "QuotaExceeded",
    "RateLimited",
    "TokenInvalid",
    "Transient",
    "client_for",
    "refresh_google_token",
    "refresh_instagram_token",
    "refresh_tiktok_token",
    "REFRESHERS",
]

CLIENTS = {
    "instagram": InstagramClient,
    "facebook": FacebookPageClient,
    "youtube": YouTubeClient,
    "tiktok": TikTokClient,
}
# Platforms whose short access tokens are renewed from a refresh token
# before each pull.
REFRESHERS = {"youtube": refresh_google_token, "tiktok": refresh_tiktok_token}


def client_for(account: SocialAccount, token: str, **transport: Any) -> Any:
    """The client of the account's platform."""
    client = CLIENTS.get(account.platform)
    if client is None:
        # X bills every read; its accounts are kept by hand for now.
        raise PlatformError(
            "pulling from {} is not supported; import its figures".format(
                account.get_platform_display()
            )
        )
    return client(account, token, **transport)
