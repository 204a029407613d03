"""The evaluation pages: who sees what in each state of a month, the
reviewers' and OPDs' steps end to end, the five actions, and a query count
that does not grow with the number of OPDs."""

import copy
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from evaluations import services
from evaluations.models import Contest, ItemScore, MonthlyReport
from opds import permissions as perms
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import BUILT_ON, item, october_draft, score
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db
# The services' today once october_draft has run, and the deadline set.
AFTER_BUILD = BUILT_ON + datetime.timedelta(days=2)
DEADLINE = AFTER_BUILD + datetime.timedelta(days=5)


@pytest.fixture
def people(opds, dinkominfo, ppid_utama):
    return {
        "anonymous": None,
        "no_role": UserFactory(username="tanpa-peran"),
        "dinkominfo": dinkominfo,
        "ppid_utama": ppid_utama,
        "atasan": UserFactory(username="atasan", role="atasan_ppid"),
        "own_admin": UserFactory(username="admin-eval0", role="opd_admin", opd=opds[0]),
        "other_admin": UserFactory(
            username="admin-eval1", role="opd_admin", opd=opds[1]
        ),
    }


def month_in(state, opds, dinkominfo, on) -> MonthlyReport:
    """October as a draft, open for reply, or final."""
    report = october_draft(opds, dinkominfo, on)
    if state in ("reply", "final"):
        services.open_for_reply(report, by=dinkominfo, deadline=DEADLINE)
    if state == "final":
        on(DEADLINE + datetime.timedelta(days=1))
        services.finalise(report, by=dinkominfo)
    report.refresh_from_db()
    return report


def kabupaten_url(report, name="report", **kwargs):
    return reverse("evaluations:" + name, kwargs={"month": report.month, **kwargs})


def opd_url(report, opd, name="opd", **kwargs):
    return reverse(
        "evaluations:" + name,
        kwargs={"month": report.month, "slug": opd.slug, **kwargs},
    )


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Who sees what -------------------------------------------------------------------

ALL = {"draft": 200, "reply": 200, "final": 200}
NOT_DRAFT = {"draft": 404, "reply": 200, "final": 200}
KABUPATEN_PAGE = {
    "anonymous": {"draft": 302, "reply": 302, "final": 302},
    "no_role": {"draft": 403, "reply": 403, "final": 403},
    "dinkominfo": ALL,
    "ppid_utama": NOT_DRAFT,
    "atasan": NOT_DRAFT,
    # An OPD admin is sent to its own OPD's page of the month.
    "own_admin": {"draft": 404, "reply": 302, "final": 302},
    "other_admin": {"draft": 404, "reply": 302, "final": 302},
}
OPD_PAGE = {
    **KABUPATEN_PAGE,
    "own_admin": NOT_DRAFT,
    "other_admin": {"draft": 404, "reply": 404, "final": 404},
}
KABUPATEN_FILE = {
    **KABUPATEN_PAGE,
    "own_admin": {"draft": 404, "reply": 403, "final": 403},
    "other_admin": {"draft": 404, "reply": 403, "final": 403},
}


@pytest.mark.parametrize("state", ["draft", "reply", "final"])
def test_who_sees_each_page_in_each_state(state, opds, dinkominfo, on, people, client):
    report = month_in(state, opds, dinkominfo, on)
    pages = [
        (kabupaten_url(report), KABUPATEN_PAGE),
        (kabupaten_url(report, "report-file", fmt="pdf"), KABUPATEN_FILE),
        (kabupaten_url(report, "whatsapp"), KABUPATEN_FILE),
        (opd_url(report, opds[0]), OPD_PAGE),
        (opd_url(report, opds[0], "opd-file", fmt="xlsx"), OPD_PAGE),
        (opd_url(report, opds[0], "opd-evidence", fmt="csv"), OPD_PAGE),
        (opd_url(report, opds[0], "opd-whatsapp"), OPD_PAGE),
    ]
    for role, user in people.items():
        client.logout()
        as_user(client, user)
        for url, expected in pages:
            response = client.get(url)
            assert response.status_code == expected[role][state], (role, url)
            if role == "anonymous":
                assert response["Location"].startswith(reverse("login"))
    # The OPD admins land on their own OPD's page, never another's.
    for role, opd in (("own_admin", opds[0]), ("other_admin", opds[1])):
        client.force_login(people[role])
        response = client.get(kabupaten_url(report))
        if state != "draft":
            assert response["Location"] == opd_url(report, opd) + "?versi=1"


def test_an_unknown_version_or_format_is_not_found(opds, dinkominfo, on, client):
    report = month_in("draft", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    assert client.get(kabupaten_url(report) + "?versi=2").status_code == 404
    assert client.get(kabupaten_url(report) + "?versi=x").status_code == 404
    assert (
        client.get(kabupaten_url(report, "report-file", fmt="docx")).status_code == 404
    )
    assert (
        client.get(opd_url(report, opds[0], "opd-evidence", fmt="pdf")).status_code
        == 404
    )
    assert client.get("/dasbor/evaluasi/2026-09/").status_code == 200
    assert client.get("/dasbor/evaluasi/2026-13/").status_code == 404


def test_the_month_list_shows_what_each_role_may_see(
    opds, dinkominfo, on, people, client
):
    month_in("draft", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    page = client.get(reverse("evaluations:index"))
    assert [row.month for row in page.context["months"]] == [
        MONTH,
        datetime.date(2026, 9, 1),
    ]
    assert page.context["build_form"] is not None
    assert reverse("evaluations:build") in page.content.decode()
    client.force_login(people["ppid_utama"])
    page = client.get(reverse("evaluations:index"))
    # October is a draft: only the final September shows.
    assert [row.month for row in page.context["months"]] == [datetime.date(2026, 9, 1)]
    assert page.context["build_form"] is None
    assert reverse("evaluations:build") not in page.content.decode()
    client.force_login(people["own_admin"])
    page = client.get(reverse("evaluations:index"))
    (row,) = page.context["months"]
    assert row.own_score.opd == opds[0]
    assert opd_url(row.report, opds[0]) in page.content.decode()
    client.force_login(people["no_role"])
    assert client.get(reverse("evaluations:index")).status_code == 403


def test_the_dashboard_links_to_the_evaluation(opds, dinkominfo, client):
    client.force_login(dinkominfo)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="{}"'.format(reverse("evaluations:index")) in html


# --- Steps refused ----------------------------------------------------------------


def contested(report, opds, people):
    return services.contest(
        item(report, opds[0], "dip_lengkap"),
        by=people["own_admin"],
        argument="Sudah terbit di situs dinas",
    )


def test_a_role_that_sees_but_may_not_act_gets_403(
    opds, dinkominfo, on, people, client
):
    report = month_in("reply", opds, dinkominfo, on)
    filed = contested(report, opds, people)
    manual = item(report, opds[0], "sk_ppid")
    refused = [
        ("ppid_utama", kabupaten_url(report, "finalise"), {}),
        ("ppid_utama", kabupaten_url(report, "open-reply"), {"deadline": "2026-12-01"}),
        (
            "ppid_utama",
            reverse("evaluations:build"),
            {"month": "2026-10", "reason": "x"},
        ),
        (
            "ppid_utama",
            kabupaten_url(report, "decide", pk=filed.pk),
            {"decision": "reject", "response": "Tidak"},
        ),
        ("own_admin", kabupaten_url(report, "finalise"), {}),
        (
            "own_admin",
            kabupaten_url(report, "decide", pk=filed.pk),
            {"decision": "accept", "percent": "100", "response": "Ya"},
        ),
        (
            "own_admin",
            opd_url(report, opds[0], "score-opd"),
            {"nilai-{}".format(manual.pk): "100"},
        ),
        ("dinkominfo", opd_url(report, opds[0], "agree"), {}),
        (
            "dinkominfo",
            opd_url(report, opds[0], "contest-item", pk=manual.pk),
            {"argument": "Salah"},
        ),
        ("atasan", opd_url(report, opds[0], "agree"), {}),
    ]
    for role, url, data in refused:
        client.force_login(people[role])
        assert client.post(url, data).status_code == 403, (role, url)
    # Another OPD's admin does not even see the first OPD's score.
    client.force_login(people["other_admin"])
    for url, data in [
        (opd_url(report, opds[0], "agree"), {}),
        (opd_url(report, opds[0], "contest-item", pk=manual.pk), {"argument": "x"}),
        (
            kabupaten_url(report, "decide", pk=filed.pk),
            {"decision": "reject", "response": "x"},
        ),
    ]:
        assert client.post(url, data).status_code == 404, url
    report.refresh_from_db()
    filed.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY
    assert filed.status == Contest.Status.PENDING
    assert score(report, opds[0]).reply == "contest"
    assert item(report, opds[0], "sk_ppid").ratio == manual.ratio
    assert Contest.objects.count() == 1


def test_a_draft_is_not_found_for_those_who_may_not_see_it(
    opds, dinkominfo, on, people, client
):
    report = month_in("draft", opds, dinkominfo, on)
    manual = item(report, opds[0], "sk_ppid")
    client.force_login(people["ppid_utama"])
    assert client.post(kabupaten_url(report, "finalise")).status_code == 404
    client.force_login(people["own_admin"])
    assert client.post(opd_url(report, opds[0], "agree")).status_code == 404
    assert (
        client.post(
            opd_url(report, opds[0], "score-opd"), {"nilai-{}".format(manual.pk): "100"}
        ).status_code
        == 404
    )
    client.logout()
    response = client.post(kabupaten_url(report, "finalise"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(kabupaten_url(report, "finalise")).status_code in (302, 405)


# --- The workflow, end to end ---------------------------------------------------------


def test_the_monthly_workflow_through_the_pages(
    opds, dinkominfo, on, people, client, django_capture_on_commit_callbacks
):
    october_draft(opds, dinkominfo, on)
    MonthlyReport.objects.filter(month=MONTH).delete()
    client.force_login(dinkominfo)
    # The build is queued; Celery runs eagerly once the run is committed,
    # and the run's page then opens the month's report.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluations:build"), {"month": "2026-10"})
    response = client.get(response.url, follow=True)
    report = MonthlyReport.objects.get(month=MONTH)
    assert response.redirect_chain[-1][0] == kabupaten_url(report) + "?versi=1"
    assert report.status == MonthlyReport.Status.DRAFT
    html = response.content.decode()
    assert kabupaten_url(report, "open-reply") in html

    # The team scores a manual item on the OPD's page.
    manual = item(report, opds[2], "anggaran")
    before = score(report, opds[2]).score
    page = client.get(opd_url(report, opds[2]))
    assert opd_url(report, opds[2], "score-opd") in page.content.decode()
    client.post(
        opd_url(report, opds[2], "score-opd"),
        {
            "nilai-{}".format(manual.pk): "75",
            "catatan-{}".format(manual.pk): "Anggaran ada, SDM belum",
        },
    )
    assert item(report, opds[2], "anggaran").ratio == Decimal("0.75")
    assert score(report, opds[2]).score > before

    # Opened for reply with a deadline.
    client.post(kabupaten_url(report, "open-reply"), {"deadline": str(DEADLINE)})
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY
    assert report.reply_deadline == DEADLINE

    # The first OPD contests an item; the second agrees.
    client.force_login(people["own_admin"])
    page = client.get(opd_url(report, opds[0])).content.decode()
    assert opd_url(report, opds[0], "agree") in page
    disputed = item(report, opds[0], "kanal_sehat")
    response = client.post(
        opd_url(report, opds[0], "contest-item", pk=disputed.pk),
        {
            "argument": "Akun kami terhubung sejak awal bulan.",
            "evidence_url": "https://instagram.com/dinas",
        },
        follow=True,
    )
    assert response.status_code == 200
    filed = Contest.objects.get(item_score=disputed)
    assert filed.evidence_url == "https://instagram.com/dinas"
    assert score(report, opds[0]).reply == "contest"
    page = client.get(opd_url(report, opds[0])).content.decode()
    assert opd_url(report, opds[0], "agree") not in page
    client.force_login(people["other_admin"])
    client.post(opd_url(report, opds[1], "agree"))
    assert score(report, opds[1]).reply == "agree"

    # The team cannot finalise before deciding; then decides and finalises.
    client.force_login(dinkominfo)
    page = client.get(kabupaten_url(report))
    assert [c.pk for c in page.context["contests"]] == [filed.pk]
    response = client.post(kabupaten_url(report, "finalise"), follow=True)
    assert messages_of(response)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY
    client.post(
        kabupaten_url(report, "decide", pk=filed.pk),
        {"decision": "accept", "percent": "100", "response": "Data segar terbukti."},
    )
    filed.refresh_from_db()
    assert filed.status == Contest.Status.ACCEPTED
    assert item(report, opds[0], "kanal_sehat").ratio == 1
    on(DEADLINE + datetime.timedelta(days=1))
    client.post(kabupaten_url(report, "finalise"))
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.FINAL
    assert report.finalised_by == dinkominfo

    # A correction makes a second version; the first stays as published.
    page = client.get(kabupaten_url(report)).content.decode()
    assert "id_new_reason" in page
    client.post(reverse("evaluations:build"), {"month": "2026-10"})
    assert MonthlyReport.objects.filter(month=MONTH).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:build"),
            {"month": "2026-10", "reason": "Data permohonan Oktober dikoreksi"},
        )
    response = client.get(response.url, follow=True)
    newer = MonthlyReport.objects.get(month=MONTH, version=2)
    assert response.redirect_chain[-1][0] == kabupaten_url(newer) + "?versi=2"
    assert response.context["versions"] == [1, 2]
    assert client.get(kabupaten_url(report) + "?versi=1").context["report"] == report
    assert item(newer, opds[2], "anggaran").ratio == Decimal("0.75")


def label(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


def test_refused_steps_name_the_field_and_save_nothing(
    opds, dinkominfo, on, people, client
):
    report = month_in("draft", opds, dinkominfo, on)
    manual = item(report, opds[0], "sk_ppid")
    client.force_login(dinkominfo)

    response = client.post(
        opd_url(report, opds[0], "score-opd"),
        {
            "nilai-{}".format(manual.pk): "150",
            "catatan-{}".format(manual.pk): "terlalu tinggi",
        },
    )
    (message,) = messages_of(response)
    assert message == label("Nothing was saved: correct the scores marked below.")
    assert response.context["score_form"].errors["nilai-{}".format(manual.pk)] == [
        label("%(item)s: enter a percentage from 0 to 100, e.g. 75 or 62,5.")
        % {"item": manual.item.name}
    ]
    assert item(report, opds[0], "sk_ppid").ratio == manual.ratio
    # An automatic item is not in the form: what is posted for it is ignored.
    automatic = item(report, opds[0], "dip_lengkap")
    client.post(
        opd_url(report, opds[0], "score-opd"),
        {"nilai-{}".format(automatic.pk): "100"},
    )
    assert item(report, opds[0], "dip_lengkap").ratio == automatic.ratio

    response = client.post(
        kabupaten_url(report, "open-reply"), {"deadline": str(AFTER_BUILD)}, follow=True
    )
    (message,) = messages_of(response)
    assert message.startswith(label("Reply deadline") + ": ")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.DRAFT

    response = client.post(
        reverse("evaluations:build"), {"month": "Oktober"}, follow=True
    )
    assert messages_of(response)[0].startswith(label("Month") + ": ")
    response = client.post(
        reverse("evaluations:build"), {"month": "2026-12"}, follow=True
    )
    assert messages_of(response)[0].startswith(label("Month") + ": ")
    assert not MonthlyReport.objects.filter(month=datetime.date(2026, 12, 1)).exists()

    services.open_for_reply(report, by=dinkominfo, deadline=DEADLINE)
    filed = contested(report, opds, people)
    response = client.post(
        kabupaten_url(report, "decide", pk=filed.pk),
        {"decision": "accept", "response": "Diterima"},
        follow=True,
    )
    assert messages_of(response)[0].startswith(label("New fulfilment, %") + ": ")
    filed.refresh_from_db()
    assert filed.status == Contest.Status.PENDING

    # After the deadline the OPD's reply is refused, with the reason.
    on(DEADLINE + datetime.timedelta(days=1))
    client.force_login(people["other_admin"])
    response = client.post(opd_url(report, opds[1], "agree"), follow=True)
    assert messages_of(response)[0].startswith(label("Reply") + ": ")
    assert score(report, opds[1]).reply == ""
    page = client.get(opd_url(report, opds[1])).content.decode()
    assert opd_url(report, opds[1], "agree") not in page


# --- The five actions ----------------------------------------------------------------


def test_the_five_actions_are_the_largest_gains_first(opds, dinkominfo, on, client):
    report = month_in("draft", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(opd_url(report, opds[1]))
    actions = response.context["view"].actions
    assert len(actions) == 5
    gains = [a.gain for a in actions]
    assert gains == sorted(gains, reverse=True) and gains[-1] > 0
    items = list(
        ItemScore.objects.filter(
            opd_score__report=report, opd_score__opd=opds[1]
        ).select_related("item__indicator")
    )
    now = services.total(items)

    def gain_if_fulfilled(target):
        raised = []
        for entry in items:
            entry = copy.copy(entry)
            if entry.pk == target.pk:
                entry.ratio = Decimal(1)
            raised.append(entry)
        return services.total(raised) - now

    # Each gain is what fulfilling its item adds to the score, as the
    # services compute it; no other item would add more than the fifth.
    chosen = {a.item_score.pk for a in actions}
    for action in actions:
        assert abs(gain_if_fulfilled(action.item_score) - action.gain) <= Decimal(
            "0.01"
        )
    for entry in items:
        if entry.applies and entry.pk not in chosen:
            assert gain_if_fulfilled(entry) <= gains[-1] + Decimal("0.01")
    # The page lists them in that order.
    html = response.content.decode()
    section = html[html.index("<ol>") : html.index("</ol>")]
    places = [section.index(a.item.name) for a in actions]
    assert places == sorted(places)
    # Linked to where it is done, for whoever may do it there (issue 18).
    for action in actions:
        link = 'href="{}"'.format(action.item.action_url)
        if perms.can_do_evaluation_action(dinkominfo, opds[1], action.item.action_url):
            assert link in section
        else:
            assert link not in section
    # A fulfilled item leaves the list.
    top_manual = next(a for a in actions if a.item.method == "manual")
    services.score_manual_item(top_manual.item_score, by=dinkominfo, ratio=Decimal(1))
    again = client.get(opd_url(report, opds[1])).context["view"].actions
    assert top_manual.item_score.pk not in {a.item_score.pk for a in again}


# --- The pages themselves --------------------------------------------------------------


def test_the_kabupaten_page_shows_ranking_bands_heatmap_movers_and_stale_data(
    opds, dinkominfo, on, client
):
    report = month_in("draft", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(kabupaten_url(report))
    view = response.context["view"]
    assert [r.opd_score.rank for r in view.rows] == sorted(
        r.opd_score.rank for r in view.rows
    )
    assert sum(b.count for b in view.distribution) == 3
    assert len(view.heat) == 3 and len(view.heat[0].cells) == 6
    # The second OPD completed its profile since September.
    (mover,) = [m for m in view.movers if m.opd_score.opd == opds[1]]
    assert mover.change > 0
    stale = {a.opd_score.opd: a for a in view.attention}
    assert stale[opds[1]].overdue_items[0]["label"] == "Laporan Keuangan Semester I"
    assert stale[opds[2]].stale_accounts[0]["label"].endswith("@dinas_tanpa_data")
    html = response.content.decode()
    assert "Laporan Keuangan Semester I" in html
    for row in view.rows:
        assert opd_url(report, row.opd_score.opd) in html


def test_the_pages_run_no_inline_script_or_style(opds, dinkominfo, on, client):
    report = month_in("reply", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    for url in [
        reverse("evaluations:index"),
        kabupaten_url(report),
        kabupaten_url(report, "whatsapp"),
        opd_url(report, opds[0]),
    ]:
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert " on" + "click=" not in html


def test_the_whatsapp_page_holds_the_text_to_copy(opds, dinkominfo, on, client):
    report = month_in("final", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(kabupaten_url(report, "whatsapp"))
    html = response.content.decode()
    assert (
        '<textarea class="form-control whatsapp-text mb-2" id="whatsapp-text"' in html
    )
    assert 'data-copy-target="whatsapp-text"' in html
    first_line = response.context["text"].splitlines()[0]
    assert first_line in html


def test_downloads_are_attachments_of_the_right_kind(opds, dinkominfo, on, client):
    report = month_in("final", opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(kabupaten_url(report, "report-file", fmt="pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="kesiapan-kip-2026-10.pdf"' in response["Content-Disposition"]
    response = client.get(opd_url(report, opds[0], "opd-file", fmt="xlsx"))
    assert response.content.startswith(b"PK")
    assert (
        "kesiapan-kip-2026-10-{}.xlsx".format(opds[0].slug)
        in (response["Content-Disposition"])
    )
    response = client.get(
        opd_url(report, opds[0], "opd-evidence", fmt="csv") + "?indikator=digitalisasi"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "bukti-digitalisasi.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    assert lines and all(line.startswith("Digitalisasi,") for line in lines)


# --- Queries -----------------------------------------------------------------------------


def kabupaten_queries(client, report) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(kabupaten_url(report))
    assert response.status_code == 200
    return len(queries)


def opened_with_a_contest(month, admin, dinkominfo):
    report = services.build_report(month)
    services.open_for_reply(report, by=dinkominfo, deadline=DEADLINE)
    services.contest(
        item(report, admin.opd, "akurasi"), by=admin, argument="Sudah jelas"
    )
    return report


def test_the_kabupaten_page_runs_as_many_queries_for_8_opds_as_for_3(
    opds, dinkominfo, on, client
):
    on(AFTER_BUILD)
    admin = UserFactory(role="opd_admin", opd=opds[0])
    # Each month is compared with the one before, open for reply.
    services.open_for_reply(
        services.build_report(datetime.date(2026, 8, 1)),
        by=dinkominfo,
        deadline=DEADLINE,
    )
    september = opened_with_a_contest(datetime.date(2026, 9, 1), admin, dinkominfo)
    client.force_login(dinkominfo)
    few = kabupaten_queries(client, september)
    for n in range(5):
        OpdFactory(short_name="LAIN{}".format(n))
    october = opened_with_a_contest(MONTH, admin, dinkominfo)
    assert october.scores.count() == 8
    assert kabupaten_queries(client, october) == few
    # One more for the staff bar's counts (config/queues.py).
    # One of them counts the replies and undecided contests that the
    # Finalise button waits for.
    assert few <= 14
