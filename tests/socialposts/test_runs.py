"""Pull runs (core.runs with the pulls' policy): queued once, claimed once,
swept when their worker is lost."""

import datetime

import pytest
from django.utils import timezone

from core import runs
from socialposts.accounts.models import SocialAccount
from socialposts.pulls import services as pulls
from socialposts.pulls.models import IngestionRun
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db
Status = IngestionRun.Status


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run ids handed to the queue, once the transaction commits."""
    queue: list[int] = []
    return queue


def queue(account, sent, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return pulls.queue_pull(
            account, trigger="schedule", enqueue=sent.append, **kwargs
        )


def test_one_run_per_account_and_window_and_sent_after_commit(
    sent, django_capture_on_commit_callbacks
):
    account = SocialAccountFactory()
    first = queue(account, sent, django_capture_on_commit_callbacks)
    again = queue(account, sent, django_capture_on_commit_callbacks)
    assert first == again and sent == [first.pk]
    # Each platform's lookback: Meta 5 days, YouTube 7, TikTok 3.
    day = datetime.date(2026, 3, 16)
    for platform, days in (("instagram", 5), ("youtube", 7), ("tiktok", 3)):
        start, end = pulls.pull_window(day, platform)
        assert (end - start).days + 1 == days and end == day


def test_a_run_is_claimed_once(sent, django_capture_on_commit_callbacks):
    run = queue(SocialAccountFactory(), sent, django_capture_on_commit_callbacks)
    claimed = runs.claim(IngestionRun, run.pk)
    assert claimed is not None and claimed.status == Status.RUNNING
    assert claimed.attempts == 1
    assert runs.claim(IngestionRun, run.pk) is None  # a duplicate delivery does nothing


def test_finish_marks_the_account_fresh(sent, django_capture_on_commit_callbacks):
    account = SocialAccountFactory()
    assert account.is_stale()
    run = runs.claim(
        IngestionRun, queue(account, sent, django_capture_on_commit_callbacks).pk
    )
    runs.finish(
        run,
        runs.Outcome(Status.SUCCEEDED, rows=42, fields={"rows_written": 42}),
    )
    account.refresh_from_db()
    run.refresh_from_db()
    assert not account.is_stale() and run.rows_written == 42 and run.is_final
    later = timezone.now() + datetime.timedelta(days=2, minutes=1)
    assert account.is_stale(later)


def test_sweeper_requeues_silent_runs_and_gives_up_after_max_attempts(
    sent, django_capture_on_commit_callbacks, settings
):
    settings.SOCIAL_RUN_TIMEOUT_MINUTES = 15
    lost = runs.claim(
        IngestionRun,
        queue(SocialAccountFactory(), sent, django_capture_on_commit_callbacks).pk,
    )
    message_lost = queue(
        SocialAccountFactory(), sent, django_capture_on_commit_callbacks
    )
    alive = runs.claim(
        IngestionRun,
        queue(SocialAccountFactory(), sent, django_capture_on_commit_callbacks).pk,
    )
    sent.clear()
    later = timezone.now() + datetime.timedelta(minutes=20)
    runs.heartbeat(alive)
    IngestionRun.objects.filter(pk=alive.pk).update(heartbeat_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.sweep(later, model=IngestionRun, enqueue=sent.append) == 2
    assert sorted(sent) == sorted([lost.pk, message_lost.pk])
    assert IngestionRun.objects.get(pk=lost.pk).status == Status.QUEUED
    assert IngestionRun.objects.get(pk=alive.pk).status == Status.RUNNING
    # A run that keeps losing its worker is failed, not retried for ever.
    IngestionRun.objects.filter(pk=lost.pk).update(
        status=Status.RUNNING, attempts=pulls.MAX_ATTEMPTS, heartbeat_at=later
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs.sweep(
            later + datetime.timedelta(minutes=20),
            model=IngestionRun,
            enqueue=sent.append,
        )
    assert IngestionRun.objects.get(pk=lost.pk).status == Status.FAILED


def test_token_health():
    now = timezone.now()
    account = SocialAccount(token_expires_at=now + datetime.timedelta(days=30))
    assert account.token_health(now) == "ok"
    account.token_expires_at = now + datetime.timedelta(days=6)
    assert account.token_health(now) == "expiring"
    account.token_expires_at = now - datetime.timedelta(seconds=1)
    assert account.token_health(now) == "expired"
    account.token_revoked_at = now
    assert account.token_health(now) == "revoked"


def test_only_the_runs_own_message_may_take_it_over(
    sent, django_capture_on_commit_callbacks
):
    run = queue(SocialAccountFactory(), sent, django_capture_on_commit_callbacks)
    assert run.task_id
    assert runs.claim(IngestionRun, run.pk, "some-other-message") is None
    assert runs.claim(IngestionRun, run.pk, run.task_id).attempts == 1
    # The worker died; the broker hands the same message out again.
    again = runs.claim(IngestionRun, run.pk, run.task_id)
    assert again is not None and again.attempts == 2
    assert runs.claim(IngestionRun, run.pk, "a-duplicate") is None
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        runs.sweep(later, model=IngestionRun, enqueue=sent.append)
    swept = IngestionRun.objects.get(pk=run.pk)
    assert swept.task_id != run.task_id
    assert (
        runs.claim(IngestionRun, run.pk, run.task_id) is None
    )  # the lost message, late
    assert runs.claim(IngestionRun, run.pk, swept.task_id) is not None
