"""The registers (domain.md §3.5 and §3.6): the request register with every
column of the Perki register form, its staff-only columns kept out of every
public output, and the objection register, scoped per OPD."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opds.models import AuditEvent
from ppid.requests import exports
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Tariff
from tests.factories import UserFactory
from tests.ppid.test_requests import NIK, request_data

pytestmark = pytest.mark.django_db
D = datetime.date
ADDRESS = "Jl. Jenderal Sudirman 1, Purbalingga"
CONTACT = "081234567890 · siti@example.id"
PERSONAL = (NIK, "081234567890", "siti@example.id", "Jl. Jenderal Sudirman")
STAFF_ONLY = (
    "Alamat (khusus petugas)",
    "Nomor kontak (telepon, surel) (khusus petugas)",
)
PERKI_COLUMNS = (
    "Nomor pendaftaran",
    "Hari dan tanggal permohonan diterima",
    "Nama",
    *STAFF_ONLY,
    "Pekerjaan",
    "Informasi yang diminta",
    "Tujuan penggunaan",
    "Status informasi",
    "Bentuk informasi yang dikuasai",
    "Jenis permohonan",
    "Keputusan",
    "Alasan penolakan",
    "Hari dan tanggal pemberitahuan tertulis",
    "Hari dan tanggal informasi diberikan",
    "Biaya (Rp)",
    "Cara pembayaran",
    "Dibayar pada",
)


@pytest.fixture
def on(on):
    on(D(2026, 3, 16))  # a Monday
    return on


@pytest.fixture
def served(on, opd, opd_admin):
    """A request to ``opd``, answered with a cost, paid and handed over."""
    Tariff.objects.create(opd=opd, copy_per_page=500, payment_methods="Tunai")
    found, _code = rs.submit_request(data=request_data(opd=opd, copy_format="hardcopy"))
    rs.answer_request(
        info_request=found,
        by=opd_admin,
        decision="granted_full",
        letter="Terlampir.",
        held_form="both",
        copy_pages=10,
    )
    rs.record_payment(info_request=found, by=opd_admin, reference="KW-1")
    rs.record_handover(info_request=found, by=opd_admin)
    return found


def read_csv(response):
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def read_xlsx(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    (start,) = [i for i, r in enumerate(rows) if r and r[0] and r[1] and r[2]][:1]
    return rows[start], rows[start + 1 :]


def column(header, row, name):
    return row[header.index(name)]


def test_request_register_export_has_every_perki_column(client, served, opd_admin):
    client.force_login(opd_admin)
    url = reverse("ppid:request-register-export", args=["csv"])
    header, rows = read_csv(client.get(url))
    for name in PERKI_COLUMNS:
        assert name in header, name
    (row,) = rows
    expected = {
        "Hari dan tanggal permohonan diterima": "Senin, 16-03-2026",
        "Jam diterima": "10:00",
        "Dihitung diterima pada": "Senin, 16-03-2026",
        STAFF_ONLY[0]: ADDRESS,
        STAFF_ONLY[1]: CONTACT,
        "Status informasi": "Di bawah penguasaan badan publik ini",
        "Bentuk informasi yang dikuasai": "Softcopy dan hardcopy",
        "Jenis permohonan": "Mendapatkan salinan (Hardcopy)",
        "Hari dan tanggal informasi diberikan": "Senin, 16-03-2026",
        "Biaya (Rp)": "5000",
        "Cara pembayaran": "Tunai",
        "Dibayar pada": "16-03-2026",
    }
    assert {name: column(header, row, name) for name in expected} == expected
    assert NIK not in ",".join(row)
    xlsx_header, xlsx_rows = read_xlsx(
        client.get(reverse("ppid:request-register-export", args=["xlsx"]))
    )
    assert xlsx_header == header
    assert column(xlsx_header, xlsx_rows[0], "Biaya (Rp)") == 5000
    # Each export that carried contacts is in the audit log, never the values.
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_READ)
    assert reads.count() == 2
    assert reads.first().detail == {"field": "address, contact", "export_rows": 1}
    assert "Sudirman" not in str(reads.first().detail)


def test_staff_only_cells_stay_empty_for_staff_who_do_not_handle_the_request(
    client, served, ppid_utama
):
    # Routed to the OPD: its PPID Pelaksana handles it, as with the NIK.
    for user in (ppid_utama, UserFactory(username="atasan-x", role="atasan_ppid")):
        client.force_login(user)
        response = client.get(reverse("ppid:request-register-export", args=["csv"]))
        header, (row,) = read_csv(response)
        assert [column(header, row, name) for name in STAFF_ONLY] == ["", ""]
        for secret in PERSONAL:
            assert secret.encode() not in response.content
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_READ
    ).exists()


def test_staff_only_columns_are_absent_from_any_public_output(
    client, api_client, served, opd_admin
):
    requests = InformationRequest.objects.all()
    public_header = exports.register_columns()
    assert not [name for name in public_header if "khusus petugas" in name]
    assert "Biaya (Rp)" in public_header
    (row,) = exports.register_rows(requests)
    assert len(row) == len(public_header)
    assert ADDRESS not in row and CONTACT not in row
    # The staff columns, for a staff user, are marked as such.
    staff_header = exports.register_columns(opd_admin)
    assert [n for n in staff_header if n.endswith("(khusus petugas)")] == list(
        STAFF_ONLY
    )
    public_urls = [
        reverse("ppid:statistics"),
        reverse("ppid:yearly-report", args=[2026, "xlsx"]),
        reverse("ppid:yearly-report", args=[2026, "pdf"]),
        "/api/v1/statistics/requests/?year=2026",
    ]
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for secret in PERSONAL:
            assert secret.encode() not in response.content, (url, secret)


def test_information_status_follows_the_written_notice(on, opd, opd_admin):
    found, _code = rs.submit_request(data=request_data(opd=opd))
    rs.answer_request(
        info_request=found,
        by=opd_admin,
        decision="not_controlled",
        letter="Informasi dikuasai BPS.",
        referred_body="BPS Kabupaten Purbalingga",
    )
    found.refresh_from_db()
    assert exports.information_status(found) == (
        "Tidak di bawah penguasaan; dikuasai oleh BPS Kabupaten Purbalingga"
    )


# --- The objection register -----------------------------------------------------------


@pytest.fixture
def objections(on, opd, other_opd, opd_admin, other_opd_admin, atasan):
    """One objection per OPD; OPD A's answered by the Atasan PPID and taken
    to the Komisi Informasi."""
    made = {}
    for key, target, admin in (
        ("a", opd, opd_admin),
        ("b", other_opd, other_opd_admin),
    ):
        found, _code = rs.submit_request(data=request_data(opd=target))
        rs.answer_request(
            info_request=found, by=admin, decision="not_documented", letter="Belum."
        )
        made[key] = rs.file_objection(
            info_request=found,
            reason="e" if key == "a" else "d",
            description="Tidak dipenuhi ({})".format(key),
        )
    rs.answer_objection(
        objection=made["a"],
        by=atasan,
        decision="upheld",
        answer="Jawaban PPID sudah sesuai.",
    )
    rs.respond_to_objection_answer(
        objection=made["a"], accept=False, ki_register_number="KI-JTG/12/2026"
    )
    return made


def test_objection_register_page_csv_and_xlsx_are_scoped_per_opd(
    client, objections, opd_admin, other_opd_admin, ppid_utama, atasan
):
    a, b = objections["a"].objection_number, objections["b"].objection_number
    page_url = reverse("ppid:objection-register")
    csv_url = reverse("ppid:objection-register-export", args=["csv"])
    xlsx_url = reverse("ppid:objection-register-export", args=["xlsx"])
    anonymous = client.get(page_url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert client.get(csv_url).status_code == 302
    for user, sees in (
        (opd_admin, {a}),
        (other_opd_admin, {b}),
        (ppid_utama, {a, b}),
        (atasan, {a, b}),
    ):
        client.force_login(user)
        page = client.get(page_url).content.decode()
        assert {n for n in (a, b) if n in page} == sees, user
        header, rows = read_csv(client.get(csv_url))
        assert {row[0] for row in rows} == sees, user
        xlsx_header, xlsx_rows = read_xlsx(client.get(xlsx_url))
        assert xlsx_header == header
        assert {row[0] for row in xlsx_rows} == sees, user
    client.force_login(ppid_utama)
    header, rows = read_csv(client.get(csv_url + "?reason=e"))
    (row,) = rows
    expected = {
        "Nomor registrasi keberatan": a,
        "Nomor pendaftaran permohonan": objections["a"].request.registration_number,
        "Keputusan Atasan PPID": "Jawaban PPID dikuatkan",
        "Hari dan tanggal tanggapan": "Senin, 16-03-2026",
        "Alasan keberatan": "e. tidak dipenuhinya permintaan informasi",
        "Tanggapan pemohon": "Diajukan ke Komisi Informasi",
        "Nomor register Komisi Informasi": "KI-JTG/12/2026",
    }
    assert {name: column(header, row, name) for name in expected} == expected
    assert column(
        header, row, "Nama dan jabatan Atasan PPID"
    ) == "{} (Atasan PPID)".format(atasan.get_full_name())


@pytest.mark.parametrize("name", ["ppid:objection-register", "ppid:request-register"])
def test_register_filter_bars_are_styled_so_a_phone_is_not_pushed_sideways(
    client, ppid_utama, name
):
    """A bare select is as wide as the longest OPD name (walked at 390 px:
    the objection register was 952 px wide)."""
    client.force_login(ppid_utama)
    html = client.get(reverse(name)).content.decode()
    assert '<select name="opd" class="form-select"' in html
    assert '<select name="status" class="form-select"' in html
    assert 'name="q" class="form-control"' in html
