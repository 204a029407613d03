"""The kabupaten page of a month keeps what it read until a write changes
it (evaluations.pages.MonthPage): the kept page is the page, its forms carry
the request's own CSRF token, and each write shows on the next request."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import services
from evaluations.models import Contest
from tests.config.test_dashboard import OPENED_ON, october_open
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import score
from tests.factories import UserFactory
from tests.work_cache import masked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("work_clock_held")]


@pytest.fixture
def october(opds, dinkominfo, on, committed):
    with committed():
        report = october_open(opds, dinkominfo, on)
    on(OPENED_ON)
    return report


def get(client, user, query=""):
    """The month page's HTML and the queries it ran."""
    client.force_login(user)
    path = reverse("evaluations:report", kwargs={"month": MONTH}) + query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def contest_on(report, opd, committed):
    item_score = score(report, opd).items.filter(applies=True).first()
    with committed():
        return services.contest(
            item_score,
            by=UserFactory(role="opd_admin", opd=opd),
            argument="Sudah kami unggah bulan ini.",
            evidence_url="https://example.id/bukti",
        )


@pytest.mark.parametrize("query", ["", "?kind=dinas", "?versi=1"])
def test_the_kept_page_is_the_page_read_afresh(
    opds, dinkominfo, october, client, settings, committed, query
):
    contest_on(october, opds[1], committed)
    users = [dinkominfo, UserFactory(role="ppid_utama")]
    settings.STAFF_WORK_CACHE_SECONDS = 0
    afresh = {user.pk: get(client, user, query) for user in users}
    settings.STAFF_WORK_CACHE_SECONDS = 60
    for user in users:
        first, made = get(client, user, query)
        again, served = get(client, user, query)
        assert masked(first) == masked(afresh[user.pk][0])
        assert masked(again) == masked(first)
        # The figures were kept by the first reading already.
        assert made <= afresh[user.pk][1]
        # The session and the account; the badges and the page are kept.
        assert served == 2


def test_the_kept_pages_forms_carry_this_sessions_token(
    opds, dinkominfo, october, client, settings, committed
):
    settings.STAFF_WORK_CACHE_SECONDS = 60
    contest_on(october, opds[1], committed)
    get(client, dinkominfo)
    html, _queries = get(client, dinkominfo)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    pending = Contest.objects.get()
    client.cookies.load({"csrftoken": client.cookies["csrftoken"].value})
    response = client.post(
        reverse("evaluations:decide", kwargs={"month": MONTH, "pk": pending.pk})
        + "?versi=1",
        {"decision": "reject", "response": "Bukti tidak cukup.", "percent": ""},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302


def test_a_contest_a_reply_and_a_decision_show_at_once(
    opds, dinkominfo, october, client, settings, committed
):
    settings.STAFF_WORK_CACHE_SECONDS = 60
    html, _queries = get(client, dinkominfo)
    assert "Sudah kami unggah" not in html
    contest_on(october, opds[1], committed)
    html, _queries = get(client, dinkominfo)
    assert "Sudah kami unggah" in html
    replied = re.search(r"<strong>(.*?)</strong>", html[html.index('id="finalkan"') :])
    before = replied.group(1)

    # A reply is written with update(): the service bumps the counter.
    with committed():
        services.agree(
            score(october, opds[2]), by=UserFactory(role="opd_admin", opd=opds[2])
        )
    html, _queries = get(client, dinkominfo)
    after = re.search(r"<strong>(.*?)</strong>", html[html.index('id="finalkan"') :])
    assert after.group(1) != before

    with committed():
        services.decide_contest(
            Contest.objects.get(),
            by=dinkominfo,
            accept=False,
            response="Bukti tidak cukup.",
        )
    html, _queries = get(client, dinkominfo)
    assert "Bukti tidak cukup." in html


def test_an_opd_renamed_shows_at_once(
    opds, dinkominfo, october, client, settings, committed
):
    settings.STAFF_WORK_CACHE_SECONDS = 60
    assert opds[0].name in get(client, dinkominfo)[0]
    with committed():
        opds[0].name = "Dinas Nama Baru"
        opds[0].save()
    assert "Dinas Nama Baru" in get(client, dinkominfo)[0]


def test_an_opd_admin_is_still_sent_to_its_own_page(opds, october, client, settings):
    settings.STAFF_WORK_CACHE_SECONDS = 60
    admin = UserFactory(role="opd_admin", opd=opds[0])
    client.force_login(admin)
    path = reverse("evaluations:report", kwargs={"month": MONTH})
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 302
        assert opds[0].slug in response["Location"]


def test_a_kept_page_whose_figures_were_evicted_is_read_again(
    opds, dinkominfo, october, client, settings, monkeypatch
):
    from django.core.cache import cache

    from evaluations import pages

    settings.STAFF_WORK_CACHE_SECONDS = 60
    first, _queries = get(client, dinkominfo)
    kept = [key for key in pages._memo if key.startswith("evaluations:figures:")]
    assert kept
    monkeypatch.setattr(pages, "_memo", type(pages._memo)())
    cache.delete_many(kept)
    again, queries = get(client, dinkominfo)
    assert masked(again) == masked(first)
    assert queries > 2
