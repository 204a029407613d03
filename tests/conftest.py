"""Shared fixtures. Services that a test needs are real or the test skips;
with REQUIRE_SERVICES=1 (CI's second run) it fails instead of skipping."""

from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import OpdFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# No NIK in any log line, API answer, export or e-mail of any test.
pytest_plugins = ["tests.personal_data_guard"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Transactional tests end with a flush (TRUNCATE of every table); on
    # PostgreSQL the audit log's trigger refuses that unless the session
    # allows it, which only the test database does (opds migration 0003).
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(
                "ALTER DATABASE {} SET portal.audit_allow_truncate = 'on'".format(name)
            )
            cursor.execute("SET portal.audit_allow_truncate = 'on'")


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(reason + " (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("needs_postgres"):
        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("needs_redis"):
        url = django_settings.REDIS_URL
        if not url:
            _missing("needs Redis: set REDIS_URL=redis://…")
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            _missing("Redis at {} is unreachable: {}".format(url, exc))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # PBKDF2 at its production cost would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _staff_work_uncached(settings: pytest.FixtureRequest) -> None:
    # A test's writes never commit, so the work counters never move: the
    # staff's cached badges and dashboard would answer a later request with
    # what an earlier one saw. The cache's own tests turn it on
    # (tests/config/test_staff_cache.py) and commit their writes.
    settings.STAFF_WORK_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _tasks_in_process():
    # Tests call tasks in-process unless they start a real worker
    # themselves; otherwise, with REDIS_URL set, messages would pile up
    # in a queue nobody reads.
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached public pages of one test must not answer the next.
    from django.core.cache import cache

    from evaluations import pages

    cache.clear()
    # The month figures' per-process memo: never stale (content-addressed
    # keys), but a test starts from nothing kept.
    pages._memo.clear()


@pytest.fixture(autouse=True)
def _requests_received_in_office_hours(monkeypatch) -> None:
    # A web request is received "now"; tests set the day the request
    # services see (their ``today``), so "now" is 10:00 on that day: a
    # test's deadlines never depend on the hour the suite runs at. Tests of
    # the hour itself set ``now`` again.
    import datetime

    from django.utils import timezone

    from ppid.requests import services as request_services

    monkeypatch.setattr(
        request_services,
        "now",
        lambda: timezone.make_aware(
            datetime.datetime.combine(request_services.today(), datetime.time(10))
        ),
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    # Uploads of one test must not leak into the next, nor into var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ppid_utama(db):
    return UserFactory(username="ppid-utama", role="ppid_utama")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def opd(db):
    return OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")


@pytest.fixture
def other_opd(db):
    return OpdFactory(short_name="DLH", name="Dinas Lingkungan Hidup", kind="dinas")


@pytest.fixture
def opd_admin(opd):
    return UserFactory(username="admin-dinkes", role="opd_admin", opd=opd)


@pytest.fixture
def other_opd_admin(other_opd):
    return UserFactory(username="admin-dlh", role="opd_admin", opd=other_opd)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes inside it run what they left for their commit (the cache
    counters' bumps), as a real commit would; test transactions never
    commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def work_clock_held(monkeypatch):
    """The staff work cache's time bucket stays put (core.work): a minute's
    boundary between two requests would change the key and make "the
    second request is a hit" fail at random."""
    from core import work

    monkeypatch.setattr(work, "bucket", lambda: 0)
