"""The OPD admin's dashboard counts its periodic items due and overdue in
the query that lists them, and hands both to the navbar's badge: the
badge says what the navbar's own count says."""

import pytest
from django.urls import reverse

from config import dashboard, queues
from tests.config.test_dashboard import items_of
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("overdue", [0, 2, dashboard.LISTED + 3])
def test_the_dashboard_badge_counts_the_items_as_the_navbar_does(overdue, client):
    opd = OpdFactory(short_name="HITUNG")
    admin = UserFactory(role="opd_admin", opd=opd)
    items_of(opd, overdue)
    # Another OPD's items count for nobody here.
    items_of(OpdFactory(short_name="LAIN"), 3)
    alone = queues.nav_counts(admin)
    client.force_login(admin)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.items_due_total == overdue + 1
    assert board.items_overdue_total == overdue
    shown = response.context["work_counts"].items
    assert (shown.total, shown.overdue) == (alone.items.total, alone.items.overdue)
    assert (shown.total, shown.overdue) == (overdue + 1, overdue)
