"""The Chart.js charts of the kabupaten and OPD pages, the kind filter and
the month picker of the kabupaten page, and what stays without JavaScript."""

import datetime
import html as html_lib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import charts, selectors, services
from evaluations.models import MonthlyReport
from opds import permissions as perms
from opds.models import Opd
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import BUILT_ON, SEPTEMBER, item, october_draft
from tests.factories import OpdFactory

pytestmark = pytest.mark.django_db
AFTER_BUILD = BUILT_ON + datetime.timedelta(days=2)
DEADLINE = AFTER_BUILD + datetime.timedelta(days=5)
CHART_JS = "vendor/chartjs-4.6.1/chart.umd.min.js"


def kabupaten_url(month: datetime.date) -> str:
    return reverse("evaluations:report", kwargs={"month": month})


def opd_url(month: datetime.date, opd: Opd) -> str:
    return reverse("evaluations:opd", kwargs={"month": month, "slug": opd.slug})


def charts_of(html: str) -> list[dict]:
    """Every canvas's chart data, as the page's script reads it."""
    return [
        json.loads(html_lib.unescape(raw))
        for raw in re.findall(r'<canvas data-chart="([^"]*)"', html)
    ]


def inline_scripts(html: str) -> list[str]:
    """Script elements without a src, other than JSON data blocks."""
    return [
        tag
        for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        if 'type="application/json"' not in tag
    ]


def test_chart_js_is_vendored_with_its_licence():
    folder = Path(settings.BASE_DIR) / "static" / Path(CHART_JS).parent
    assert (folder / "chart.umd.min.js").read_text().startswith("/*!\n * Chart.js v4")
    assert "MIT License" in (folder / "LICENSE").read_text()
    # The manifest storage resolves the source map the script names.
    assert (folder / "chart.umd.min.js.map").exists()
    assert (Path(settings.BASE_DIR) / "static/js/evaluation-charts.js").exists()


def test_the_kabupaten_charts_match_the_selectors(opds, dinkominfo, on, client):
    october = october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(kabupaten_url(MONTH))
    html = response.content.decode()
    bands, average = charts_of(html)
    view = selectors.kabupaten(october, selectors.scores_in_scope(dinkominfo, october))
    assert bands == charts.band_chart(view.distribution)
    assert sum(bands["datasets"][0]["data"]) == 3
    trend = selectors.average_trend(
        october,
        selectors.visible_reports(dinkominfo),
        perms.evaluation_scores_visible_to(dinkominfo),
    )
    assert average == json.loads(charts.dumps(charts.average_chart(trend)))
    september = MonthlyReport.objects.get(month=SEPTEMBER)
    expected = sum(s.score for s in september.scores.all()) / 3
    assert [p.month for p in trend] == [SEPTEMBER, MONTH]
    assert trend[0].average == expected.quantize(Decimal("0.01"))
    assert trend[-1].average == view.average
    # Chart.js and the page's script load from static files, after the page.
    # Each carries the page's CSP nonce (tests/config/test_security_headers.py).
    for src in ("/static/" + CHART_JS, "/static/js/evaluation-charts.js"):
        assert re.search(
            r'<script src="{}" nonce="[^"]+" defer></script>'.format(re.escape(src)),
            html,
        ), src


def test_the_trend_takes_each_months_latest_visible_version(
    opds, dinkominfo, ppid_utama, on, client
):
    october = october_draft(opds, dinkominfo, on)
    services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    # A correction of September in the works: a draft the reviewers see.
    services.build_report(SEPTEMBER, by=dinkominfo, reason="Koreksi")
    draft = MonthlyReport.objects.get(month=SEPTEMBER, version=2)
    for user, version in [(dinkominfo, 2), (ppid_utama, 1)]:
        trend = selectors.average_trend(
            october,
            selectors.visible_reports(user),
            perms.evaluation_scores_visible_to(user),
        )
        assert [(p.month, p.version) for p in trend] == [
            (SEPTEMBER, version),
            (MONTH, october.version),
        ]
    assert draft.status == MonthlyReport.Status.DRAFT


def test_the_opd_charts_match_the_selectors(opds, dinkominfo, on, client):
    october = october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    html = client.get(opd_url(MONTH, opds[1])).content.decode()
    trend, indicators = charts_of(html)
    view = selectors.opd_view(
        selectors.opd_score_for(dinkominfo, october, opds[1].slug)
    )
    assert indicators == charts.indicator_chart(view.indicators)
    assert indicators["datasets"][0]["data"] == [row.percent for row in view.indicators]
    assert trend == json.loads(charts.dumps(charts.trend_chart(view.trend)))
    assert len(trend["labels"]) == 2


def test_the_svg_charts_stay_for_pages_without_javascript(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    html = client.get(kabupaten_url(MONTH)).content.decode()
    # The canvases wait hidden; the SVG beside them is the page as it is.
    assert html.count('<div class="chart-box" hidden><canvas') == 2
    assert 'id="bands-table"' in html and 'data-chart-fallback="bands-table"' in html
    assert 'id="average-trend"' in html and '<polyline class="trend-line"' in html
    html = client.get(opd_url(MONTH, opds[0])).content.decode()
    assert html.count('<div class="chart-box" hidden><canvas') == 2
    assert 'id="opd-trend"' in html and '<svg class="bar"' in html


def test_the_pages_run_no_inline_script(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    for url in [
        kabupaten_url(MONTH),
        kabupaten_url(MONTH) + "?kind=dinas",
        opd_url(MONTH, opds[0]),
        reverse("evaluations:public"),
    ]:
        html = client.get(url).content.decode()
        assert inline_scripts(html) == [], url
        assert "style=" not in html, url


# --- The kind filter and the month picker ---------------------------------------------


def test_the_kind_filter_narrows_the_ranking(opds, dinkominfo, on, client):
    Opd.objects.filter(pk=opds[2].pk).update(kind=Opd.Kind.KECAMATAN)
    october = october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(kabupaten_url(MONTH), {"kind": "kecamatan"})
    view = response.context["view"]
    assert [r.opd_score.opd for r in view.rows] == [opds[2]]
    assert [h.opd_score.opd for h in view.heat] == [opds[2]]
    assert sum(b.count for b in view.distribution) == 1
    # The rank stays the regency's.
    assert (
        view.rows[0].opd_score.rank == item(october, opds[2], "akurasi").opd_score.rank
    )
    bands, average = charts_of(response.content.decode())
    assert sum(bands["datasets"][0]["data"]) == 1
    assert average["datasets"][0]["data"][-1] == float(view.rows[0].opd_score.score)
    html = response.content.decode()
    assert opd_url(MONTH, opds[2]) in html
    assert opd_url(MONTH, opds[0]) not in html
    assert '<option value="kecamatan" selected>' in html
    everyone = client.get(kabupaten_url(MONTH), {"kind": "dinas"}).context["view"]
    assert {r.opd_score.opd for r in everyone.rows} == {opds[0], opds[1]}
    # An unknown kind filters nothing and says why.
    unknown = client.get(kabupaten_url(MONTH), {"kind": "desa"})
    assert len(unknown.context["view"].rows) == 3
    assert 'class="alert alert-warning"' in unknown.content.decode()


def picker_months(html: str) -> list[str]:
    select = re.search(r'<select name="month".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d{4}-\d{2})"', select)


def test_the_month_picker_lists_the_months_the_user_may_see(
    opds, dinkominfo, ppid_utama, on, client
):
    october = october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    html = client.get(kabupaten_url(SEPTEMBER)).content.decode()
    assert picker_months(html) == ["2026-10", "2026-09"]
    assert re.search(r'<option value="2026-09" selected>', html)
    # PPID Utama sees no draft: October is not offered until it is open.
    client.force_login(ppid_utama)
    html = client.get(kabupaten_url(SEPTEMBER)).content.decode()
    assert picker_months(html) == ["2026-09"]
    services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    html = client.get(kabupaten_url(SEPTEMBER)).content.decode()
    assert picker_months(html) == ["2026-10", "2026-09"]


def test_changing_the_month_keeps_the_kind(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    response = client.get(
        kabupaten_url(MONTH), {"month": "2026-09", "kind": "dinas", "versi": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == kabupaten_url(SEPTEMBER) + "?kind=dinas"
    # The same month only filters; a month not offered is ignored.
    assert client.get(kabupaten_url(MONTH), {"month": "2026-10"}).status_code == 200
    assert client.get(kabupaten_url(MONTH), {"month": "2025-01"}).status_code == 200


def test_rows_still_drill_down_to_the_opd(opds, dinkominfo, on, client):
    october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    html = client.get(kabupaten_url(MONTH), {"kind": "dinas"}).content.decode()
    assert "{}?versi=1".format(opd_url(MONTH, opds[0])) in html


# --- Queries -----------------------------------------------------------------------------


def kabupaten_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"kind": "dinas"})
    assert response.status_code == 200
    return len(queries)


def test_the_filtered_kabupaten_page_runs_as_many_queries_for_8_opds_as_for_3(
    opds, dinkominfo, on, client
):
    on(AFTER_BUILD)
    for month in (datetime.date(2026, 7, 1), datetime.date(2026, 8, 1)):
        services.open_for_reply(
            services.build_report(month), by=dinkominfo, deadline=DEADLINE
        )
    # Each month is compared with the one before, open for reply.
    september = services.build_report(SEPTEMBER)
    services.open_for_reply(september, by=dinkominfo, deadline=DEADLINE)
    client.force_login(dinkominfo)
    few = kabupaten_queries(client, kabupaten_url(september.month))
    for n in range(5):
        OpdFactory(short_name="LAIN{}".format(n))
    october = services.build_report(MONTH)
    services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    assert october.scores.count() == 8
    assert kabupaten_queries(client, kabupaten_url(MONTH)) == few
    # One more for the staff bar's counts (config/queues.py).
    # One of them counts the replies and undecided contests that the
    # Finalise button waits for.
    assert few <= 14
