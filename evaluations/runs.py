"""The life of a report run, kept in the database like an ingestion run:
created and sent after the commit, claimed with a compare-and-set on its
message id, swept when its worker or message is lost."""

from __future__ import annotations

import datetime
import traceback
import uuid
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from evaluations.models import ReportRun

Status = ReportRun.Status
MAX_ATTEMPTS = 3


def queue_run(
    month: datetime.date,
    *,
    trigger: str,
    enqueue: Callable[[int], None] | None = None,
    reason: str = "",
    by=None,
) -> ReportRun:
    """A queued run for ``month``, its task sent after the commit; a month
    already queued or running gets that run back. ``reason`` and ``by``
    travel with the task's message (the run has no field for them)."""
    with transaction.atomic():
        existing = ReportRun.objects.filter(
            month=month, status__in=[Status.QUEUED, Status.RUNNING]
        ).first()
        if existing is not None:
            return existing
        run = ReportRun.objects.create(
            month=month, trigger=trigger, task_id=str(uuid.uuid4())
        )
        send = enqueue or partial(_send, reason=reason, by_id=getattr(by, "pk", None))
        transaction.on_commit(lambda: send(run.pk))
    return run


def _send(run_id: int, *, reason: str = "", by_id: int | None = None) -> None:
    from evaluations.tasks import build_report_task

    task_id = ReportRun.objects.values_list("task_id", flat=True).get(pk=run_id)
    kwargs = {"reason": reason, "by_id": by_id} if reason or by_id else {}
    build_report_task.apply_async(args=[run_id], kwargs=kwargs, task_id=task_id)


def error_text(exc: BaseException) -> str:
    """What the run page shows of a failure: a refusal's own message (already
    in the active language), else the exception as Python prints it."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied) and str(exc):
        return str(exc)
    return "".join(traceback.format_exception_only(exc)).strip()


def precheck(month: datetime.date, *, reason: str = "") -> None:
    """The refusals a page can give before queueing: a month not begun, a
    final month without a reason. The task checks again (and more)."""
    from django.utils.translation import gettext as _

    from evaluations.models import MonthlyReport
    from evaluations.services import first_of, today

    if first_of(month) > first_of(today()):
        raise ValidationError(
            {"month": _("A month that has not begun cannot be scored.")}
        )
    latest = (
        MonthlyReport.objects.filter(month=first_of(month))
        .order_by("-version")
        .values_list("status", flat=True)
        .first()
    )
    if latest == MonthlyReport.Status.FINAL and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "This month's report is final: give the reason for a new version."
                )
            }
        )


def claim(run_id: int, task_id: str | None = None) -> ReportRun | None:
    """Take the run for this execution; None when another one has it."""
    runnable = Q(status=Status.QUEUED)
    if task_id is not None:
        runnable = Q(status=Status.QUEUED, task_id=task_id) | Q(
            status=Status.RUNNING, task_id=task_id
        )
    taken = ReportRun.objects.filter(runnable, pk=run_id).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    return ReportRun.objects.get(pk=run_id) if taken else None


def run_now(
    month: datetime.date, *, trigger: str, by=None, reason: str = ""
) -> ReportRun:
    """Compute a month in this process (the command, a reviewer's button),
    recorded as a run like the scheduled ones."""
    from django.utils.translation import gettext as _

    run = claim(queue_run(month, trigger=trigger, enqueue=lambda run_id: None).pk)
    if run is None:
        raise ValidationError({"month": _("Another process is computing this month.")})
    return execute(run, reason=reason, by=by)


def execute(run: ReportRun, *, reason: str = "", by=None) -> ReportRun:
    """Build the run's month and record the outcome on the run."""
    from evaluations.services import build_report

    try:
        report = build_report(run.month, by=by, reason=reason)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, then raised
        ReportRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED,
            error=error_text(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.SUCCEEDED,
        report=report,
        opds=report.scores.count(),
        error="",
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def sweep(now: datetime.datetime | None = None, *, enqueue=None) -> int:
    """Send again the runs whose worker or message was lost."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.SOCIAL_RUN_TIMEOUT_MINUTES)
    requeued = 0
    with transaction.atomic():
        stale = ReportRun.objects.filter(
            Q(status=Status.QUEUED, queued_at__lt=cutoff)
            | Q(status=Status.RUNNING, started_at__lt=cutoff)
        ).select_for_update(skip_locked=True)
        for run in stale:
            if run.attempts >= MAX_ATTEMPTS:
                ReportRun.objects.filter(pk=run.pk).update(
                    status=Status.FAILED,
                    error=run.error or "worker lost",
                    finished_at=now,
                )
                continue
            ReportRun.objects.filter(pk=run.pk).update(
                status=Status.QUEUED, queued_at=now, task_id=str(uuid.uuid4())
            )
            transaction.on_commit(lambda run_id=run.pk: (enqueue or _send)(run_id))
            requeued += 1
    return requeued
