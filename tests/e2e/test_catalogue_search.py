"""The catalogue's filters on a phone (issue 18, defect 10): above the
results and folded, every OPD by name, and a box that narrows the list."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import watch_console
from tests.factories import InformationItemFactory, OpdFactory


def test_phone_filters_fold_above_the_results_and_the_opd_box_narrows_the_list(
    phone_page,
):
    for n in range(12):
        opd = OpdFactory(
            short_name="UJI{}".format(n), name="Dinas Uji Nomor {}".format(n)
        )
        InformationItemFactory(opd=opd, title="Laporan Kinerja Uji {}".format(n))
    page = phone_page
    page.goto(reverse("ppid:catalogue") + "?q=laporan")
    filters = page.locator("#catalogue-filters")
    expect(filters).to_be_hidden()
    toggle = page.locator("[data-bs-target='#catalogue-filters']")
    first_result = page.locator("#catalogue-results article").first
    assert toggle.bounding_box()["y"] < first_result.bounding_box()["y"]

    toggle.click()
    expect(filters).to_be_visible()
    opds = page.locator("#facet-opd-list li")
    expect(opds).to_have_count(12)
    expect(opds.filter(has_text="Dinas Uji Nomor 11")).to_be_visible()

    page.locator("[data-facet-filter='facet-opd-list']").fill("nomor 1")
    # "Nomor 1", "Nomor 10" and "Nomor 11" stay; the other nine hide.
    expect(page.locator("#facet-opd-list li:visible")).to_have_count(3)
    expect(opds.filter(has_text="Dinas Uji Nomor 5")).to_be_hidden()
    page.locator("[data-facet-filter='facet-opd-list']").fill("tidak ada")
    expect(page.locator("#facet-opd-list-none")).to_be_visible()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert watch_console(page) == []
