"""A real Celery worker (prefork, through Redis) loses its pool child in the
middle of a pull: the run is executed again at once and ends succeeded,
with exactly the expected rows."""

import datetime
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


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_pool_child_killed_mid_pull(transactional_db):
    server, _state, url = fake_platform.start_in_thread()
    queue = "reliability-{}".format(uuid.uuid4().hex[:8])
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
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        account = SocialAccountFactory(external_id=IG_ID, connection="api")
        tokens.set_tokens(account, access="token-ok")
        # The first call of the pull hangs, so the kill lands mid-run.
        httpx.post(
            url + "/_faults",
            json=[{"match": IG_ID, "kind": "slow", "delay": 8, "times": 1}],
        )

        from socialposts.tasks import pull_account_task

        def send(run_id):
            run = IngestionRun.objects.get(pk=run_id)
            pull_account_task.apply_async(
                args=[run_id], task_id=run.task_id, queue=queue
            )

        from config.celery import app

        app.conf.task_always_eager = False
        try:
            run = runs.queue_run(account, trigger="schedule", enqueue=send)
        finally:
            app.conf.task_always_eager = True
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
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
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
