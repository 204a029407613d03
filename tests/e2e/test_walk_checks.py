"""The walks' checker finds what it is meant to find, and the pages whose
accessibility faults axe-core found (issue 18, point 7) stay fixed: the
footer's link and the staff navbar's name in colours of enough contrast,
named thumbnail links on the infographic list, and tables that scroll on a
phone reachable by keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialposts.infographics import services as infographics
from tests.e2e.staff_helpers import t
from tests.e2e.walk_checks import Walk, axe_violations, describe
from tests.factories import ExclusionDecisionFactory, UserFactory

pytestmark = pytest.mark.e2e

# A page with one fault of each kind, and Indonesian that resembles the
# English list ("Status", "Statusnya") but must pass.
FAULTY = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Halaman uji</title></head>
<body><main>
<h1>Halaman uji</h1>
<p>Tanggal terbit (descending) · comments 4 · Status: aktif · Statusnya baik</p>
<p><a href="/tidak-ada/">Tautan rusak</a> · <a href="/">Beranda</a>
 · <a href="/keluar/">Keluar</a> · <a href="#atas">Ke atas</a></p>
<p><a href="/informasi/"><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt=""></a></p>
<div style="width: 900px">Kotak yang terlalu lebar.</div>
<script>console.error("skrip rusak");</script>
</main></body></html>"""

STEPS = [
    {"title": "Ambil nomor antrean", "text": "Di anjungan mandiri lobi utama."},
    {"title": "Verifikasi berkas", "text": "KTP-el dan kartu BPJS Kesehatan."},
]


def test_the_checker_reports_every_problem_of_a_page(phone_page, live_url):
    page = phone_page
    # Served by the browser, without the portal's CSP, so that its inline
    # script runs; its links are still asked of the live portal.
    page.route(
        live_url + "/halaman-uji/",
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=FAULTY
        ),
    )
    walk = Walk(page, role="citizen", skip_paths=(reverse("logout"),))
    walk.visit("/halaman-uji/")

    kinds = sorted({problem.kind for problem in walk.problems})
    assert kinds == ["axe link-name", "console", "english", "link", "width"], (
        walk.report()
    )
    report = walk.report()
    assert report.startswith("citizen at 390 px: ")
    english = [p.message for p in walk.problems if p.kind == "english"]
    assert [m.split("”")[0] for m in english] == ["“comments", "“descending"]
    links = [p.message for p in walk.problems if p.kind == "link"]
    assert links == ["/tidak-ada/ (“Tautan rusak”) answers 404"]
    # Neither the log-out link nor the page itself is requested; the others
    # once each.
    assert sorted(walk.links.statuses) == [
        live_url + "/",
        live_url + "/informasi/",
        live_url + "/tidak-ada/",
    ]
    (width,) = [p.message for p in walk.problems if p.kind == "width"]
    assert width.startswith("9") and "on a 390 px screen" in width
    assert "div right=" in width
    (console,) = [p.message for p in walk.problems if p.kind == "console"]
    assert "skrip rusak" in console
    # One page, all its problems under it.
    assert {problem.page for problem in walk.problems} == {"/halaman-uji/"}


def test_the_navbar_and_the_footer_have_enough_contrast(page, login):
    page.goto("/")
    found = axe_violations(page, rules=["color-contrast"], include=["header", "footer"])
    assert not found, "\n".join(describe(v) for v in found)
    staff = UserFactory(
        username="tim-dinkominfo",
        role="dinkominfo",
        first_name="Tim",
        last_name="Evaluasi",
    )
    login(page, staff)
    found = axe_violations(page, rules=["color-contrast"], include=["header", "footer"])
    assert not found, "\n".join(describe(v) for v in found)


def test_the_infographic_list_and_the_dik_pass_axe_on_a_phone(
    phone_page, login, opd, opd_admin
):
    page = phone_page
    ExclusionDecisionFactory(item__opd=opd, item__title="Rekam Medis Pasien")
    page.goto(reverse("ppid:exclusions"))
    found = axe_violations(page)
    assert not found, "\n".join(describe(v) for v in found)

    for title in ("Alur Pendaftaran Pasien", "Alur Rujukan"):
        infographics.make_infographic(
            user=opd_admin,
            draft=infographics.Draft(
                opd, "service_flow", "square", {"title": title, "steps": STEPS}
            ),
        )
    login(page, opd_admin)
    page.goto(reverse("socialposts:infographics"))
    thumbnails = page.locator("main td:first-child a img")
    assert thumbnails.count() == 2
    assert sorted(thumbnails.evaluate_all("(imgs) => imgs.map((i) => i.alt)")) == [
        t("Image: %(title)s") % {"title": title}
        for title in ("Alur Pendaftaran Pasien", "Alur Rujukan")
    ]
    found = axe_violations(page)
    assert not found, "\n".join(describe(v) for v in found)
