"""The requester's tracking page: the request and its OPD, the step bar,
what happens next with dates, the objection form only while one may be
filed, the printable receipt, and the bookmarkable link that asks for the
code (issue 18, defect 9)."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from ppid.requests import personal_data, tracking
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection
from tests.ppid.test_request_views import form_data
from tests.ppid.test_requests import NIK

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def on(on):
    on(D(2026, 3, 16))
    return on


def submit(client, **overrides):
    response = client.post(reverse("ppid:request-form"), form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    sent = client.get(response["Location"]).content.decode()
    code = sent.split('class="font-monospace">')[1].split("<")[0]
    return InformationRequest.objects.get(), code, sent


def status_page(client, info_request):
    response = client.get(reverse("ppid:request-status", args=[info_request.url_key]))
    assert response.status_code == 200
    return response


def states(steps):
    return [(str(step.label), step.state) for step in steps]


def test_the_page_shows_the_request_its_opd_steps_and_the_next_dates(client, on, opd):
    created, _code, _sent = submit(client, opd=opd)
    page = status_page(client, created)
    text = page.content.decode()
    assert "Daftar penerima bantuan sosial Desa Bojong 2025" in text
    assert opd.name in text
    assert states(page.context["steps"]) == [
        ("Diterima", "done"),
        ("Diproses", "current"),
        ("Dijawab", "upcoming"),
    ]
    # The current step is marked for assistive technology too.
    assert text.count('aria-current="step"') == 1
    # What happens next, with the dates of the clocks, in Indonesian.
    # The completeness check: 3 working days, Nyepi and Idul Fitri between.
    assert "Kamis, 26 Maret 2026" in text
    assert "Selasa, 7 April 2026" in text  # written answer, 10 working days
    assert [step.date for step in page.context["next_steps"]] == [
        created.completeness_due_on,
        created.answer_due_on,
    ]


def test_an_unrouted_request_names_ppid_utama(client, on):
    created, _code, _sent = submit(client)
    assert created.opd is None
    assert "belum diteruskan" in status_page(client, created).content.decode()


def test_answered_then_objected_the_form_is_offered_once(client, on, opd, ppid_utama):
    created, _code, _sent = submit(client, opd=opd)
    url = reverse("ppid:request-status", args=[created.url_key])
    # Before the answer or its deadline: nothing to object to yet.
    assert status_page(client, created).context["objection_window"] is None
    assert 'id="keberatan"' not in status_page(client, created).content.decode()
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Informasi belum didokumentasikan.",
    )
    page = status_page(client, created)
    assert states(page.context["steps"])[2] == ("Dijawab", "done")
    window = page.context["objection_window"]
    assert window is not None
    text = page.content.decode()
    assert 'id="keberatan"' in text and 'href="#keberatan"' in text
    assert any(step.objection_link for step in page.context["next_steps"])
    made = client.post(url, {"reason": "e", "description": "Tidak dipenuhi"})
    assert made.status_code == 302
    page = status_page(client, created)
    # Filed: followed on its own steps, and the form is not offered again.
    assert page.context["objection_window"] is None
    text = page.content.decode()
    assert 'id="keberatan"' not in text
    assert (
        "Ajukan keberatan"
        not in text.split('id="selanjutnya"')[1].split("</section>")[0]
    )
    ((objection, steps),) = page.context["objections"]
    assert states(steps) == [
        ("Keberatan diajukan", "done"),
        ("Keberatan ditanggapi", "current"),
    ]
    assert steps[1].due == objection.due_on
    assert objection.due_on in [step.date for step in page.context["next_steps"]]


def test_the_form_offers_only_the_grounds_open_to_the_request(
    client, on, opd, ppid_utama
):
    created, _code, _sent = submit(client, opd=opd)
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Informasi belum didokumentasikan.",
    )
    page = status_page(client, created)
    form = page.context["form"]
    offered = [value for value, _label in form.fields["reason"].choices]
    # Answered on time, not refused as excluded, no fee: a, c, f and g would
    # be refused by the service, so they are not offered.
    assert offered == ["d", "e"]
    text = page.content.decode()
    assert 'value="d"' in text and 'value="a"' not in text
    refused = client.post(
        reverse("ppid:request-status", args=[created.url_key]),
        {"reason": "g", "description": "Terlambat"},
    )
    assert refused.status_code == 400
    assert not Objection.objects.exists()


def test_after_an_answered_objection_another_ground_is_offered(
    client, on, opd, ppid_utama, atasan
):
    created, _code, _sent = submit(client, opd=opd)
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Informasi belum didokumentasikan.",
    )
    url = reverse("ppid:request-status", args=[created.url_key])
    assert client.post(url, {"reason": "e", "description": "X"}).status_code == 302
    # Awaiting its answer: no form at all.
    assert status_page(client, created).context["objection_window"] is None
    rs.answer_objection(
        objection=Objection.objects.get(),
        by=atasan,
        decision="upheld",
        answer="Jawaban PPID sudah sesuai.",
    )
    page = status_page(client, created)
    # Answered: the law leaves the other grounds open, not the one used.
    assert page.context["objection_window"] is not None
    offered = [value for value, _label in page.context["form"].fields["reason"].choices]
    assert offered == ["d"]


def test_the_form_is_not_offered_once_the_30_working_days_ended(
    client, on, opd, ppid_utama
):
    created, _code, _sent = submit(client, opd=opd)
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Informasi belum didokumentasikan.",
    )
    end = rs.objection_window(created)[1]
    on(end)
    assert status_page(client, created).context["objection_window"] is not None
    on(end + datetime.timedelta(days=1))
    page = status_page(client, created)
    assert page.context["objection_window"] is None
    assert 'id="keberatan"' not in page.content.decode()
    assert [step.date for step in page.context["next_steps"]] == [end]


def test_an_overdue_request_may_be_objected_to_on_its_page(client, on, opd):
    created, _code, _sent = submit(client, opd=opd)
    on(created.answer_due_on + datetime.timedelta(days=1))
    page = status_page(client, created)
    assert page.context["objection_window"] is not None
    assert "berlalu" in page.content.decode()


def test_a_granted_objection_shows_the_order_step(client, on, opd, ppid_utama, atasan):
    created, _code, _sent = submit(client, opd=opd)
    rs.answer_request(
        info_request=created,
        by=ppid_utama,
        decision="not_documented",
        letter="Belum ada.",
    )
    objection = rs.file_objection(
        info_request=created, reason="d", description="Bukan yang diminta."
    )
    rs.answer_objection(
        objection=objection, by=atasan, decision="overturned", answer="Dikabulkan."
    )
    objection.refresh_from_db()
    labels = states(tracking.objection_steps(objection))
    assert labels == [
        ("Keberatan diajukan", "done"),
        ("Keberatan ditanggapi", "done"),
        ("PPID melaksanakan putusan", "current"),
    ]
    page = status_page(client, created)
    assert objection.order_due_on in [s.date for s in page.context["next_steps"]]


def test_the_receipt_is_a_pdf_with_the_masked_name_and_no_secret(client, on, opd):
    created, code, sent = submit(client, opd=opd)
    receipt_url = reverse("ppid:request-receipt", args=[created.url_key])
    assert receipt_url in sent
    assert receipt_url in status_page(client, created).content.decode()
    response = client.get(receipt_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert created.registration_number in text
    assert "S*** A*****" in text and "Siti Aminah" not in text
    assert "Daftar penerima bantuan sosial Desa Bojong 2025" in text
    assert opd.name in text
    assert "Senin, 16 Maret 2026" in text  # received
    assert "Selasa, 7 April 2026" in text  # written answer due
    for secret in (code, NIK, "081234567890", "siti@example.id"):
        assert secret not in text
    # Another browser, without the code, gets nothing.
    assert client.__class__().get(receipt_url).status_code == 404


def test_a_legal_entity_name_is_printed_in_full():
    assert personal_data.mask_name("Budi  Santoso") == "B*** S******"
    request = InformationRequest(
        registration_number="PPID-PBG/2026/000001",
        requester_type="badan_hukum",
        full_name="Yayasan Terbuka",
        requested_information="x",
        received_on=D(2026, 3, 16),
        answer_due_on=D(2026, 3, 30),
        access_method="melihat",
    )
    from ppid.requests.receipt import receipt_rows

    assert ("Pemohon", "Yayasan Terbuka") in [
        (str(label), value) for label, value in receipt_rows(request)
    ]


def test_the_emailed_link_is_the_bookmarkable_page(
    client, on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created, code, _sent = submit(client)
    status_url = reverse("ppid:request-status", args=[created.url_key])
    assert status_url in mail.outbox[0].body
    # Opened in another browser: the form, the number filled in, no details.
    other = client.__class__()
    asked = other.get(status_url)
    text = asked.content.decode()
    assert asked.status_code == 200
    assert 'value="{}"'.format(created.registration_number) in text
    assert "autofocus" in text
    assert created.requested_information not in text
    assert asked["Cache-Control"] == "private, no-store"
    # An unknown number answers the same form: nothing tells them apart.
    unknown = other.get(reverse("ppid:request-status", args=["PPID-PBG-2026-999999"]))
    assert unknown.status_code == 200
    assert 'value="PPID-PBG/2026/999999"' in unknown.content.decode()
    # With the code, the request.
    found = other.post(
        reverse("ppid:request-track"),
        {"registration_number": created.registration_number, "tracking_code": code},
    )
    assert found["Location"] == status_url
    assert created.requested_information in other.get(status_url).content.decode()
    # The tracking page also takes the number from the query string.
    prefilled = client.__class__().get(
        reverse("ppid:request-track"), {"nomor": created.url_key}
    )
    assert prefilled.context["form"].initial["registration_number"] == (
        created.registration_number
    )
    # Without the code, a POST to the page does nothing.
    assert other.__class__().post(status_url, {"reason": "c"}).status_code == 404
    assert not Objection.objects.exists()
