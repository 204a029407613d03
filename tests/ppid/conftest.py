import pytest

from ppid.requests import services as request_services
from tests.factories import UserFactory


@pytest.fixture
def on(monkeypatch):
    """Set the day the request services see as today."""

    def set_today(day):
        monkeypatch.setattr(request_services, "today", lambda: day)

    return set_today


@pytest.fixture
def atasan(db):
    return UserFactory(username="atasan", role="atasan_ppid")
