import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_visitors_get_the_home_page_from_the_cache_and_staff_a_fresh_one(
    client, opd_admin
):
    first = client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(reverse("home"))
    assert len(ctx) == 0
    assert again.content == first.content

    client.force_login(opd_admin)
    with CaptureQueriesContext(connection) as ctx:
        staff = client.get(reverse("home"))
    assert staff.status_code == 200
    assert len(ctx) > 0
    # The staff page is not stored for visitors: it names the user.
    client.logout()
    assert opd_admin.username.encode() not in client.get(reverse("home")).content
