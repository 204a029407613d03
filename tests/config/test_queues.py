"""The work queue of each role on /dasbor/, the staff bar's counts, and
what an OPD admin's item page opens with."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from config import queues
from evaluations import services
from evaluations.models import Contest, ItemScore, MonthlyReport
from opds.models import User
from ppid.catalogue.models import InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection
from socialposts.accounts.models import SocialAccount
from tests.config.test_dashboard import (
    DEADLINE,
    items_of,
    october_open,
    requests_of,
)
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    SocialAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "dashboard"


def page_of(client, user):
    client.force_login(user)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    found = {queue.key: queue for queue in response.context["queues"]}
    return found, response.content.decode()


def objection(opd, number: str, **fields) -> Objection:
    """A ground-b objection against ``opd`` (it needs no request)."""
    today = rs.today()
    values = {
        "objection_number": number,
        "opd": opd,
        "reason": Objection.Reason.B,
        "description": "Laporan keuangan tidak diumumkan.",
        "full_name": "Budi Santoso",
        "filed_on": today - datetime.timedelta(days=40),
        "due_on": today + datetime.timedelta(days=60),
    }
    values.update(fields)
    return Objection.objects.create(**values)


@pytest.fixture
def utama(db):
    return UserFactory(username="ppid-utama", role="ppid_utama")


@pytest.fixture
def atasan(db):
    return UserFactory(username="atasan-ppid", role="atasan_ppid")


# --- PPID Utama -----------------------------------------------------------------------


def test_ppid_utama_sees_its_queues_with_counts_and_links(opds, utama, client):
    today = rs.today()
    submitted = [
        InformationItemFactory(
            opd=opds[i % 2],
            status=InformationItem.Status.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=10 - i),
            title="Diajukan {}".format(i),
        )
        for i in range(7)
    ]
    InformationItemFactory(opd=opds[0], status=InformationItem.Status.DRAFT)
    due = requests_of(opds[0], utama, 2)  # 2 overdue, 1 due tomorrow
    unrouted = requests_of(opds[1], utama, 0)[0]
    InformationRequest.objects.filter(pk=unrouted.pk).update(opd=None)
    late = objection(opds[0], "KB-1", due_on=today - datetime.timedelta(days=1))
    objection(opds[1], "KB-2")  # due in two months: not yet
    order = objection(
        opds[1],
        "KB-3",
        status=Objection.Status.ANSWERED,
        decision=Objection.Decision.OVERTURNED,
        answered_on=today - datetime.timedelta(days=5),
        order_due_on=today - datetime.timedelta(days=2),
    )
    ending = ExclusionDecisionFactory(
        item__opd=opds[0],
        period_end=today + datetime.timedelta(days=20),
    )

    found, html = page_of(client, utama)
    assert list(found) == [
        "review",
        "route",
        "requests",
        "orders",
        "objections",
        "exclusions",
    ]
    review = found["review"]
    assert review.total == 7
    assert [row.text for row in review.rows] == [i.title for i in submitted[:5]]
    assert review.more
    assert "{}?status=submitted".format(reverse("ppid:staff-items")) in html
    assert submitted[0].get_absolute_url() in html

    assert found["route"].total == 1
    assert found["route"].rows[0].url == unrouted.get_absolute_url()
    # The unrouted request is due tomorrow too: it counts among the due.
    assert found["requests"].total == 4
    assert {row.text for row in found["requests"].rows} >= {
        r.registration_number for r in due
    }
    assert found["requests"].overdue == 2
    assert [row.text for row in found["orders"].rows] == [order.objection_number]
    assert found["orders"].rows[0].overdue
    assert [row.text for row in found["objections"].rows] == [late.objection_number]
    assert found["exclusions"].total == 1
    assert found["exclusions"].rows[0].url == ending.item.get_absolute_url()
    for url in (
        order.get_absolute_url(),
        late.get_absolute_url(),
        ending.item.get_absolute_url(),
    ):
        assert 'href="{}"'.format(url) in html

    # The staff bar counts the same work.
    counts = queues.nav_counts(utama)
    assert counts.items.total == 7
    # The one to route is due too: counted once.
    assert counts.requests.total == 4
    assert counts.requests.overdue == 2
    assert counts.objections.total == 2  # the order and the objection
    assert counts.objections.overdue == 2
    # A request to route that is not due yet counts too.
    InformationRequest.objects.filter(pk=unrouted.pk).update(
        answer_due_on=today + datetime.timedelta(days=30)
    )
    assert queues.nav_counts(utama).requests.total == 4


def test_an_empty_queue_says_so(opds, utama, client):
    found, html = page_of(client, utama)
    assert all(queue.total == 0 and not queue.rows for queue in found.values())
    assert str(found["review"].empty) in html


def test_the_social_overview_is_linked_for_those_who_may_open_it(
    opds, utama, atasan, dinkominfo, client
):
    link = reverse("socialposts:overview")
    for user, shown in ((utama, True), (dinkominfo, True), (atasan, False)):
        _, html = page_of(client, user)
        assert (link in html) is shown, user.username
        if shown:
            assert client.get(link).status_code == 200


# --- Atasan PPID ----------------------------------------------------------------------


def test_the_atasan_ppid_sees_the_objections_due_and_overdue_only(opds, atasan, client):
    today = rs.today()
    late = objection(opds[0], "KB-1", due_on=today - datetime.timedelta(days=3))
    soon = objection(opds[1], "KB-2", due_on=today)
    objection(opds[1], "KB-3")  # not yet due
    objection(
        opds[0],
        "KB-4",
        status=Objection.Status.ANSWERED,
        due_on=today - datetime.timedelta(days=9),
    )
    # The PPID's work, not the Atasan's.
    requests_of(opds[0], UserFactory(role="ppid_utama"), 2)

    found, html = page_of(client, atasan)
    assert list(found) == ["objections"]
    queue = found["objections"]
    assert [row.text for row in queue.rows] == [
        late.objection_number,
        soon.objection_number,
    ]
    assert [row.overdue for row in queue.rows] == [True, False]
    assert queue.total == 2
    assert 'href="{}"'.format(late.get_absolute_url()) in html

    counts = queues.nav_counts(atasan)
    assert (counts.objections.total, counts.objections.overdue) == (2, 1)
    assert not counts.requests and not counts.items


# --- Dinkominfo ----------------------------------------------------------------------


def test_a_month_is_to_build_once_its_figures_are_final(opds, dinkominfo, on):
    october = datetime.date(2026, 10, 1)
    complete = queues.data_complete_on(october)
    # The slowest platform (YouTube) is final four days after the month.
    assert complete == datetime.date(2026, 11, 4)
    on(complete - datetime.timedelta(days=1))
    assert queues.months_to_act_on(dinkominfo).total == 0
    on(complete)
    months = queues.months_to_act_on(dinkominfo)
    assert [row.text for row in months.rows] == ["Oktober 2026"]
    assert months.rows[0].url == reverse("evaluations:index")


def test_the_months_to_act_on_follow_the_reports(opds, dinkominfo, on, client):
    october = october_open(opds, dinkominfo, on)
    # October is open for reply until DEADLINE; November's draft is a
    # preview (built before it ended).
    on(DEADLINE)
    assert queues.months_to_act_on(dinkominfo).total == 0

    # After the deadline October is to finalise.
    on(DEADLINE + datetime.timedelta(days=1))
    months = queues.months_to_act_on(dinkominfo)
    assert [row.text for row in months.rows] == ["Oktober 2026"]
    assert "?versi={}".format(october.version) in months.rows[0].url

    # A contest holds the month in the contests' queue instead.
    score = ItemScore.objects.filter(opd_score__report=october).first()
    Contest.objects.create(item_score=score, argument="Sudah diunggah.")
    assert queues.months_to_act_on(dinkominfo).total == 0
    found, html = page_of(client, dinkominfo)
    assert found["contests"].total == 1
    assert score.item.name in found["contests"].rows[0].text

    # Once final, December (ended, figures final) is the one to build.
    Contest.objects.update(status=Contest.Status.REJECTED)
    services.finalise(october, by=dinkominfo, announce=False)
    on(datetime.date(2027, 1, 10))
    months = queues.months_to_act_on(dinkominfo)
    assert [row.text for row in months.rows] == ["November 2026", "Desember 2026"]


def test_a_draft_built_before_its_figures_were_final_is_to_build_again(
    opds, dinkominfo, on
):
    on(datetime.date(2026, 11, 1))
    report = services.build_report(datetime.date(2026, 10, 1))
    MonthlyReport.objects.filter(pk=report.pk).update(
        computed_at=timezone.now().replace(year=2026, month=11, day=1)
    )
    on(datetime.date(2026, 11, 6))
    months = queues.months_to_act_on(dinkominfo)
    assert [row.detail for row in months.rows] == [
        gettext("built before its figures were final")
    ]


def test_dinkominfo_sees_the_opds_with_stale_social_data(opds, dinkominfo, client):
    now = timezone.now()
    silent = SocialAccountFactory(
        opd=opds[0],
        connection=SocialAccount.Connection.API,
        last_success_at=now - datetime.timedelta(days=9),
    )
    SocialAccountFactory(
        opd=opds[0],
        connection=SocialAccount.Connection.API,
        last_success_at=None,
    )
    SocialAccountFactory(
        opd=opds[1],
        connection=SocialAccount.Connection.API,
        last_success_at=now - datetime.timedelta(hours=3),
    )
    SocialAccountFactory(opd=opds[2], connection=SocialAccount.Connection.MANUAL)
    SocialAccountFactory(
        opd=opds[2],
        connection=SocialAccount.Connection.API,
        last_success_at=now - datetime.timedelta(days=30),
        is_active=False,
    )
    found, html = page_of(client, dinkominfo)
    assert list(found) == ["months", "contests", "social", "cases"]
    social = found["social"]
    assert social.total == 1
    assert social.rows[0].text == silent.opd.name
    assert "{}?opd={}".format(reverse("socialposts:accounts"), opds[0].slug) in html
    assert queues.nav_counts(dinkominfo).social.total == 1


# --- An OPD admin ---------------------------------------------------------------------


def test_an_opd_admin_sees_its_own_work_first(opds, client):
    admin = UserFactory(username="admin-eval0", role="opd_admin", opd=opds[0])
    other = UserFactory(username="admin-eval1", role="opd_admin", opd=opds[1])
    today = rs.today()
    requests_of(opds[0], admin, 1)
    requests_of(opds[1], other, 3)
    items_of(opds[0], 1)
    items_of(opds[1], 4)
    draft = InformationItemFactory(
        opd=opds[0], status=InformationItem.Status.DRAFT, title="Draf sendiri"
    )
    InformationItemFactory(
        opd=opds[1], status=InformationItem.Status.DRAFT, title="Draf lain"
    )
    order = objection(
        opds[0],
        "KB-9",
        status=Objection.Status.ANSWERED,
        decision=Objection.Decision.OVERTURNED,
        answered_on=today,
        order_due_on=today,
    )
    revoked = SocialAccountFactory(opd=opds[0], token_revoked_at=timezone.now())
    SocialAccountFactory(opd=opds[1], token_revoked_at=timezone.now())

    found, html = page_of(client, admin)
    assert list(found) == ["requests", "orders", "items", "drafts", "accounts", "cases"]
    assert found["requests"].total == 2
    assert found["orders"].rows[0].text == order.objection_number
    assert found["items"].total == 2
    assert [row.text for row in found["drafts"].rows] == [draft.title]
    assert [row.text for row in found["accounts"].rows] == [str(revoked)]
    assert "Draf lain" not in html
    # Its work comes before its OPD's card.
    assert html.index('id="queue-heading"') < html.index(
        reverse("opds:opd-edit", args=[opds[0].slug])
    )

    counts = queues.nav_counts(admin)
    assert (counts.requests.total, counts.requests.overdue) == (2, 1)
    assert counts.objections.total == 1
    assert counts.items.total == 2
    assert (counts.social.total, counts.social.overdue) == (1, 1)


def test_an_opd_admins_item_page_opens_with_its_own_items(opds, client):
    admin = UserFactory(username="admin-eval0", role="opd_admin", opd=opds[0])
    items_of(opds[1], 3)  # another OPD's overdue items
    own = items_of(opds[0], 1)
    client.force_login(admin)
    response = client.get(reverse("ppid:staff-items"))
    assert [row.opd for row in response.context["freshness"]] == [opds[0]]
    html = response.content.decode()
    assert opds[1].name not in html
    # Its own items come first, before any other section.
    assert html.index(own[0].title) < html.index("</table>")
    assert 'id="fresh-heading"' not in html


# --- The OPD table ------------------------------------------------------------------


def test_the_opd_table_names_each_opds_ppid_pelaksana(opds, utama, client):
    UserFactory(
        username="admin-eval0",
        role="opd_admin",
        opd=opds[0],
        first_name="Sri",
        last_name="Wahyuni",
    )
    UserFactory(
        username="admin-lama",
        role="opd_admin",
        opd=opds[0],
        first_name="Tidak",
        last_name="Aktif",
        is_active=False,
    )
    opds[1].ppid_contact_name = "Pejabat Fungsional PPID"
    opds[1].save(update_fields=["ppid_contact_name"])
    _found, html = page_of(client, utama)
    assert "Sri Wahyuni" in html
    assert "Pejabat Fungsional PPID" in html
    assert "Tidak Aktif" not in html


# --- Queries ----------------------------------------------------------------------


def test_the_staff_bar_counts_in_one_query_per_role(
    opds, utama, atasan, dinkominfo, on, django_assert_num_queries
):
    soon = rs.due_soon_limit()
    admin = UserFactory(username="admin-eval0", role="opd_admin", opd=opds[0])
    SocialAccountFactory(opd=opds[0])
    # Dinkominfo's are counted beside the months' reports; without any
    # report yet, in a query of their own.
    for user, expected in ((utama, 1), (atasan, 1), (dinkominfo, 2), (admin, 2)):
        with django_assert_num_queries(expected):
            queues.nav_counts(user, soon=soon)
    with django_assert_num_queries(1):
        queues.nav_counts(admin, soon=soon, accounts=[])
    on(datetime.date(2026, 11, 10))
    services.build_report(datetime.date(2026, 10, 1))
    with django_assert_num_queries(1):
        counts = queues.nav_counts(dinkominfo)
    assert counts.evaluation.total == 1  # the draft, to open for reply


def test_the_counts_are_made_once_per_request(opds, utama, rf):
    request = rf.get("/")
    request.user = utama
    first = queues.nav_counts_for(request)
    assert queues.nav_counts_for(request) is first


@pytest.mark.parametrize("role", ["ppid_utama", "atasan_ppid", "dinkominfo"])
def test_the_kabupaten_dashboard_runs_as_many_queries_for_many_rows_as_for_few(
    opds, dinkominfo, role, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = dinkominfo if role == "dinkominfo" else UserFactory(role=role)
    client.force_login(user)

    def measured() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(DASHBOARD)).status_code == 200
        return len(captured)

    recorder = UserFactory(role="ppid_utama")

    def more_rows(n: int) -> None:
        # More rows than a queue shows, so that each queue counts its own.
        for opd in opds:
            requests_of(opd, recorder, n)
            items_of(opd, n)
            OpdFactory(short_name="TAMBAH-{}-{}".format(opd.slug, n))
            UserFactory(role=User.Role.OPD_ADMIN, opd=opd)
            for i in range(n):
                objection(opd, "KB-{}-{}-{}".format(opd.slug, n, i), due_on=rs.today())

    more_rows(2)
    few = measured()
    more_rows(4)
    assert measured() == few
    assert few <= 20


def test_the_staff_bar_shows_the_counts_on_every_staff_page(opds, utama, client):
    requests_of(opds[0], utama, 2)
    client.force_login(utama)
    html = client.get(reverse("ppid:request-register")).content.decode()
    bar = html[html.index('id="staff-nav"') :]
    register = bar[bar.index(reverse("ppid:request-register")) :]
    assert 'text-bg-danger">3<' in register[:400]
    # Citizens get no staff bar.
    client.logout()
    assert 'id="staff-nav"' not in client.get(reverse("home")).content.decode()
