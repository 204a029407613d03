"""Celery plumbing shared by the apps' tasks."""

from __future__ import annotations

import smtplib

from celery import shared_task

from core import runs

# E-mail that fails for a moment is tried again, up to five times.
MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task
def sweep_runs_task() -> int:
    """Every 30 seconds: send again the runs of every kind whose worker or
    message was lost (core.runs)."""
    return runs.sweep()
