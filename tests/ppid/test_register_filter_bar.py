"""The register filter bars (issue 18): the due-soon filter is a plain
choice, not "unknown / yes / no", and no select starts with "---------"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from ppid.requests import services as rs
from tests.ppid.test_requests import request_data

pytestmark = pytest.mark.django_db


def t(msgid: str) -> str:
    with translation.override("id"):
        return str(translation.gettext(msgid))


def options(html: str, name: str) -> list[str]:
    select = re.search(r'<select name="{}".*?</select>'.format(name), html, re.S)
    return [
        text.strip()
        for text in re.findall(r"<option[^>]*>([^<]*)</option>", select.group())
    ]


def test_the_due_soon_filter_offers_all_or_due_soon(client, ppid_utama):
    client.force_login(ppid_utama)
    html = client.get(reverse("ppid:request-register")).content.decode()
    assert options(html, "attention") == [
        t("All"),
        t("Due within 2 working days or overdue"),
    ]
    for unknown in ("Unknown", "Yes", "No"):
        assert t(unknown) not in options(html, "attention")


@pytest.mark.parametrize("name", ["ppid:request-register", "ppid:objection-register"])
def test_no_filter_select_starts_with_dashes(client, ppid_utama, name):
    client.force_login(ppid_utama)
    html = client.get(reverse(name)).content.decode()
    assert "---------" not in html
    assert options(html, "status")[0] == t("All")


def test_the_due_soon_filter_still_filters(client, ppid_utama, on):
    on(datetime.date(2026, 3, 2))
    rs.submit_request(data=request_data(full_name="Lama Sekali"))
    on(datetime.date(2026, 5, 4))
    rs.submit_request(data=request_data(full_name="Baru Saja"))
    client.force_login(ppid_utama)
    url = reverse("ppid:request-register")
    every = client.get(url).content.decode()
    assert "Lama Sekali" in every and "Baru Saja" in every
    due = client.get(url, {"attention": "true"}).content.decode()
    assert "Lama Sekali" in due and "Baru Saja" not in due
    # The bar shows the choice it filtered by.
    assert re.search(r'<option value="true" selected>', due)
    # The API's spelling of a boolean keeps working.
    assert "Baru Saja" not in client.get(url, {"attention": "True"}).content.decode()
