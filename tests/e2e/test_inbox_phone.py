"""The aspiration inbox's staff pages on a phone (390×844): the queue, a
case with a long conversation and its steps, and the ready answers are no
wider than the screen (tables scroll in their own box), with no console
error or CSP violation."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aspirations.inbox import services
from aspirations.inbox.models import Message
from tests.e2e.conftest import assert_no_console_errors
from tests.e2e.staff_helpers import load_reference_data
from tests.e2e.test_social_phone import fits_the_screen
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.e2e

LONG = (
    "Jalan penghubung Desa Karangreja–Kutasari rusak parah sepanjang dua"
    " kilometer, banyak lubang dalam yang membahayakan pengendara sepeda motor"
    " terutama anak sekolah pada pagi hari ketika hujan deras turun"
    " https://www.instagram.com/p/CxPanjangSekaliTautanKomentarWarga2026/"
)


@pytest.fixture
def inbox(transactional_db):
    load_reference_data()
    opd = OpdFactory(
        short_name="DINPERMADES",
        name="Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga",
    )
    coordinator = UserFactory(username="koordinator-hp", role="dinkominfo")
    services.ensure_default_canned_responses()
    cases = []
    for n in range(25):
        case = services.create_case(
            channel="whatsapp" if n % 2 else "instagram_comment",
            text=LONG,
            received_at=timezone.now() - datetime.timedelta(days=n),
            thread_key="hp-{}".format(n),
        )
        Message.objects.create(
            case=case,
            platform="whatsapp",
            direction=Message.Direction.IN,
            author_name="Warga Purbalingga dengan Nama Sangat Panjang",
            text=LONG,
            sent_at=case.received_at,
        )
        if n % 3 == 0:
            services.route(case=case, by=coordinator, opd=opd)
        cases.append(case)
    return SimpleNamespace(opd=opd, coordinator=coordinator, cases=cases)


def test_the_inbox_fits_a_phone(phone_page, inbox, login):
    page = phone_page
    login(page, inbox.coordinator, next_url=reverse("aspirations:queue") + "?view=")
    expect(page.locator("table tbody tr").first).to_be_visible()
    fits_the_screen(page)
    page.goto(reverse("aspirations:case", kwargs={"pk": inbox.cases[0].pk}))
    expect(page.locator(".conversation li").first).to_be_visible()
    fits_the_screen(page)
    page.goto(reverse("aspirations:case", kwargs={"pk": inbox.cases[1].pk}))
    fits_the_screen(page)
    page.goto(reverse("aspirations:canned"))
    fits_the_screen(page)
    assert_no_console_errors(page)
