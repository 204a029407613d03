"""Celery tasks of the social-media pulls. Tasks take ids; the run row in
the database says what happened, whatever the broker does."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def import_csv_task(self, job_id: int) -> str:
    """Check and import a stored CSV export; the job row holds the outcome."""
    from django.conf import settings
    from django.utils import translation

    from socialposts.imports import run_import_job

    # The per-row report is stored as text, in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        return run_import_job(job_id=job_id, task_id=self.request.id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def pull_account_task(self, run_id: int) -> str:
    """Claim the run and pull its account; a run already taken is skipped."""
    from socialposts import runs
    from socialposts.clients import (
        PlatformError,
        QuotaExceeded,
        TokenInvalid,
        Transient,
    )
    from socialposts.models import IngestionRun, SocialAccount
    from socialposts.pipeline import pull

    run = runs.claim(run_id, self.request.id)
    if run is None:
        return "skipped"
    Status = IngestionRun.Status
    try:
        status, rows, problems = pull(run)
    except TokenInvalid as exc:
        # Retrying cannot help: staff must reconnect the account.
        SocialAccount.objects.filter(pk=run.account_id).update(
            token_revoked_at=timezone.now()
        )
        runs.finish(run, Status.FAILED, error=str(exc))
        return Status.FAILED
    except QuotaExceeded as exc:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        SocialAccount.objects.filter(pk=run.account_id).update(deferred_until=tomorrow)
        runs.finish(run, Status.DEFERRED, error=str(exc))
        return Status.DEFERRED
    except (Transient, PlatformError) as exc:
        # The client's retries are spent; tomorrow's window covers the days.
        runs.finish(run, Status.FAILED, error=str(exc))
        return Status.FAILED
    runs.finish(run, status, rows=rows, error=problems)
    return status


@shared_task
def schedule_daily_pulls_task() -> int:
    """02:00 WIB: one run, and one task, per API-connected account."""
    from socialposts import runs
    from socialposts.models import IngestionRun, SocialAccount

    today = timezone.localdate()
    accounts = SocialAccount.objects.filter(
        connection=SocialAccount.Connection.API, is_active=True, token_revoked_at=None
    ).exclude(deferred_until__gt=today)
    count = 0
    for account in accounts.iterator():
        runs.queue_run(account, trigger=IngestionRun.Trigger.SCHEDULE)
        count += 1
    return count


@shared_task
def sweep_runs_task() -> int:
    """Every 5 minutes: re-queue runs whose worker or message was lost, and
    import jobs whose message was lost."""
    from socialposts import imports, runs

    return runs.sweep() + imports.sweep_import_jobs()


@shared_task
def purge_raw_payloads_task() -> int:
    """Daily: raw API answers older than SOCIAL_RAW_PAYLOAD_DAYS are deleted."""
    from socialposts.models import RawPayload, raw_payload_retention

    cutoff = timezone.now() - raw_payload_retention()
    deleted, _ = RawPayload.objects.filter(fetched_at__lt=cutoff).delete()
    return deleted


@shared_task
def refresh_expiring_tokens_task() -> int:
    """Daily: Instagram tokens expiring within 7 days are exchanged for fresh
    ones; a refused token marks its account as needing reconnection."""
    from socialposts import tokens
    from socialposts.clients import PlatformError, TokenInvalid, refresh_instagram_token
    from socialposts.models import EXPIRING_WITHIN, SocialAccount

    now = timezone.now()
    due = SocialAccount.objects.filter(
        connection=SocialAccount.Connection.API,
        platform="instagram",
        token_revoked_at=None,
        token_expires_at__gt=now,
        token_expires_at__lte=now + EXPIRING_WITHIN,
    )
    refreshed = 0
    for account in due:
        try:
            token, expires = refresh_instagram_token(tokens.access_token(account))
        except TokenInvalid:
            SocialAccount.objects.filter(pk=account.pk).update(token_revoked_at=now)
            continue
        except PlatformError:
            continue  # tried again tomorrow, still inside the 7 days
        tokens.set_tokens(account, access=token, expires_at=expires)
        refreshed += 1
    return refreshed
