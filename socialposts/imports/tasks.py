"""Celery task of the large CSV imports. It takes the job's id; the job row
says what happened."""

from __future__ import annotations

from celery import shared_task

from core import runs
from socialposts.imports.models import ImportJob


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def import_csv_task(self, job_id: int) -> str:
    """Check and import a stored CSV export (socialposts.imports.services.
    execute); a job already taken or ended is skipped."""
    return runs.execute(ImportJob, job_id, self.request.id)
