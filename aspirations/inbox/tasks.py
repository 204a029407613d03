"""Scheduled jobs of the aspiration inbox. Tasks take ids and call one
service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from aspirations.inbox import notices, services
from core.tasks import MAIL_RETRY
from opds.models import User


@shared_task
def close_silent_cases_task() -> int:
    """Daily: followed-up cases whose citizen stayed silent are closed."""
    return services.close_silent_cases()


@shared_task
def escalate_breached_cases_task() -> int:
    """Every 15 minutes: one escalation per case whose clock ran out."""
    case_ids = notices.escalation_candidates()
    for case_id in case_ids:
        escalate_case_task.delay(case_id)
    return len(case_ids)


@shared_task(**MAIL_RETRY)
def escalate_case_task(case_id: int) -> bool:
    """Escalate one case to the head of its OPD (once)."""
    with translation.override("id"):
        return notices.escalate(case_id=case_id)


@shared_task
def send_inbox_digests_task() -> int:
    """Daily: one digest per OPD admin and coordinator with cases waiting."""
    user_ids = notices.digest_recipients()
    for user_id in user_ids:
        send_inbox_digest_task.delay(user_id)
    return len(user_ids)


@shared_task(**MAIL_RETRY)
def send_inbox_digest_task(user_id: int) -> int:
    """E-mail one user the inbox's cases waiting for them."""
    with translation.override("id"):
        return notices.send_digest(user=User.objects.get(pk=user_id))
