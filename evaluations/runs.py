"""Report runs: computing a month's draft as a durable run (core.runs),
from the schedule, the command line or a reviewer's button. The work
itself is ``evaluations.services.build_run``."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import runs
from core.months import first_of
from evaluations.models import ReportRun
from opds.models import User

Status = ReportRun.Status
MAX_ATTEMPTS = 3


def timeout() -> datetime.timedelta:
    """How long a build may go without progress, or wait for its message."""
    return datetime.timedelta(minutes=settings.REPORT_RUN_TIMEOUT_MINUTES)


def queue_run(
    month: datetime.date,
    *,
    trigger: str,
    enqueue: Callable[[int], None] | None = None,
    reason: str = "",
    by: User | None = None,
) -> ReportRun:
    """A queued run for ``month``, its task sent after the commit; a month
    already queued or running gets that run back."""
    return runs.queue(
        ReportRun,
        unique={"month": first_of(month)},
        enqueue=enqueue,
        trigger=trigger,
        reason=reason,
        requested_by=by,
    )


def run_now(
    month: datetime.date, *, trigger: str, by: User | None = None, reason: str = ""
) -> ReportRun:
    """Compute a month in this process (the command line), recorded as a
    run like the scheduled ones; a refusal is raised after it is recorded."""
    queued = queue_run(
        month, trigger=trigger, reason=reason, by=by, enqueue=lambda run_id: None
    )
    run = runs.run_inline(queued)
    if run is None:
        raise ValidationError({"month": _("Another process is computing this month.")})
    return run
