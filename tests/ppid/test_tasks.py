import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from ppid.catalogue import services, tasks
from tests.factories import (
    InformationItemFactory,
)

pytestmark = pytest.mark.django_db


def _overdue(opd, title="Laporan Kinerja 2025"):
    return InformationItemFactory(
        opd=opd,
        title=title,
        last_updated_at=timezone.now() - datetime.timedelta(days=220),
    )


def test_freshness_reminder_lists_items_in_indonesian(opd, opd_admin, other_opd):
    _overdue(opd)
    InformationItemFactory(opd=opd, title="Profil Segar")
    _overdue(other_opd)  # no admin with an address: nothing to send
    sent = tasks.send_freshness_reminders_task()
    assert sent == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [opd_admin.email]
    assert "perlu dimutakhirkan" in message.subject
    assert "Laporan Kinerja 2025" in message.body
    assert "Sudah lewat batas" in message.body
    assert "Profil Segar" not in message.body


def test_no_reminder_when_nothing_is_due(opd, opd_admin):
    InformationItemFactory(opd=opd)
    assert services.send_freshness_reminder(opd=opd) == 0
    assert mail.outbox == []


def test_beat_schedule_names_real_tasks(settings):
    from config.celery import app

    # What a worker does at start: import every app's tasks module.
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.needs_redis
def test_reminders_run_on_a_real_worker(transactional_db, opd, opd_admin):
    """Through Redis and a real worker thread, not in-process eagerly."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    _overdue(opd)
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            tasks.send_freshness_reminders_task.delay()
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert [m.to for m in mail.outbox] == [[opd_admin.email]]
