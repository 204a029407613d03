"""Reconciliation: what webhooks missed (Instagram and Facebook comments),
and YouTube's comments, which have no webhook at all, polled from each
connected account (every 15 minutes by Celery beat).

What a poll finds goes through the same ``receive`` as a webhook, so a
comment the webhook already brought changes nothing. YouTube's polls spend
the daily unit budget (``YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY``); a round the
budget stops keeps what it found and says so in the log.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings

from aspirations.channels import clients
from aspirations.inbox import services as inbox
from socialposts.accounts.models import SocialAccount
from socialposts.pulls import tokens

log = logging.getLogger(__name__)
POLLED_PLATFORMS = ("instagram", "facebook", "youtube")


@dataclass(frozen=True)
class PollResult:
    """What one account's poll found and stored, and why it stopped early."""

    found: int
    stored: int
    stopped: str


def accounts_to_poll():
    """Connected accounts of the platforms whose comments are polled."""
    return (
        SocialAccount.objects.filter(
            platform__in=POLLED_PLATFORMS, connection="api", is_active=True
        )
        .exclude(external_id="")
        .exclude(access_token_encrypted="")  # nosec B106 # an empty column, not a password
    )


def _client(account: SocialAccount):
    token = tokens.access_token(account)
    if account.platform == "youtube":
        return clients.YouTubeInbox(account.external_id, token)
    if account.platform == "facebook":
        return clients.FacebookPageInbox(account.external_id, token)
    return clients.InstagramInbox(
        account.external_id, token, instagram_login=account.meta_login == "instagram"
    )


def poll_account(
    account_id: int, *, since: datetime.datetime | None = None
) -> PollResult:
    """Poll one account's recent comments into the inbox."""
    account = SocialAccount.objects.select_related("opd").get(pk=account_id)
    if since is None:
        since = inbox.now() - datetime.timedelta(
            minutes=settings.ASPIRATION_POLL_LOOKBACK_MINUTES
        )
    client = _client(account)
    try:
        # YouTube's threads come newest first: the round stops at ``since``.
        # Meta's comments hang under posts: every post of the last
        # ASPIRATION_POLL_POSTS_DAYS is read, and older comments skipped.
        poll = client.poll(since=since if account.platform == "youtube" else None)
    finally:
        client.close()
    stored = 0
    now = inbox.now()
    for event in poll.inbound:
        # Older than the round looks back to, or (when the demo replays a
        # past day) later than the moment the round runs.
        if event.sent_at < since or event.sent_at > now:
            continue
        if inbox.receive(event=event, account=account) is not None:
            stored += 1
    if poll.stopped or poll.problems:
        log.warning(
            "comment poll of account %s: %s",
            account.pk,
            poll.stopped or "; ".join(poll.problems),
        )
    return PollResult(found=len(poll.inbound), stored=stored, stopped=poll.stopped)


def poll_all() -> list[int]:
    """The ids of the accounts to poll now (each polled by its own task)."""
    return list(accounts_to_poll().values_list("pk", flat=True))
