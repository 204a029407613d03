"""A real Celery worker (prefork, through Redis) loses its pool child in the
middle of a pull: the run is executed again at once and ends succeeded,
with exactly the expected rows."""

import datetime
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from core import runs
from socialposts.accounts.models import AccountMetricDaily, SocialAccount
from socialposts.pulls import fake_platform, tokens
from socialposts.pulls import services as pulls
from socialposts.pulls.models import IngestionRun
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


def _start_worker(url, queue, broker=None, **extra):
    db = connection.settings_dict
    env = {
        **extra,
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "REDIS_URL": broker or django_settings.REDIS_URL,
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


def _sender(queue, model=IngestionRun):
    """Send a run of ``model`` (a pull by default) to the test's own queue."""

    def send(run_id):
        from config.celery import app

        run = model.objects.get(pk=run_id)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            runs.kind_of(model).task.apply_async(
                args=[run_id], task_id=run.task_id, queue=queue
            )
        finally:
            app.conf.task_always_eager = eager

    return send


def pacific_today() -> datetime.date:
    """Meta's reporting day now: its pulls ask no later day (the run's
    window is in WIB, up to 15 hours ahead)."""
    return datetime.datetime.now(ZoneInfo("America/Los_Angeles")).date()


def window_days(run) -> list[datetime.date]:
    span = (run.window_end - run.window_start).days + 1
    return [run.window_start + datetime.timedelta(days=d) for d in range(span)]


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

        run = pulls.queue_pull(account, trigger="schedule", enqueue=_sender(queue))
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
    days = window_days(final)
    reach = dict(
        AccountMetricDaily.objects.filter(account=account, metric="reach").values_list(
            "date", "value"
        )
    )
    assert reach == {
        day: fake_platform.daily_value(IG_ID, "reach", day)
        for day in days
        if day <= pacific_today()
    }
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="followers").count()
        == 1
    )
    assert SocialAccount.objects.get(pk=account.pk).last_success_at is not None


@RELIABILITY
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_whole_worker_killed_the_run_is_back_within_two_minutes():
    """The broker keeps the unacknowledged message for an hour; the sweeper
    does not wait for it. With the default settings (a heartbeat older than
    60 s means the worker is gone; beat runs the sweeper every 30 s) the run
    goes out again under a new message id, a new worker finishes it within
    two minutes of the kill, and the old message, if it comes back, skips."""
    assert django_settings.RUN_HEARTBEAT_TIMEOUT_SECONDS == 60
    sweep_every = django_settings.CELERY_BEAT_SCHEDULE["sweep-runs"]["schedule"]
    assert sweep_every.total_seconds() == 30
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
        run = pulls.queue_pull(account, trigger="schedule", enqueue=_sender(queue))
        assert _wait(
            lambda: IngestionRun.objects.filter(pk=run.pk, status="running").exists(),
            30,
        ), "the worker never started the run"
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)
        os.kill(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait()
    finally:
        if worker.poll() is None:
            _stop(worker)
    old_message = run.task_id
    # A new worker is up at once (compose restarts it); beat runs the
    # sweeper every 30 seconds.
    worker = _start_worker(url, queue)
    final = None
    try:
        while final is None and time.monotonic() - killed_at < 150:
            runs.sweep(model=IngestionRun, enqueue=_sender(queue))
            final = _wait(
                lambda: IngestionRun.objects.filter(
                    pk=run.pk, status__in=["succeeded", "partial", "failed"]
                ).first(),
                sweep_every.total_seconds(),
            )
        recovered = time.monotonic() - killed_at
    finally:
        _stop(worker)
        server.shutdown()
        server.server_close()
    assert final is not None and final.status == "succeeded", final and final.error
    print("whole worker killed: run succeeded {:.1f} s later".format(recovered))
    assert recovered <= 120, recovered
    assert final.attempts == 2 and final.task_id != old_message
    assert [a["status"] for a in final.attempt_log] == ["lost", "succeeded"]
    assert runs.claim(IngestionRun, run.pk, old_message) is None
    assert final.rows_written > 0
    assert (
        AccountMetricDaily.objects.filter(account=account, metric="followers").count()
        == 1
    )


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis(port):
    """A private Redis that keeps nothing on disk, as a restarted broker
    without persistence comes back: empty."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no", "--dir", "/tmp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert _wait(lambda: _pings(port), 10), "redis-server did not start"
    return server


def _pings(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _private_sender(broker, queue):
    """Send to the private broker, whatever the test settings say."""
    from kombu import Connection

    from socialposts.pulls.tasks import pull_account_task

    def send(run_id):
        from config.celery import app

        run = IngestionRun.objects.get(pk=run_id)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with Connection(broker) as conn:
                pull_account_task.apply_async(
                    args=[run_id], task_id=run.task_id, queue=queue, connection=conn
                )
        finally:
            app.conf.task_always_eager = eager

    return send


@RELIABILITY
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_redis_restarted_without_persistence_the_sweeper_requeues():
    """Queued messages vanish with the broker; the database still lists the
    runs, and the sweeper sends them again to the new, empty broker."""
    server, _state, url = fake_platform.start_in_thread()
    port = _free_port()
    broker = "redis://127.0.0.1:{}/0".format(port)
    queue = "reliability-{}".format(uuid.uuid4().hex[:8])
    ids = ["1784140000009{}".format(n) for n in range(3)]
    accounts = []
    for external in ids:
        account = SocialAccountFactory(external_id=external, connection="api")
        tokens.set_tokens(account, access="token-ok")
        accounts.append(account)
    # The first pull is slow: the other two wait in the broker's queue.
    httpx.post(
        url + "/_faults",
        json=[{"match": ids[0], "kind": "slow", "delay": 6, "times": 1}],
    )
    redis = _redis(port)
    worker = _start_worker(url, queue, broker=broker)
    try:
        send = _private_sender(broker, queue)
        queued = [
            pulls.queue_pull(a, trigger="schedule", enqueue=send) for a in accounts
        ]
        assert _wait(
            lambda: IngestionRun.objects.filter(
                pk=queued[0].pk, status="running"
            ).exists(),
            30,
        ), "the worker never started the first run"
        redis.kill()
        redis.wait()
        restarted_at = time.monotonic()
        redis = _redis(port)
        # The run in the worker's hands finishes; the two in the queue are gone.
        assert _wait(
            lambda: IngestionRun.objects.filter(
                pk=queued[0].pk, status__in=["succeeded", "partial", "failed"]
            ).exists(),
            60,
        )
        waiting = IngestionRun.objects.filter(pk__in=[r.pk for r in queued[1:]])
        time.sleep(3)
        assert set(waiting.values_list("status", flat=True)) == {"queued"}
        later = timezone.now() + datetime.timedelta(minutes=20)
        assert runs.sweep(later, model=IngestionRun, enqueue=send) == 2
        done = _wait(
            lambda: (
                not IngestionRun.objects.filter(
                    pk__in=[r.pk for r in queued], status__in=["queued", "running"]
                ).exists()
            ),
            120,
        )
        assert done, "a run never reached a final state"
        assert time.monotonic() - restarted_at < 300
    finally:
        _stop(worker)
        redis.kill()
        redis.wait()
        server.shutdown()
        server.server_close()
    final = IngestionRun.objects.filter(pk__in=[r.pk for r in queued])
    assert set(final.values_list("status", flat=True)) == {"succeeded"}
    for account in accounts:
        metrics = AccountMetricDaily.objects.filter(account=account)
        assert metrics.filter(metric="followers").count() == 1
        reach_days = {d for d in window_days(final.get(account=account))}
        assert metrics.filter(metric="reach").count() == len(
            {d for d in reach_days if d <= pacific_today()}
        )


@RELIABILITY
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_pool_child_killed_mid_import_the_job_runs_again_at_once(settings, tmp_path):
    """The same mechanism for a large CSV import: the redelivered message
    takes its job over at once, checks the file again from its first row
    and imports every row exactly once."""
    from django.core.files.base import ContentFile

    from opds.models import User
    from socialposts.accounts.models import Post
    from socialposts.imports.models import ImportJob
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    account = SocialAccountFactory(platform="facebook", connection="manual")
    admin = UserFactory(role=User.Role.OPD_ADMIN, opd=account.opd)
    rows = 19_000
    header = (
        "Post ID,Permalink,Post type,Publish time,Description,Duration (sec),"
        "Reach,Views,Reactions,Comments,Shares\n"
    )
    body = "".join(
        "900_{i},https://www.facebook.com/{i},Photos,03/10/2026 09:15,"
        "Posyandu {i},,{r},{r},1,1,1\n".format(i=i, r=100 + i)
        for i in range(rows)
    )
    job = ImportJob(
        account=account,
        uploaded_by=admin,
        original_name="ekspor.csv",
        as_of=timezone.localdate(),
        rows_total=rows,
        task_id=runs.new_task_id(),
    )
    job.file.save("import.csv", ContentFile((header + body).encode()), save=True)
    queue = "reliability-{}".format(uuid.uuid4().hex[:8])
    worker = _start_worker(
        "http://127.0.0.1:9", queue, MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    try:
        _sender(queue, ImportJob)(job.pk)
        assert _wait(
            lambda: ImportJob.objects.filter(
                pk=job.pk, status="running", rows_checked__gte=500
            ).exists(),
            60,
            step=0.02,
        ), "the worker never got into the rows"
        children = _children(worker.pid)
        assert children, "no pool child"
        os.kill(children[0], signal.SIGKILL)
        killed_at = time.monotonic()
        assert _wait(
            lambda: ImportJob.objects.filter(pk=job.pk, attempts__gte=2).exists(), 30
        ), "the job was not executed again"
        assert time.monotonic() - killed_at <= 10
        # Ended, and its upload deleted (just after the job's commit).
        final = _wait(
            lambda: ImportJob.objects.filter(
                pk=job.pk, status__in=["succeeded", "failed"], file=""
            ).first(),
            120,
        )
    finally:
        _stop(worker)
    assert final is not None and final.status == "succeeded", final and final.report
    assert final.rows_imported == rows and final.attempts == 2
    assert Post.objects.filter(account=account).count() == rows
