"""The evaluation API: rows per OPD and the month's report files, scoped
by role, drafts for the reviewers only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations import services
from tests.evaluations import scenario
from tests.evaluations.conftest import MONTH
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db
BANDS = {
    "informatif",
    "menuju_informatif",
    "cukup_informatif",
    "kurang_informatif",
    "tidak_informatif",
}


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_one_row_per_opd_with_its_indicators(api_client, opds, dinkominfo, on):
    report = scenario.october_draft(opds, dinkominfo, on)
    api_client.force_authenticate(dinkominfo)
    body = rows(api_client, "/api/v1/evaluations/?month=2026-10")
    assert body["count"] == 3
    first = body["results"][0]
    assert set(first) >= {"opd", "month", "status", "score", "band", "indicators"}
    assert first["month"] == "2026-10" and first["status"] == "draft"
    assert first["band"] in BANDS
    assert set(first["opd"]) == {"slug", "name"}
    codes = [i["code"] for i in first["indicators"]]
    assert codes[:2] == ["jenis_informasi", "digitalisasi"] and len(codes) == 6
    top = scenario.score(report, opds[0])
    mine = next(r for r in body["results"] if r["opd"]["slug"] == opds[0].slug)
    assert mine["score"] == str(top.score)
    jenis = next(i for i in mine["indicators"] if i["code"] == "jenis_informasi")
    assert jenis["weight"] == "40.00" and float(jenis["score"]) > 0


def test_an_opd_admin_sees_its_own_opd_and_no_draft(api_client, opds, dinkominfo, on):
    report = scenario.october_draft(opds, dinkominfo, on)
    admin = UserFactory(role="opd_admin", opd=opds[1])
    api_client.force_authenticate(admin)
    # October is a draft: the admin sees September, its own row only.
    body = rows(api_client, "/api/v1/evaluations/")
    assert [r["opd"]["slug"] for r in body["results"]] == [opds[1].slug]
    assert body["results"][0]["month"] == "2026-09"
    assert rows(api_client, "/api/v1/evaluations/?month=2026-10")["count"] == 0
    on(datetime.date(2026, 11, 20))
    services.open_for_reply(report, by=dinkominfo, deadline=datetime.date(2026, 11, 25))
    body = rows(api_client, "/api/v1/evaluations/?month=2026-10")
    assert [r["opd"]["slug"] for r in body["results"]] == [opds[1].slug]
    files = rows(api_client, "/api/v1/reports/monthly/?month=2026-10")
    assert [r["opd"]["slug"] for r in files["results"]] == [opds[1].slug]
    assert files["results"][0]["pdf_url"] == (
        "http://testserver/api/v1/reports/monthly/2026-10/opds/{}/pdf/?version=1"
    ).format(opds[1].slug)
    assert api_client.get(files["results"][0]["pdf_url"]).status_code == 200


def test_the_months_reports_with_files_and_summaries(api_client, opds, dinkominfo, on):
    scenario.october_draft(opds, dinkominfo, on)
    api_client.force_authenticate(dinkominfo)
    body = rows(api_client, "/api/v1/reports/monthly/?month=2026-10")
    assert body["count"] == 4
    kabupaten = body["results"][0]
    assert kabupaten["opd"] is None and kabupaten["status"] == "draft"
    assert kabupaten["xlsx_url"] == (
        "http://testserver/api/v1/reports/monthly/2026-10/xlsx/?version=1"
    )
    assert kabupaten["month"] == "2026-10" and kabupaten["version"] == 1
    assert kabupaten["preview"] is False and kabupaten["as_of"] is None
    assert "Purbalingga" in kabupaten["summary_text"]
    assert all(r["summary_text"] for r in body["results"])


def test_a_malformed_month_is_refused_naming_the_field(api_client, dinkominfo):
    api_client.force_authenticate(dinkominfo)
    response = api_client.get("/api/v1/evaluations/?month=10-2026")
    assert response.status_code == 400 and "month" in response.json()


def test_anonymous_callers_and_citizens_get_nothing(api_client, opds, dinkominfo, on):
    scenario.october_draft(opds, dinkominfo, on)
    assert api_client.get("/api/v1/evaluations/").status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    assert api_client.get("/api/v1/reports/monthly/").status_code == 403


def test_the_list_costs_the_same_queries_for_3_or_8_opds(api_client, dinkominfo):
    def count(n):
        services_opds = [
            OpdFactory(short_name="API{}X{}".format(n, i)) for i in range(n)
        ]
        assert services_opds
        services.build_report(MONTH)
        with CaptureQueriesContext(connection) as queries:
            assert rows(api_client, "/api/v1/evaluations/?month=2026-10")["results"]
        from evaluations.models import MonthlyReport

        MonthlyReport.objects.all().delete()
        return len(queries)

    api_client.force_authenticate(dinkominfo)
    few, many = count(3), count(8)
    assert few == many <= 12
