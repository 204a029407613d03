"""A month is final only after it ends: a month-to-date build is a preview,
judged as of its day, marked on every page, file and API answer, never
opened for reply, finalised or public; and the report files are downloaded
with the API token from the URLs the API answers."""

import datetime
import importlib
import io
import zipfile
import zoneinfo
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from evaluations import services
from evaluations.exports import common, evidence, pdf, text, xlsx
from evaluations.models import ItemScore, MonthlyReport
from opds import permissions as perms
from opds.models import AuditEvent
from ppid.catalogue.models import Category
from socialposts.accounts.models import AccountMetricDaily
from tests.evaluations.deadlines import InformationRequestFactory, ObjectionFactory
from tests.evaluations.scenario import score
from tests.factories import (
    InformationItemFactory,
    PostFactory,
    SocialAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.date(2026, 11, 1)
DECEMBER = datetime.date(2026, 12, 1)
# November is built, opened and finalised in early December; December is
# computed on the 7th, when it has not ended.
NOVEMBER_BUILT = datetime.date(2026, 12, 3)
PREVIEW_DAY = datetime.date(2026, 12, 7)
AFTER_DECEMBER = datetime.date(2027, 1, 4)
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def indonesian(exc: ValidationError) -> str:
    with translation.override("id"):
        return " ".join(str(m) for m in exc.messages)


def final_november(dinkominfo, on) -> MonthlyReport:
    on(NOVEMBER_BUILT)
    november = services.build_report(NOVEMBER)
    services.open_for_reply(
        november, by=dinkominfo, deadline=NOVEMBER_BUILT + datetime.timedelta(days=1)
    )
    on(NOVEMBER_BUILT + datetime.timedelta(days=2))
    return services.finalise(november, by=dinkominfo, announce=False)


@pytest.fixture
def months(opds, dinkominfo, on):
    """A final November and a preview of December as of the 7th."""
    november = final_november(dinkominfo, on)
    on(PREVIEW_DAY)
    return november, services.build_report(DECEMBER, by=dinkominfo)


def item_score(report, opd, rule) -> ItemScore:
    return ItemScore.objects.get(
        opd_score__report=report, opd_score__opd=opd, item__rule=rule
    )


# --- The preview and its workflow ------------------------------------------------


def test_a_month_not_ended_is_a_preview_until_computed_again_after_it(
    opds, dinkominfo, on
):
    on(PREVIEW_DAY)
    report = services.build_report(DECEMBER)
    assert report.is_preview and report.as_of == PREVIEW_DAY
    # The last day of the month is not its end yet.
    on(datetime.date(2026, 12, 31))
    again = services.build_report(DECEMBER)
    assert again.pk == report.pk and again.as_of == datetime.date(2026, 12, 31)
    on(AFTER_DECEMBER)
    full = services.build_report(DECEMBER)
    assert full.pk == report.pk and full.as_of is None and not full.is_preview
    # A month that had ended is never a preview.
    assert services.build_report(NOVEMBER).as_of is None


def test_a_preview_is_never_opened_for_reply_nor_finalised(months, dinkominfo, on):
    _november, december = months
    with pytest.raises(ValidationError) as refused:
        services.open_for_reply(
            december, by=dinkominfo, deadline=PREVIEW_DAY + datetime.timedelta(days=3)
        )
    message = indonesian(refused.value)
    assert "pratinjau Desember 2026 per 7 Desember 2026" in message
    assert "tanggapan" in message and "31 Desember 2026" in message
    december.refresh_from_db()
    assert december.status == MonthlyReport.Status.DRAFT
    # Even in the reply state (as the old code let it be), it is not finalised.
    MonthlyReport.objects.filter(pk=december.pk).update(
        status=MonthlyReport.Status.REPLY, reply_deadline=PREVIEW_DAY
    )
    on(datetime.date(2026, 12, 9))
    with pytest.raises(ValidationError) as refused:
        services.finalise(december, by=dinkominfo, announce=False)
    assert "difinalkan" in indonesian(refused.value)
    assert MonthlyReport.objects.get(pk=december.pk).status == "reply"
    # After the month, the preview itself still is one: it must be computed
    # again, and that draft may be opened.
    MonthlyReport.objects.filter(pk=december.pk).update(status="draft")
    on(AFTER_DECEMBER)
    with pytest.raises(ValidationError):
        services.open_for_reply(
            december, by=dinkominfo, deadline=AFTER_DECEMBER + datetime.timedelta(1)
        )
    full = services.build_report(DECEMBER)
    opened = services.open_for_reply(
        full, by=dinkominfo, deadline=AFTER_DECEMBER + datetime.timedelta(days=3)
    )
    assert opened.status == MonthlyReport.Status.REPLY


def test_checks_judged_at_the_months_end_are_judged_on_the_previews_day(
    opds, dinkominfo, on
):
    first, second, third = opds
    account = SocialAccountFactory(opd=first, connection="manual")
    AccountMetricDaily.objects.create(
        account=account,
        metric_id="followers",
        date=PREVIEW_DAY - datetime.timedelta(days=1),
        value=1200,
        source_metric="followers",
        fetched_at=timezone.now(),
    )
    # Six posts in the month's first week: two a week is the target.
    for day in range(1, 7):
        PostFactory(
            account=account,
            published_at=datetime.datetime(2026, 12, day, 9, tzinfo=WIB),
        )
    # Updated six months and a few days before the month's end: not yet
    # overdue on the 7th, overdue on the 31st.
    InformationItemFactory(
        opd=second,
        category=Category.BERKALA,
        published_at=datetime.datetime(2026, 1, 5, 9, tzinfo=WIB),
        last_updated_at=datetime.datetime(2026, 6, 20, 9, tzinfo=WIB),
    )
    on(PREVIEW_DAY)
    preview = services.build_report(DECEMBER)
    health = item_score(preview, first, "social_channel_health")
    assert health.ratio == 1, health.detail
    assert item_score(preview, first, "social_posting_rate").ratio == 1
    assert item_score(preview, second, "berkala_freshness").ratio == 1
    # The same data judged at the month's end, once it has ended.
    on(AFTER_DECEMBER)
    full = services.build_report(DECEMBER)
    assert item_score(full, first, "social_channel_health").ratio == 0
    assert item_score(full, first, "social_posting_rate").ratio < Decimal("0.5")
    assert item_score(full, second, "berkala_freshness").ratio == 0


def test_a_preview_counts_no_deadline_that_has_not_yet_passed(opds, on):
    """A request and an objection due after the preview's day are not late
    yet: the preview judges the clocks as of its day, like every other check
    (issue 17 items 1 and 11 together)."""
    first, second, _third = opds
    # Received 1 December: due 15 December (10 working days, UU Pasal 22(7)).
    waiting = InformationRequestFactory(opd=first, received_on=DECEMBER)
    assert waiting.answer_due_on > PREVIEW_DAY
    # Filed 30 October: the Atasan PPID's 30 working days end in December,
    # after the preview's day.
    objection = ObjectionFactory(opd=second, filed_on=datetime.date(2026, 10, 30))
    assert DECEMBER <= objection.due_on and objection.due_on > PREVIEW_DAY
    on(PREVIEW_DAY)
    preview = services.build_report(DECEMBER)
    requests = item_score(preview, first, "requests_on_time")
    assert requests.ratio is None, requests.detail
    assert item_score(preview, first, "requests_median_days").ratio is None
    objections = item_score(preview, second, "objections_on_time")
    assert objections.ratio is None, objections.detail
    # After the month the same deadlines have passed unmet: late.
    on(AFTER_DECEMBER)
    full = services.build_report(DECEMBER)
    assert item_score(full, first, "requests_on_time").ratio == 0
    assert item_score(full, second, "objections_on_time").ratio == 0


# --- Pages -----------------------------------------------------------------------


def test_the_pages_mark_a_preview_and_offer_no_reply_nor_final(
    months, opds, dinkominfo, client
):
    _november, december = months
    client.force_login(dinkominfo)
    page = client.get(reverse("evaluations:report", kwargs={"month": DECEMBER}))
    html = page.content.decode()
    assert "Pratinjau, belum final" in html and 'data-preview="2026-12-07"' in html
    open_url = reverse("evaluations:open-reply", kwargs={"month": DECEMBER})
    finalise_url = reverse("evaluations:finalise", kwargs={"month": DECEMBER})
    assert open_url not in html and finalise_url not in html
    assert page.context.get("deadline_form") is None
    opd_page = client.get(
        reverse("evaluations:opd", kwargs={"month": DECEMBER, "slug": opds[0].slug})
    )
    assert "Pratinjau, belum final" in opd_page.content.decode()
    months_page = client.get(reverse("evaluations:index")).content.decode()
    assert "Pratinjau per 7 Des 2026" in months_page
    whatsapp = client.get(reverse("evaluations:whatsapp", kwargs={"month": DECEMBER}))
    assert "PRATINJAU" in whatsapp.context["text"]

    # The steps themselves are refused, naming the status, with nothing saved.
    response = client.post(
        open_url + "?versi=1", {"deadline": "2026-12-20"}, follow=True
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("Status: Laporan ini pratinjau Desember 2026")
    response = client.post(finalise_url + "?versi=1", follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "tidak pernah difinalkan" in message
    assert MonthlyReport.objects.get(pk=december.pk).status == "draft"


def test_the_public_page_never_shows_a_preview(months, dinkominfo, client):
    november, december = months
    for attempt in (
        lambda: services.open_for_reply(
            december, by=dinkominfo, deadline=PREVIEW_DAY + datetime.timedelta(days=2)
        ),
        lambda: services.finalise(december, by=dinkominfo, announce=False),
    ):
        with pytest.raises(ValidationError):
            attempt()
    response = client.get(reverse("evaluations:public"))
    assert response.context["table"].report == november
    html = response.content.decode()
    assert "Nilai final, November 2026" in html
    assert "Nilai final, Desember 2026" not in html
    assert 'value="2026-12"' not in html
    december_url = reverse("evaluations:public-month", kwargs={"month": DECEMBER})
    assert client.get(december_url).status_code == 404
    # A preview marked final by other means is still not public.
    MonthlyReport.objects.filter(pk=december.pk).update(status="final")
    assert december not in perms.public_evaluation_reports()
    assert client.get(december_url).status_code == 404


# --- Files --------------------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def workbook_text(body: bytes) -> str:
    workbook = load_workbook(io.BytesIO(body))
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    )


def test_every_file_of_a_preview_says_so(months, opds):
    november, december = months
    own = score(december, opds[0])
    marker = "PRATINJAU: Desember 2026 belum berakhir pada 7 Desember 2026"
    for body in (pdf.kabupaten_pdf(december), pdf.opd_report_pdf(own)):
        content = pdf_text(body)
        assert marker in " ".join(content.split())
        # Every page's footer.
        pages = PdfReader(io.BytesIO(body)).pages
        assert all("Pratinjau per 7 Desember 2026" in p.extract_text() for p in pages)
    for body in (
        xlsx.kabupaten_xlsx(december),
        xlsx.opd_report_xlsx(own),
        evidence.evidence_pack(own, "xlsx"),
    ):
        assert marker in workbook_text(body)
    assert marker in text.whatsapp_summary(december)
    assert marker in text.opd_whatsapp_summary(own)
    assert common.file_name(december, "pdf") == (
        "kesiapan-kip-2026-12-pratinjau-2026-12-07.pdf"
    )
    # A month computed after it ended says nothing of the kind.
    final = score(november, opds[0])
    assert "PRATINJAU" not in pdf_text(pdf.opd_report_pdf(final))
    assert "PRATINJAU" not in workbook_text(xlsx.kabupaten_xlsx(november))
    assert common.file_name(november, "pdf") == "kesiapan-kip-2026-11.pdf"


# --- The API --------------------------------------------------------------------------


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Token " + Token.objects.create(user=user).key
    )
    return client


def answer(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_the_api_marks_a_preview(months, dinkominfo):
    client = token_client(dinkominfo)
    rows = answer(client, "/api/v1/evaluations/?month=2026-12")["results"]
    assert rows and all(r["preview"] is True for r in rows)
    assert {r["as_of"] for r in rows} == {"2026-12-07"}
    files = answer(client, "/api/v1/reports/monthly/?month=2026-12")["results"]
    assert files[0]["opd"] is None
    assert all(r["preview"] and r["as_of"] == "2026-12-07" for r in files)
    assert "PRATINJAU" in files[0]["summary_text"]
    final = answer(client, "/api/v1/evaluations/?month=2026-11")["results"]
    assert all(r["preview"] is False and r["as_of"] is None for r in final)


def test_the_files_download_with_the_api_token_from_the_urls_it_answers(
    months, opds, dinkominfo
):
    client = token_client(dinkominfo)
    rows = answer(client, "/api/v1/reports/monthly/?month=2026-12")["results"]
    assert len(rows) == 1 + len(opds)
    for row in rows:
        for fmt, kind in (("pdf", "application/pdf"), ("xlsx", XLSX)):
            url = row[fmt + "_url"]
            assert url.startswith("http://testserver/api/v1/reports/monthly/2026-12/")
            response = client.get(url)
            assert response.status_code == 200, (url, response.content[:200])
            assert response["Content-Type"] == kind
            assert "pratinjau-2026-12-07" in response["Content-Disposition"]
            body = response.content
            assert body.startswith(b"%PDF" if fmt == "pdf" else b"PK")
            if fmt == "xlsx":
                assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
            # Without the token: refused before anything is read.
            assert APIClient().get(url).status_code in (401, 403)
    # A client that asks for the file's own media type gets it.
    url = rows[0]["pdf_url"]
    assert client.get(url, HTTP_ACCEPT="application/pdf").status_code == 200


def test_the_api_files_keep_the_jsons_scope(months, opds, dinkominfo):
    november, _december = months
    admin = UserFactory(username="admin-eval1", role="opd_admin", opd=opds[1])
    client = token_client(admin)
    rows = answer(client, "/api/v1/reports/monthly/?month=2026-11")["results"]
    assert [r["opd"]["slug"] for r in rows] == [opds[1].slug]
    assert client.get(rows[0]["pdf_url"]).status_code == 200
    base = "/api/v1/reports/monthly/2026-11/"
    # Another OPD's file is not there for it; the kabupaten's is refused.
    assert client.get(base + "opds/{}/pdf/".format(opds[0].slug)).status_code == 404
    assert client.get(base + "pdf/").status_code == 403
    # A draft (here: the preview) is the evaluation team's alone.
    preview = "/api/v1/reports/monthly/2026-12/opds/{}/pdf/".format(opds[1].slug)
    assert client.get(preview).status_code == 404
    reviewer = token_client(dinkominfo)
    assert reviewer.get(preview).status_code == 200
    assert reviewer.get(base + "csv/").status_code == 404
    assert reviewer.get(base + "pdf/?version=2").status_code == 404
    refused = reviewer.get(base + "pdf/?version=dua")
    assert refused.status_code == 400 and set(refused.json()) == {"version"}
    assert reviewer.get("/api/v1/reports/monthly/2026-13/pdf/").status_code == 404


# --- The demo and the data already stored ------------------------------------------------


def test_reports_computed_before_their_month_ended_become_previews(
    months, opds, dinkominfo
):
    november, december = months
    MonthlyReport.objects.filter(pk=december.pk).update(
        as_of=None,
        status="final",
        finalised_at=timezone.now(),
        finalised_by=dinkominfo,
        computed_at=datetime.datetime(2026, 12, 7, 9, tzinfo=WIB),
    )
    assert december in perms.public_evaluation_reports()
    migration = importlib.import_module("evaluations.migrations.0005_preview")
    migration.mark_previews(apps, None)
    december.refresh_from_db()
    assert december.as_of == PREVIEW_DAY and december.status == "draft"
    assert december.finalised_at is None
    assert december not in perms.public_evaluation_reports()
    event = AuditEvent.objects.get(
        object_type="evaluations.monthlyreport",
        object_id=str(december.pk),
        source_name="migrate evaluations 0005_preview",
    )
    assert event.changes["status"] == ["final", "draft"]
    november.refresh_from_db()
    assert november.status == "final" and november.as_of is None
