"""A case leaves the inbox: as an information request dated when the
citizen wrote, or referred to SP4N-LAPOR! by hand (issue 19)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aspirations.conversions import lapor
from aspirations.conversions import services as conversions
from aspirations.inbox import services as inbox
from aspirations.inbox.models import Case, CaseEvent, Message, State
from opds.models import AuditEvent
from ppid.calendar.workdays import WorkingCalendar
from ppid.requests import personal_data
from ppid.requests import services as request_services
from ppid.requests.models import InformationRequest
from tests.factories import (
    OpdFactory,
    PortalCaseFactory,
    PortalMessageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NIK = "3303014501900001"
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
RECEIVED = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=JAKARTA)
TODAY = datetime.date(2026, 2, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(request_services, "today", lambda: TODAY)
    # The inbox's clock on the same day: the platforms' reply windows are
    # still open two hours after the citizen wrote.
    monkeypatch.setattr(inbox, "now", lambda: RECEIVED + datetime.timedelta(hours=2))


@pytest.fixture
def sent(monkeypatch):
    """The channels' sender, as the hooks helper registers it."""
    queued: list[int] = []
    monkeypatch.setitem(inbox._hooks, "send", queued.append)
    return queued


@pytest.fixture
def coordinator(db):
    return UserFactory(username="koordinator", role="dinkominfo")


def request_form(**overrides):
    data = {
        "requester_type": "perorangan",
        "full_name": "Siti Aminah",
        "nik": NIK,
        "address": "Desa Kalimanah Wetan RT 2 RW 1",
        "phone": "081234567890",
        "email": "",
        "occupation": "Petani",
        "requested_information": "Daftar penerima BLT Desa Kalimanah Wetan 2025",
        "purpose": "Memastikan keluarga kami terdaftar",
        "access_method": "melihat",
        "copy_format": "",
        "delivery_method": "langsung",
        "opd": "",
    }
    data.update(overrides)
    return data


def whatsapp_case(**kwargs) -> Case:
    case = PortalCaseFactory(
        received_at=RECEIVED, last_citizen_message_at=RECEIVED, **kwargs
    )
    PortalMessageFactory(
        case=case,
        sent_at=RECEIVED,
        text="Minta daftar penerima BLT desa kami, nama kami tidak ada.",
    )
    return case


def test_the_coordinator_registers_a_case_as_a_request_dated_when_asked(
    client, coordinator, opd, sent, django_capture_on_commit_callbacks
):
    case = whatsapp_case(opd=opd)
    url = reverse("aspirations:convert-ppid", args=[case.pk])
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["full_name"] == "Siti Aminah"
    assert "daftar penerima BLT" in initial["requested_information"]
    assert initial["opd"] == opd.pk
    assert "channel" not in page.context["form"].fields
    assert "received_on" not in page.context["form"].fields

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, request_form(opd=str(opd.pk)))
    created = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    # The clock starts when the citizen asked, not when staff converted it.
    assert created.channel == "aspirasi"
    assert created.received_on == datetime.date(2026, 2, 2)
    assert timezone.localtime(created.received_at).time() == datetime.time(10, 0)
    calendar = WorkingCalendar(created.received_on, created.received_on)
    assert created.due_on == calendar.add(datetime.date(2026, 2, 2), 10)
    assert created.opd == opd
    assert created.nik_masked == personal_data.mask_nik(NIK)
    # Linked both ways, out of the inbox, with its step and audit entry.
    case.refresh_from_db()
    assert case.ppid_request == created
    assert created.aspiration_case == case
    assert case.state == State.CONVERTED_PPID
    assert case.closed_at is not None
    event = case.events.get(action=CaseEvent.Action.CONVERTED_PPID)
    assert event.note == created.registration_number and event.actor == coordinator
    assert AuditEvent.objects.filter(
        object_repr=case.number, detail__step="converted_ppid"
    ).exists()
    # WhatsApp is private: the number and the code went to the citizen.
    (reply,) = case.messages.filter(direction="out")
    assert created.registration_number in reply.text
    assert sent == [reply.pk]
    code = re.search(r"\b[A-HJ-NP-Z2-9]{12}\b", reply.text).group()
    assert personal_data.tracking_code_matches(code, created.tracking_code_hash)
    # Staff see it too, to hand over if the message does not arrive.
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(code in text for text in shown)


@pytest.mark.parametrize(
    "channel,kind,has_code",
    [
        ("instagram_comment", Message.ReplyKind.PRIVATE, True),
        ("youtube_comment", Message.ReplyKind.PUBLIC, False),
        ("messenger", Message.ReplyKind.MESSAGE, True),
    ],
)
def test_the_code_never_goes_under_a_public_comment(
    coordinator, sent, channel, kind, has_code
):
    case = whatsapp_case(channel=channel)
    done = conversions.convert_to_request(
        case=case, by=coordinator, data=_service_data()
    )
    reply = case.messages.get(direction="out")
    assert reply.reply_kind == kind
    assert (done.code in reply.text) is has_code
    assert done.request.registration_number in reply.text
    assert done.told == (
        conversions.TOLD_PRIVATELY if has_code else conversions.TOLD_PUBLICLY
    )


def test_a_portal_citizen_reads_the_code_on_the_tracking_page(client, coordinator):
    from aspirations.portal import services as portal

    case, code = portal.submit_aspiration(
        data={
            "kind": "information_request",
            "title": "Data BLT",
            "text": "Mohon daftar penerima BLT Desa Bojong.",
            "name": "Siti Aminah",
            "email": "siti@contoh.id",
        }
    )
    Case.objects.filter(pk=case.pk).update(received_at=RECEIVED)
    done = conversions.convert_to_request(
        case=case, by=coordinator, data=_service_data()
    )
    session = client.session
    session["aspiration_tracked_cases"] = [case.pk]
    session.save()
    page = client.get(reverse("aspirations:track-case", args=[portal.url_key(case)]))
    html = page.content.decode()
    assert done.code in html and done.request.registration_number in html


def _service_data(**overrides):
    data = request_form(**overrides)
    data["opd"] = None
    return data


def test_refusals_leave_everything_as_it_was(
    client, coordinator, opd, other_opd, other_opd_admin, ppid_utama, sent
):
    case = whatsapp_case(opd=opd)
    url = reverse("aspirations:convert-ppid", args=[case.pk])
    # Another OPD does not see the case; PPID Utama sees it but does not handle it.
    client.force_login(other_opd_admin)
    assert client.get(url).status_code == 404
    client.force_login(ppid_utama)
    assert client.post(url, request_form()).status_code == 403
    with pytest.raises(PermissionDenied):
        conversions.convert_to_request(case=case, by=ppid_utama, data=_service_data())
    # A person without a NIK: named, nothing saved.
    client.force_login(coordinator)
    response = client.post(url, request_form(nik=""))
    assert response.status_code == 400
    assert "nik" in response.context["form"].errors
    assert not InformationRequest.objects.exists()
    case.refresh_from_db()
    assert case.state == State.ROUTED and case.ppid_request is None
    assert not case.messages.filter(direction="out").exists()
    # A closed case cannot be converted.
    inbox.archive(case=case, by=coordinator, reason="Uji coba.")
    with pytest.raises(ValidationError) as caught:
        conversions.convert_to_request(case=case, by=coordinator, data=_service_data())
    assert set(caught.value.message_dict) == {"state"}
    assert not InformationRequest.objects.exists()


def test_the_opd_handling_it_converts_into_its_own_register(opd, opd_admin, sent):
    case = whatsapp_case(opd=opd)
    done = conversions.convert_to_request(case=case, by=opd_admin, data=_service_data())
    assert done.request.opd == opd
    assert done.request.recorded_by == opd_admin


# --- SP4N-LAPOR! ----------------------------------------------------------------


def test_a_case_is_copied_to_lapor_then_its_status_followed(client, coordinator):
    kecamatan = OpdFactory(
        short_name="KEC-KLM", name="Kecamatan Kalimanah", kind="kecamatan"
    )
    case = whatsapp_case(kecamatan=kecamatan, village="Desa Kalimanah Wetan")
    url = reverse("aspirations:refer-lapor", args=[case.pk])
    client.force_login(coordinator)
    page = client.get(url)
    report = page.context["report"]
    assert report.title == case.title
    assert "nama kami tidak ada" in report.text
    assert report.classification == "Pengaduan"
    assert report.location == (
        "Desa Kalimanah Wetan, Kecamatan Kalimanah, Kabupaten Purbalingga"
    )
    assert report.anonymous is False and report.confidential is False
    assert "nama kami tidak ada" in page.content.decode()

    empty = client.post(url, {"tracking_id": ""})
    assert empty.status_code == 400
    assert "tracking_id" in empty.context["refer_form"].errors
    bad = client.post(url, {"tracking_id": "12<script>"})
    assert bad.status_code == 400
    case.refresh_from_db()
    assert case.state == State.NEW and case.lapor_tracking_id == ""

    assert client.post(url, {"tracking_id": "#1916449"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.REFERRED_LAPOR
    assert case.lapor_tracking_id == "1916449"
    assert case.events.filter(action="referred_lapor", note="1916449").exists()

    assert client.post(url, {"status": "Diproses"}).status_code == 302
    case.refresh_from_db()
    assert case.lapor_status == "Diproses"
    assert case.events.filter(action="lapor_status", note="Diproses").exists()
    assert "Diproses" in client.get(url).content.decode()


def test_lapor_refusals(coordinator, opd, other_opd_admin, client):
    case = whatsapp_case(opd=opd)
    with pytest.raises(ValidationError) as caught:
        conversions.update_lapor_status(case=case, by=coordinator, status="Selesai")
    assert set(caught.value.message_dict) == {"status"}
    with pytest.raises(PermissionDenied):
        conversions.refer_to_lapor(case=case, by=other_opd_admin, tracking_id="1234")
    client.force_login(other_opd_admin)
    assert (
        client.get(reverse("aspirations:refer-lapor", args=[case.pk])).status_code
        == 404
    )
    inbox.archive(case=case, by=coordinator, reason="Spam.")
    with pytest.raises(ValidationError):
        conversions.refer_to_lapor(case=case, by=coordinator, tracking_id="1234")
    case.refresh_from_db()
    assert case.lapor_tracking_id == ""


def test_without_the_api_a_person_copies_the_report(settings):
    settings.LAPOR_API_URL = "https://lapor.example"
    settings.LAPOR_API_KEY = "kunci"
    client = lapor.get_client()
    assert isinstance(client, lapor.ManualLapor)
    assert (
        client.submit(lapor.LaporReport("a", "b", "Aspirasi", "", "", False, False))
        is None
    )
    assert client.status("1916449") is None
