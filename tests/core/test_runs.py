"""The one durable-run mechanism (core.runs), for its three kinds: report
runs, pulls and CSV import jobs. Each kind's own policy is tested with it
(tests/evaluations/test_build_progress.py, tests/socialposts/test_runs.py,
tests/socialposts/test_import_jobs.py); here, what they share."""

from __future__ import annotations

import dataclasses
import datetime
import time

import pytest
from django.utils import timezone

from core import runs
from evaluations.models import ReportRun
from socialposts.imports.models import ImportJob
from socialposts.pulls import services as pulls
from socialposts.pulls.models import IngestionRun
from tests.factories import SocialAccountFactory

MONTH = datetime.date(2026, 10, 1)


def _report_run(**fields):
    return ReportRun.objects.create(
        month=MONTH, trigger="schedule", task_id=runs.new_task_id(), **fields
    )


def _pull_run(**fields):
    today = timezone.localdate()
    return IngestionRun.objects.create(
        account=SocialAccountFactory(),
        trigger="schedule",
        window_start=today,
        window_end=today,
        task_id=runs.new_task_id(),
        **fields,
    )


def _import_job(**fields):
    return ImportJob.objects.create(
        account=SocialAccountFactory(),
        original_name="ekspor.csv",
        as_of=timezone.localdate(),
        task_id=runs.new_task_id(),
        **fields,
    )


MAKERS = {ReportRun: _report_run, IngestionRun: _pull_run, ImportJob: _import_job}
KINDS = pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)


# The heartbeat thread has its own database connection: its tests commit.
# Serialized rollback leaves the database as the end-to-end tests that run
# after them expect it (flushed, the data migrations' rows reloaded).
THREADED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def swap_kind():
    """Replace parts of a registered kind for one test."""
    saved = dict(runs.KINDS)

    def swap(model, **changes):
        runs.KINDS[model] = dataclasses.replace(runs.KINDS[model], **changes)

    yield swap
    runs.KINDS.clear()
    runs.KINDS.update(saved)


def test_every_kind_is_registered_with_its_task():
    assert set(runs.KINDS) == {ReportRun, IngestionRun, ImportJob}
    names = {kind.model: kind.task.name for kind in runs.KINDS.values()}
    assert names == {
        ReportRun: "evaluations.tasks.build_report_task",
        IngestionRun: "socialposts.pulls.tasks.pull_account_task",
        ImportJob: "socialposts.imports.tasks.import_csv_task",
    }


@pytest.mark.django_db
@KINDS
def test_a_run_is_claimed_by_its_own_message_only(model):
    run = MAKERS[model]()
    assert runs.claim(model, run.pk, "another-message") is None
    claimed = runs.claim(model, run.pk, run.task_id)
    assert claimed.status == "running" and claimed.attempts == 1
    assert claimed.heartbeat_at is not None
    # The broker hands the same message out again after its worker died.
    assert runs.claim(model, run.pk, run.task_id).attempts == 2
    assert runs.claim(model, run.pk, "a-duplicate") is None


@pytest.mark.django_db
@KINDS
def test_the_sweeper_judges_a_running_run_by_its_heartbeat(model, settings):
    """Recovery does not wait for the kind's timeout (15 minutes): a heartbeat
    older than RUN_HEARTBEAT_TIMEOUT_SECONDS means the worker is gone."""
    settings.RUN_HEARTBEAT_TIMEOUT_SECONDS = 60
    settings.REPORT_RUN_TIMEOUT_MINUTES = 15
    settings.SOCIAL_RUN_TIMEOUT_MINUTES = 15
    settings.SOCIAL_IMPORT_TIMEOUT_MINUTES = 15
    run = runs.claim(model, MAKERS[model]().pk)
    sent = []
    now = timezone.now()
    model.objects.filter(pk=run.pk).update(
        heartbeat_at=now - datetime.timedelta(seconds=30)
    )
    assert runs.sweep(now, model=model, enqueue=sent.append) == 0
    model.objects.filter(pk=run.pk).update(
        heartbeat_at=now - datetime.timedelta(seconds=61)
    )
    assert runs.sweep(now, model=model, enqueue=sent.append) == 1
    swept = model.objects.get(pk=run.pk)
    assert swept.status == "queued" and swept.task_id != run.task_id
    # The lost attempt is on record.
    assert [a["status"] for a in swept.attempt_log] == ["lost"]
    assert swept.attempt_log[0]["task_id"] == run.task_id


@pytest.mark.django_db
@KINDS
def test_a_queued_run_waits_for_its_kinds_own_timeout(model, settings):
    settings.REPORT_RUN_TIMEOUT_MINUTES = 7
    settings.SOCIAL_RUN_TIMEOUT_MINUTES = 7
    settings.SOCIAL_IMPORT_TIMEOUT_MINUTES = 7
    run = MAKERS[model]()
    soon = run.queued_at + datetime.timedelta(minutes=6)
    later = run.queued_at + datetime.timedelta(minutes=8)
    assert runs.sweep(soon, model=model, enqueue=lambda run_id: None) == 0
    assert runs.sweep(later, model=model, enqueue=lambda run_id: None) == 1


@pytest.mark.django_db
@KINDS
def test_a_superseded_execution_cannot_finish_the_run(model):
    run = runs.claim(model, MAKERS[model]().pk)
    later = timezone.now() + datetime.timedelta(hours=1)
    assert runs.sweep(later, model=model, enqueue=lambda run_id: None) == 1
    # The old execution comes back from the dead and reports success.
    assert runs.finish(run, runs.Outcome("succeeded", rows=5)) is False
    assert model.objects.get(pk=run.pk).status == "queued"


@pytest.mark.django_db
def test_every_attempt_is_logged_with_the_rows_it_wrote(settings):
    account = SocialAccountFactory()
    run = pulls.queue_pull(account, trigger="schedule", enqueue=lambda run_id: None)
    first = runs.claim(IngestionRun, run.pk)
    later = timezone.now() + datetime.timedelta(hours=1)
    runs.sweep(later, model=IngestionRun, enqueue=lambda run_id: None)
    second = runs.claim(IngestionRun, run.pk)
    assert runs.finish(
        second,
        runs.Outcome("succeeded", rows=12, fields={"rows_written": 12}),
    )
    done = IngestionRun.objects.get(pk=run.pk)
    assert [(a["attempt"], a["status"], a["rows"]) for a in done.attempt_log] == [
        (1, "lost", 0),
        (2, "succeeded", 12),
    ]
    assert done.attempt_log[0]["task_id"] == first.task_id
    assert done.rows_written == 12 and done.attempts == 2
    # The pulls' own part of a finish: the account is fresh again.
    account.refresh_from_db()
    assert account.last_success_at is not None


@pytest.mark.django_db
@KINDS
def test_a_run_out_of_attempts_is_failed_not_sent_again(model):
    run = runs.claim(model, MAKERS[model]().pk)
    model.objects.filter(pk=run.pk).update(attempts=runs.KINDS[model].max_attempts)
    sent = []
    later = timezone.now() + datetime.timedelta(hours=1)
    assert runs.sweep(later, model=model, enqueue=sent.append) == 0
    failed = model.objects.get(pk=run.pk)
    assert sent == [] and failed.status == "failed" and failed.error == "worker lost"


@THREADED
def test_a_thread_beats_while_the_work_runs(settings, swap_kind):
    """The heartbeat is a sign of life, written while the work runs however
    long it takes, without the work having to say anything."""
    settings.RUN_HEARTBEAT_TIMEOUT_SECONDS = 4  # a beat every second
    beats = []

    def slow(run):
        before = ReportRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(2.6)
        beats.append((before, ReportRun.objects.get(pk=run.pk).heartbeat_at))
        return runs.Outcome("succeeded")

    swap_kind(ReportRun, execute=slow)
    run = _report_run()
    assert runs.execute(ReportRun, run.pk) == "succeeded"
    ((before, after),) = beats
    assert after > before + datetime.timedelta(seconds=1.5)


@THREADED
def test_work_without_progress_stops_beating(settings, swap_kind):
    """Hung work must not look alive for ever: past its kind's timeout
    without progress, the thread stops and the sweeper takes the run back."""
    settings.RUN_HEARTBEAT_TIMEOUT_SECONDS = 4
    seen = []

    def hung(run):
        start = ReportRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(2.6)
        seen.append((start, ReportRun.objects.get(pk=run.pk).heartbeat_at))
        return runs.Outcome("succeeded")

    swap_kind(ReportRun, execute=hung, timeout=lambda: datetime.timedelta(seconds=0.5))
    run = _report_run()
    runs.execute(ReportRun, run.pk)
    ((start, last),) = seen
    assert last == start


@THREADED
def test_progress_keeps_the_heartbeat_going(settings, swap_kind):
    settings.RUN_HEARTBEAT_TIMEOUT_SECONDS = 4
    seen = []

    def working(run):
        start = ReportRun.objects.get(pk=run.pk).heartbeat_at
        for _ in range(6):
            time.sleep(0.45)
            runs.heartbeat(run)
        seen.append((start, ReportRun.objects.get(pk=run.pk).heartbeat_at))
        return runs.Outcome("succeeded")

    swap_kind(
        ReportRun, execute=working, timeout=lambda: datetime.timedelta(seconds=0.5)
    )
    runs.execute(ReportRun, _report_run().pk)
    ((start, last),) = seen
    assert last > start + datetime.timedelta(seconds=2)


@pytest.mark.django_db
def test_a_refusal_fails_the_run_with_its_message_and_is_not_raised(swap_kind):
    from django.core.exceptions import ValidationError

    def refuse(run):
        raise ValidationError({"month": "Bulan ini belum dimulai."})

    swap_kind(ReportRun, execute=refuse)
    run = _report_run()
    assert runs.execute(ReportRun, run.pk, run.task_id) == "failed"
    failed = ReportRun.objects.get(pk=run.pk)
    assert failed.error == "Bulan ini belum dimulai."
    assert [a["status"] for a in failed.attempt_log] == ["failed"]


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_run_and_is_raised(swap_kind):
    def broken(run):
        raise RuntimeError("the disk is full")

    swap_kind(ReportRun, execute=broken)
    run = _report_run()
    with pytest.raises(RuntimeError):
        runs.execute(ReportRun, run.pk, run.task_id)
    failed = ReportRun.objects.get(pk=run.pk)
    assert failed.status == "failed" and "the disk is full" in failed.error


@pytest.mark.django_db
def test_a_pull_that_stops_on_an_unexpected_error_is_tried_again(
    swap_kind, django_capture_on_commit_callbacks
):
    """As the old pull task left such a run to the sweeper: the run goes
    back to the queue with its error, and is sent again after its timeout
    until its attempts are spent; the error stays on record."""

    def broken(run):
        raise RuntimeError("the database went away")

    swap_kind(IngestionRun, execute=broken)
    run = _pull_run()
    with pytest.raises(RuntimeError):
        runs.execute(IngestionRun, run.pk, run.task_id)
    released = IngestionRun.objects.get(pk=run.pk)
    assert released.status == "queued" and "went away" in released.error
    assert [a["status"] for a in released.attempt_log] == ["error"]
    sent = []
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.sweep(later, model=IngestionRun, enqueue=sent.append) == 1
    assert sent == [run.pk]
    IngestionRun.objects.filter(pk=run.pk).update(attempts=pulls.MAX_ATTEMPTS)
    runs.sweep(later + datetime.timedelta(hours=1), model=IngestionRun)
    failed = IngestionRun.objects.get(pk=run.pk)
    assert failed.status == "failed" and "went away" in failed.error


@pytest.mark.django_db
def test_a_run_executed_in_process_takes_its_own_message_id(swap_kind):
    """A message already sent for a queued run that a command then executes
    in its own process finds the run taken and skips."""
    swap_kind(ReportRun, execute=lambda run: runs.Outcome("succeeded"))
    run = _report_run()
    in_flight = run.task_id
    done = runs.run_inline(run)
    assert done.status == "succeeded" and done.task_id != in_flight
    assert runs.execute(ReportRun, run.pk, in_flight) == "skipped"
