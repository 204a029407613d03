"""The request pages: the public form, tracking, objections, staff pages,
statistics, exports, and personal data kept out of all public output."""

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection
from tests.factories import pdf_bytes
from tests.ppid.test_requests import NIK, request_data

pytestmark = pytest.mark.django_db
D = datetime.date
PERSONAL = (NIK, "081234567890", "siti@example.id", "Jl. Jenderal Sudirman")


def form_data(**overrides):
    data = request_data(**overrides)
    data["opd"] = data["opd"].pk if data["opd"] else ""
    return {key: "" if value is None else value for key, value in data.items()}


@pytest.fixture
def on(on):
    on(D(2026, 3, 16))
    return on


def submit(client, **overrides):
    response = client.post(reverse("ppid:request-form"), form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"])


def test_public_form_confirmation_email_and_tracking(
    client, on, django_capture_on_commit_callbacks
):
    page = client.get(reverse("ppid:request-form"))
    assert "Kirim permohonan" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = submit(client)
    body = sent.content.decode()
    created = InformationRequest.objects.get()
    assert created.registration_number in body
    assert "7 April 2026" in body
    code = body.split('class="font-monospace">')[1].split("<")[0]
    assert rs.find_by_code(created.registration_number, code) == created
    # Shown once: a reload no longer shows the code.
    assert (
        code
        not in client.get(reverse("ppid:request-sent"), follow=True).content.decode()
    )
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    assert NIK not in mail.outbox[0].body
    # A fresh visitor tracks with number and code.
    other = client.__class__()
    wrong = other.post(
        reverse("ppid:request-track"),
        {"registration_number": created.registration_number, "tracking_code": "X"},
    )
    assert wrong.status_code == 400
    status_url = reverse("ppid:request-status", args=[created.url_key])
    # The bookmarked link asks for the code, the number filled in, and
    # shows nothing of the request.
    asked = other.get(status_url)
    assert asked.status_code == 200
    assert asked.context["form"].initial["registration_number"] == (
        created.registration_number
    )
    assert created.requested_information not in asked.content.decode()
    found = other.post(
        reverse("ppid:request-track"),
        {"registration_number": created.registration_number, "tracking_code": code},
    )
    assert found["Location"] == status_url
    status = other.get(status_url).content.decode()
    assert "Diajukan" in status
    for secret in PERSONAL:
        assert secret not in status


def test_bad_input_names_the_field_and_saves_nothing(client, on):
    response = client.post(reverse("ppid:request-form"), form_data(nik="1234"))
    assert response.status_code == 400
    assert "NIK harus terdiri dari tepat 16 angka" in response.content.decode()
    response = client.post(
        reverse("ppid:request-form"), form_data(requested_information="x" * 4001)
    )
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def test_honeypot_and_rate_limit(client, on, settings):
    response = client.post(reverse("ppid:request-form"), form_data(website="spam"))
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()
    # Every attempt counts, the refused one above included.
    settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR = 3
    submit(client)
    submit(client)
    blocked = client.post(reverse("ppid:request-form"), form_data())
    assert blocked.status_code == 429
    assert InformationRequest.objects.count() == 2


def test_requester_objects_from_the_status_page(client, on, ppid_utama):
    submit(client)
    created = InformationRequest.objects.get()
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Informasi belum didokumentasikan.",
        files=[SimpleUploadedFile("surat.pdf", pdf_bytes("Surat jawaban"))],
    )
    status_url = reverse("ppid:request-status", args=[created.url_key])
    page = client.get(status_url).content.decode()
    assert "Informasi belum didokumentasikan." in page
    answer_file = created.files.get()
    download = client.get(
        reverse("ppid:requester-file", args=[created.url_key, answer_file.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    bad = client.post(status_url, {"reason": "z", "description": "x"})
    assert bad.status_code == 400
    made = client.post(status_url, {"reason": "e", "description": "Tidak dipenuhi"})
    assert made.status_code == 302
    assert Objection.objects.get().reason == "e"


def test_staff_register_detail_and_actions(
    client, on, opd, opd_admin, other_opd_admin, ppid_utama
):
    submit(client, opd=opd)
    created = InformationRequest.objects.get()
    detail = reverse("ppid:request-staff-detail", args=[created.url_key])
    client.force_login(other_opd_admin)
    assert client.get(detail).status_code == 404
    assert (
        created.registration_number
        not in client.get(reverse("ppid:request-register")).content.decode()
    )
    client.force_login(ppid_utama)
    page = client.get(detail).content.decode()
    assert "3303********0001" in page and NIK not in page
    assert "081234567890" not in page  # contacts are for the handler
    client.force_login(opd_admin)
    page = client.get(detail).content.decode()
    assert NIK in page and "081234567890" in page  # the handler sees them
    step = lambda name: reverse("ppid:request-action", args=[created.url_key, name])  # noqa: E731
    assert client.post(step("complete")).status_code == 302
    assert client.post(step("extend"), {"reason": ""}).status_code == 400
    assert client.post(step("extend"), {"reason": "Arsip"}).status_code == 302
    refused = client.post(
        step("answer"), {"decision": "granted_partial", "letter": "x"}
    )
    assert refused.status_code == 400
    assert "Sebutkan bagian yang dihitamkan" in refused.content.decode()
    created.refresh_from_db()
    assert created.status == "in_process" and created.extended_on is not None
    answered = client.post(
        step("answer"), {"decision": "granted_full", "letter": "Terlampir"}
    )
    assert answered.status_code == 302
    assert client.post(step("close")).status_code == 302
    created.refresh_from_db()
    assert created.status == "closed"


def test_staff_record_paper_request(client, on, opd_admin):
    client.force_login(opd_admin)
    data = form_data(delivery_method="langsung", email="")
    data.update(channel="surat", received_on="2026-03-13")
    response = client.post(reverse("ppid:request-record"), data)
    assert response.status_code == 302
    created = InformationRequest.objects.get()
    assert (created.received_on, created.due_on, created.opd) == (
        D(2026, 3, 13),
        D(2026, 4, 6),
        opd_admin.opd,
    )


def test_identity_scan_only_for_the_handler(client, on, opd, opd_admin, ppid_utama):
    data = form_data(opd=opd)
    data["identity_scan"] = SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP"))
    assert client.post(reverse("ppid:request-form"), data).status_code == 302
    created = InformationRequest.objects.get()
    scan = created.files.get()
    url = reverse("ppid:request-file", args=[created.url_key, scan.pk])
    client.force_login(ppid_utama)
    assert client.get(url).status_code == 404
    client.force_login(opd_admin)
    assert client.get(url).status_code == 200


def test_no_personal_data_in_public_output_exports_or_logs(
    client, on, opd, ppid_utama, atasan
):
    # The handlers settings.LOGGING installed, written into a buffer: the
    # test holds only if the configuration itself filters.
    from core.redaction import RedactPersonalData

    root = logging.getLogger()
    handlers = [
        h
        for h in root.handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    ]
    assert handlers, "settings.LOGGING lost its personal-data filter"
    stream = io.StringIO()
    old_streams = [h.setStream(stream) for h in handlers]
    try:
        submit(client, opd=opd)
        created = InformationRequest.objects.get()
        logging.getLogger("ppid").warning(
            "debug dump %s %s %s", NIK, "081234567890", "siti@example.id"
        )
        # Django's own loggers, which have handlers of their own by default.
        logging.getLogger("django.request").error("bad %s", "3303 0145 0790 0001")
        logging.getLogger("django.server").error(
            '"GET /api/v1/requests/X/?tracking_code=ABCDEFGHJKMN HTTP/1.1" 200'
        )
        try:
            raise ValueError("bad NIK {}".format(NIK))
        except ValueError:
            logging.getLogger("ppid").exception("failed")
        rs.answer_request(
            info_request=created, by=ppid_utama, decision="granted_full", letter="x"
        )
        public_pages = [
            reverse("ppid:statistics"),
            reverse("ppid:yearly-report", args=[2026, "xlsx"]),
            reverse("ppid:yearly-report", args=[2026, "pdf"]),
            "/api/v1/statistics/requests/?year=2026",
            reverse("ppid:request-guide"),
        ]
        anonymous = client.__class__()
        for url in public_pages:
            response = anonymous.get(url)
            assert response.status_code == 200, url
            for secret in PERSONAL:
                assert secret.encode() not in response.content, (url, secret)
        client.force_login(ppid_utama)
        for fmt in ("csv", "xlsx"):
            export = client.get(reverse("ppid:request-register-export", args=[fmt]))
            assert export.status_code == 200
            for secret in PERSONAL:
                assert secret.encode() not in export.content, (fmt, secret)
        assert (
            created.registration_number.encode()
            in client.get(reverse("ppid:request-register-export", args=["csv"])).content
        )
    finally:
        for handler, old in zip(handlers, old_streams, strict=True):
            handler.setStream(old)
    logged = stream.getvalue()
    assert "debug dump" in logged and "bad NIK" in logged and "tracking_code=" in logged
    for secret in (*PERSONAL[:3], "3303 0145", "ABCDEFGHJKMN"):
        assert secret not in logged


def test_atasan_answers_objection_on_the_staff_page(client, on, ppid_utama, atasan):
    submit(client)
    created = InformationRequest.objects.get()
    on(D(2026, 4, 8))
    objection = rs.file_objection(
        info_request=created, reason="c", description="Tidak dijawab"
    )
    url = reverse("ppid:objection-answer", args=[created.url_key, objection.pk])
    client.force_login(ppid_utama)
    assert client.post(url, {"decision": "upheld", "answer": "x"}).status_code == 403
    client.force_login(atasan)
    assert client.post(url, {"decision": "upheld", "answer": ""}).status_code == 400
    assert (
        client.post(url, {"decision": "overturned", "answer": "Jawab."}).status_code
        == 302
    )
    objection.refresh_from_db()
    assert objection.status == "answered"


def test_statistics_page_and_yearly_report(client, on, ppid_utama):
    submit(client)
    rs.answer_request(
        info_request=InformationRequest.objects.get(),
        by=ppid_utama,
        decision="granted_full",
        letter="x",
    )
    page = client.get(reverse("ppid:statistics"), {"tahun": 2026})
    assert page.status_code == 200
    assert "Statistik permohonan 2026" in page.content.decode()
    pdf = client.get(reverse("ppid:yearly-report", args=[2026, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("ppid:yearly-report", args=[2026, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert 1 in values and "Diterima seluruhnya" in values


def test_yearly_report_outside_the_register_years_is_404(client):
    for year in ("0000", "9999", "1999"):
        response = client.get("/statistik/laporan-{}.pdf".format(year))
        assert response.status_code == 404


def test_nul_in_a_request_url_is_404(client, ppid_utama):
    assert client.get("/permohonan-informasi/PPID-PBG-2026-%00/").status_code == 404
    client.force_login(ppid_utama)
    assert client.get("/dasbor/permohonan/PPID-PBG-2026-%00/").status_code == 404


def test_reading_a_nik_in_clear_is_audited_without_the_value(
    client, on, opd, opd_admin, ppid_utama
):
    from opds.models import AuditEvent

    submit(client, opd=opd)
    created = InformationRequest.objects.get()
    detail = reverse("ppid:request-staff-detail", args=[created.url_key])
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_READ)

    client.force_login(ppid_utama)  # sees it masked: nothing to record
    client.get(detail)
    assert not reads.exists()

    client.force_login(opd_admin)  # the handler sees it in clear
    assert NIK in client.get(detail).content.decode()
    event = reads.get()
    assert event.actor == opd_admin
    assert event.object_id == str(created.pk)
    row = str(list(AuditEvent.objects.values_list()))
    assert NIK not in row
