"""An OPD admin in the browser: files a PPID item with its PDF and sends it
for review, imports a social-media CSV export, and opens its KIP-readiness
evaluation from the dashboard, where Chart.js draws the charts."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluations import services as evaluations
from opds.models import User
from ppid.catalogue.models import Category, InformationItem, Subtype
from socialposts.accounts.models import Post, PostMetricSnapshot
from tests.e2e.staff_helpers import (
    expect_chart_drawn,
    load_reference_data,
    month_path,
    t,
)
from tests.factories import OpdFactory, SocialAccountFactory, UserFactory, pdf_bytes

pytestmark = pytest.mark.e2e

TITLE = "Profil Kesehatan Kabupaten Purbalingga 2025"
PDF_NAME = "profil-kesehatan-2025.pdf"


def meta_export(today: datetime.date) -> str:
    """A Meta Business Suite export of three posts of the last two weeks."""
    rows = [
        ("9001_1", "Photos", 12, "Posyandu serentak", "", "1200,2400,87,5,3"),
        ("9001_2", "Videos", 8, "Vaksinasi anak", "45", '800,1500,40,"1,200",2'),
        ("9001_3", "Reels", 3, "Senam pagi bersama", "30", "3000,6000,210,12,30"),
    ]
    lines = [
        "\ufeffPost ID,Permalink,Post type,Publish time,Description,"
        "Duration (sec),Reach,Views,Reactions,Comments,Shares"
    ]
    for post_id, kind, days_ago, caption, seconds, figures in rows:
        published = today - datetime.timedelta(days=days_ago)
        lines.append(
            "{},https://www.facebook.com/{},{},{:%m/%d/%Y} 09:15,{},{},{}".format(
                post_id, post_id, kind, published, caption, seconds, figures
            )
        )
    return "\n".join(lines) + "\n"


def open_dashboard(page) -> None:
    """Through the main navigation, as a user returns to the dashboard."""
    page.get_by_role("navigation", name=t("Main navigation")).get_by_role(
        "link", name=t("Dashboard"), exact=True
    ).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard")) + "$"))


def admin_of(opd) -> User:
    return UserFactory(username="admin-" + opd.slug, role="opd_admin", opd=opd)


@pytest.fixture
def dinkes(transactional_db):
    """Dinkes with its admin and a manual Facebook Page; another OPD."""
    load_reference_data()
    opd = OpdFactory(short_name="DINKES", name="Dinas Kesehatan")
    other = OpdFactory(short_name="DLH", name="Dinas Lingkungan Hidup")
    return SimpleNamespace(
        opd=opd,
        admin=admin_of(opd),
        other_admin=admin_of(other),
        account=SocialAccountFactory(
            opd=opd, platform="facebook", connection="manual", handle="dinkes.pbg"
        ),
    )


@pytest.fixture
def evaluated(dinkes):
    """The month before last final (every OPD agreed) and last month open
    for the OPDs' reply: the OPD admin's dashboard shows its score, and
    its evaluation page a trend of two months."""
    team = UserFactory(username="tim-dinkominfo", role="dinkominfo")
    today = evaluations.today()
    last = evaluations.previous_month(today)
    earlier = evaluations.build_report(evaluations.previous_month(last), by=team)
    evaluations.open_for_reply(
        earlier, by=team, deadline=today + datetime.timedelta(days=1)
    )
    for admin in (dinkes.admin, dinkes.other_admin):
        evaluations.agree(earlier.scores.get(opd=admin.opd), by=admin)
    evaluations.finalise(earlier, by=team, announce=False)
    report = evaluations.build_report(last, by=team)
    evaluations.open_for_reply(
        report, by=team, deadline=today + datetime.timedelta(days=7)
    )
    return report


def test_opd_admin_files_an_item_imports_a_csv_and_sees_its_charts(
    page, login, console_errors, dinkes, evaluated, tmp_path
):
    login(page, dinkes.admin)
    errors = console_errors(page)

    # A new item of the DIP with its PDF, saved as a draft.
    page.get_by_role("link", name=t("New item"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("ppid:item-create")) + "$"))
    pdf = tmp_path / PDF_NAME
    pdf.write_bytes(pdf_bytes("Profil Kesehatan 2025"))
    subtype = Subtype.objects.get(code="setiap-saat-renstra")
    form = page.locator("main form[method=post]")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=summary]").fill("Derajat kesehatan masyarakat Purbalingga.")
    form.locator("[name=category]").select_option(Category.SETIAP_SAAT.value)
    form.locator("[name=subtype]").select_option(str(subtype.pk))
    form.locator("[name=responsible_official]").fill("Kepala Dinas Kesehatan")
    form.locator("[name=made_on]").fill("2026-01-15")
    form.locator("[name=made_at_place]").fill("Purbalingga")
    form.locator("[name=retention_period]").fill("Permanen")
    form.locator("[name=year]").fill("2025")
    form.locator("input[name=files]").set_input_files(pdf)
    form.get_by_role("button", name=t("Save draft")).click()

    expect(
        page.get_by_role("status").filter(has_text=t("The item was saved."))
    ).to_be_visible()
    item = InformationItem.objects.get(title=TITLE)
    expect(page).to_have_url(re.compile(re.escape(item.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name=PDF_NAME)).to_be_visible()
    assert (item.opd, item.status) == (dinkes.opd, InformationItem.Status.DRAFT)
    stored = item.files.get()
    assert stored.original_name == PDF_NAME and stored.size == pdf.stat().st_size

    # Sent to PPID Utama for review.
    page.get_by_role("button", name=t("Submit for review")).click()
    expect(
        page.get_by_role("status").filter(
            has_text=t("Submitted to PPID Utama for review.")
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name=t("Submit for review"))).to_have_count(0)
    item.refresh_from_db()
    assert item.status == InformationItem.Status.SUBMITTED
    assert item.submitted_at is not None

    # A CSV export of the Facebook Page, from the dashboard's account list.
    open_dashboard(page)
    account_url = reverse(
        "socialposts:account-detail", kwargs={"pk": dinkes.account.pk}
    )
    page.locator("main a[href='{}']".format(account_url)).click()
    expect(page).to_have_url(re.compile(re.escape(account_url) + "$"))
    csv_file = tmp_path / "facebook-export.csv"
    csv_file.write_text(meta_export(evaluations.today()), encoding="utf-8")
    importer = page.locator("main details").filter(has=page.locator("input[name=file]"))
    importer.locator("summary").click()
    importer.get_by_label(t("CSV export")).set_input_files(csv_file)
    importer.get_by_role("button", name=t("Import"), exact=True).click()

    done = t(
        "%(rows)s rows imported: %(posts)s new posts, %(values)s figures written."
    ) % {"rows": 3, "posts": 3, "values": 15}
    expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()
    expect(page.locator("main .alert-danger")).to_have_count(0)
    expect(
        page.get_by_role("cell", name=re.compile("Posyandu serentak"))
    ).to_be_visible()
    assert Post.objects.filter(account=dinkes.account).count() == 3
    video = Post.objects.get(account=dinkes.account, external_id="9001_2")
    assert (video.content_type, video.duration_seconds) == ("video", 45)
    assert PostMetricSnapshot.objects.filter(post__account=dinkes.account).count() == 15

    # The KIP-readiness score on the dashboard, then its charts.
    open_dashboard(page)
    page.get_by_role("link", name=t("Open the evaluation")).click()
    opd_url = reverse(
        "evaluations:opd",
        kwargs={"month": month_path(evaluated.month), "slug": dinkes.opd.slug},
    )
    expect(page).to_have_url(re.compile(re.escape(opd_url)))
    expect(page.get_by_role("heading", level=1)).to_have_text(dinkes.opd.name)
    trend = expect_chart_drawn(
        page, page.locator("canvas[data-chart-fallback=opd-trend]"), "opd-trend"
    )
    assert (trend["type"], trend["values"]) == ("line", 2)
    indicators = expect_chart_drawn(
        page, page.locator("canvas[data-chart]:not([data-chart-fallback])")
    )
    assert indicators["type"] == "bar"
    assert indicators["values"] == evaluated.framework.indicators.count()

    assert errors == []
