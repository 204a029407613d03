"""The OPD admin's dashboard: its latest score and to-do list, its social
media, its periodic items and requests due; other roles keep theirs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import dashboard
from evaluations import services
from evaluations.models import MonthlyReport
from ppid.catalogue.models import Category, InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest
from socialposts.accounts import selectors as social_selectors
from socialposts.accounts.models import AccountMetricDaily, SocialAccount
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import BUILT_ON, finalised_september, score, vary
from tests.factories import (
    InformationItemFactory,
    PostFactory,
    SocialAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# October is built and opened after September was finalised.
OPENED_ON = BUILT_ON + datetime.timedelta(days=2)
DEADLINE = OPENED_ON + datetime.timedelta(days=5)
DASHBOARD = "dashboard"


@pytest.fixture
def admin(opds):
    return UserFactory(username="admin-eval0", role="opd_admin", opd=opds[0])


def october_open(opds, dinkominfo, on) -> MonthlyReport:
    """September final, October open for reply until ``DEADLINE``, and a
    November draft the OPDs may not see."""
    vary(opds, dinkominfo)
    finalised_september(opds, dinkominfo, on)
    on(OPENED_ON)
    october = services.build_report(MONTH)
    services.open_for_reply(october, by=dinkominfo, deadline=DEADLINE)
    services.build_report(datetime.date(2026, 11, 1))
    return october


def opd_page(month: datetime.date, slug: str) -> str:
    return reverse("evaluations:opd", kwargs={"month": month, "slug": slug})


def board_of(client, user):
    client.force_login(user)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    return response.context["board"], response.content.decode()


# --- The evaluation -------------------------------------------------------------------


def test_an_opd_admin_sees_its_latest_month_open_for_reply_never_a_draft(
    opds, dinkominfo, on, admin, client
):
    october = october_open(opds, dinkominfo, on)
    board, html = board_of(client, admin)
    evaluation = board.evaluation
    assert evaluation.report == october  # not November's draft
    own = score(october, opds[0])
    september = MonthlyReport.objects.get(month=datetime.date(2026, 9, 1))
    assert evaluation.opd_score == own
    assert evaluation.change == own.score - score(september, opds[0]).score
    assert "{}?versi=1".format(opd_page(MONTH, opds[0].slug)) in html
    assert own.get_band_display() in html


def test_the_to_do_list_is_the_months_five_actions_and_the_reply_deadline(
    opds, dinkominfo, on, admin, client
):
    october_open(opds, dinkominfo, on)
    board, html = board_of(client, admin)
    evaluation = board.evaluation
    assert evaluation.reply_deadline == DEADLINE
    assert 1 <= len(evaluation.actions) <= 5
    gains = [action.gain for action in evaluation.actions]
    assert gains == sorted(gains, reverse=True)
    for action in evaluation.actions:
        assert action.item.name in html
        if action.item.action_url:
            assert 'href="{}"'.format(action.item.action_url) in html

    # Once the deadline has passed, there is nothing left to reply.
    on(DEADLINE + datetime.timedelta(days=1))
    board, _html = board_of(client, admin)
    assert board.evaluation.reply_deadline is None


def test_a_final_month_is_shown_without_a_reply_to_make(
    opds, dinkominfo, on, admin, client
):
    vary(opds, dinkominfo)
    september = finalised_september(opds, dinkominfo, on)
    board, _html = board_of(client, admin)
    assert board.evaluation.report == september
    assert board.evaluation.reply_deadline is None
    assert board.evaluation.change is None  # no August to compare


def test_an_opd_without_a_visible_month_gets_no_score(
    opds, dinkominfo, on, admin, client
):
    on(BUILT_ON)
    services.build_report(MONTH)  # a draft only
    board, html = board_of(client, admin)
    assert board.evaluation is None
    assert reverse("evaluations:index") in html


def test_other_roles_keep_their_dashboard_with_a_link_to_the_evaluation(
    opds, dinkominfo, on, client
):
    october_open(opds, dinkominfo, on)
    for user in [dinkominfo, UserFactory(role="ppid_utama")]:
        client.force_login(user)
        response = client.get(reverse(DASHBOARD))
        assert "board" not in response.context
        assert set(response.context["opds"]) >= set(opds)
        html = response.content.decode()
        assert 'href="{}"'.format(reverse("evaluations:index")) in html


# --- Social media ---------------------------------------------------------------------


def accounts_of(opd, n: int, prefix: str = "akun") -> list:
    now = timezone.now()
    made = []
    for i in range(n):
        account = SocialAccountFactory(
            opd=opd,
            handle="{}_{}_{}".format(opd.slug, prefix, i),
            last_success_at=now - datetime.timedelta(hours=1),
        )
        for day in range(i + 1):
            PostFactory(
                account=account,
                published_at=now - datetime.timedelta(days=day + 1),
                content_type="infografis" if day % 2 else "video",
                duration_seconds=90,
            )
        for metric, value in [("followers", 1000 + i), ("interactions", 50 + i)]:
            AccountMetricDaily.objects.create(
                account=account,
                metric_id=metric,
                date=timezone.localdate() - datetime.timedelta(days=1),
                value=value,
                source_metric=metric,
                fetched_at=now,
            )
        made.append(account)
    return made


def test_the_social_media_figures_are_the_house_rules_of_each_account(
    opds, admin, client
):
    fresh, revoked, silent = accounts_of(opds[0], 3)
    revoked.token_revoked_at = timezone.now()
    revoked.save(update_fields=["token_revoked_at"])
    silent.last_success_at = timezone.now() - datetime.timedelta(days=5)
    silent.save(update_fields=["last_success_at"])
    accounts_of(opds[1], 1)  # another OPD's
    board, html = board_of(client, admin)
    rows = {row.account: row for row in board.accounts}
    assert set(rows) == {fresh, revoked, silent}
    assert rows[fresh].health == "ok" and not rows[fresh].stale
    assert rows[revoked].health == "revoked"
    assert rows[silent].stale
    for account, row in rows.items():
        assert row.rules == social_selectors.house_rules(account)
        assert reverse("socialposts:account-detail", kwargs={"pk": account.pk}) in html
    assert rows[silent].rules.posts == 3
    assert rows[silent].rules.engagement_per_follower == pytest.approx(52 / 1002)


def test_house_rules_of_several_accounts_equal_one_by_one(
    opds, django_assert_num_queries
):
    accounts = accounts_of(opds[0], 4) + [SocialAccountFactory(opd=opds[1])]
    with django_assert_num_queries(3):
        together = social_selectors.with_house_rules(
            SocialAccount.objects.filter(pk__in=[a.pk for a in accounts])
        )
    assert {a.pk: rules for a, rules in together} == {
        a.pk: social_selectors.house_rules(a) for a in accounts
    }
    quiet = dict(together)[accounts[-1]]
    assert quiet.days_since_last_post is None and quiet.followers is None


# --- PPID items and requests due ---------------------------------------------------------


def items_of(opd, n: int) -> list[InformationItem]:
    """``n`` periodic items overdue, one due soon and one fresh."""
    overdue = [
        InformationItemFactory(
            opd=opd,
            category=Category.BERKALA,
            title="Laporan berkala {} nomor {}".format(opd.slug, i),
            last_updated_at=timezone.now() - datetime.timedelta(days=400 + i),
        )
        for i in range(n)
    ]
    soon = InformationItemFactory(
        opd=opd,
        category=Category.BERKALA,
        title="Laporan segera {}".format(opd.slug),
        last_updated_at=timezone.now() - datetime.timedelta(days=170),
    )
    InformationItemFactory(
        opd=opd,
        category=Category.BERKALA,
        title="Laporan segar {}".format(opd.slug),
        last_updated_at=timezone.now(),
    )
    return [*overdue, soon]


def requests_of(opd, recorder, n: int) -> list[InformationRequest]:
    """``n`` requests overdue, one due tomorrow, one due next month and one
    answered late (none of the last two need attention)."""
    today = rs.today()
    data = {
        "requester_type": "perorangan",
        "full_name": "Siti Aminah",
        "nik": "3303014507900001",
        "address": "Jl. Jenderal Sudirman 1, Purbalingga",
        "phone": "081234567890",
        "email": "siti@example.id",
        "occupation": "Guru",
        "requested_information": "Daftar penerima bantuan sosial 2025",
        "purpose": "Penelitian",
        "access_method": "salinan",
        "copy_format": "softcopy",
        "delivery_method": "email",
        "opd": opd,
    }
    made = []
    dues = [today - datetime.timedelta(days=3 + i) for i in range(n)]
    dues += [today + datetime.timedelta(days=1), today + datetime.timedelta(days=30)]
    for due in [*dues, today - datetime.timedelta(days=9)]:
        request, _code = rs.submit_request(
            data=data, by=recorder, channel="surat", received_on=today
        )
        InformationRequest.objects.filter(pk=request.pk).update(
            opd=opd, answer_due_on=due
        )
        made.append(request)
    InformationRequest.objects.filter(pk=made[-1].pk).update(
        status=InformationRequest.Status.ANSWERED
    )
    return made[: n + 1]


def test_periodic_items_due_or_overdue_are_listed_with_links(opds, admin, client):
    due = items_of(opds[0], 2)
    items_of(opds[1], 1)  # another OPD's
    board, html = board_of(client, admin)
    assert [row.item for row in board.items_due] == due[:2][::-1] + [due[2]]
    assert [row.overdue for row in board.items_due] == [True, True, False]
    assert board.items_due_total == 3
    for item in due:
        assert reverse("ppid:item-edit", kwargs={"pk": item.pk}) in html
    assert "Laporan segar" not in html


def test_requests_due_soon_or_overdue_are_listed_with_links(opds, admin, client):
    due = requests_of(opds[0], admin, 2)
    other_admin = UserFactory(role="opd_admin", opd=opds[1])
    requests_of(opds[1], other_admin, 1)
    board, html = board_of(client, admin)
    assert [row.info_request for row in board.requests_due] == [due[1], due[0], due[2]]
    assert [row.overdue for row in board.requests_due] == [True, True, False]
    assert board.requests_due_total == 3
    for request in due:
        assert request.get_absolute_url() in html


def test_long_lists_say_how_many_there_are(opds, admin, client):
    items_of(opds[0], dashboard.LISTED + 2)
    board, _html = board_of(client, admin)
    assert len(board.items_due) == dashboard.LISTED
    assert board.items_due_total == dashboard.LISTED + 3


# --- Queries ------------------------------------------------------------------------------


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    assert response.context["board"].evaluation is not None
    return len(queries)


def test_the_dashboard_runs_as_many_queries_for_6_accounts_and_items_as_for_2(
    opds, dinkominfo, on, admin, client
):
    october_open(opds, dinkominfo, on)
    client.force_login(admin)
    accounts_of(opds[0], 2)
    items_of(opds[0], 2)
    requests_of(opds[0], admin, 2)
    few = dashboard_queries(client)
    accounts_of(opds[0], 4, prefix="tambahan")
    items_of(opds[0], 4)
    requests_of(opds[0], admin, 4)
    assert len(dashboard.social_accounts(admin, opds[0])) == 6
    assert dashboard_queries(client) == few
    # The queues add the orders, the drafts and the aspirations to answer,
    # the navbar its badges, the aspiration inbox its one aggregate.
    assert few <= 16
