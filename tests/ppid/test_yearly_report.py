"""The yearly service report (Laporan Layanan Informasi Publik, UU 14/2008
Pasal 12; Perki 1/2021 Pasal 56): every part the article asks for in the PDF
and the XLSX, PPID Utama's written parts, the objection and dispute figures
computed from the register, publication by 31 March, its reminder and the
"belum diterbitkan" flag."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from ppid.reports import selectors as report_selectors
from ppid.reports import services as report_services
from ppid.reports.models import YearlyReport
from ppid.reports.tasks import send_yearly_report_reminder_task
from ppid.requests import selectors as request_selectors
from ppid.requests import services as rs
from ppid.requests.models import Dispute, Objection, RequestEvent
from tests.factories import ExclusionDecisionFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date

WRITTEN = {
    "policy": "SK Bupati Purbalingga tentang PPID dan SOP layanan informasi.",
    "facilities": "Meja layanan di Dinkominfo dan laman ppid.purbalinggakab.go.id.",
    "staff": "Lima petugas, dua bersertifikat pelayanan publik.",
    "staff_count": 5,
    "budget": "APBD Dinkominfo, kegiatan layanan informasi publik.",
    "budget_allocated": Decimal(150000000),
    "budget_spent": Decimal(120000000),
    "constraints_internal": "Petugas merangkap jabatan di bidang lain.",
    "constraints_external": "Pemohon sering tidak melengkapi identitas.",
    "recommendations": "Pelatihan petugas dan penambahan anggaran 2027.",
}
# The report's parts (Perki 1/2021 Pasal 56), as the files head them.
HEADINGS = [
    "1. Kebijakan layanan",
    "2. Pelaksanaan layanan",
    "3. Permohonan informasi publik",
    "4. Keberatan",
    "5. Sengketa di Komisi Informasi dan pengadilan",
    "6. Kendala",
    "7. Rekomendasi dan rencana tindak lanjut",
]


@pytest.fixture
def report_day(monkeypatch):
    """Set the day the yearly report's selectors and services see as today."""

    def set_today(day):
        monkeypatch.setattr(report_selectors, "today", lambda: day)

    return set_today


@pytest.fixture
def atasan(db):
    return UserFactory(username="atasan", role="atasan_ppid")


def _request_data(opd, **overrides):
    # A legal entity: no NIK, nothing personal for the files to leak.
    data = {
        "requester_type": "badan_hukum",
        "full_name": "Yayasan Data Terbuka",
        "legal_entity_decree_no": "AHU-0012345.AH.01.04.2020",
        "address": "Jl. Jenderal Sudirman 1, Purbalingga",
        "email": "yayasan@example.id",
        "requested_information": "Daftar penerima hibah 2025",
        "purpose": "Pengawasan anggaran",
        "access_method": "salinan",
        "copy_format": "softcopy",
        "delivery_method": "email",
        "opd": opd,
    }
    data.update(overrides)
    return data


def _recorded(by, day, opd):
    request, _code = rs.submit_request(
        data=_request_data(opd), by=by, channel="surat", received_on=day
    )
    return request


def _answered(by, day, opd, decision, **extra):
    request = _recorded(by, day, opd)
    rs.answer_request(
        info_request=request, by=by, decision=decision, letter="Surat.", **extra
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def register_2026(on, ppid_utama, atasan, opd, other_opd):
    """Four requests of 2026 and their objections: one accepted, one left
    unanswered, two taken to the Komisi Informasi (one settled by mediation,
    one adjudicated and then taken to court)."""
    on(D(2026, 3, 16))
    granted = _answered(ppid_utama, D(2026, 3, 16), opd, "granted_full")
    undocumented = _answered(ppid_utama, D(2026, 3, 16), opd, "not_documented")
    unanswered = _recorded(ppid_utama, D(2026, 3, 16), other_opd)
    excluded = ExclusionDecisionFactory(item__opd=opd).item
    refused = _answered(
        ppid_utama,
        D(2026, 3, 16),
        opd,
        "refused_excluded",
        excluded_item=excluded,
    )
    on(D(2026, 4, 8))
    objections = {
        "d": rs.file_objection(
            info_request=granted, reason="d", description="Bukan yang diminta."
        ),
        "e": rs.file_objection(
            info_request=undocumented, reason="e", description="Tidak dipenuhi."
        ),
        "c": rs.file_objection(
            info_request=unanswered, reason="c", description="Tidak ditanggapi."
        ),
        "a": rs.file_objection(
            info_request=refused, reason="a", description="Tidak dikecualikan."
        ),
    }
    on(D(2026, 4, 15))
    rs.answer_objection(
        objection=objections["d"], by=atasan, decision="overturned", answer="Berikan."
    )
    for ground in ("e", "a"):
        rs.answer_objection(
            objection=objections[ground],
            by=atasan,
            decision="upheld",
            answer="Jawaban PPID sudah sesuai.",
        )
    on(D(2026, 4, 20))
    rs.respond_to_objection_answer(objection=objections["d"], accept=True)
    for ground in ("e", "a"):
        rs.respond_to_objection_answer(objection=objections[ground], accept=False)
    on(D(2026, 7, 1))
    rs.record_dispute_result(
        dispute=objections["e"].dispute,
        by=ppid_utama,
        mediation_result="agreed",
        decided_on=D(2026, 5, 20),
        outcome="Dokumen diberikan setelah mediasi.",
    )
    rs.record_dispute_result(
        dispute=objections["a"].dispute,
        by=ppid_utama,
        adjudication_result="rejected",
        decided_on=D(2026, 6, 10),
        court_filed_on=D(2026, 6, 20),
        court_result="upheld",
    )
    return objections


def _write_and_publish(ppid_utama, report_day, year=2026):
    report_day(D(year + 1, 3, 10))
    report_services.save_yearly_report(year=year, by=ppid_utama, data=WRITTEN)
    return report_services.publish_yearly_report(year=year, by=ppid_utama)


def _xlsx_lines(content):
    """The report sheet as {label: value}, and every cell of the workbook."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Laporan"]
    lines = {
        row[0]: row[1] if len(row) > 1 else None
        for row in sheet.iter_rows(values_only=True)
        if row and row[0]
    }
    cells = [
        cell
        for each in workbook.worksheets
        for row in each.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    return lines, cells


def _pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    # Words wrap inside table cells: compare text with single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- The report's parts ---------------------------------------------------------


def test_yearly_report_files_have_every_pasal_56_part(
    client, register_2026, ppid_utama, report_day
):
    _write_and_publish(ppid_utama, report_day)
    xlsx = client.get(reverse("ppid:yearly-report", args=[2026, "xlsx"]))
    assert xlsx.status_code == 200
    lines, cells = _xlsx_lines(xlsx.content)
    for heading in HEADINGS:
        assert heading in lines, heading
    # The written parts, with their numbers.
    for field in ("policy", "facilities", "staff", "budget", "recommendations"):
        assert WRITTEN[field] in cells, field
    assert lines["Kendala internal"] == WRITTEN["constraints_internal"]
    assert lines["Kendala eksternal"] == WRITTEN["constraints_external"]
    assert lines["Jumlah petugas PPID"] == 5
    assert lines["Anggaran yang dialokasikan (Rp)"] == 150000000
    assert lines["Anggaran yang terpakai (Rp)"] == 120000000
    # Requests, objections and their outcomes, disputes and their results.
    assert lines["Permohonan diterima"] == 4
    assert lines["Keberatan yang diajukan"] == 4
    assert lines["Jawaban PPID dikuatkan"] == 2
    assert lines["Keberatan diterima: PPID wajib melaksanakan"] == 1
    assert lines["Masih menunggu tanggapan"] == 1
    assert lines["Sengketa yang diajukan ke Komisi Informasi"] == 2
    assert lines["Mediasi: selesai dengan kesepakatan"] == 1
    assert lines["Ajudikasi: ditolak, putusan Atasan PPID dikuatkan"] == 1
    assert lines["Gugatan ke pengadilan (PTUN)"] == 1
    assert lines["Pengadilan: putusan Komisi Informasi dikuatkan"] == 1
    assert "Diterbitkan pada 10-03-2027." in lines
    # The per-OPD table has a sheet of its own.
    assert "Dinas Kesehatan" in cells and "Dinas Lingkungan Hidup" in cells

    pdf = client.get(reverse("ppid:yearly-report", args=[2026, "pdf"]))
    text = _pdf_text(pdf.content)
    for heading in HEADINGS:
        assert heading in text, heading
    for field in ("policy", "staff", "constraints_external", "recommendations"):
        assert WRITTEN[field] in text, field
    for label in (
        "Keberatan yang diajukan 4",
        "Masih menunggu tanggapan 1",
        "Mediasi: selesai dengan kesepakatan 1",
        "Gugatan ke pengadilan (PTUN) 1",
        "Anggaran yang dialokasikan (Rp) 150.000.000",
        "Diterbitkan pada 10-03-2027.",
    ):
        assert label in text, label


def test_written_parts_are_public_only_once_published(
    client, register_2026, ppid_utama, opd_admin, report_day
):
    report_day(D(2027, 3, 10))
    report_services.save_yearly_report(year=2026, by=ppid_utama, data=WRITTEN)
    url = reverse("ppid:yearly-report", args=[2026, "xlsx"])
    lines, _cells = _xlsx_lines(client.get(url).content)
    assert WRITTEN["policy"] not in lines.values()
    assert lines["Kebijakan"] == "Belum diterbitkan oleh PPID Utama."
    assert "Sedang disusun: diterbitkan paling lambat 31-03-2027." in lines
    # ?draf=1 shows the draft to PPID Utama only.
    client.force_login(opd_admin)
    lines, _cells = _xlsx_lines(client.get(url + "?draf=1").content)
    assert WRITTEN["policy"] not in lines.values()
    client.force_login(ppid_utama)
    draft = client.get(url + "?draf=1")
    assert "draf" in draft["Content-Disposition"]
    lines, _cells = _xlsx_lines(draft.content)
    assert lines["Kebijakan"] == WRITTEN["policy"]
    assert "Draf, belum diterbitkan; diterbitkan paling lambat 31-03-2027." in lines


# --- Figures computed from the register -----------------------------------------------


def test_objection_and_dispute_figures_come_from_the_register(
    register_2026, opd, other_opd
):
    figures = request_selectors.request_statistics(2026)
    assert figures["objection_outcomes"] == {
        "total": 4,
        "by_ground": {"a": 1, "b": 0, "c": 1, "d": 1, "e": 1, "f": 0, "g": 0},
        "answered": 3,
        "upheld": 2,
        "overturned": 1,
        "answered_on_time": 3,
        # The unanswered one is past its 30 working days.
        "late": 1,
        "pending": 1,
        "accepted": 1,
        "disputed": 2,
    }
    assert figures["disputes"] == {
        "total": 2,
        "pending": 0,
        "mediation_agreed": 1,
        "mediation_failed": 0,
        "adjudication_granted": 0,
        "adjudication_granted_partial": 0,
        "adjudication_rejected": 1,
        "adjudication_dismissed": 0,
        "court_cases": 1,
        "court_pending": 0,
        "court_upheld": 1,
        "court_overturned": 0,
    }
    # Per OPD, as the statistics page filters.
    other = request_selectors.request_statistics(2026, other_opd)
    assert other["objection_outcomes"]["total"] == 1
    assert other["objection_outcomes"]["pending"] == 1
    assert other["disputes"]["total"] == 0
    # Counted by the year filed.
    assert request_selectors.request_statistics(2025)["disputes"]["total"] == 0


def test_per_opd_figures_count_ground_b_objections_against_the_opd(
    register_2026, atasan, opd, other_opd, on
):
    """Ground b has no request (UU Pasal 35(1)b): it counts for the OPD it
    was filed against, as the objection register shows it to that OPD."""
    on(D(2026, 5, 4))
    objection = rs.file_objection(
        reason="b",
        opd=other_opd,
        description="Laporan keuangan 2025 belum diumumkan.",
        objector={
            "full_name": "Forum Warga",
            "address": "Jl. Ahmad Yani 5, Purbalingga",
            "email": "forum@example.id",
        },
    )
    rs.answer_objection(
        objection=objection, by=atasan, decision="upheld", answer="Sudah diumumkan."
    )
    rs.respond_to_objection_answer(objection=objection, accept=False)
    other = request_selectors.request_statistics(2026, other_opd)
    assert other["objection_outcomes"]["total"] == 2
    assert other["objection_outcomes"]["by_ground"]["b"] == 1
    assert other["disputes"]["total"] == 1
    mine = request_selectors.request_statistics(2026, opd)
    assert mine["objection_outcomes"]["by_ground"]["b"] == 0
    assert mine["disputes"]["total"] == 2
    whole = request_selectors.request_statistics(2026)
    assert whole["objection_outcomes"]["total"] == 5
    assert whole["disputes"]["total"] == 3


def test_statistics_page_and_api_show_objection_and_dispute_figures(
    client, api_client, register_2026
):
    page = client.get(reverse("ppid:statistics"), {"tahun": 2026}).content.decode()
    assert "Keberatan yang diajukan" in page
    assert "Ajudikasi: ditolak, putusan Atasan PPID dikuatkan" in page
    body = api_client.get("/api/v1/statistics/requests/", {"year": 2026}).json()
    assert body["disputes"]["court_cases"] == 1
    assert body["objection_outcomes"]["by_ground"]["a"] == 1


# --- Dispute results ------------------------------------------------------------------


def _dispute(register_2026, ground):
    return Dispute.objects.get(objection=register_2026[ground])


@pytest.mark.parametrize(
    ("ground", "result", "field"),
    [
        # UU Pasal 40(2): mediation only for grounds b-g.
        (
            "a",
            {"mediation_result": "agreed", "decided_on": D(2026, 6, 1)},
            "mediation_result",
        ),
        # UU Pasal 39: a mediation agreement is final.
        (
            "e",
            {
                "mediation_result": "agreed",
                "adjudication_result": "granted",
                "decided_on": D(2026, 6, 1),
            },
            "adjudication_result",
        ),
        ("e", {"adjudication_result": "granted"}, "decided_on"),
        ("e", {"decided_on": D(2026, 6, 1)}, "decided_on"),
        (
            "e",
            {"adjudication_result": "granted", "decided_on": D(2026, 4, 1)},
            "decided_on",
        ),
        (
            "e",
            {"adjudication_result": "granted", "decided_on": D(2026, 7, 2)},
            "decided_on",
        ),
        # UU Pasal 47-48: only an adjudication goes to court.
        (
            "e",
            {
                "mediation_result": "failed",
                "court_filed_on": D(2026, 6, 20),
            },
            "court_filed_on",
        ),
        (
            "a",
            {
                "adjudication_result": "rejected",
                "decided_on": D(2026, 6, 10),
                "court_filed_on": D(2026, 6, 9),
            },
            "court_filed_on",
        ),
        ("a", {"court_result": "upheld"}, "court_result"),
        (
            "e",
            {"adjudication_result": "maybe", "decided_on": D(2026, 6, 1)},
            "adjudication_result",
        ),
    ],
)
def test_dispute_results_follow_the_law(
    register_2026, ppid_utama, on, ground, result, field
):
    dispute = _dispute(register_2026, ground)
    before = Dispute.objects.filter(pk=dispute.pk).values().get()
    on(D(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        rs.record_dispute_result(dispute=dispute, by=ppid_utama, **result)
    assert field in exc.value.message_dict
    assert Dispute.objects.filter(pk=dispute.pk).values().get() == before


def test_dispute_results_are_recorded_by_the_request_handlers(
    register_2026, opd_admin, other_opd_admin, atasan, on
):
    dispute = _dispute(register_2026, "e")
    on(D(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        rs.record_dispute_result(
            dispute=dispute, by=other_opd_admin, mediation_result="failed"
        )
    rs.record_dispute_result(
        dispute=dispute,
        by=opd_admin,
        mediation_result="failed",
        adjudication_result="granted_partial",
        decided_on=D(2026, 6, 30),
    )
    dispute.refresh_from_db()
    assert (dispute.mediation_result, dispute.adjudication_result) == (
        "failed",
        "granted_partial",
    )
    event = RequestEvent.objects.filter(action="dispute_result").latest("pk")
    assert "Mediasi gagal" in event.note and "Diterima sebagian" in event.note


def test_dispute_result_form_on_the_request_page(client, register_2026, ppid_utama, on):
    dispute = _dispute(register_2026, "a")
    request = dispute.objection.request
    url = reverse("ppid:dispute-result", args=[request.url_key, dispute.objection_id])
    prefix = "dispute-{}-".format(dispute.pk)
    client.force_login(ppid_utama)
    on(D(2026, 7, 1))
    page = client.get(reverse("ppid:request-staff-detail", args=[request.url_key]))
    assert "Catat hasilnya" in page.content.decode()
    bad = client.post(url, {prefix + "court_result": "overturned"})
    assert bad.status_code == 400
    form = dict(bad.context["disputes"])[Dispute.objects.get(pk=dispute.pk)]
    assert list(form.errors) == ["court_result"]
    good = client.post(
        url,
        {
            prefix + "adjudication_result": "granted",
            prefix + "decided_on": "2026-06-10",
            prefix + "outcome": "Informasi wajib diberikan.",
        },
    )
    assert good.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.adjudication_result, dispute.court_filed_on) == ("granted", None)


# --- PPID Utama's form ----------------------------------------------------------------


def _form_data(**overrides):
    data = {k: "" if v is None else str(v) for k, v in WRITTEN.items()}
    data.update(overrides)
    return data


def test_ppid_utama_writes_the_report_and_an_opd_admin_cannot(
    client, ppid_utama, opd_admin, report_day
):
    report_day(D(2027, 2, 1))
    url = reverse("ppid:yearly-report-edit", args=[2026])
    client.force_login(opd_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data()).status_code == 403
    assert client.get(reverse("ppid:yearly-reports")).status_code == 403
    assert not YearlyReport.objects.exists()
    with pytest.raises(PermissionDenied):
        report_services.save_yearly_report(year=2026, by=opd_admin, data=WRITTEN)

    client.force_login(ppid_utama)
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data())
    assert response.status_code == 302
    report = YearlyReport.objects.get(year=2026)
    for field, value in WRITTEN.items():
        assert getattr(report, field) == value, field
    assert report.updated_by == ppid_utama and report.published_on is None
    index = client.get(reverse("ppid:yearly-reports")).content.decode()
    assert reverse("ppid:yearly-report-edit", args=[2026]) in index


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"budget_spent": "200000000"},
            "budget_spent",
            "Anggaran yang terpakai tidak boleh melebihi anggaran yang dialokasikan.",
        ),
        ({"budget_allocated": "-5"}, "budget_allocated", "0"),
        ({"staff_count": "lima"}, "staff_count", "angka"),
        ({"policy": "x" * 10001}, "policy", "10000"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(
    client, ppid_utama, report_day, overrides, field, message
):
    report_day(D(2027, 2, 1))
    client.force_login(ppid_utama)
    url = reverse("ppid:yearly-report-edit", args=[2026])
    response = client.post(url, _form_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert not YearlyReport.objects.exists()


def test_a_future_year_has_no_report(client, ppid_utama, report_day):
    report_day(D(2027, 2, 1))
    client.force_login(ppid_utama)
    assert (
        client.get(reverse("ppid:yearly-report-edit", args=[2028])).status_code == 404
    )
    with pytest.raises(ValidationError) as exc:
        report_services.save_yearly_report(year=2028, by=ppid_utama, data=WRITTEN)
    assert "year" in exc.value.message_dict


def test_publishing_needs_every_written_part_and_a_finished_year(
    client, ppid_utama, report_day
):
    report_day(D(2026, 12, 20))
    client.force_login(ppid_utama)
    publish = reverse("ppid:yearly-report-publish", args=[2026])
    response = client.post(publish)
    assert response.status_code == 400
    assert "setelah tahunnya berakhir" in response.content.decode()

    report_day(D(2027, 3, 2))
    client.post(
        reverse("ppid:yearly-report-edit", args=[2026]),
        _form_data(facilities="", recommendations=""),
    )
    response = client.post(publish)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"facilities", "recommendations"}
    assert "Isi bagian ini sebelum menerbitkan." in errors["facilities"]
    assert YearlyReport.objects.get(year=2026).published_on is None

    client.post(reverse("ppid:yearly-report-edit", args=[2026]), _form_data())
    assert client.post(publish).status_code == 302
    report = YearlyReport.objects.get(year=2026)
    assert (report.published_on, report.published_by) == (D(2027, 3, 2), ppid_utama)
    # Published: a public document, no longer rewritten.
    response = client.post(
        reverse("ppid:yearly-report-edit", args=[2026]), _form_data(policy="Baru.")
    )
    assert response.status_code == 400
    assert "tidak dapat diubah lagi" in response.content.decode()
    assert YearlyReport.objects.get(year=2026).policy == WRITTEN["policy"]
    page = client.get(reverse("ppid:yearly-report-edit", args=[2026]))
    shown = page.content.decode()
    assert WRITTEN["policy"] in shown and "Diterbitkan pada 2 Maret 2027" in shown
    assert reverse("ppid:yearly-report-publish", args=[2026]) not in shown


# --- Deadline, reminder and the "belum diterbitkan" flag ------------------------------


def test_not_yet_published_flag_after_31_march(
    client, register_2026, ppid_utama, report_day
):
    page = reverse("ppid:statistics")
    xlsx = reverse("ppid:yearly-report", args=[2026, "xlsx"])
    report_day(D(2027, 3, 31))
    assert "Belum diterbitkan" not in client.get(page, {"tahun": 2026}).content.decode()
    report_day(D(2027, 4, 1))
    assert "Belum diterbitkan" in client.get(page, {"tahun": 2026}).content.decode()
    lines, _cells = _xlsx_lines(client.get(xlsx).content)
    assert "Belum diterbitkan: batas waktu 31-03-2027 telah lewat." in lines
    client.force_login(ppid_utama)
    index = client.get(reverse("ppid:yearly-reports")).content.decode()
    assert "Belum diterbitkan" in index

    report_services.save_yearly_report(year=2026, by=ppid_utama, data=WRITTEN)
    report_services.publish_yearly_report(year=2026, by=ppid_utama)
    shown = client.get(page, {"tahun": 2026}).content.decode()
    assert "Belum diterbitkan" not in shown and "diterbitkan pada" in shown


def test_the_deadline_is_a_setting(settings, report_day):
    settings.PPID_YEARLY_REPORT_DEADLINE = (4, 30)
    report_day(D(2027, 4, 1))
    state = report_selectors.report_status(2026)
    assert state.deadline == D(2027, 4, 30) and not state.is_overdue
    report_day(D(2027, 5, 1))
    assert report_selectors.report_status(2026).is_overdue


def test_ppid_utama_is_reminded_from_1_march_until_published(
    ppid_utama, opd_admin, report_day, settings
):
    UserFactory(username="ppid-utama-lama", role="ppid_utama", is_active=False)
    send = report_services.send_yearly_report_reminder
    assert send(day=D(2027, 2, 28)) == 0
    assert mail.outbox == []
    assert send(day=D(2027, 3, 1)) == 1
    (first,) = mail.outbox
    assert first.to == [ppid_utama.email]
    assert "2026" in first.subject and "31-03-2027" in first.subject
    assert settings.SITE_URL + "/dasbor/laporan-tahunan/2026/" in first.body
    # Again after PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS (7), not before.
    assert send(day=D(2027, 3, 7)) == 0
    assert send(day=D(2027, 3, 8)) == 1
    assert send(day=D(2027, 4, 1)) == 1
    assert "belum diterbitkan" in mail.outbox[-1].subject
    report_day(D(2027, 4, 2))
    report_services.save_yearly_report(year=2026, by=ppid_utama, data=WRITTEN)
    report_services.publish_yearly_report(year=2026, by=ppid_utama)
    assert send(day=D(2027, 4, 9)) == 0
    assert len(mail.outbox) == 3


def test_the_reminder_start_is_a_setting(ppid_utama, settings):
    settings.PPID_YEARLY_REPORT_REMINDER_FROM = (3, 15)
    assert report_services.send_yearly_report_reminder(day=D(2027, 3, 1)) == 0
    assert report_services.send_yearly_report_reminder(day=D(2027, 3, 15)) == 1


def test_the_daily_task_sends_the_reminder_in_indonesian(
    ppid_utama, report_day, settings
):
    report_day(D(2027, 3, 1))
    assert send_yearly_report_reminder_task.delay().get() == 1
    (message,) = mail.outbox
    assert message.subject.startswith("[PPID] Terbitkan laporan tahunan 2026")
    assert "Perki 1/2021 Pasal 56" in message.body
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ppid.reports.tasks.send_yearly_report_reminder_task" in schedule


def test_no_objection_data_counts_as_zero(report_day):
    figures = request_selectors.request_statistics(2026)
    assert figures["objection_outcomes"]["total"] == 0
    assert figures["disputes"]["pending"] == 0
    assert set(figures["objection_outcomes"]["by_ground"]) == set(
        Objection.Reason.values
    )


def test_the_dashboard_flags_last_years_report_for_ppid_utama(
    client, ppid_utama, opd_admin, report_day
):
    report_day(D(2027, 3, 5))
    client.force_login(ppid_utama)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Sedang disusun" in page
    report_day(D(2027, 4, 1))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Belum diterbitkan" in page
    assert reverse("ppid:yearly-report-edit", args=[2026]) in page
    client.force_login(opd_admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Belum diterbitkan" not in page
    assert reverse("ppid:yearly-reports") not in page
