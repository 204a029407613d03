"""The life of an ingestion run, kept in the database.

A run is created and its task queued in one transaction (the task is sent
only after the commit); a worker claims it with a compare-and-set, so a run
delivered twice is executed once at a time; a sweeper re-queues runs whose
worker went silent (killed, or its Redis restarted without persistence).
The broker may lose a message; the table never loses a run.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from socialposts.models import IngestionRun, SocialAccount

Status = IngestionRun.Status
# After this many attempts a run is failed for good and waits for tomorrow.
MAX_ATTEMPTS = 5


def pull_window(
    day: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """The days pulled every night: platform data lags up to 48 hours."""
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=settings.SOCIAL_PULL_WINDOW_DAYS - 1), day


def queue_run(
    account: SocialAccount,
    *,
    trigger: str,
    window: tuple[datetime.date, datetime.date] | None = None,
    enqueue: Callable[[int], None] | None = None,
) -> IngestionRun:
    """Create a queued run for ``account`` and send its task after commit.

    An account that already has a run queued or running for the same window
    gets that run back instead of a second one.
    """
    start, end = window or pull_window()
    with transaction.atomic():
        SocialAccount.objects.select_for_update().filter(pk=account.pk).exists()
        existing = IngestionRun.objects.filter(
            account=account,
            window_start=start,
            window_end=end,
            status__in=[Status.QUEUED, Status.RUNNING],
        ).first()
        if existing is not None:
            return existing
        run = IngestionRun.objects.create(
            account=account,
            trigger=trigger,
            window_start=start,
            window_end=end,
            task_id=str(uuid.uuid4()),
        )
        send = enqueue or _send
        transaction.on_commit(lambda: send(run.pk))
    return run


def _send(run_id: int) -> None:
    """Send the run's task under the message id recorded on the run."""
    from socialposts.tasks import pull_account_task

    task_id = IngestionRun.objects.values_list("task_id", flat=True).get(pk=run_id)
    pull_account_task.apply_async(args=[run_id], task_id=task_id)


def claim(run_id: int, task_id: str | None = None) -> IngestionRun | None:
    """Take the run for this execution; None if another has it or it ended.

    A queued run is taken by the message sent for it. A running run is taken
    again only by that same message: a broker redelivers a message whose
    worker died (``task_reject_on_worker_lost``), and its execution must
    start over at once; any other copy of the task is a duplicate and skips.
    """
    now = timezone.now()
    runnable = Q(status=Status.QUEUED)
    if task_id is not None:
        runnable = Q(status=Status.QUEUED, task_id__in=[task_id, ""]) | Q(
            status=Status.RUNNING, task_id=task_id
        )
    claimed = IngestionRun.objects.filter(runnable, pk=run_id).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
    )
    if not claimed:
        return None
    return IngestionRun.objects.select_related("account").get(pk=run_id)


def heartbeat(run: IngestionRun) -> None:
    """A long pull says it is alive, so the sweeper leaves it alone."""
    IngestionRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def finish(run: IngestionRun, status: str, *, rows: int = 0, error: str = "") -> None:
    """Record the end of a run; a success also marks the account fresh."""
    now = timezone.now()
    with transaction.atomic():
        IngestionRun.objects.filter(pk=run.pk).update(
            status=status,
            rows_written=F("rows_written") + rows,
            error=error[:5000],
            finished_at=now,
            heartbeat_at=now,
        )
        if status in (Status.SUCCEEDED, Status.PARTIAL):
            SocialAccount.objects.filter(pk=run.account_id).update(last_success_at=now)


def release(run: IngestionRun, error: str) -> None:
    """Give a run back to the queue after a failure that may pass."""
    IngestionRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
        status=Status.QUEUED, error=error[:5000]
    )


def sweep(
    now: datetime.datetime | None = None,
    *,
    enqueue: Callable[[int], None] | None = None,
) -> int:
    """Re-queue runs whose worker went silent; fail those out of attempts.

    A running run with no heartbeat for ``SOCIAL_RUN_TIMEOUT_MINUTES`` lost
    its worker; a queued run that old lost its message. Both are sent again.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.SOCIAL_RUN_TIMEOUT_MINUTES)
    stuck = IngestionRun.objects.filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=Status.QUEUED, queued_at__lt=cutoff)
    )
    send = enqueue or _send
    requeued = 0
    with transaction.atomic():
        # Two sweepers at once each take different runs.
        for run in stuck.select_for_update(skip_locked=True):
            if run.attempts >= MAX_ATTEMPTS:
                finish(run, Status.FAILED, error=run.error or "worker lost")
                continue
            # A new message id: the lost message, should it turn up after
            # all, no longer matches the run and does nothing.
            IngestionRun.objects.filter(pk=run.pk).update(
                status=Status.QUEUED, queued_at=now, task_id=str(uuid.uuid4())
            )
            transaction.on_commit(lambda run_id=run.pk: send(run_id))
            requeued += 1
    return requeued
