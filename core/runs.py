"""Durable runs: work whose record is a database row, not a broker message.

Report builds, pulls from the platforms and large CSV imports are runs. The
life of each is the same, and written here once:

- **queue**: the row is created and its task sent in one transaction (sent
  only after the commit), under a message id kept on the row;
- **claim**: a worker takes the row with a compare-and-set on that id, so a
  duplicate message skips, while the same message delivered again after its
  worker died (``task_reject_on_worker_lost``) takes it over at once;
- **heartbeat**: while the work runs, a thread writes a sign of life every
  quarter of ``RUN_HEARTBEAT_TIMEOUT_SECONDS``, for as long as the work
  itself makes progress within its kind's timeout;
- **sweep**: a running row whose heartbeat is older than
  ``RUN_HEARTBEAT_TIMEOUT_SECONDS`` lost its worker, a queued row older than
  its kind's timeout lost its message; both are sent again under a new
  message id (the old message, should it come back, no longer matches), and
  a row out of attempts is failed;
- **finish**: the outcome is written only by the execution that holds the
  row, with one entry per attempt in ``attempt_log``.

The broker may lose a message; the table never loses a run. Each kind of run
registers its model, task and executor in its app's ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.db import hold_row

logger = logging.getLogger(__name__)

# What the sweeper writes on a run that lost its worker for the last time.
WORKER_LOST = "worker lost"
ERROR_MAX = 5000
BEAT_JOIN_SECONDS = 10
# What ``execute`` answers when another execution had taken the run over.
SUPERSEDED = "superseded"


class Superseded(Exception):
    """The run is no longer this execution's: the sweeper gave it to another
    message. Work that must not commit after that raises it in its
    transaction (``finish`` said False) to roll back."""


class RunStatus(models.TextChoices):
    """The states every kind of run shares; a kind may add final ones."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class DurableRun(models.Model):
    """The fields of a run that the mechanism reads and writes."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RunStatus.choices,
        default=RunStatus.QUEUED,
    )
    task_id = models.CharField(
        _("task id"),
        max_length=50,
        blank=True,
        help_text=_(
            "The message that may execute this run; a new one on each re-queue."
        ),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(
        _("queued at"),
        default=timezone.now,
        help_text=_("When its message was last sent; the sweeper sends it again."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Written while it runs; a silent run lost its worker."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempt_log = models.JSONField(
        _("attempts made"),
        default=list,
        blank=True,
        help_text=_("One entry per attempt: when, how it ended and rows written."),
    )

    class Meta:
        abstract = True

    @property
    def is_final(self) -> bool:
        return self.status not in ACTIVE


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended: its status, rows written, the error shown, and
    the kind's own fields to set (counts, the report built)."""

    status: str
    rows: int = 0
    error: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    # The work recorded the outcome itself (``finish``), in the transaction
    # of its own writes.
    finished: bool = False


@dataclass(frozen=True)
class Kind:
    """A kind of run: its model, the task that executes it, and its policy."""

    model: type[DurableRun]
    task: Any
    # Does the work of a claimed run and says how it ended; a refusal it
    # expects is an Outcome, anything else it raises fails the run.
    execute: Callable[[Any], Outcome]
    # The kind's own timeout: how long a queued run waits for its message
    # and how long the work may go without progress. Read at each use.
    timeout: Callable[[], datetime.timedelta]
    max_attempts: int
    select_related: tuple[str, ...] = ()
    # An unexpected error gives the run back to the queue (retried after the
    # timeout, up to max_attempts) instead of failing it at once.
    retry_errors: bool = False
    # Inside the transaction that records a finish.
    on_finish: Callable[[Any, Outcome], None] | None = None
    # After a run is failed for good by the sweeper.
    on_give_up: Callable[[Any], None] | None = None
    # After a message found its run taken or ended.
    on_skip: Callable[[int], None] | None = None


KINDS: dict[type[DurableRun], Kind] = {}


def register(kind: Kind) -> None:
    """Make ``kind`` known to queue, execute and sweep (AppConfig.ready())."""
    KINDS[kind.model] = kind


def kind_of(model: type[DurableRun]) -> Kind:
    return KINDS[model]


def new_task_id() -> str:
    return str(uuid.uuid4())


def heartbeat_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_SECONDS)


def error_text(exc: BaseException) -> str:
    """What a run's page shows of a failure: a refusal's own message (already
    in the active language), else the exception as Python prints it."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied) and str(exc):
        return str(exc)
    return "".join(traceback.format_exception_only(exc)).strip()


# --- Queue ------------------------------------------------------------------------


def send(model: type[DurableRun], run_id: int) -> None:
    """Send the run's task under the message id recorded on the run."""
    task_id = model.objects.values_list("task_id", flat=True).get(pk=run_id)
    kind_of(model).task.apply_async(args=[run_id], task_id=task_id)


def send_after_commit(
    run: DurableRun,
    *,
    enqueue: Callable[[int], None] | None = None,
    robust: bool = False,
) -> None:
    """Send the run's task once the current transaction commits.

    ``robust``: a broker that refuses the message is logged, not raised; the
    row is the record and the sweeper sends it again.
    """
    sender = enqueue or partial(send, type(run))
    transaction.on_commit(lambda: sender(run.pk), robust=robust)


def queue(
    model: type[DurableRun],
    *,
    unique: dict[str, Any] | None = None,
    lock: models.Model | None = None,
    enqueue: Callable[[int], None] | None = None,
    **fields: Any,
) -> Any:
    """A queued run of ``model``, its task sent after the commit.

    A run queued or running with the same ``unique`` fields is returned
    instead of a second one; ``lock`` (a row, e.g. the account) is held
    while that is decided, so two callers at once make one run.
    """
    unique = unique or {}
    with transaction.atomic():
        if lock is not None:
            hold_row(lock)
        if unique:
            existing = model.objects.filter(status__in=ACTIVE, **unique).first()
            if existing is not None:
                return existing
        run = model.objects.create(task_id=new_task_id(), **unique, **fields)
        send_after_commit(run, enqueue=enqueue)
    return run


# --- Claim, heartbeat, finish -----------------------------------------------------


def claim(model: type[DurableRun], run_id: int, task_id: str | None = None) -> Any:
    """Take the run for this execution; None when another one has it or it
    ended.

    Without a message id (a run executed in this process) only a queued run
    is taken. A queued run is taken by the message sent for it; a running run
    is taken again only by that same message: a broker redelivers a message
    whose worker died, and its execution must start over at once. Any other
    copy of the task is a duplicate and skips.
    """
    runnable = Q(status=RunStatus.QUEUED)
    if task_id is not None:
        # Runs queued before message ids were recorded have none.
        runnable = Q(status=RunStatus.QUEUED, task_id__in=[task_id, ""]) | Q(
            status=RunStatus.RUNNING, task_id=task_id
        )
    now = timezone.now()
    # Executed in this process, the run takes a message id of its own: a
    # message already sent for it then finds it taken and skips.
    claimed = model.objects.filter(runnable, pk=run_id).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        task_id=task_id or new_task_id(),
    )
    if not claimed:
        return None
    related = kind_of(model).select_related if model in KINDS else ()
    return model.objects.select_related(*related).get(pk=run_id)


class _Beat:
    """The sign of life of one execution, written by a thread."""

    def __init__(self, run: DurableRun, timeout: datetime.timedelta) -> None:
        self.run = run
        self.timeout = timeout.total_seconds()
        self.progress = time.monotonic()
        self.stopped = threading.Event()
        interval = settings.RUN_HEARTBEAT_TIMEOUT_SECONDS / 4
        self.thread = threading.Thread(
            target=self._beat,
            args=(interval,),
            name="heartbeat-{}-{}".format(run._meta.label_lower, run.pk),
            daemon=True,
        )

    def _beat(self, interval: float) -> None:
        touched = False
        while not self.stopped.wait(interval):
            # Work that makes no progress for its kind's timeout is hung:
            # the heartbeat stops, and the sweeper takes the run back.
            if time.monotonic() - self.progress > self.timeout:
                continue
            touched = True
            try:
                _write_heartbeat(self.run)
            except Exception:  # noqa: BLE001 - one missed beat; the next may do
                logger.warning("heartbeat of %s failed", self.run, exc_info=True)
                # A broken connection is opened afresh for the next beat.
                connection.close()
        if touched:
            connection.close()


_BEATS: dict[tuple[str, int], _Beat] = {}


def _held(run: DurableRun) -> models.QuerySet:
    """The run's row while this execution holds it: running, under the
    message id it was claimed with."""
    return type(run).objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, task_id=run.task_id
    )


def _write_heartbeat(run: DurableRun) -> None:
    _held(run).update(heartbeat_at=timezone.now())


def heartbeat(run: DurableRun) -> None:
    """The work made progress: say so now, and keep the thread beating."""
    beat = _BEATS.get((run._meta.label_lower, run.pk))
    if beat is not None:
        beat.progress = time.monotonic()
    _write_heartbeat(run)


@contextmanager
def beating(run: DurableRun, timeout: datetime.timedelta) -> Iterator[None]:
    """Write the run's heartbeat from a thread while the block runs."""
    beat = _Beat(run, timeout)
    key = (run._meta.label_lower, run.pk)
    _BEATS[key] = beat
    beat.thread.start()
    try:
        yield
    finally:
        beat.stopped.set()
        # A beat waiting on a lock must not hold the work's end for ever.
        beat.thread.join(timeout=BEAT_JOIN_SECONDS)
        _BEATS.pop(key, None)


def _attempt(run: DurableRun, status: str, rows: int, now: datetime.datetime) -> dict:
    return {
        "attempt": run.attempts,
        "task_id": run.task_id,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "ended_at": now.isoformat(),
        "status": status,
        "rows": rows,
    }


def _held_log(run: DurableRun) -> list | None:
    """The run's attempt log, its row locked, while this execution holds
    the run; None once the sweeper gave it to another message or it ended."""
    return _held(run).select_for_update().values_list("attempt_log", flat=True).first()


def finish(run: DurableRun, outcome: Outcome) -> bool:
    """Record how the attempt ended; False when the run is no longer this
    execution's (the sweeper gave it to another message, or it ended)."""
    model = type(run)
    now = timezone.now()
    with transaction.atomic():
        held = _held_log(run)
        if held is None:
            return False
        log = [*held, _attempt(run, outcome.status, outcome.rows, now)]
        model.objects.filter(pk=run.pk).update(
            status=outcome.status,
            error=outcome.error[:ERROR_MAX],
            finished_at=now,
            heartbeat_at=now,
            attempt_log=log,
            **outcome.fields,
        )
        kind = KINDS.get(model)
        if kind is not None and kind.on_finish is not None:
            kind.on_finish(run, outcome)
    return True


# --- Execute ------------------------------------------------------------------------


def execute(model: type[DurableRun], run_id: int, task_id: str | None = None) -> str:
    """Claim the run and do its work; return its final status, or "skipped"
    when another execution has it or it already ended."""
    kind = kind_of(model)
    run = claim(model, run_id, task_id)
    if run is None:
        if kind.on_skip is not None:
            kind.on_skip(run_id)
        return "skipped"
    return _execute(kind, run)


def run_inline(run: DurableRun) -> Any:
    """Claim a queued run and do its work in this process (a command, a
    button), recorded like the scheduled ones; the run afterwards, or None
    when another process has it. A failure is recorded, then raised."""
    model = type(run)
    claimed = claim(model, run.pk)
    if claimed is None:
        return None
    _execute(kind_of(model), claimed, raise_refusals=True)
    return model.objects.get(pk=run.pk)


def _execute(kind: Kind, run: DurableRun, *, raise_refusals: bool = False) -> str:
    # Messages a run stores (errors, reports) are in the portal's language.
    with translation.override(settings.LANGUAGE_CODE), beating(run, kind.timeout()):
        try:
            outcome = kind.execute(run)
        except Superseded:
            return SUPERSEDED
        except (ValidationError, PermissionDenied) as exc:
            # A refusal the work expects: the run ends with its message.
            finish(run, Outcome(RunStatus.FAILED, error=error_text(exc)))
            if raise_refusals:
                raise
            return RunStatus.FAILED
        except Exception as exc:
            if kind.retry_errors:
                release(run, error_text(exc))
            else:
                finish(run, Outcome(RunStatus.FAILED, error=error_text(exc)))
            raise
    if outcome.finished or finish(run, outcome):
        return outcome.status
    return SUPERSEDED


def release(run: DurableRun, error: str) -> bool:
    """Give the run back to the queue after an error that may pass (the
    database went away): the sweeper sends it again after its kind's
    timeout, until its attempts are spent. The error stays on the run."""
    model = type(run)
    now = timezone.now()
    with transaction.atomic():
        held = _held_log(run)
        if held is None:
            return False
        model.objects.filter(pk=run.pk).update(
            status=RunStatus.QUEUED,
            error=error[:ERROR_MAX],
            queued_at=now,
            attempt_log=[*held, _attempt(run, "error", 0, now)],
        )
    return True


# --- Sweep ----------------------------------------------------------------------------


def sweep(
    now: datetime.datetime | None = None,
    *,
    model: type[DurableRun] | None = None,
    enqueue: Callable[[int], None] | None = None,
) -> int:
    """Send again the runs whose worker or message was lost; fail those out
    of attempts. Every registered kind, or only ``model``'s; returns how
    many were sent."""
    now = now or timezone.now()
    kinds = [kind_of(model)] if model is not None else list(KINDS.values())
    return sum(_sweep(kind, now, enqueue) for kind in kinds)


def _sweep(
    kind: Kind, now: datetime.datetime, enqueue: Callable[[int], None] | None
) -> int:
    model = kind.model
    silent = now - heartbeat_timeout()
    lost = Q(status=RunStatus.RUNNING) & (
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, started_at__lt=silent)
    )
    unsent = Q(status=RunStatus.QUEUED, queued_at__lt=now - kind.timeout())
    sender = enqueue or partial(send, model)
    requeued = 0
    with transaction.atomic():
        # Two sweepers at once each take different runs.
        for run in model.objects.filter(lost | unsent).select_for_update(
            skip_locked=True
        ):
            log = list(run.attempt_log)
            if run.status == RunStatus.RUNNING:
                log.append(_attempt(run, "lost", 0, now))
            if run.attempts >= kind.max_attempts:
                model.objects.filter(pk=run.pk).update(
                    status=RunStatus.FAILED,
                    error=run.error or WORKER_LOST,
                    finished_at=now,
                    attempt_log=log,
                )
                if kind.on_give_up is not None:
                    transaction.on_commit(partial(kind.on_give_up, run))
                continue
            # A new message id: the lost message, should it turn up after
            # all, no longer matches the run and does nothing.
            model.objects.filter(pk=run.pk).update(
                status=RunStatus.QUEUED,
                queued_at=now,
                task_id=new_task_id(),
                attempt_log=log,
            )
            transaction.on_commit(partial(sender, run.pk), robust=True)
            requeued += 1
    return requeued
