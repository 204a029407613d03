"""Pulls from the platforms' APIs: queueing a run per account, and one pull
of one account (fetch from the platform, then write everything the answer
held in one transaction), with what each platform refusal does to the
account.

A run is a durable run (core.runs); its executor is ``execute``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from core import runs, work
from socialposts.accounts import thumbnails
from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from socialposts.accounts.models import Post, SocialAccount
from socialposts.pulls import tokens
from socialposts.pulls.clients import (
    FetchResult,
    PlatformError,
    QuotaExceeded,
    TokenInvalid,
    Transient,
    client_for,
)
from socialposts.pulls.models import IngestionRun, RawPayload, raw_payload_retention

logger = logging.getLogger(__name__)
Status = IngestionRun.Status
# After this many attempts a run is failed for good and waits for tomorrow.
MAX_ATTEMPTS = 5
# What a pull may correct on a known post.
REFRESHED = ("permalink", "caption", "duration_seconds")


def timeout() -> datetime.timedelta:
    """How long a pull may go without progress, or wait for its message."""
    return datetime.timedelta(minutes=settings.SOCIAL_RUN_TIMEOUT_MINUTES)


LOOKBACK_SETTINGS = {
    "instagram": "SOCIAL_LOOKBACK_DAYS_META",
    "facebook": "SOCIAL_LOOKBACK_DAYS_META",
    "youtube": "SOCIAL_LOOKBACK_DAYS_YOUTUBE",
    "tiktok": "SOCIAL_LOOKBACK_DAYS_TIKTOK",
}
# Failed days of an earlier run are asked again only this far back.
RETRY_DAYS_BACK = 28
# How many of an account's latest runs are read for failed days.
RECENT_RUNS = 10


def pull_window(
    day: datetime.date | None = None, platform: str = "instagram"
) -> tuple[datetime.date, datetime.date]:
    """The days pulled every night: the platform's lookback, so late data
    is fetched again and overwrites."""
    day = day or timezone.localdate()
    days = getattr(
        settings, LOOKBACK_SETTINGS.get(platform, "SOCIAL_LOOKBACK_DAYS_META")
    )
    return day - datetime.timedelta(days=days - 1), day


def retry_start(account: SocialAccount, start: datetime.date) -> datetime.date:
    """``start``, moved back to the earliest day that failed in the
    account's recent pulls, so the next night asks for it again.

    Runs are read newest first down to the last that stored its window (a
    SUCCEEDED or PARTIAL run lists every part of its window that failed,
    the days of earlier failures included, as its window reached back to
    them). A run that failed or was deferred whole counts its whole window.
    """
    floor = start - datetime.timedelta(days=RETRY_DAYS_BACK)
    recent = IngestionRun.objects.filter(
        account=account, finished_at__isnull=False, window_end__gte=floor
    ).order_by("-finished_at")[:RECENT_RUNS]
    days = [start]
    for run in recent:
        keys = list(run.failed_parts or [])
        if run.status in (Status.FAILED, Status.DEFERRED) and not keys:
            keys = ["account"]
        for key in keys:
            kind, _sep, value = str(key).partition(":")
            if kind == "account" and not value:
                days.append(run.window_start)
            elif kind == "account":
                try:
                    days.append(datetime.date.fromisoformat(value))
                except ValueError:
                    continue
        if run.status in (Status.SUCCEEDED, Status.PARTIAL):
            break
    return max(floor, min(days))


def queue_pull(
    account: SocialAccount,
    *,
    trigger: str,
    window: tuple[datetime.date, datetime.date] | None = None,
    enqueue: Callable[[int], None] | None = None,
) -> IngestionRun:
    """A queued run for ``account``, its task sent after the commit. An
    account with a run queued or running for the same window gets that run
    back instead of a second one."""
    if window is None:
        start, end = pull_window(platform=account.platform)
        start = retry_start(account, start)
    else:
        start, end = window
    return runs.queue(
        IngestionRun,
        unique={"account": account, "window_start": start, "window_end": end},
        lock=account,
        enqueue=enqueue,
        trigger=trigger,
    )


def queue_daily_pulls() -> int:
    """02:00 WIB: one run, and one task, per API-connected account that is
    neither revoked nor deferred."""
    today = timezone.localdate()
    accounts = SocialAccount.objects.filter(
        connection=SocialAccount.Connection.API, is_active=True, token_revoked_at=None
    ).exclude(deferred_until__gt=today)
    count = 0
    for account in accounts.iterator():
        queue_pull(account, trigger=IngestionRun.Trigger.SCHEDULE)
        count += 1
    return count


def execute(run: IngestionRun, **transport: Any) -> runs.Outcome:
    """The executor of a pull run: pull, and decide what each platform
    refusal means for the run and the account."""
    try:
        return _execute(run, **transport)
    finally:
        # Posts, figures and the account's token are written in bulk or
        # with update(): no signal tells the staff's work (core/work.py).
        account_changed(run.account_id)


def account_changed(account_id: int) -> None:
    """The account's posts, figures or token changed without a signal:
    its OPD's work shows them."""
    opd_id = (
        SocialAccount.objects.filter(pk=account_id)
        .values_list("opd_id", flat=True)
        .first()
    )
    work.changed([opd_id])


def _execute(run: IngestionRun, **transport: Any) -> runs.Outcome:
    try:
        status, rows, problems, failed = pull(run, **transport)
    except TokenInvalid as exc:
        # Retrying cannot help: staff must reconnect the account.
        SocialAccount.objects.filter(pk=run.account_id).update(
            token_revoked_at=timezone.now()
        )
        return runs.Outcome(Status.FAILED, error=str(exc))
    except QuotaExceeded as exc:
        _defer(run.account_id)
        return runs.Outcome(Status.DEFERRED, error=str(exc))
    except (Transient, PlatformError) as exc:
        # The client's retries are spent; tomorrow's window covers the days.
        return runs.Outcome(Status.FAILED, error=str(exc))
    except DatabaseError:
        raise  # the database went away: the run is released and sent again
    except Exception as exc:
        # A bug or an answer no one foresaw: sending the run again would
        # meet it again. The run ends with the error kept for staff.
        logger.exception("pull of run %s failed", run.pk)
        return runs.Outcome(Status.FAILED, error=runs.error_text(exc))
    if status == Status.DEFERRED:
        _defer(run.account_id)
    return runs.Outcome(
        status,
        rows=rows,
        error=problems,
        fields={"rows_written": F("rows_written") + rows, "failed_parts": failed},
    )


def _defer(account_id: int) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SocialAccount.objects.filter(pk=account_id).update(deferred_until=tomorrow)


def mark_fresh(run: IngestionRun, outcome: runs.Outcome) -> None:
    """A pull that got data marks its account fresh (inside the finish)."""
    if outcome.status in (Status.SUCCEEDED, Status.PARTIAL):
        SocialAccount.objects.filter(pk=run.account_id).update(
            last_success_at=timezone.now()
        )
        account_changed(run.account_id)


def purge_raw_payloads() -> int:
    """Raw API answers older than SOCIAL_RAW_PAYLOAD_DAYS are deleted."""
    cutoff = timezone.now() - raw_payload_retention()
    deleted, _ = RawPayload.objects.filter(fetched_at__lt=cutoff).delete()
    return deleted


def pull(run: IngestionRun, **transport: Any) -> tuple[str, int, str, list[str]]:
    """Fetch the run's window and store what came; return (status, rows,
    problems, failed parts).

    Platform errors propagate to the caller, which decides whether the run
    is retried, deferred or failed.
    """
    account = run.account
    token = tokens.access_token_for_pull(account, **transport)
    try:
        result = _fetch(run, token, transport)
    except TokenInvalid:
        # A short-lived token may be revoked before its time (a password
        # change); the refresh token decides whether staff must step in.
        if not tokens.renewable(account):
            raise
        token = tokens.access_token_for_pull(account, refused=token, **transport)
        result = _fetch(run, token, transport)
    rows = store(run, result)
    thumbnails.store_pulled(
        account.pk, result.thumbnails, heartbeat=partial(runs.heartbeat, run)
    )
    problems = list(result.problems)
    if result.deferred:
        # A block mid-pull: the rest waits for tomorrow, what came is kept.
        status = Status.DEFERRED
        problems.append(result.deferred)
    elif result.problems:
        status = Status.PARTIAL
    else:
        status = Status.SUCCEEDED
    return status, rows, "\n".join(problems), result.failed


def _fetch(run: IngestionRun, token: str, transport: dict[str, Any]) -> FetchResult:
    client = client_for(run.account, token, **transport)
    return client.fetch(
        run.window_start, run.window_end, heartbeat=partial(runs.heartbeat, run)
    )


def api_version(platform: str) -> str:
    """The API version the platform's client speaks, kept with each raw
    answer so an audit can tell which definitions of a metric applied."""
    return {
        "instagram": settings.SOCIAL_GRAPH_API_VERSION,
        "facebook": settings.SOCIAL_GRAPH_API_VERSION,
        "youtube": "v3+analytics-v2",
        "tiktok": settings.SOCIAL_TIKTOK_API_VERSION,
    }.get(platform, "")


def store(run: IngestionRun, result: FetchResult) -> int:
    """Write posts, metric values and raw payloads; return rows written."""
    account = run.account
    now = timezone.now()
    with transaction.atomic():
        RawPayload.objects.bulk_create(
            RawPayload(
                run=run,
                endpoint=call.endpoint[:300],
                api_version=api_version(account.platform)[:20],
                status_code=call.status,
                payload=call.payload,
                fetched_at=now,
            )
            for call in result.calls
        )
        ids = _save_posts(account, result.posts)
        written = upsert_account_values(
            (
                AccountValue(account.pk, code, day, value, source)
                for code, day, value, source in result.account_values
            ),
            fetched_at=now,
        )
        written += upsert_post_values(
            (
                PostValue(ids[external], code, day, value, source)
                for external, code, day, value, source in result.post_values
                if external in ids
            ),
            fetched_at=now,
        )
    return written


def _save_posts(account: Any, posts: list[dict]) -> dict[str, int]:
    """Create new posts; refresh link and caption of known ones. The content
    type and topics staff set are never overwritten by a pull."""
    known = {
        p.external_id: p
        for p in Post.objects.filter(
            account=account, external_id__in=[p["external_id"] for p in posts]
        )
    }
    new, changed = [], []
    for data in posts:
        post = known.get(data["external_id"])
        if post is None:
            new.append(Post(account=account, **data))
        elif any(
            getattr(post, name) != data[name] for name in REFRESHED if name in data
        ):
            for name in REFRESHED:
                if name in data:
                    setattr(post, name, data[name])
            changed.append(post)
    Post.objects.bulk_create(new, batch_size=500)
    Post.objects.bulk_update(changed, list(REFRESHED), batch_size=500)
    return dict(
        Post.objects.filter(
            account=account, external_id__in=[p["external_id"] for p in posts]
        ).values_list("external_id", "pk")
    )
