"""Celery tasks of the social-media pulls. Tasks take ids; the run row in
the database says what happened, whatever the broker does."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, reject_on_worker_lost=True)
def pull_account_task(run_id: int) -> str:
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

    run = runs.claim(run_id)
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
def sweep_runs_task() -> int:
    """Every 5 minutes: re-queue runs whose worker or message was lost."""
    from socialposts import runs

    return runs.sweep()
