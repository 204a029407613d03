"""Webhook deliveries survive a real Celery worker (prefork, through Redis)
killed in the middle of its work, and a Redis restarted without its data:
the database keeps every delivery, the sweep sends again what is pending,
and each message ends up stored exactly once."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from aspirations.channels import intake
from aspirations.inbox.models import Delivery, Message
from tests.aspirations.hooks_support import PHONE_NUMBER_ID, sign, wa_messages
from tests.factories import WhatsAppLineFactory

ROOT = Path(__file__).resolve().parents[2]
T0 = 1796613300
RELIABILITY = [pytest.mark.needs_postgres, pytest.mark.needs_redis]


def _wait(condition, timeout, step=0.2):
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


def _start_worker(queue, broker=None):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "REDIS_URL": broker or django_settings.REDIS_URL,
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
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _kill(worker):
    for child in _children(worker.pid):
        os.kill(child, signal.SIGKILL)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()


def _sender(queue, broker=None):
    """Send the processing task to this test's queue (on ``broker``)."""
    from kombu import Connection

    from aspirations.channels.tasks import process_delivery_task

    def send(delivery_id):
        from config.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            if broker:
                with Connection(broker) as conn:
                    process_delivery_task.apply_async(
                        args=[delivery_id], queue=queue, connection=conn
                    )
            else:
                process_delivery_task.apply_async(args=[delivery_id], queue=queue)
        finally:
            app.conf.task_always_eager = eager

    return send


def _deliveries(n_deliveries, per_delivery, citizens=10):
    """Signed WhatsApp deliveries, stored as the view stores them."""
    made = []
    for d in range(n_deliveries):
        payload = wa_messages(
            *[
                (
                    "wamid.rel.{}.{}".format(d, m),
                    T0 + d * 1000 + m,
                    "pesan {}".format(m),
                )
                for m in range(per_delivery)
            ]
        )
        value = payload["entry"][0]["changes"][0]["value"]
        for m, message in enumerate(value["messages"]):
            message["from"] = "62812000{:05d}".format(m % citizens)
        body = json.dumps(payload).encode()
        made.append(
            Delivery.objects.create(
                source="whatsapp",
                received_at=timezone.now(),
                body=body,
                signature=sign(body),
                attempts=1,
            )
        )
    return made


def _assert_each_message_once(expected):
    assert Message.objects.count() == expected
    repeated = (
        Message.objects.values("platform", "external_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(repeated) == []


def _all_processed(ids):
    return (
        not Delivery.objects.filter(pk__in=ids)
        .exclude(status=Delivery.Status.PROCESSED)
        .exists()
    )


# Committed data a worker process can see. Serialized rollback, like the
# other threaded tests (tests/core/test_runs.py, tests/e2e): a plain
# transactional test's flush re-creates the content types under new ids,
# and the next serialized test could not load the migrated rows back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_worker_killed_mid_delivery_then_the_sweep_loses_nothing():
    """The whole worker (pool child and parent) is SIGKILLed while it is
    half-way through a delivery: its message stays unacknowledged in Redis
    (for the broker's visibility timeout, an hour), the delivery stays
    pending. A new worker and the sweep finish it; what the killed worker
    had stored is not stored again."""
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    queue = "hooks-{}".format(uuid.uuid4().hex[:8])
    deliveries = _deliveries(3, 200)
    ids = [d.pk for d in deliveries]
    send = _sender(queue)
    worker = _start_worker(queue)
    try:
        for pk in ids:
            send(pk)
        # Kill once the first delivery is partly stored.
        assert _wait(lambda: Message.objects.count() >= 5, 90, 0.05), "never started"
        _kill(worker)
    finally:
        _stop(worker)
    stored_before = Message.objects.count()
    # Killed in the middle: some messages stored, a delivery left pending.
    assert 0 < stored_before < 600
    assert Delivery.objects.filter(pk__in=ids, status="pending").exists()
    worker = _start_worker(queue)
    try:
        later = timezone.now() + datetime.timedelta(minutes=5)
        assert intake.sweep(now=later, enqueue=send) >= 1
        assert _wait(lambda: _all_processed(ids), 240), "a delivery stayed pending"
    finally:
        _stop(worker)
    _assert_each_message_once(600)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_pool_child_killed_the_message_comes_back_at_once():
    """Only the pool child dies: with acks_late and reject_on_worker_lost
    the broker hands the message out again without waiting for the sweep."""
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    queue = "hooks-{}".format(uuid.uuid4().hex[:8])
    (delivery,) = _deliveries(1, 200)
    worker = _start_worker(queue)
    try:
        _sender(queue)(delivery.pk)
        assert _wait(lambda: Message.objects.count() >= 20, 60), "worker never started"
        children = _children(worker.pid)
        assert children, "no pool child"
        os.kill(children[0], signal.SIGKILL)
        assert _wait(lambda: _all_processed([delivery.pk]), 120)
    finally:
        _stop(worker)
    _assert_each_message_once(200)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pings(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis(port):
    """A private Redis that keeps nothing on disk: restarted, it is empty,
    as a broker without persistence comes back."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no", "--dir", "/tmp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert _wait(lambda: _pings(port), 10), "redis-server did not start"
    return server


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_redis_restarted_without_persistence_the_sweep_recovers():
    """A private redis-server (not the machine's) is killed and started
    again empty while deliveries wait in its queue: their messages are
    gone, the rows are not. The sweep sends them to the new broker and a
    worker stores every message once."""
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    port = _free_port()
    broker = "redis://127.0.0.1:{}/0".format(port)
    queue = "hooks-{}".format(uuid.uuid4().hex[:8])
    deliveries = _deliveries(4, 25)
    ids = [d.pk for d in deliveries]
    redis = _redis(port)
    worker = None
    try:
        send = _sender(queue, broker)
        for pk in ids:
            send(pk)
        redis.kill()
        redis.wait()
        redis = _redis(port)
        worker = _start_worker(queue, broker=broker)
        time.sleep(3)
        # Nothing to do for the worker: the queue came back empty.
        assert Message.objects.count() == 0
        assert set(
            Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)
        ) == {"pending"}
        later = timezone.now() + datetime.timedelta(minutes=5)
        assert intake.sweep(now=later, enqueue=send) == 4
        assert _wait(lambda: _all_processed(ids), 120), "a delivery stayed pending"
    finally:
        if worker is not None:
            _stop(worker)
        redis.kill()
        redis.wait()
    _assert_each_message_once(100)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_a_signed_post_reaches_a_real_worker(client, settings):
    """End to end: the view stores the delivery and publishes its task to
    Redis; a worker in another process reads it into the inbox."""
    from config.celery import app

    settings.META_WEBHOOK_SECRETS = [settings.META_APP_SECRET or "secret"]
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    queue = "hooks-{}".format(uuid.uuid4().hex[:8])
    default_queue, eager = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    worker = _start_worker(queue)
    try:
        body = json.dumps(wa_messages(("wamid.e2e", T0, "Halo"))).encode()
        response = client.post(
            "/webhooks/whatsapp/",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=sign(body, settings.META_WEBHOOK_SECRETS[0]),
        )
        assert response.status_code == 200
        delivery = Delivery.objects.get()
        assert _wait(lambda: _all_processed([delivery.pk]), 60), "never processed"
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = default_queue, eager
        _stop(worker)
    _assert_each_message_once(1)
