"""The staff bar in a browser: on one line at 1,366 px for every role, with
its counts; folded behind its toggle on a phone, and no page wider than
the phone's screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.config.test_dashboard import requests_of
from tests.e2e.conftest import PHONE, assert_no_console_errors, log_in
from tests.e2e.test_phone import OVERFLOW
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}

# The vertical middle of every entry of each bar of the header: the brand,
# each menu entry and the user's part. One line means one middle per bar.
LINES = """() => Array.from(document.querySelectorAll('header nav.navbar')).map(
  (bar) => {
    const entries = bar.querySelectorAll(
      '.navbar-brand, .navbar-nav > li, .staff-bar-user');
    const middles = new Set();
    for (const el of entries) {
      const box = el.getBoundingClientRect();
      if (box.width && box.height) {
        middles.add(Math.round((box.top + box.bottom) / 2 / 8));
      }
    }
    return {label: bar.getAttribute('aria-label'), lines: middles.size,
            height: Math.round(bar.getBoundingClientRect().height)};
  })"""


@pytest.fixture
def staff(db):
    """One account per role; the OPD has the longest name of the registry
    and two requests overdue and one due soon."""
    opd = OpdFactory(
        short_name="DINDUKCAPIL",
        name="Dinas Kependudukan dan Pencatatan Sipil",
        slug="dindukcapil",
    )
    utama = UserFactory(
        username="ppid-utama",
        role="ppid_utama",
        first_name="Sekretariat",
        last_name="Daerah Kabupaten",
    )
    requests_of(opd, utama, 2)
    return {
        "ppid_utama": utama,
        "atasan_ppid": UserFactory(username="atasan-ppid", role="atasan_ppid"),
        "dinkominfo": UserFactory(username="tim-dinkominfo", role="dinkominfo"),
        "opd_admin": UserFactory(
            username="admin-dindukcapil",
            role="opd_admin",
            opd=opd,
            first_name="Admin",
            last_name="DINDUKCAPIL",
        ),
    }


def test_the_staff_bar_fits_one_line_at_1366_px_for_every_role(
    browser, live_url, staff
):
    context = browser.new_context(
        base_url=live_url, locale="id-ID", timezone_id="Asia/Jakarta", viewport=LAPTOP
    )
    try:
        for role, user in staff.items():
            page = context.new_page()
            log_in(page, user)
            bar = page.get_by_role("navigation", name=re.compile("staf", re.I))
            expect(bar).to_be_visible()
            for bar_lines in page.evaluate(LINES):
                assert bar_lines["lines"] == 1, (role, bar_lines)
            if role in ("ppid_utama", "opd_admin"):
                # Three requests of the OPD need attention, two overdue.
                link = bar.locator(
                    "a[href='{}']".format(reverse("ppid:request-register"))
                )
                expect(link.locator(".badge.text-bg-danger")).to_have_text(
                    re.compile(r"^3\b")
                )
            assert_no_console_errors(page)
            page.locator(
                "header form[action='{}'] button".format(reverse("logout"))
            ).click()
            expect(page).not_to_have_url(re.compile(re.escape(reverse("dashboard"))))
            page.close()
    finally:
        context.close()


def test_the_staff_bar_folds_on_a_phone(phone_page, staff):
    page = phone_page
    log_in(page, staff["ppid_utama"])
    for url in (reverse("dashboard"), reverse("ppid:request-register")):
        page.goto(url)
        sizes = page.evaluate(OVERFLOW)
        assert sizes["scrollWidth"] <= PHONE["width"], (url, sizes)
    menu = page.locator("#staff-nav")
    toggle = page.locator("button.navbar-toggler[aria-controls=staff-nav]")
    expect(menu).to_be_hidden()
    toggle.tap()
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    link = menu.locator("a[href='{}']".format(reverse("ppid:staff-items")))
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()
    sizes = page.evaluate(OVERFLOW)
    assert sizes["scrollWidth"] <= PHONE["width"], sizes
    assert_no_console_errors(page)
