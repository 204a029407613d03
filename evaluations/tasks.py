"""Celery tasks of the monthly evaluation. Tasks take ids; the run row in
the database says what happened."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def build_report_task(
    self, run_id: int, reason: str = "", by_id: int | None = None
) -> str:
    """Claim the run and compute its month's draft. A refusal (the month is
    open for reply, a final month without a reason) ends the run as failed
    with its message, in the portal's language; it is not retried."""
    from django.conf import settings
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from evaluations import runs
    from opds.models import User

    run = runs.claim(run_id, self.request.id)
    if run is None:
        return "skipped"
    by = User.objects.filter(pk=by_id).first() if by_id else None
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return runs.execute(run, reason=reason, by=by).status
        except (ValidationError, PermissionDenied):
            return runs.Status.FAILED


@shared_task
def schedule_monthly_report_task() -> int:
    """The 1st at 03:00 WIB: the previous month's draft."""
    from django.utils import timezone

    from evaluations import runs
    from evaluations.models import ReportRun
    from evaluations.services import previous_month

    run = runs.queue_run(
        previous_month(timezone.localdate()), trigger=ReportRun.Trigger.SCHEDULE
    )
    return run.pk


@shared_task
def sweep_report_runs_task() -> int:
    """Every 5 minutes: re-send report runs whose worker or message was lost."""
    from evaluations import runs

    return runs.sweep()


@shared_task
def send_final_report_task(report_id: int) -> int:
    """E-mail a final month to each OPD's admins and to Dinkominfo."""
    from evaluations.notify import send_final_report

    return send_final_report(report_id)
