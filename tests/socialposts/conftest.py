"""The fake platform server over loopback HTTP, for every platform's
client, and helpers to inject faults and count calls."""

import datetime

import httpx
import pytest

from socialposts.pulls import fake_platform

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture
def fake(settings):
    server, _state, url = fake_platform.start_in_thread(today=TODAY)
    for name, value in fake_platform.settings_for(url).items():
        setattr(settings, name, value)
    settings.SOCIAL_RETRY_BASE_SECONDS = 0.01
    settings.SOCIAL_HTTP_TIMEOUT_SECONDS = 1
    settings.SOCIAL_RETRY_ATTEMPTS = 5
    yield url
    server.shutdown()
    server.server_close()


def inject(url, *faults):
    httpx.post(url + "/_faults", json=list(faults)).raise_for_status()


def calls(url, fragment):
    return sum(
        n for path, n in httpx.get(url + "/_calls").json().items() if fragment in path
    )
