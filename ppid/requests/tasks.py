"""Scheduled jobs of the request register. Tasks take ids and call one
service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from core.tasks import MAIL_RETRY
from opds.models import User
from ppid.requests import services


@shared_task
def recompute_request_deadlines_task() -> int:
    """After the calendar's overrides change: move open requests' deadlines."""
    return services.recompute_open_deadlines()


@shared_task
def send_request_digests_task() -> int:
    """Daily: one digest per OPD admin and PPID Utama with requests due soon."""
    user_ids = services.digest_recipients()
    for user_id in user_ids:
        send_request_digest_task.delay(user_id)
    return len(user_ids)


@shared_task(**MAIL_RETRY)
def send_request_digest_task(user_id: int) -> int:
    """E-mail one user the requests due soon or overdue."""
    with translation.override("id"):
        return services.send_request_digest(user=User.objects.get(pk=user_id))


@shared_task
def delete_expired_identity_scans_task() -> int:
    """Daily: identity scans kept past their retention period are deleted."""
    return services.delete_expired_identity_scans()
