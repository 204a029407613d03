"""A citizen, in a real browser: finds an item in the catalogue, downloads
its file, asks for information, tracks the request and objects to the
answer. No account, no shortcut through the server's code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from ppid.catalogue import services
from ppid.catalogue.models import InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection, RequestFile
from tests.e2e.conftest import assert_no_console_errors
from tests.e2e.menu import menu_link
from tests.factories import OpdFactory, UserFactory, item_data

pytestmark = pytest.mark.e2e

CSV_NAME = "jadwal-imunisasi-2026.csv"
CSV_BYTES = (
    b"Desa,Tanggal,Vaksin\r\nBojongsari,2026-02-03,BCG\r\nKutasari,2026-02-05,Polio\r\n"
)
# A NIK that passes the checks (Jawa Tengah, born 5 July 1990) and belongs
# to nobody: the README's example.
NIK = "3303014507900001"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def dinkes(db):
    return OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")


@pytest.fixture
def staff(dinkes):
    admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    utama = UserFactory(username="ppid-utama", role="ppid_utama")
    return admin, utama


@pytest.fixture
def published_item(dinkes, staff):
    """An item with a CSV file, filed, submitted and published by the services."""
    admin, utama = staff
    item = services.create_item(
        opd=dinkes,
        by=admin,
        data=item_data(
            title="Jadwal Imunisasi Dasar Kabupaten 2026",
            summary="Jadwal imunisasi dasar lengkap per desa.",
        ),
        files=[SimpleUploadedFile(CSV_NAME, CSV_BYTES, content_type="text/csv")],
    )
    services.submit_item(item=item, by=admin)
    services.publish_item(item=item, by=utama)
    # Another public item that the search must leave out.
    other = services.create_item(
        opd=dinkes,
        by=admin,
        data=item_data(
            title="Laporan Keuangan Dinas 2025", summary="Neraca dan realisasi."
        ),
    )
    services.submit_item(item=other, by=admin)
    services.publish_item(item=other, by=utama)
    return item


def test_citizen_finds_downloads_requests_tracks_and_objects(
    page, published_item, dinkes, staff, tmp_path: Path
):
    admin, utama = staff

    # The catalogue, through the menu; the search answers in place (htmx).
    page.goto("/")
    menu_link(page, reverse("ppid:catalogue")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:catalogue")) + "$"))
    results = page.locator("#catalogue-results article")
    expect(results).to_have_count(2)
    page.locator("input[name=q]").fill("imunisasi")
    page.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=imunisasi"))
    expect(results).to_have_count(1)
    link = results.get_by_role("link", name=published_item.title)
    expect(link).to_be_visible()

    # The item, and its file as a download with its own name and bytes.
    link.click()
    expect(page).to_have_url(re.compile(re.escape(published_item.get_absolute_url())))
    expect(page.locator("h1")).to_have_text(published_item.title)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=CSV_NAME).click()
    download = download_info.value
    assert download.suggested_filename == CSV_NAME
    saved = tmp_path / "unduhan.csv"
    download.save_as(saved)
    assert saved.read_bytes() == CSV_BYTES

    # The request form, reached from the menu's request guide.
    menu_link(page, reverse("ppid:request-guide")).click()
    page.locator("main a[href='{}']".format(reverse("ppid:request-form"))).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:request-form"))))
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("select[name=requester_type]").select_option("perorangan")
    form.locator("input[name=full_name]").fill("Siti Aminah")
    form.locator("input[name=nik]").fill(NIK)
    form.locator("input[name=address]").fill("Jl. Jenderal Sudirman 1, Purbalingga")
    form.locator("input[name=phone]").fill("081234567890")
    form.locator("input[name=email]").fill("siti@example.id")
    form.locator("input[name=occupation]").fill("Mahasiswa")
    form.locator("textarea[name=requested_information]").fill(
        "Data cakupan imunisasi dasar per desa tahun 2025."
    )
    form.locator("textarea[name=purpose]").fill("Penelitian skripsi.")
    form.locator("select[name=access_method]").select_option("salinan")
    form.locator("select[name=copy_format]").select_option("softcopy")
    form.locator("select[name=delivery_method]").select_option("email")
    form.locator("select[name=opd]").select_option(str(dinkes.pk))
    form.locator("input[name=identity_scan]").set_input_files(
        files=[{"name": "ktp.png", "mimeType": "image/png", "buffer": _png()}]
    )
    form.locator("button[type=submit]").click()

    # The confirmation shows the number and the tracking code once.
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:request-sent"))))
    number = page.locator(".alert-success strong").first.inner_text().strip()
    code = page.locator(".alert-success strong.font-monospace").inner_text().strip()
    assert re.fullmatch(r"PPID-PBG/\d{4}/\d{6}", number)
    assert len(code) >= 8
    request = InformationRequest.objects.get(registration_number=number)
    assert request.status == InformationRequest.Status.SUBMITTED
    assert request.channel == "web"
    assert request.opd == dinkes
    assert request.nik_masked == "3303********0001"
    assert rs.full_nik(request, admin) == NIK
    assert request.files.filter(kind=RequestFile.Kind.IDENTITY).count() == 1
    assert rs.find_by_code(number, code) == request

    # Later, in a new session: the tracking page finds it with the code.
    page.context.clear_cookies()
    page.goto("/")
    menu_link(page, reverse("ppid:request-guide")).click()
    page.locator(
        "main a[href='{}']".format(reverse("ppid:request-track"))
    ).first.click()
    track = page.locator("main form")
    track.locator("input[name=registration_number]").fill(number)
    track.locator("input[name=tracking_code]").fill(code)
    track.locator("button[type=submit]").click()
    status_url = reverse("ppid:request-status", kwargs={"number": request.url_key})
    expect(page).to_have_url(re.compile(re.escape(status_url) + "$"))
    expect(page.locator("h1")).to_contain_text(number)
    # Not answered yet: no objection can be filed.
    expect(page.locator("textarea[name=description]")).to_have_count(0)

    # Staff route it and answer that the information is not documented.
    rs.route_request(info_request=request, by=utama, opd=dinkes)
    rs.answer_request(
        info_request=request,
        by=admin,
        decision=InformationRequest.Decision.NOT_DOCUMENTED,
        letter="Data cakupan per desa belum didokumentasikan.",
    )

    # The requester sees the answer and objects on ground e.
    page.reload()
    expect(page.locator("main")).to_contain_text(
        "Data cakupan per desa belum didokumentasikan."
    )
    objection_form = page.locator("main form").filter(
        has=page.locator("textarea[name=description]")
    )
    objection_form.locator("input[name=reason][value=e]").check()
    objection_form.locator("textarea[name=description]").fill(
        "Data tersebut wajib dihimpun oleh Dinas Kesehatan setiap tahun."
    )
    objection_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + "$"))
    expect(page.locator(".alert-success")).to_have_count(1)
    objection = Objection.objects.get(request=request)
    assert objection.reason == "e"
    assert objection.channel == "web"
    assert objection.filed_by is None
    assert objection.status == Objection.Status.FILED
    expect(page.locator("main")).to_contain_text(objection.objection_number)
    assert InformationItem.objects.get(pk=published_item.pk).status == "published"

    assert_no_console_errors(page)


def test_citizen_opens_the_bookmarked_link_follows_the_steps_and_prints_the_receipt(
    page, dinkes, staff
):
    admin, _utama = staff
    request, code = rs.submit_request(
        data={
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": NIK,
            "address": "Jl. Jenderal Sudirman 1, Purbalingga",
            "email": "siti@example.id",
            "requested_information": "Data cakupan imunisasi dasar per desa 2025.",
            "purpose": "Penelitian skripsi.",
            "access_method": "salinan",
            "copy_format": "softcopy",
            "delivery_method": "email",
            "opd": dinkes,
        }
    )
    status_url = reverse("ppid:request-status", kwargs={"number": request.url_key})

    # The link from the e-mail, in a browser that never saw the code: the
    # tracking form, the number filled in, the cursor in the code field.
    page.goto(status_url)
    form = page.locator("main form")
    expect(form.locator("input[name=registration_number]")).to_have_value(
        request.registration_number
    )
    expect(form.locator("input[name=tracking_code]")).to_be_focused()
    expect(page.locator("main")).not_to_contain_text(request.requested_information)
    page.keyboard.type(code)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + "$"))

    # The request, its OPD and where it stands.
    main = page.locator("main")
    expect(main).to_contain_text(request.requested_information)
    expect(main).to_contain_text(dinkes.name)
    steps = page.locator("main ol.request-steps").first.locator("li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_have_attribute("data-state", "done")
    expect(steps.nth(1)).to_have_attribute("aria-current", "step")
    expect(steps.nth(2)).to_have_attribute("data-state", "upcoming")
    expect(page.locator("#selanjutnya")).to_contain_text(
        str(request.answer_due_on.year)
    )
    expect(page.locator("#keberatan")).to_have_count(0)

    # The receipt: a PDF, for this browser that gave the code.
    receipt = page.locator("#receipt-link")
    expect(receipt).to_be_visible()
    pdf = page.request.get(receipt.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # Answered: every step done, the objection offered once, then followed.
    rs.answer_request(
        info_request=request,
        by=admin,
        decision=InformationRequest.Decision.NOT_DOCUMENTED,
        letter="Data cakupan per desa belum didokumentasikan.",
    )
    page.reload()
    for index in range(3):
        expect(steps.nth(index)).to_have_attribute("data-state", "done")
    page.locator("#selanjutnya a[href='#keberatan']").click()
    objection_form = page.locator("#keberatan form")
    expect(objection_form).to_be_visible()
    objection_form.locator("input[name=reason][value=e]").check()
    objection_form.locator("textarea[name=description]").fill(
        "Data tersebut wajib dihimpun setiap tahun."
    )
    objection_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(status_url) + "$"))
    expect(page.locator("#keberatan")).to_have_count(0)
    objection_steps = page.locator("main section.card ol.request-steps li")
    expect(objection_steps).to_have_count(2)
    expect(objection_steps.nth(1)).to_have_attribute("aria-current", "step")

    assert_no_console_errors(page)
