"""Platform access tokens, encrypted at rest with SOCIAL_TOKEN_KEYS, and
their renewal."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import crypto
from socialposts.accounts.models import EXPIRING_WITHIN, SocialAccount
from socialposts.pulls.clients import (
    REFRESHERS,
    PlatformError,
    TokenInvalid,
    refresh_instagram_token,
)

# A short access token is renewed when it has less than this left: a pull
# must not lose it halfway.
REFRESH_MARGIN = datetime.timedelta(minutes=10)


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


def refresh_token(account: SocialAccount) -> str:
    return crypto.decrypt(account.refresh_token_encrypted, settings.SOCIAL_TOKEN_KEYS)


def access_token_for_pull(
    account: SocialAccount, *, refused: str = "", **transport: Any
) -> str:
    """The access token, renewed first when the platform issues short ones
    (YouTube: an hour, TikTok: a day) and it is about to lapse, or when the
    platform just ``refused`` it before its time.

    Raises TokenInvalid when the platform refuses the refresh token.
    """
    refresher = REFRESHERS.get(account.platform)
    if refresher is None or not (refused or _lapsing(account)):
        return access_token(account)
    with transaction.atomic():
        # TikTok rotates the refresh token: two pulls renewing at once would
        # spend it twice and the second would be refused. The row lock makes
        # the second wait and then find the fresh token.
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        current = access_token(locked)
        if (refused and current != refused) or not (refused or _lapsing(locked)):
            return current
        if not locked.refresh_token_encrypted:
            raise TokenInvalid("no refresh token to renew the access token with")
        old_refresh = refresh_token(locked)
        access, expires, new_refresh = refresher(old_refresh, **transport)
        # Google keeps the refresh token; TikTok sends its replacement.
        set_tokens(
            locked,
            access=access,
            refresh=new_refresh or old_refresh,
            expires_at=expires,
        )
    return access


def renewable(account: SocialAccount) -> bool:
    """Whether a refused access token can be replaced without staff."""
    return account.platform in REFRESHERS and bool(account.refresh_token_encrypted)


def _lapsing(account: SocialAccount) -> bool:
    soon = timezone.now() + REFRESH_MARGIN
    return bool(account.refresh_token_encrypted) and (
        account.token_expires_at is None or account.token_expires_at <= soon
    )


def refresh_expiring_tokens(now: datetime.datetime | None = None) -> int:
    """Exchange Instagram tokens that expire within 7 days for fresh ones; a
    refused token marks its account as needing reconnection. Returns how
    many were renewed; a failure that may pass is tried again tomorrow,
    still inside the 7 days."""
    now = now or timezone.now()
    due = SocialAccount.objects.filter(
        connection=SocialAccount.Connection.API,
        platform="instagram",
        meta_login=SocialAccount.MetaLogin.INSTAGRAM,
        token_revoked_at=None,
        token_expires_at__gt=now,
        token_expires_at__lte=now + EXPIRING_WITHIN,
    )
    renewed = 0
    for account in due:
        try:
            token, expires = refresh_instagram_token(access_token(account))
        except TokenInvalid:
            SocialAccount.objects.filter(pk=account.pk).update(token_revoked_at=now)
            continue
        except PlatformError:
            continue
        set_tokens(account, access=token, expires_at=expires)
        renewed += 1
    return renewed
