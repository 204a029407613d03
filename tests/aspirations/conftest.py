"""The fake platform for the aspiration tests (the social tests' server),
and helpers for its clock, injections and the log of what the portal sent."""

from __future__ import annotations

import datetime

import httpx
import pytest
from django.core.cache import cache

from aspirations.channels.clients import budget_key
from socialposts.pulls import fake_platform
from tests.socialposts.conftest import TODAY

# The fake's reporting day in tests/socialposts/conftest.py is 2026-03-16.
NOW = datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=datetime.UTC)
IG = "17841400000001"
PAGE = "page100000000001"
PHONE = "106540352242922"
CHANNEL = "UCinbox0000000000000001"


def set_clock(url: str, moment: datetime.datetime | None) -> None:
    body = {"now": moment.isoformat() if moment else None}
    httpx.post(url + "/_inbox/clock", json=body).raise_for_status()


def inject(url: str, **spec) -> dict:
    if isinstance(spec.get("time"), datetime.datetime):
        spec["time"] = spec["time"].isoformat()
    response = httpx.post(url + "/_inbox/inject", json=spec)
    response.raise_for_status()
    return response.json()


def sent(url: str) -> list[dict]:
    return httpx.get(url + "/_inbox/sent").json()["sent"]


@pytest.fixture
def inbox(settings):
    """The fake platform (as the social tests start it) with its clock at
    NOW, an empty YouTube budget and the HUMAN_AGENT tag not granted."""
    server, _state, url = fake_platform.start_in_thread(today=TODAY)
    for name, value in fake_platform.settings_for(url).items():
        setattr(settings, name, value)
    settings.SOCIAL_RETRY_BASE_SECONDS = 0.01
    settings.SOCIAL_HTTP_TIMEOUT_SECONDS = 1
    settings.SOCIAL_RETRY_ATTEMPTS = 5
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 9000
    settings.ASPIRATION_META_HUMAN_AGENT = False
    set_clock(url, NOW)
    cache.delete(budget_key())
    yield url
    cache.delete(budget_key())
    server.shutdown()
    server.server_close()
