"""Scheduled catalogue jobs. Tasks take ids and call one service each."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone, translation


@shared_task
def send_freshness_reminders_task() -> int:
    """Weekly: one reminder task per OPD that has due or overdue items."""
    from ppid.models import InformationItem

    opd_ids = list(
        InformationItem.objects.berkala_needing_update(timezone.localdate())
        .order_by()
        .values_list("opd_id", flat=True)
        .distinct()
    )
    for opd_id in opd_ids:
        send_opd_freshness_reminder_task.delay(opd_id)
    return len(opd_ids)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_opd_freshness_reminder_task(opd_id: int) -> int:
    from opds.models import Opd
    from ppid.services import send_freshness_reminder

    with translation.override("id"):
        return send_freshness_reminder(opd=Opd.objects.get(pk=opd_id))


@shared_task
def send_exclusion_end_reminders_task() -> int:
    """Daily: remind PPID Utama 30 working days before an exclusion ends."""
    from ppid.services import exclusions_needing_reminder

    decisions = exclusions_needing_reminder()
    for decision in decisions:
        send_exclusion_end_reminder_task.delay(decision.pk)
    return len(decisions)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_exclusion_end_reminder_task(decision_id: int) -> bool:
    from ppid.models import ExclusionDecision
    from ppid.services import send_exclusion_end_reminder

    with translation.override("id"):
        return send_exclusion_end_reminder(
            decision=ExclusionDecision.objects.get(pk=decision_id)
        )


@shared_task
def recompute_request_deadlines_task() -> int:
    """After the calendar's overrides change: move open requests' deadlines."""
    from ppid.request_services import recompute_open_deadlines

    return recompute_open_deadlines()


@shared_task
def send_request_digests_task() -> int:
    """Daily: one digest per OPD admin and PPID Utama with requests due soon."""
    from ppid.request_services import digest_recipients

    user_ids = digest_recipients()
    for user_id in user_ids:
        send_request_digest_task.delay(user_id)
    return len(user_ids)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_request_digest_task(user_id: int) -> int:
    from opds.models import User
    from ppid.request_services import send_request_digest

    with translation.override("id"):
        return send_request_digest(user=User.objects.get(pk=user_id))


@shared_task
def delete_expired_identity_scans_task() -> int:
    """Daily: identity scans kept past their retention period are deleted."""
    from ppid.request_services import delete_expired_identity_scans

    return delete_expired_identity_scans()
