"""The Dinkominfo team in the browser: computes last month, scores a manual
item of an OPD, opens the month for the OPDs' reply, finalises it once
every OPD has agreed, and downloads the kabupaten's PDF."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from evaluations import services as evaluations
from evaluations.exports import common
from evaluations.models import ItemScore, MonthlyReport, ReportRun
from tests.e2e.staff_helpers import load_reference_data, month_path, t
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.e2e

# Computing a month runs in-process in tests; should it ever go to a real
# worker, the run page polls and opens the report when it is done.
BUILD_TIMEOUT_MS = 20_000


@pytest.fixture
def kabupaten(transactional_db):
    """Two OPDs with their admins, and the Dinkominfo team's account."""
    load_reference_data()
    opds = [
        OpdFactory(short_name="DINKES", name="Dinas Kesehatan"),
        OpdFactory(short_name="DLH", name="Dinas Lingkungan Hidup"),
    ]
    return SimpleNamespace(
        opds=opds,
        admins=[
            UserFactory(username="admin-" + opd.slug, role="opd_admin", opd=opd)
            for opd in opds
        ],
        team=UserFactory(username="tim-dinkominfo", role="dinkominfo"),
    )


def status_message(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_dinkominfo_scores_finalises_a_month_and_downloads_its_pdf(
    page, login, console_errors, kabupaten, mailoutbox
):
    login(page, kabupaten.team)
    errors = console_errors(page)
    today = evaluations.today()
    month = evaluations.previous_month(today)
    dinkes = kabupaten.opds[0]

    # Compute last month (the form proposes it): a draft of every OPD.
    page.locator("main").get_by_role(
        "link", name=t("KIP readiness"), exact=True
    ).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("evaluations:index")) + "$"))
    build = page.locator("main form[action='{}']".format(reverse("evaluations:build")))
    expect(build.locator("[name=month]")).to_have_value(month_path(month))
    build.get_by_role("button", name=t("Compute the month")).click()

    report_path = reverse("evaluations:report", kwargs={"month": month_path(month)})
    report_url = report_path + "?versi=1"
    expect(page).to_have_url(
        re.compile(re.escape(report_url) + "$"), timeout=BUILD_TIMEOUT_MS
    )
    computed = t("%(month)s was computed: version %(version)s, %(count)s OPDs.") % {
        "month": month_path(month),
        "version": 1,
        "count": 2,
    }
    expect(status_message(page, computed)).to_be_visible()
    report = MonthlyReport.objects.get(month=month)
    assert (report.version, report.status) == (1, MonthlyReport.Status.DRAFT)
    assert report.scores.count() == 2
    run = ReportRun.objects.get(month=month)
    assert (run.status, run.trigger, run.report) == (
        ReportRun.Status.SUCCEEDED,
        ReportRun.Trigger.MANUAL,
        report,
    )

    # Score a manual item on the OPD's page.
    page.locator("main").get_by_role("link", name=dinkes.name, exact=True).first.click()
    opd_path = reverse(
        "evaluations:opd", kwargs={"month": month_path(month), "slug": dinkes.slug}
    )
    expect(page).to_have_url(re.compile(re.escape(opd_path)))
    scored = ItemScore.objects.select_related("item").get(
        opd_score__report=report, opd_score__opd=dinkes, item__code="sk_ppid"
    )
    assert scored.ratio is None
    # Every manual item is in one form, typed as a percentage with the
    # decimal comma; one wrong value saves nothing and says which item.
    scoring = page.locator("#nilai-manual")
    scoring.locator("[name=nilai-{}]".format(scored.pk)).fill("75,5")
    scoring.locator("[name=catatan-{}]".format(scored.pk)).fill(
        "SK PPID 2026 ada, belum ditandatangani."
    )
    other = ItemScore.objects.get(
        opd_score__report=report, opd_score__opd=dinkes, item__code="anggaran"
    )
    scoring.locator("[name=nilai-{}]".format(other.pk)).fill("150")
    scoring.get_by_role("button", name=t("Save every score")).click()
    expect(page.locator("#nilai-galat")).to_contain_text(other.item.name)
    scored.refresh_from_db()
    assert scored.ratio is None
    # The refused form answers 400 like every refused form; the browser logs
    # that, and it is the only console line expected.
    refused = [e for e in errors if "status of 400" in e and "/nilai/" in e]
    assert len(refused) == 1
    errors.remove(refused[0])
    scoring.locator("[name=nilai-{}]".format(other.pk)).fill("50")
    scoring.get_by_role("button", name=t("Save every score")).click()
    with translation.override("id"):
        saved = translation.ngettext(
            "%(count)s score of %(opd)s was saved.",
            "%(count)s scores of %(opd)s were saved.",
            2,
        ) % {"count": 2, "opd": dinkes.name}
    expect(status_message(page, saved)).to_be_visible()
    expect(page.locator("#butir-{}".format(scored.pk))).to_contain_text("75,5%")
    scored.refresh_from_db()
    assert scored.ratio == Decimal("0.755")
    assert scored.scored_by == kabupaten.team

    # Open the month for the OPDs' reply with the proposed deadline.
    page.locator("main a[href='{}']".format(report_url)).first.click()
    expect(page).to_have_url(re.compile(re.escape(report_url) + "$"))
    deadline = today + datetime.timedelta(days=7)
    expect(page.locator("[name=deadline]")).to_have_value(deadline.isoformat())
    page.get_by_role("button", name=t("Open for reply"), exact=True).click()
    expect(
        status_message(page, t("The report is open for the OPDs' reply."))
    ).to_be_visible()
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY
    assert report.reply_deadline == deadline

    # Finalising cannot be done while OPDs have not replied and time is
    # left: the button is disabled, with the reason and the replies beside.
    finalise = page.get_by_role("button", name=t("Finalise"), exact=True)
    expect(finalise).to_be_disabled()
    replied = t("%(replied)s of %(total)s OPDs have replied.") % {
        "replied": 0,
        "total": 2,
    }
    expect(page.locator("#finalkan-alasan")).to_contain_text(replied)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY

    # Every OPD's admin agrees on its own page (not this test's subject).
    for admin in kabupaten.admins:
        evaluations.agree(report.scores.get(opd=admin.opd), by=admin)
    page.reload()
    finalise.click()
    expect(status_message(page, t("The report is final."))).to_be_visible()
    expect(finalise).to_have_count(0)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.FINAL
    assert report.finalised_by == kabupaten.team
    # The final month is e-mailed to each OPD's admin.
    mailed = {address for message in mailoutbox for address in message.to}
    assert {admin.email for admin in kabupaten.admins} <= mailed

    # The kabupaten's PDF.
    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name=t("PDF"), exact=True).click()
    download = download_info.value
    assert download.suggested_filename == common.file_name(report, "pdf")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    assert errors == []
