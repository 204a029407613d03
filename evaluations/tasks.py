"""Celery tasks of the monthly evaluation. Tasks take ids and call one
service; the run row in the database says what happened."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core import runs
from core.months import previous_month
from evaluations.models import ReportRun
from evaluations.notify import send_final_report
from evaluations.runs import queue_run


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def build_report_task(self, run_id: int) -> str:
    """Claim the run and compute its month's draft (evaluations.services.build_run).
    A refusal (the month is open for reply, a final month without a reason)
    ends the run as failed with its message; it is not retried."""
    return runs.execute(ReportRun, run_id, self.request.id)


@shared_task
def schedule_monthly_report_task() -> int:
    """The 1st at 03:00 WIB: the previous month's draft."""
    month = previous_month(timezone.localdate())
    return queue_run(month, trigger=ReportRun.Trigger.SCHEDULE).pk


@shared_task
def send_final_report_task(report_id: int) -> int:
    """E-mail a final month to each OPD's admins and to Dinkominfo."""
    return send_final_report(report_id)
