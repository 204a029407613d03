"""Platform access tokens, encrypted at rest with SOCIAL_TOKEN_KEYS."""

from __future__ import annotations

import datetime

from django.conf import settings

from config import crypto
from socialposts.models import SocialAccount


def set_tokens(
    account: SocialAccount,
    *,
    access: str,
    refresh: str = "",
    expires_at: datetime.datetime | None = None,
) -> None:
    """Store new tokens for ``account``; a new token also clears a refusal."""
    account.access_token_encrypted = crypto.encrypt(access, settings.SOCIAL_TOKEN_KEYS)
    account.refresh_token_encrypted = (
        crypto.encrypt(refresh, settings.SOCIAL_TOKEN_KEYS) if refresh else ""
    )
    account.token_expires_at = expires_at
    account.token_revoked_at = None
    account.save(
        update_fields=[
            "access_token_encrypted",
            "refresh_token_encrypted",
            "token_expires_at",
            "token_revoked_at",
        ]
    )


def access_token(account: SocialAccount) -> str:
    return crypto.decrypt(account.access_token_encrypted, settings.SOCIAL_TOKEN_KEYS)
