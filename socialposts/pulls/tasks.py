"""Celery tasks of the social-media pulls. Tasks take ids and call one
service; the run row in the database says what happened, whatever the
broker does."""

from __future__ import annotations

from celery import shared_task

from core import runs
from socialposts.pulls import services, tokens
from socialposts.pulls.models import IngestionRun


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def pull_account_task(self, run_id: int) -> str:
    """Claim the run and pull its account (socialposts.pulls.services.execute);
    a run already taken is skipped."""
    return runs.execute(IngestionRun, run_id, self.request.id)


@shared_task
def schedule_daily_pulls_task() -> int:
    """02:00 WIB: one run, and one task, per API-connected account."""
    return services.queue_daily_pulls()


@shared_task
def purge_raw_payloads_task() -> int:
    """Daily: raw API answers older than SOCIAL_RAW_PAYLOAD_DAYS are deleted."""
    return services.purge_raw_payloads()


@shared_task
def refresh_expiring_tokens_task() -> int:
    """Daily: Instagram tokens expiring within 7 days are exchanged for fresh
    ones; a refused token marks its account as needing reconnection."""
    return tokens.refresh_expiring_tokens()
