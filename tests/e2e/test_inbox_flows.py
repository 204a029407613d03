"""The aspiration inbox end to end, in Chromium: a citizen's WhatsApp
message reaches the portal through the platform's signed webhook, the
coordinator routes it, the OPD answers from the portal and the answer
leaves through the WhatsApp Cloud API; a comment on Instagram becomes an
information request whose number reaches the commenter privately.

The platforms are the project's fake platform (in a thread), which POSTs
its webhooks to the live portal and records what the portal sends."""

from __future__ import annotations

import datetime

import httpx
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aspirations.inbox.models import Case, Message, State, WhatsAppLine
from core import crypto
from opds.models import Opd
from ppid.requests.models import InformationRequest
from socialposts.pulls import fake_platform, tokens
from tests.e2e.conftest import assert_no_console_errors
from tests.e2e.staff_helpers import load_reference_data, t
from tests.factories import OpdFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.e2e

LINE = "106540352242922"
CITIZEN = "6281234567890"
IG = "17841400000001"


@pytest.fixture
def platform(settings):
    """The fake platform on the portal's clock, every client pointed at it."""
    server, _state, url = fake_platform.start_in_thread()
    for name, value in fake_platform.settings_for(url).items():
        setattr(settings, name, value)
    settings.SOCIAL_RETRY_ATTEMPTS = 1
    httpx.post(url + "/_inbox/clock", json={"now": None}).raise_for_status()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def people(transactional_db):
    load_reference_data()
    opd = OpdFactory(short_name="DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang")
    return {
        "opd": opd,
        "coordinator": UserFactory(username="koordinator-e2e", role="dinkominfo"),
        "admin": UserFactory(username="admin-dpupr-e2e", role="opd_admin", opd=opd),
    }


def deliver(platform_url: str, live_url: str, path: str, **spec) -> None:
    """The citizen writes; the platform POSTs its signed webhook to the portal."""
    spec["time"] = spec["time"].isoformat()
    answer = httpx.post(
        platform_url + "/_inbox/deliver",
        json={**spec, "url": live_url + path, "app_secret": settings.META_APP_SECRET},
        timeout=20,
    )
    answer.raise_for_status()
    assert answer.json()["status"] == 200, answer.json()


def sent(platform_url: str) -> list[dict]:
    return httpx.get(platform_url + "/_inbox/sent").json()["sent"]


def test_a_whatsapp_message_is_answered_from_the_portal(
    page, live_url, login, platform, people
):
    WhatsAppLine.objects.create(
        name="Lapor MasBuP",
        phone_number_id=LINE,
        display_number="+62 811-2600-0111",
        access_token_encrypted=crypto.encrypt(
            "EAAW-e2e-line", settings.SOCIAL_TOKEN_KEYS
        ),
    )
    deliver(
        platform,
        live_url,
        reverse("aspirations:webhook-whatsapp"),
        platform="whatsapp",
        account=LINE,
        author={"id": CITIZEN, "name": "Sri"},
        text="Jalan di Desa Serang rusak parah, mohon diperbaiki",
        time=timezone.now() - datetime.timedelta(minutes=20),
    )
    case = Case.objects.get()
    assert case.channel == "whatsapp" and case.state == State.NEW

    # The coordinator routes it to the suggested OPD.
    login(page, people["coordinator"], next_url=reverse("aspirations:queue"))
    page.get_by_role("link", name=case.number).click()
    page.get_by_text(t("Route to an OPD")).click()
    page.locator("select[name='route-opd']").select_option(str(people["opd"].pk))
    page.get_by_role("button", name=t("Route"), exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    case.refresh_from_db()
    assert case.state == State.ROUTED and case.opd == people["opd"]
    page.context.clear_cookies()

    # The OPD's admin answers; the answer leaves through the Cloud API.
    login(page, people["admin"], next_url=reverse("aspirations:case", args=[case.pk]))
    answer = "Terima kasih, Bu Sri. Tim kami meninjau lokasi besok pagi."
    page.locator("textarea[name='reply-text']").fill(answer)
    page.get_by_role("button", name=t("Send"), exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_text(answer).first).to_be_visible()
    out = sent(platform)[-1]
    assert (out["kind"], out["to"], out["text"]) == ("text", CITIZEN, answer)
    message = Message.objects.get(direction="out")
    assert message.delivery == Message.Delivery.SENT
    assert message.external_id == out["id"]
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.first_response_at is not None
    assert_no_console_errors(page)


def test_a_comment_becomes_an_information_request(
    page, live_url, login, platform, people
):
    account = SocialAccountFactory(
        external_id=IG, meta_login="instagram", opd=people["opd"]
    )
    tokens.set_tokens(
        account,
        access="IGAA-{}-long".format(IG),
        expires_at=timezone.now() + datetime.timedelta(days=50),
    )
    post = fake_platform.media_for(IG, timezone.localdate())[0]["id"]
    deliver(
        platform,
        live_url,
        reverse("aspirations:webhook-meta"),
        platform="instagram",
        kind="comment",
        account=IG,
        post=post,
        author={"id": "igsid-e2e", "name": "warga_serang"},
        text="Min, minta data anggaran perbaikan jalan desa Serang tahun 2026",
        # Before 10:00, the PPID's "now" in tests (tests/conftest.py): the
        # request is received when the citizen commented.
        time=min(
            timezone.now() - datetime.timedelta(minutes=30),
            timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(), datetime.time(9))
            ),
        ),
    )
    case = Case.objects.get()
    assert case.channel == "instagram_comment"

    login(
        page,
        people["coordinator"],
        next_url=reverse("aspirations:case", args=[case.pk]),
    )
    page.get_by_role("link", name=t("Make it an information request")).click()
    form = page.locator("main form")
    form.locator("[name='full_name']").fill("Warga Serang")
    form.locator("[name='nik']").fill("3303014501900001")
    form.locator("[name='address']").fill("Desa Serang RT 1 RW 2, Karangreja")
    form.locator("[name='purpose']").fill("Mengetahui rencana perbaikan jalan")
    form.locator("[name='access_method']").select_option("melihat")
    form.locator("[name='delivery_method']").select_option("langsung")
    opd_select = form.locator("[name='opd']")
    if opd_select.count():
        opd_select.select_option(str(people["opd"].pk))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    request = InformationRequest.objects.get()
    case.refresh_from_db()
    assert case.state == State.CONVERTED_PPID and case.ppid_request == request
    assert request.channel == "aspirasi"
    # Received when the citizen commented: the 10 working days run from then.
    assert request.received_on == timezone.localdate(case.received_at)
    # The number and the tracking code went privately, never under the post.
    out = sent(platform)[-1]
    assert out["kind"] == "private_reply"
    assert request.registration_number in out["text"]
    assert not any(
        s["kind"] == "public_reply" and request.registration_number in s["text"]
        for s in sent(platform)
    )
    assert Opd.objects.filter(pk=people["opd"].pk).exists()
    assert_no_console_errors(page)
