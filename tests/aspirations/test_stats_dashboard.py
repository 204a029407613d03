"""The inbox on the staff dashboard: an OPD admin sees this month's figures
of its own OPD, the coordinator (Dinkominfo) the regency's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.aspirations.stats_scenario import build_august, local, mover, stub_sending
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at(monkeypatch):
    return mover(monkeypatch)


@pytest.fixture
def august(at, monkeypatch):
    stub_sending(monkeypatch)
    return build_august(at)


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def test_an_opd_admin_sees_its_own_inbox_this_month(august, at, client):
    at(local(31, 12))
    response = dashboard(client, august.dinkes_admin)
    inbox = response.context["board"].aspirations
    # Open: the late case (followed up, not yet closed) and the portal case,
    # which is overdue.
    assert (inbox.open, inbox.overdue) == (2, 1)
    month = inbox.month
    assert month.received == 3
    assert month.median_first_response_hours == Decimal("4.0")
    assert month.answered_on_time_share == Decimal(1) / 3
    assert month.first_response_on_time_share == Decimal("0.5")
    html = response.content.decode()
    assert 'id="board-aspirations"' in html
    assert reverse("aspirations:stats") in html
    # Not the regency's figures.
    assert response.context.get("regency_inbox") is None


def test_another_opd_admin_sees_only_its_own(august, at, client):
    at(local(31, 12))
    inbox = dashboard(client, august.dinhub_admin).context["board"].aspirations
    assert (inbox.open, inbox.overdue, inbox.month.received) == (0, 0, 2)
    assert inbox.month.answered_on_time_share is None


def test_the_coordinator_sees_the_regency(august, client):
    # 10 September: this month only the message of 1 September came in.
    response = dashboard(client, august.coordinator)
    inbox = response.context["regency_inbox"]
    # Open: DINKES's two, the unrouted of August, of July and of September.
    assert (inbox.open, inbox.unrouted) == (5, 3)
    # Overdue: the portal case, and the three unrouted past their clocks.
    assert inbox.overdue == 4
    assert inbox.month.received == 1 and inbox.month.is_total
    html = response.content.decode()
    assert 'id="board-aspirations"' in html


def test_other_kabupaten_roles_see_no_inbox(august, client):
    utama = UserFactory(username="ppid-utama", role="ppid_utama")
    response = dashboard(client, utama)
    assert response.context.get("regency_inbox") is None
    assert 'id="board-aspirations"' not in response.content.decode()
