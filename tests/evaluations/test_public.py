"""The public transparency page: final months only, for anyone, with the
published figures and nothing of the review, in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import selectors, services
from evaluations.models import MonthlyReport
from opds import permissions as perms
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import (
    BUILT_ON,
    SEPTEMBER,
    finalised_september,
    october_draft,
    score,
    vary,
)
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db
AUGUST = datetime.date(2026, 8, 1)
# The services' today once the scenario has finalised September.
AFTER_BUILD = BUILT_ON + datetime.timedelta(days=2)
DEADLINE = AFTER_BUILD + datetime.timedelta(days=5)
PUBLIC = reverse("evaluations:public")


def month_url(month: datetime.date) -> str:
    return reverse("evaluations:public-month", kwargs={"month": month})


def picker_months(html: str) -> list[str]:
    select = re.search(r'<select name="month".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d{4}-\d{2})"', select)


def test_final_reports_are_the_only_public_ones(opds, dinkominfo, on):
    october = october_draft(opds, dinkominfo, on)
    assert list(perms.public_evaluation_reports()) == [
        MonthlyReport.objects.get(month=SEPTEMBER)
    ]
    services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    assert october not in perms.public_evaluation_reports()


def test_anonymous_citizens_see_the_latest_final_month(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    september = MonthlyReport.objects.get(month=SEPTEMBER)
    response = client.get(PUBLIC)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.report == september
    assert [row.opd_slug for row in table.rows] == [
        s.opd.slug
        for s in september.scores.select_related("opd").order_by("rank", "opd__name")
    ]
    html = response.content.decode()
    for opd in opds:
        row = score(september, opd)
        assert opd.name in html
        assert "{:.2f}".format(row.score).replace(".", ",") in html
        assert reverse("opds:opd-detail", kwargs={"slug": opd.slug}) in html
    assert client.get(month_url(SEPTEMBER)).status_code == 200


@pytest.mark.parametrize("state", ["draft", "reply"])
def test_a_month_not_final_is_not_found_and_not_offered(
    state, opds, dinkominfo, on, client
):
    october = october_draft(opds, dinkominfo, on)
    if state == "reply":
        services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    assert client.get(month_url(MONTH)).status_code == 404
    html = client.get(PUBLIC).content.decode()
    assert picker_months(html) == ["2026-09"]
    # Picking it by hand shows the latest final month instead.
    response = client.get(PUBLIC, {"month": "2026-10"})
    assert response.status_code == 200
    assert response.context["table"].report.month == SEPTEMBER


def test_the_month_picker_goes_to_the_month(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    response = client.get(PUBLIC, {"month": "2026-09"})
    assert response.status_code == 302
    assert response["Location"] == month_url(SEPTEMBER)


def test_a_new_version_in_the_works_leaves_the_published_one(
    opds, dinkominfo, on, client
):
    vary(opds, dinkominfo)
    finalised_september(opds, dinkominfo, on)
    services.build_report(SEPTEMBER, by=dinkominfo, reason="Koreksi data")
    assert MonthlyReport.objects.filter(month=SEPTEMBER).count() == 2
    table = client.get(month_url(SEPTEMBER)).context["table"]
    assert table.report.version == 1
    assert table.report.status == MonthlyReport.Status.FINAL


def test_the_change_is_from_the_previous_final_month(opds, dinkominfo, on, client):
    vary(opds, dinkominfo)
    on(BUILT_ON)
    august = services.build_report(AUGUST)
    services.open_for_reply(
        august, by=dinkominfo, deadline=BUILT_ON + datetime.timedelta(days=1)
    )
    september = finalised_september(opds, dinkominfo, on)
    services.finalise(august, by=dinkominfo)
    table = client.get(month_url(SEPTEMBER)).context["table"]
    assert table.compared_with.month == AUGUST
    for row in table.rows:
        opd = next(o for o in opds if o.slug == row.opd_slug)
        assert row.change == score(september, opd).score - score(august, opd).score
    # August has no final month before it.
    earliest = client.get(month_url(AUGUST)).context["table"]
    assert earliest.compared_with is None
    assert {row.change for row in earliest.rows} == {None}


def test_the_page_shows_nothing_of_the_review(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    html = client.get(PUBLIC).content.decode()
    # Evidence of the second and third OPDs' items.
    assert "Laporan Keuangan Semester I" not in html
    assert "dinas_tanpa_data" not in html
    assert "Agrees" not in html and "Setuju" not in html
    assert "/dasbor/" not in html
    assert "csrfmiddlewaretoken" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "style=" not in html


def test_the_page_is_the_same_for_everyone_and_may_be_cached(
    opds, dinkominfo, on, client
):
    october_draft(opds, dinkominfo, on)
    response = client.get(PUBLIC)
    assert "public" in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    client.force_login(dinkominfo)
    staff = client.get(PUBLIC)
    # Staff see the very same table: a draft is not public for them either.
    assert staff.context["table"].rows == response.context["table"].rows
    assert client.get(month_url(MONTH)).status_code == 404


def test_without_a_final_month_the_page_says_so(client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert response.context["table"] is None


def test_the_page_is_linked_from_the_navigation_and_home(client):
    html = client.get(reverse("home")).content.decode()
    assert html.count('href="{}"'.format(PUBLIC)) >= 2


def test_the_table_matches_the_selector(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    finals = selectors.public_months()
    expected = selectors.public_table(finals[0], finals)
    assert client.get(PUBLIC).context["table"] == expected


# --- Queries -------------------------------------------------------------------------


def public_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def finalise(month: datetime.date, reviewer, on) -> MonthlyReport:
    on(AFTER_BUILD)
    report = services.build_report(month)
    services.open_for_reply(report, by=reviewer, deadline=DEADLINE)
    on(DEADLINE + datetime.timedelta(days=1))
    return services.finalise(report, by=reviewer)


def test_the_public_page_runs_as_many_queries_for_8_opds_as_for_3(
    opds, dinkominfo, on, client
):
    finalise(AUGUST, dinkominfo, on)
    finalise(SEPTEMBER, dinkominfo, on)
    few = public_queries(client, month_url(SEPTEMBER))
    for n in range(5):
        OpdFactory(short_name="LAIN{}".format(n))
    october = finalise(MONTH, dinkominfo, on)
    assert october.scores.count() == 8
    assert public_queries(client, month_url(MONTH)) == few
    assert public_queries(client, PUBLIC) == few
    assert few <= 12
    # A logged-in visitor costs only the session and the account.
    client.force_login(UserFactory(username="warga"))
    assert public_queries(client, PUBLIC) <= few + 2
