"""Scheduled jobs of the yearly service report. Tasks call one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from core.tasks import MAIL_RETRY
from ppid.reports import services


@shared_task(**MAIL_RETRY)
def send_yearly_report_reminder_task() -> int:
    """Daily: remind PPID Utama of last year's unpublished report, from
    1 March (the service decides whether today is a day to send)."""
    with translation.override("id"):
        return services.send_yearly_report_reminder()
