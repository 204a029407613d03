"""A real Celery worker (prefork, through Redis) loses its pool child in the
middle of a pull: the run is executed again at once and ends succeeded,
with exactly the expected rows."""

import datetime
import importlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from socialposts import fake_platform, runs, tokens
from socialposts.models import AccountMetricDaily, IngestionRun, SocialAccount
from tests.factories import SocialAccountFactory

ROOT = Path(__file__).resolve().parents[2]
IG_ID = "17841400000077"


def _wait(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def _children(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def _start_worker(url, queue):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "REDIS_URL": django_settings.REDIS_URL,
        "SOCIAL_GRAPH_BASE_URL": url,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker"]
        + ["-P", "prefork", "-c", "1", "-Q", queue]
        + ["--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(worker):
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _sender(queue):
    from socialposts.tasks import pull_account_task

    def send(run_id):
        from config.celery import app

        run = IngestionRun.objects.get(pk=run_id)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            pull_account_task.apply_async(
                args=[run_id], task_id=run.task_id, queue=queue
            )
        finally:
            app.conf.task_always_eager = eager

    return send


@pytest.fixture
def committed_catalogue(transactional_db):
    """Committed data the worker process can see. An earlier transactional
    test may have flushed the metric catalogue its data migration loaded,
    so it is loaded again (idempotently)."""
    from django.apps import apps

    migration = importlib.import_module("socialposts.migrations.0002_metric_catalog")
    migration.load(apps, None)


RELIABILITY = pytest.mark.usefixtures("committed_catalogue")


@RELIABILITY
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_pool_child_killed_mid_pull():
    server, _state, url = fake_platform.start_in_thread()
    queue = "reliability-{}".format(uuid.uuid4().hex[:8])
    worker = _start_worker(url, queue)
    try:
        account = SocialAccountFactory(external_id=IG_ID, connection="api")
        tokens.set_tokens(account, access="token-ok")
        # The first call of the pull hangs, so the kill lands mid-run.
        httpx.post(
            url + "/_faults",
            json=[{"match": IG_ID, "kind": "slow", "delay": 8, "times": 1}],
        )

        run = runs.queue_run(account, trigger="schedule", enqueue=_sender(queue))
        assert _wait(
            lambda: IngestionRun.objects.filter(pk=run.pk, status="running").exists(),
            30,
        ), "the worker never started the run"
        children = _wait(lambda: _children(worker.pid), 10)
        assert children, "no pool child"
        time.sleep(1)  # inside the slow call
        os.kill(children[0], signal.SIGKILL)
        killed_at = time.monotonic()
        restarted = _wait(
            lambda: IngestionRun.objects.filter(pk=run.pk, attempts__gte=2).exists(), 30
        )
        assert restarted, "the run was not executed again"
        assert time.monotonic() - killed_at <= 10
        final = _wait(
            lambda: IngestionRun.objects.filter(
                pk=run.pk, status__in=["succeeded", "partial", "failed"]
            ).first(),
            60,
        )
        assert final is not None and final.status == "succeeded", final and final.error
    finally:
        _stop(worker)
        server.shutdown()
        server.server_close()
    # The fake counts days in UTC; the run's window is in Asia/Jakarta.
    utc_today = datetime.datetime.now(datetime.UTC).date()
    days = [final.window_end - datetime.timedelta(days=d) for d in range(3)]
    reach = dict(
        AccountMetricDaily.objects.filter(account=account, metric="reach").values_list(
            "date", "value"
        )
    )
    assert reach == {
        day: fake_platform.daily_value(IG_ID, "reach", day)
        for day in days
        if day <= utc_today
    }
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="followers").count()
        == 1
    )
    assert SocialAccount.objects.get(pk=account.pk).last_success_at is not None


@RELIABILITY
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_whole_worker_killed_the_sweeper_requeues():
    """The broker keeps the unacknowledged message for an hour; the sweeper
    does not wait for it: the run goes out again under a new message id, a
    new worker finishes it, and the old message, if it comes back, skips."""
    server, _state, url = fake_platform.start_in_thread()
    queue = "reliability-{}".format(uuid.uuid4().hex[:8])
    account = SocialAccountFactory(external_id="17841400000078", connection="api")
    tokens.set_tokens(account, access="token-ok")
    httpx.post(
        url + "/_faults",
        json=[{"match": "17841400000078", "kind": "slow", "delay": 8, "times": 1}],
    )
    worker = _start_worker(url, queue)
    try:
        run = runs.queue_run(account, trigger="schedule", enqueue=_sender(queue))
        assert _wait(
            lambda: IngestionRun.objects.filter(pk=run.pk, status="running").exists(),
            30,
        ), "the worker never started the run"
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            _stop(worker)
    old_message = run.task_id
    # The sweeper runs every 5 minutes; here it looks 20 minutes ahead.
    later = timezone.now() + datetime.timedelta(minutes=20)
    assert runs.sweep(later, enqueue=_sender(queue)) == 1
    assert IngestionRun.objects.get(pk=run.pk).task_id != old_message
    worker = _start_worker(url, queue)
    try:
        final = _wait(
            lambda: IngestionRun.objects.filter(
                pk=run.pk, status__in=["succeeded", "partial", "failed"]
            ).first(),
            60,
        )
    finally:
        _stop(worker)
        server.shutdown()
        server.server_close()
    assert final is not None and final.status == "succeeded", final and final.error
    assert final.attempts == 2
    assert runs.claim(run.pk, old_message) is None
    assert final.rows_written > 0
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="followers").count()
        == 1
    )
