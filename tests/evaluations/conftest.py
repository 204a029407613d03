"""Fixtures of the monthly evaluation: a scored month and its people."""

import datetime

import pytest

from evaluations import services
from tests.factories import OpdFactory, UserFactory

MONTH = datetime.date(2026, 10, 1)


@pytest.fixture
def dinkominfo(db):
    return UserFactory(username="tim-dinkominfo", role="dinkominfo")


@pytest.fixture
def on(monkeypatch):
    """Set the day the evaluation services see as today."""

    def set_today(day):
        monkeypatch.setattr(services, "today", lambda: day)

    return set_today


@pytest.fixture
def opds(db):
    return [OpdFactory(short_name="EVAL{}".format(n)) for n in range(3)]
