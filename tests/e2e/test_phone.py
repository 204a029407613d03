"""The public pages at a phone's size (390×844, touch): nothing wider than
the screen, the menu opens from its toggle, the search and live filters
work, and no console error or CSP violation."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from evaluations import services as evaluation_services
from evaluations.models import MonthlyReport
from ppid.catalogue import services
from tests.e2e.conftest import PHONE, assert_no_console_errors
from tests.e2e.menu import menu_link
from tests.factories import OpdFactory, UserFactory, item_data, pdf_bytes

pytestmark = pytest.mark.e2e

SEPTEMBER = datetime.date(2026, 9, 1)

# Elements that reach past the right edge of the layout viewport, for the
# failure message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest('.table-responsive')) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.className && typeof el.className === 'string'
                  ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                ' right=' + Math.round(box.right));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: width,
    innerWidth: window.innerWidth,
    wide: wide.slice(0, 10),
  };
}"""


@pytest.fixture
def catalogue(db):
    """Two public items of Dinkes, one with a long title and a file."""
    dinkes = OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")
    OpdFactory(short_name="KEC-BUKATEJA", name="Kecamatan Bukateja", kind="kecamatan")
    admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    utama = UserFactory(username="ppid-utama", role="ppid_utama")
    items = []
    for title, files in (
        (
            "Rencana Strategis Dinas Kesehatan Kabupaten Purbalingga "
            "Tahun 2021-2026 beserta Perubahannya",
            [
                SimpleUploadedFile(
                    "renstra-dinas-kesehatan-kabupaten-purbalingga-2021-2026-"
                    "perubahan-pertama.pdf",
                    pdf_bytes("Renstra"),
                    "application/pdf",
                )
            ],
        ),
        ("Laporan Keuangan Dinas 2025", []),
    ):
        item = services.create_item(
            opd=dinkes, by=admin, data=item_data(title=title), files=files
        )
        services.submit_item(item=item, by=admin)
        items.append(services.publish_item(item=item, by=utama))
    return items


@pytest.fixture
def final_month(catalogue, monkeypatch):
    """September scored, opened for reply and finalised by the services."""
    team = UserFactory(username="tim-dinkominfo", role="dinkominfo")
    monkeypatch.setattr(
        evaluation_services, "today", lambda: datetime.date(2026, 11, 3)
    )
    report = evaluation_services.build_report(SEPTEMBER)
    evaluation_services.open_for_reply(
        report, by=team, deadline=datetime.date(2026, 11, 4)
    )
    monkeypatch.setattr(
        evaluation_services, "today", lambda: datetime.date(2026, 11, 5)
    )
    report = evaluation_services.finalise(report, by=team, announce=False)
    assert report.status == MonthlyReport.Status.FINAL
    assert Decimal(0) <= report.scores.first().score <= Decimal(100)
    return report


def _fits_the_screen(page) -> None:
    sizes = page.evaluate(OVERFLOW)
    assert sizes["clientWidth"] == PHONE["width"], sizes
    assert sizes["innerWidth"] <= PHONE["width"], sizes
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes


def _menu_works(page) -> None:
    """The menu is folded behind its toggle, which opens it."""
    menu = page.locator("#main-nav")
    toggle = page.locator("button.navbar-toggler[aria-controls=main-nav]")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_visible()
    toggle.tap()
    # Bootstrap ignores a toggle while the menu is still sliding.
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Each entry of the public menu, its dropdowns opened one by one.
    for name in (
        "ppid:catalogue",
        "ppid:request-guide",
        "ppid:statistics",
        "evaluations:public",
        "ppid:profile",
        "opds:opd-list",
    ):
        link = menu_link(page, reverse(name))
        expect(link).to_be_in_viewport()
        _fits_the_screen(page)
    _fits_the_screen(page)
    toggle.tap()
    expect(menu).to_be_hidden()


def _check(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_be_visible()
    _fits_the_screen(page)
    _menu_works(page)


def test_home_and_catalogue_on_a_phone(phone_page, catalogue):
    page = phone_page
    long_item, other = catalogue
    _check(page, reverse("home"))

    # The menu leads to the catalogue; the search answers in place.
    menu_link(page, reverse("ppid:catalogue")).tap()
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:catalogue")) + "$"))
    _check(page, reverse("ppid:catalogue"))
    results = page.locator("#catalogue-results article")
    expect(results).to_have_count(2)
    page.locator("input[name=q]").fill("renstra")
    page.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=renstra"))
    expect(results).to_have_count(1)
    _fits_the_screen(page)

    # The item with its long title and long file name.
    results.get_by_role("link", name=long_item.title).tap()
    expect(page).to_have_url(re.compile(re.escape(long_item.get_absolute_url())))
    _check(page, long_item.get_absolute_url())
    expect(page.locator("#files-heading")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^renstra-"))).to_be_visible()

    assert_no_console_errors(page)


def test_agencies_and_request_pages_on_a_phone(phone_page, catalogue):
    page = phone_page
    _check(page, reverse("opds:opd-list"))
    links = page.locator("#opd-results a")
    expect(links).to_have_count(2)
    # The live search filters as one types.
    page.locator("input[name=q]").press_sequentially("bukateja")
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("Kecamatan Bukateja")
    _fits_the_screen(page)

    _check(page, reverse("ppid:request-form"))
    for name in ("full_name", "nik", "address"):
        field = page.locator("main form input[name={}]".format(name))
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box is not None and box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], name
    _check(page, reverse("ppid:request-track"))
    expect(page.locator("input[name=tracking_code]")).to_be_visible()

    assert_no_console_errors(page)


def test_kip_readiness_on_a_phone(phone_page, final_month):
    page = phone_page
    _check(page, reverse("evaluations:public"))
    table = page.locator("main .table-responsive table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(final_month.scores.count())
    assert_no_console_errors(page)
