import datetime

import pytest
from django.utils import timezone

from ppid.requests import services as request_services
from tests.factories import UserFactory


@pytest.fixture
def on(monkeypatch):
    """Set the day the request services see as today, and optionally the
    time of day of their "now" (10:00 unless given)."""

    def set_today(day, at=None):
        monkeypatch.setattr(request_services, "today", lambda: day)
        if at is not None:
            moment = timezone.make_aware(datetime.datetime.combine(day, at))
            monkeypatch.setattr(request_services, "now", lambda: moment)

    return set_today


@pytest.fixture
def atasan(db):
    return UserFactory(username="atasan", role="atasan_ppid")
