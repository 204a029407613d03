"""Celery plumbing shared by the apps' tasks."""

from __future__ import annotations

import smtplib

from celery import shared_task

from core import files, runs

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


@shared_task
def purge_held_files_task() -> int:
    """Hourly: delete uploads kept for a form that was never sent again
    (core.files; a KTP scan must not linger)."""
    return files.purge_held_files()
