"""The kabupaten page's figures (ranking, bands, heatmap, movers, stale
data) rendered once per report content and served from the cache
(evaluations.pages): the same page on a hit, a new rendering whenever
something it shows has changed."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import services
from evaluations.models import MonthlyReport
from opds.models import Opd
from tests.evaluations.scenario import BUILT_ON, item, october_draft, score
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
AFTER_BUILD = BUILT_ON + datetime.timedelta(days=2)
DEADLINE = AFTER_BUILD + datetime.timedelta(days=5)
FIGURES = "evaluations/_report_figures.html"


def page(client, report, **params):
    """The page's HTML and whether its figures were rendered for it."""
    response = client.get(
        reverse("evaluations:report", kwargs={"month": report.month}), params
    )
    assert response.status_code == 200
    rendered = FIGURES in [t.name for t in response.templates]
    return response.content.decode(), rendered


def figures_of(html: str) -> str:
    start = html.index('<div class="row g-3 mb-4">')
    return html[start : html.index("<script", start)]


@pytest.fixture
def opened(opds, dinkominfo, on, client):
    report = october_draft(opds, dinkominfo, on)
    on(AFTER_BUILD)
    services.open_for_reply(report, by=dinkominfo, deadline=DEADLINE)
    report.refresh_from_db()
    client.force_login(dinkominfo)
    return report


def test_a_second_view_serves_the_same_figures_from_the_cache(opened, client):
    first, rendered = page(client, opened)
    assert rendered
    again, rendered_again = page(client, opened)
    assert not rendered_again
    assert figures_of(again) == figures_of(first)


def test_a_hit_runs_fewer_queries_than_a_miss(opened, client):
    with CaptureQueriesContext(connection) as miss:
        page(client, opened)
    with CaptureQueriesContext(connection) as hit:
        page(client, opened)
    assert len(hit) < len(miss)


def test_a_reply_shows_at_once(opened, opds, client):
    before, _rendered = page(client, opened)
    admin = UserFactory(role="opd_admin", opd=opds[0])
    services.agree(score(opened, opds[0]), by=admin)
    after, rendered = page(client, opened)
    assert rendered
    assert figures_of(after) != figures_of(before)
    assert figures_of(page(client, opened)[0]) == figures_of(after)


def test_a_contest_and_its_decision_show_at_once(opened, opds, client, dinkominfo):
    page(client, opened)
    admin = UserFactory(role="opd_admin", opd=opds[0])
    contest = services.contest(
        item(opened, opds[0], "akurasi"), by=admin, argument="Sudah jelas"
    )
    waiting, rendered = page(client, opened)
    assert rendered
    assert "badge text-bg-warning" in figures_of(waiting)
    services.decide_contest(
        contest, by=dinkominfo, accept=True, response="Diterima", ratio=Decimal("1")
    )
    decided, rendered = page(client, opened)
    assert rendered
    assert "badge text-bg-warning" not in figures_of(decided)
    assert figures_of(decided) != figures_of(waiting)


def test_a_manual_score_in_a_draft_changes_the_figures(opds, dinkominfo, on, client):
    report = october_draft(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    before, _rendered = page(client, report)
    target = item(report, opds[2], "akurasi")
    services.score_opd_items(
        target.opd_score, by=dinkominfo, scores={target.pk: (Decimal("1"), "Lengkap")}
    )
    report.refresh_from_db()
    after, rendered = page(client, report)
    assert rendered
    assert figures_of(after) != figures_of(before)


def test_a_renamed_opd_shows_its_new_name(opened, opds, client):
    page(client, opened)
    Opd.objects.filter(pk=opds[1].pk).update(name="Dinas Bernama Baru")
    html, rendered = page(client, opened)
    assert rendered
    assert "Dinas Bernama Baru" in figures_of(html)


def test_each_kind_has_its_own_figures(opened, opds, client):
    Opd.objects.filter(pk=opds[2].pk).update(kind=Opd.Kind.KECAMATAN)
    everyone, _rendered = page(client, opened)
    kecamatan, rendered = page(client, opened, kind="kecamatan")
    assert rendered
    assert opds[0].name in figures_of(everyone)
    assert opds[0].name not in figures_of(kecamatan)
    again, rendered = page(client, opened, kind="kecamatan")
    assert not rendered
    assert figures_of(again) == figures_of(kecamatan)


def test_a_report_without_a_hash_is_rendered_every_time(opened, client):
    MonthlyReport.objects.filter(pk=opened.pk).update(sha256="")
    page(client, opened)
    _html, rendered = page(client, opened)
    assert rendered


def test_the_comparison_is_picked_from_the_reports_read_as_the_query_picks_it(
    opened, opds, dinkominfo, on
):
    from evaluations import selectors

    # A draft of the month before never counts; its open versions do.
    september = MonthlyReport.objects.get(month=datetime.date(2026, 9, 1))
    reports = list(MonthlyReport.objects.all())
    for report in reports:
        assert selectors.comparison_among(
            report, reports
        ) == selectors.comparison_report(report.month)
    assert selectors.comparison_among(opened, reports) == september
    MonthlyReport.objects.filter(pk=september.pk).update(
        status=MonthlyReport.Status.DRAFT
    )
    reports = list(MonthlyReport.objects.all())
    assert selectors.comparison_among(opened, reports) is None
    assert selectors.comparison_report(opened.month) is None


def test_an_item_weight_edited_in_the_admin_renders_the_figures_again(opened, client):
    from evaluations.models import Item

    page(client, opened)
    edited = Item.objects.filter(indicator__framework_id=opened.framework_id).first()
    Item.objects.filter(pk=edited.pk).update(weight=edited.weight + Decimal("7"))
    _html, rendered = page(client, opened)
    assert rendered
