"""The forms of issue 18 in a real browser: the objection's ground radios,
the request register's filter bar (desktop and phone), the item form's
exclusion section and sub-types, and a KTP scan kept across an error."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from ppid.catalogue.models import Subtype
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection, RequestFile
from tests.e2e.conftest import (
    PHONE,
    assert_no_console_errors,
    log_in,
    watch_console,
)
from tests.e2e.staff_helpers import load_reference_data
from tests.e2e.test_phone import OVERFLOW
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.e2e

NIK = "3303014507900001"
# Pairs of filter-bar elements whose boxes intersect (labels, controls and
# the button), for the failure message.
OVERLAPS = """() => {
  const bar = document.querySelector('main form[method=get]');
  const parts = Array.from(bar.querySelectorAll('label, select, input, button'))
    .filter((el) => el.type !== 'hidden');
  const boxes = parts.map((el) => [el, el.getBoundingClientRect()]);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (a.left < b.right - 1 && b.left < a.right - 1 &&
          a.top < b.bottom - 1 && b.top < a.bottom - 1) {
        found.push((boxes[i][0].name || boxes[i][0].htmlFor || boxes[i][0].tagName) +
          ' × ' + (boxes[j][0].name || boxes[j][0].htmlFor || boxes[j][0].tagName));
      }
    }
  }
  return found;
}"""


def assert_no_errors_but_the_form_400(page) -> None:
    """A form sent back with errors answers 400 by design; Chromium logs
    that as a failed resource, which is not a fault of the page."""
    errors = watch_console(page)
    errors[:] = [e for e in errors if "status of 400 (Bad Request)" not in e]
    assert_no_console_errors(page)


def t(msgid: str) -> str:
    with translation.override("id"):
        return str(translation.gettext(msgid))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _request_data(**overrides) -> dict:
    data = {
        "requester_type": "perorangan",
        "full_name": "Siti Aminah",
        "nik": NIK,
        "address": "Jl. Jenderal Sudirman 1, Purbalingga",
        "phone": "081234567890",
        "requested_information": "Data cakupan imunisasi dasar per desa 2025.",
        "purpose": "Penelitian skripsi.",
        "access_method": "salinan",
        "copy_format": "softcopy",
        "delivery_method": "email",
        "email": "siti@example.id",
    }
    data.update(overrides)
    return data


@pytest.fixture
def dinkes(db):
    return OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")


def test_objection_ground_radios_are_visible_and_selectable(page, dinkes):
    admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    utama = UserFactory(username="ppid-utama", role="ppid_utama")
    request, code = rs.submit_request(data=_request_data())
    rs.route_request(info_request=request, by=utama, opd=dinkes)
    rs.answer_request(
        info_request=request,
        by=admin,
        decision=InformationRequest.Decision.NOT_DOCUMENTED,
        letter="Data belum didokumentasikan.",
    )

    page.goto(reverse("ppid:request-track"))
    track = page.locator("main form")
    track.locator("input[name=registration_number]").fill(request.registration_number)
    track.locator("input[name=tracking_code]").fill(code)
    track.locator("button[type=submit]").click()
    form = page.locator("main form").filter(
        has=page.locator("textarea[name=description]")
    )
    radios = form.locator("input[name=reason]")
    # Answered on time with no fee and no Pasal 17 refusal: grounds d and e.
    expect(radios).to_have_count(2)
    for index in range(2):
        radio = radios.nth(index)
        expect(radio).to_be_visible()
        expect(radio).not_to_be_checked()
        assert radio.get_attribute("value") != ""
        box = radio.bounding_box()
        # A radio, not a text box's grey bar across the column.
        assert 8 <= box["width"] <= 32 and 8 <= box["height"] <= 32, box
    expect(form.locator("input[name=reason][value='']")).to_have_count(0)
    expect(form).not_to_contain_text("---------")

    # Chosen by its label, as a person does.
    form.get_by_text("e. ", exact=False).first.click()
    expect(form.locator("input[name=reason][value=e]")).to_be_checked()
    form.locator("textarea[name=description]").fill("Data itu wajib dihimpun.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_count(1)
    assert Objection.objects.get(request=request).reason == "e"
    assert_no_console_errors(page)


@pytest.fixture
def busy_register(dinkes):
    """A register of a working week: agencies with long names, requesters
    with long names, some overdue."""
    opds = [
        OpdFactory(
            short_name="KEC-{}".format(n),
            name="Kecamatan Kalimanah Kabupaten Purbalingga Nomor {}".format(n),
            kind="kecamatan",
        )
        for n in range(6)
    ]
    for n in range(12):
        request, _code = rs.submit_request(
            data=_request_data(
                full_name="Yayasan Lentera Banyumas Sejahtera Bersama {}".format(n),
                opd=opds[n % len(opds)],
            )
        )
    return UserFactory(username="ppid-utama", role="ppid_utama")


@pytest.mark.parametrize("width", [390, 768, 1280, 1366])
def test_request_register_fits_and_its_filter_bar_does_not_overlap(
    page, busy_register, width
):
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    log_in(page, busy_register, next_url=reverse("ppid:request-register"))
    expect(page.locator("main table tbody tr")).to_have_count(12)
    state = page.evaluate(OVERFLOW)
    assert state["scrollWidth"] <= width, state
    assert page.evaluate(OVERLAPS) == []
    # The due-soon filter is a plain choice, and it filters.
    attention = page.locator("select[name=attention]")
    assert attention.locator("option").all_inner_texts() == [
        t("All"),
        t("Due within 2 working days or overdue"),
    ]
    attention.select_option("true")
    page.locator("main form[method=get] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"attention=true"))
    expect(page.locator("select[name=attention]")).to_have_value("true")
    assert_no_console_errors(page)


def test_request_register_is_no_wider_than_a_phone(phone_page, busy_register):
    log_in(phone_page, busy_register, next_url=reverse("ppid:request-register"))
    state = phone_page.evaluate(OVERFLOW)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, state
    # The table scrolls inside its own box.
    table_box = phone_page.locator("main .table-responsive").first
    assert table_box.evaluate("(el) => el.scrollWidth > el.clientWidth")


def test_item_form_shows_exclusion_only_for_dikecualikan_and_filters_subtypes(
    page, dinkes
):
    load_reference_data()
    admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    log_in(page, admin, next_url=reverse("ppid:item-create"))
    section = page.locator("#exclusion-section")
    category = page.locator("select[name=category]")
    subtype = page.locator("select[name=subtype]")
    expect(section).to_be_hidden()

    visible = "(s) => Array.from(s.options).filter((o) => !o.hidden && o.value)"
    for value in ("berkala", "serta_merta", "setiap_saat"):
        category.select_option(value)
        expect(section).to_be_hidden()
        shown = subtype.evaluate(visible + ".map((o) => o.value)")
        expected = Subtype.objects.filter(category=value, is_active=True)
        assert sorted(shown) == sorted(str(s.pk) for s in expected)
    category.select_option("dikecualikan")
    expect(section).to_be_visible()
    assert subtype.evaluate(visible + ".length") == 0

    # A periodic item with one wrong field: one error, none for the
    # exclusion's fields.
    category.select_option("berkala")
    subtype.select_option(str(Subtype.objects.filter(category="berkala").first().pk))
    form = page.locator("main form[data-item-form]")
    form.locator("textarea[name=summary]").fill("Neraca dan realisasi anggaran.")
    form.locator("input[name=responsible_official]").fill("Kepala Dinas")
    form.locator("input[name=made_on]").fill("2026-01-15")
    form.locator("input[name=made_at_place]").fill("Purbalingga")
    form.locator("select[name=format]").select_option("softcopy")
    form.locator("input[name=retention_period]").fill("Permanen")
    form.locator("input[name=year]").fill("2026")
    form.locator("button[type=submit]").click()
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.locator("#exclusion-section")).to_be_hidden()
    expect(page.locator("select[name=category]")).to_have_value("berkala")
    assert_no_errors_but_the_form_400(page)


def test_the_ktp_scan_is_kept_when_the_request_form_comes_back(page, dinkes):
    page.goto(reverse("ppid:request-form"))
    form = page.locator("main form[enctype='multipart/form-data']")
    data = _request_data()
    form.locator("select[name=requester_type]").select_option("perorangan")
    # The name is forgotten.
    form.locator("input[name=nik]").fill(data["nik"])
    form.locator("input[name=address]").fill(data["address"])
    form.locator("input[name=phone]").fill(data["phone"])
    form.locator("textarea[name=requested_information]").fill(
        data["requested_information"]
    )
    form.locator("textarea[name=purpose]").fill(data["purpose"])
    form.locator("select[name=access_method]").select_option("salinan")
    form.locator("select[name=copy_format]").select_option("softcopy")
    form.locator("select[name=delivery_method]").select_option("langsung")
    form.locator("input[name=identity_scan]").set_input_files(
        files=[{"name": "ktp-siti.png", "mimeType": "image/png", "buffer": _png()}]
    )
    form.locator("button[type=submit]").click()

    received = t("File %(name)s was received") % {"name": "ktp-siti.png"}
    form = page.locator("main form[enctype='multipart/form-data']")
    expect(form.get_by_label(received)).to_be_checked()
    form.locator("input[name=full_name]").fill("Siti Aminah")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:request-sent"))))
    request = InformationRequest.objects.get()
    scan = request.files.get(kind=RequestFile.Kind.IDENTITY)
    assert scan.original_name == "ktp-siti.png"
    assert_no_errors_but_the_form_400(page)
