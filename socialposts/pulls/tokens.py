"""Platform access tokens, encrypted at rest with SOCIAL_TOKEN_KEYS: how a
connection stores them, their renewal, and the reminders to connect again
what cannot be renewed."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import crypto, work
from core.links import absolute_url
from socialposts.accounts.models import EXPIRING_WITHIN, SocialAccount
from socialposts.pulls import oauth
from socialposts.pulls.clients import (
    REFRESHERS,
    PlatformError,
    TokenInvalid,
    refresh_instagram_token,
)

# set_tokens leaves the refresh token's expiry as it is unless told.
KEEP: Any = object()

# A short access token is renewed when it has less than this left: a pull
# must not lose it halfway.
REFRESH_MARGIN = datetime.timedelta(minutes=10)


def set_tokens(
    account: SocialAccount,
    *,
    access: str,
    refresh: str = "",
    expires_at: datetime.datetime | None = None,
    refresh_expires_at: datetime.datetime | None = KEEP,
) -> None:
    """Store new tokens for ``account``; a new token also clears a refusal."""
    account.access_token_encrypted = crypto.encrypt(access, settings.SOCIAL_TOKEN_KEYS)
    account.refresh_token_encrypted = (
        crypto.encrypt(refresh, settings.SOCIAL_TOKEN_KEYS) if refresh else ""
    )
    account.token_expires_at = expires_at
    account.token_revoked_at = None
    fields = [
        "access_token_encrypted",
        "refresh_token_encrypted",
        "token_expires_at",
        "token_revoked_at",
    ]
    if refresh_expires_at is not KEEP:
        account.refresh_expires_at = refresh_expires_at
        fields.append("refresh_expires_at")
    account.save(update_fields=fields)


@transaction.atomic
def connect(account: SocialAccount, grant: oauth.Grant) -> SocialAccount:
    """Store what a completed login gave: the account is pulled from the
    API from now on, with the new tokens, and no longer needs reconnecting.

    Raises oauth.ConnectError, saving nothing, when the platform account
    that logged in is already another account of the portal.
    """
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    locked.connection = SocialAccount.Connection.API
    fields = ["connection"]
    if grant.external_id and not locked.external_id:
        other = (
            SocialAccount.objects.filter(
                platform=locked.platform, external_id=grant.external_id
            )
            .exclude(pk=locked.pk)
            .first()
        )
        if other is not None:
            raise _taken(locked, grant.external_id, other.handle)
        locked.external_id = grant.external_id
        fields.append("external_id")
    try:
        # A savepoint: an account taking the id meanwhile fails here, not
        # the whole callback.
        with transaction.atomic():
            locked.save(update_fields=fields)
    except IntegrityError as exc:
        raise _taken(locked, grant.external_id, "–") from exc
    set_tokens(
        locked,
        access=grant.access,
        refresh=grant.refresh,
        expires_at=grant.expires_at,
        refresh_expires_at=grant.refresh_expires_at,
    )
    return locked


def _taken(account: SocialAccount, external_id: str, handle: str) -> Exception:
    return oauth.ConnectError(
        _(
            "This %(platform)s account (id %(id)s) is already in the portal as "
            "@%(handle)s. Nothing was saved; connect that account instead, or "
            "ask Dinkominfo to remove the duplicate."
        )
        % {
            "platform": account.get_platform_display(),
            "id": external_id,
            "handle": handle,
        }
    )


def access_token(account: SocialAccount) -> str:
    """The account's access token, decrypted."""
    return crypto.decrypt(account.access_token_encrypted, settings.SOCIAL_TOKEN_KEYS)


def refresh_token(account: SocialAccount) -> str:
    """The account's refresh token (Meta: the long-lived user token),
    decrypted; empty when it has none."""
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
        access, expires, new_refresh, refresh_expires = refresher(
            old_refresh, **transport
        )
        # Google keeps the refresh token; TikTok sends its replacement, with
        # the time it lapses.
        set_tokens(
            locked,
            access=access,
            refresh=new_refresh or old_refresh,
            expires_at=expires,
            refresh_expires_at=refresh_expires if new_refresh else KEEP,
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
    """The nightly upkeep: renew what can be renewed before it lapses, then
    remind the OPD admins of what only they can connect again.

    Instagram-Login tokens expiring within 7 days are exchanged on the
    Instagram host (``ig_refresh_token``, 60 more days). Facebook-Login
    user tokens lapsing within 7 days are exchanged again
    (``fb_exchange_token``) for fresh Page tokens only: that does not extend
    the user token (Meta answers the time it has left;
    github.com/Thuzi/facebook-node-sdk/issues/68 and
    github.com/criso/fbgraph/issues/46, read 2026-12-07), so its lapse stays
    and the admins are reminded to log in again. A refused token marks its
    account as needing reconnection; a failure that may pass (a malformed
    answer too) is tried again tomorrow, still inside the 7 days, and the
    other accounts go on. Returns how many were renewed.
    """
    now = now or timezone.now()
    soon = now + EXPIRING_WITHIN
    api = SocialAccount.objects.filter(
        connection=SocialAccount.Connection.API, token_revoked_at=None
    )
    renewed = 0
    instagram_login = api.filter(
        platform="instagram",
        meta_login=SocialAccount.MetaLogin.INSTAGRAM,
        token_expires_at__gt=now,
        token_expires_at__lte=soon,
    )
    for account in instagram_login:
        try:
            token, expires = refresh_instagram_token(access_token(account))
        except TokenInvalid:
            SocialAccount.objects.filter(pk=account.pk).update(token_revoked_at=now)
            work.changed([account.opd_id])  # no signal: its token shows revoked
            continue
        except PlatformError:
            continue
        set_tokens(account, access=token, expires_at=expires)
        renewed += 1
    facebook_login = (
        api.filter(_facebook_login())
        .exclude(refresh_token_encrypted="")  # nosec B106 # no token stored, not a password
        .filter(refresh_expires_at__gt=now, refresh_expires_at__lte=soon)
    )
    for account in facebook_login:
        try:
            grant = oauth.renew_meta(refresh_token(account), account)
        except oauth.ConnectError:
            # The user no longer manages the Page: only a new login helps.
            SocialAccount.objects.filter(pk=account.pk).update(token_revoked_at=now)
            work.changed([account.opd_id])  # no signal: its token shows revoked
            continue
        except OAuthError as exc:
            if _meta_code(exc.error) == 190:
                SocialAccount.objects.filter(pk=account.pk).update(token_revoked_at=now)
                work.changed([account.opd_id])  # no signal: its token shows revoked
            continue
        except (httpx.HTTPError, ValueError, KeyError):
            continue
        # The user token's lapse stays as it is (KEEP): the exchange does
        # not move it, and Meta's remaining seconds would only jitter it
        # (and with it the once-per-lapse reminder); an answer without
        # expires_in must not clear it either.
        set_tokens(
            account,
            access=grant.access,
            refresh=grant.refresh,
            expires_at=None,
        )
        renewed += 1
    send_reconnect_reminders(now)
    return renewed


def _facebook_login() -> Q:
    return Q(platform="facebook") | Q(
        platform="instagram", meta_login=SocialAccount.MetaLogin.FACEBOOK
    )


def _meta_code(error: Any) -> int | None:
    return error.get("code") if isinstance(error, dict) else None


def send_reconnect_reminders(now: datetime.datetime | None = None) -> int:
    """E-mail each OPD's admins, once per lapse, a link to connect again an
    account whose connection lapses within 7 days and cannot be renewed
    (TikTok's refresh token, Facebook Login's user token; an Instagram-Login
    token whose renewal kept failing). An OPD without an admin's address is
    not marked reminded. Returns how many accounts were announced."""
    now = now or timezone.now()
    soon = now + EXPIRING_WITHIN
    lapsing = (
        SocialAccount.objects.filter(
            connection=SocialAccount.Connection.API,
            token_revoked_at=None,
            is_active=True,
        )
        .filter(
            Q(
                ~Q(refresh_token_encrypted=""),  # nosec B106 # no token stored, not a password
                refresh_expires_at__gt=now,
                refresh_expires_at__lte=soon,
            )
            | Q(
                refresh_token_encrypted="",  # nosec B106 # no token stored, not a password
                token_expires_at__gt=now,
                token_expires_at__lte=soon,
            )
        )
        .select_related("opd")
    )
    sent = 0
    for account in lapsing:
        lapses = account.lapses_at()
        if lapses is None or account.reconnect_reminder_for == lapses:
            continue
        # Instagram-Login tokens renew themselves tonight unless refused;
        # remind only when the renewal has not moved the date by tomorrow.
        if _renews_itself(account) and lapses > now + datetime.timedelta(days=6):
            continue
        recipients = _recipients(account)
        if not recipients:
            # Not claimed: the reminder goes out once an admin has an address.
            continue
        with transaction.atomic():
            # Claim the reminder first: two workers never send it twice.
            claimed = (
                SocialAccount.objects.filter(pk=account.pk)
                .exclude(reconnect_reminder_for=lapses)
                .update(reconnect_reminder_for=lapses)
            )
            if not claimed:
                continue
            _remind(account, lapses, recipients)
            sent += 1
    return sent


def _renews_itself(account: SocialAccount) -> bool:
    # Only Instagram Login: a Facebook-Login user token is not extended by
    # the nightly exchange, so its admins must log in again before it lapses.
    return (
        account.platform == "instagram"
        and account.meta_login == SocialAccount.MetaLogin.INSTAGRAM
    )


def _recipients(account: SocialAccount) -> list[str]:
    return list(
        account.opd.admins.filter(is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _remind(
    account: SocialAccount, lapses: datetime.datetime, recipients: list[str]
) -> None:
    link = absolute_url(reverse("socialposts:account-detail", args=[account.pk]))
    # The nightly job runs outside any request: the admins read Indonesian.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Media sosial] Connect %(account)s again before %(date)s") % {
            "account": account,
            "date": timezone.localtime(lapses).strftime("%d-%m-%Y"),
        }
        body = render_to_string(
            "socialposts/email/reconnect_reminder.txt",
            {"account": account, "lapses": lapses, "link": link},
        )
    send_mail(subject, body, None, recipients)
