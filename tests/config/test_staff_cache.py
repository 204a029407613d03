"""The staff's badges and dashboard blocks, cached per account
(config/staff_cache.py): the cached page is the page, and every write that
changes what it shows makes the next request show it."""

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from config import queues, staff_cache, work_signals
from core import versions, work
from evaluations import services
from ppid.catalogue.models import InformationItem
from ppid.requests import services as rs
from socialposts.accounts.models import AccountMetricDaily
from socialposts.pulls import services as pulls
from tests.config.test_dashboard import october_open, requests_of
from tests.config.test_queues import objection
from tests.evaluations.scenario import score
from tests.factories import (
    InformationItemFactory,
    OpdFactory,
    PortalCaseFactory,
    PostFactory,
    SocialAccountFactory,
    UserFactory,
)
from tests.work_cache import masked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("work_clock_held")]

DASHBOARD = "dashboard"


@pytest.fixture
def cached(settings):
    settings.STAFF_WORK_CACHE_SECONDS = 60


@pytest.fixture
def admin(opds):
    return UserFactory(username="admin-cache", role="opd_admin", opd=opds[0])


def get(client, user, path=None):
    """The page's HTML and the queries it ran."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path or reverse(DASHBOARD))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def queue_count(html: str, key: str) -> int:
    found = re.search(
        r'id="queue-{}">.*?data-queue-count="(\d+)"'.format(key), html, re.S
    )
    assert found, key
    return int(found.group(1))


def shown(text: str) -> str:
    """``text`` as the page shows it, in the portal's language."""
    with translation.override("id"):
        return gettext(text)


def badge(html: str, link: str) -> str:
    """The navbar badge after the link text ``link`` ("" without one)."""
    label = shown(link)
    bar = html[html.index('id="staff-nav"') :]
    found = re.search(
        r">{}( <span class=\"badge[^>]*>(\d+))?".format(re.escape(label)), bar
    )
    assert found, label
    return found.group(2) or ""


def busy_opd(opd, admin, committed):
    """An OPD with something in every block of its board."""
    with committed():
        requests_of(opd, admin, 1)
        InformationItemFactory(
            opd=opd, status=InformationItem.Status.DRAFT, title="Draf pertama"
        )
        InformationItemFactory(
            opd=opd,
            title="Laporan lama",
            last_updated_at=timezone.now() - datetime.timedelta(days=400),
        )
        account = SocialAccountFactory(opd=opd, token_revoked_at=timezone.now())
        PostFactory(account=account)
        PortalCaseFactory(opd=opd)
    return account


# --- The same page ----------------------------------------------------------------------


def test_the_cached_dashboard_is_the_page_made_afresh(
    opds, dinkominfo, on, admin, client, settings, committed
):
    with committed():
        october_open(opds, dinkominfo, on)
    busy_opd(opds[0], admin, committed)
    users = [
        admin,
        dinkominfo,
        UserFactory(role="ppid_utama"),
        UserFactory(role="atasan_ppid"),
    ]
    settings.STAFF_WORK_CACHE_SECONDS = 0
    afresh = {user.pk: get(client, user) for user in users}
    settings.STAFF_WORK_CACHE_SECONDS = 60
    for user in users:
        first, made = get(client, user)
        again, served = get(client, user)
        assert masked(first) == masked(afresh[user.pk][0])
        assert masked(again) == masked(first)
        assert made == afresh[user.pk][1]
        # The session and the account: nothing of the work is read again.
        assert served == 2


def test_every_staff_page_serves_the_badges_from_the_cache(
    opds, admin, client, cached, committed
):
    busy_opd(opds[0], admin, committed)
    path = reverse("ppid:staff-items")
    html, made = get(client, admin, path)
    again, served = get(client, admin, path)
    assert masked(again) == masked(html)
    assert served < made
    assert badge(again, "Requests") == "2"


def test_nothing_is_kept_with_the_cache_off(opds, admin, client, committed):
    busy_opd(opds[0], admin, committed)
    _html, made = get(client, admin)
    _again, served = get(client, admin)
    assert served == made


# --- Each write shows on the next request --------------------------------------------------


def test_a_new_draft_shows_at_once(opds, admin, client, cached, committed):
    html, _queries = get(client, admin)
    assert queue_count(html, "drafts") == 0
    with committed():
        InformationItemFactory(opd=opds[0], status=InformationItem.Status.DRAFT)
    html, _queries = get(client, admin)
    assert queue_count(html, "drafts") == 1


def test_an_item_moved_to_another_opd_leaves_both_pages(
    opds, admin, client, cached, committed
):
    other = UserFactory(role="opd_admin", opd=opds[1])
    with committed():
        InformationItemFactory(opd=opds[0], status=InformationItem.Status.DRAFT)
    assert queue_count(get(client, admin)[0], "drafts") == 1
    assert queue_count(get(client, other)[0], "drafts") == 0
    item = InformationItem.objects.get(opd=opds[0])
    with committed():
        item.opd = opds[1]
        item.save()
    assert queue_count(get(client, admin)[0], "drafts") == 0
    assert queue_count(get(client, other)[0], "drafts") == 1


def test_a_request_due_and_its_answer_show_at_once(
    opds, admin, client, cached, committed
):
    html, _queries = get(client, admin)
    assert queue_count(html, "requests") == 0
    assert badge(html, "Requests") == ""
    with committed():
        made = requests_of(opds[0], admin, 1)
    html, _queries = get(client, admin)
    assert queue_count(html, "requests") == 2
    assert badge(html, "Requests") == "2"
    with committed():
        made[0].opd = opds[1]  # sent on to another OPD
        made[0].save()
    html, _queries = get(client, admin)
    assert queue_count(html, "requests") == 1


def test_an_order_after_an_objection_shows_at_once(
    opds, admin, client, cached, committed
):
    assert queue_count(get(client, admin)[0], "orders") == 0
    today = rs.today()
    with committed():
        objection(
            opds[0],
            "KB-1",
            status="answered",
            decision="overturned",
            answered_on=today,
            order_due_on=today,
        )
    html, _queries = get(client, admin)
    assert queue_count(html, "orders") == 1
    assert badge(html, "Objections") == "1"


def test_a_case_routed_to_the_opd_shows_at_once(
    opds, admin, dinkominfo, client, cached, committed
):
    assert queue_count(get(client, admin)[0], "cases") == 0
    with committed():
        case = PortalCaseFactory(opd=None)
    # The coordinator sees it to route; the OPD not yet.
    assert queue_count(get(client, dinkominfo)[0], "cases") == 1
    assert queue_count(get(client, admin)[0], "cases") == 0
    with committed():
        case.opd = opds[0]
        case.state = "routed"
        case.save()
    assert queue_count(get(client, admin)[0], "cases") == 1
    assert queue_count(get(client, dinkominfo)[0], "cases") == 0


def test_social_accounts_their_pulls_and_posts_show_at_once(
    opds, admin, client, cached, committed
):
    html, _queries = get(client, admin)
    assert queue_count(html, "accounts") == 0
    with committed():
        account = SocialAccountFactory(opd=opds[0], last_success_at=None)
    html, _queries = get(client, admin)
    assert str(account) in html
    assert queue_count(html, "accounts") == 1  # never pulled
    assert badge(html, "Social media") == "1"

    # A pull marks it fresh with update(): no signal, the service bumps.
    run = type("Run", (), {"account_id": account.pk})()
    with committed():
        pulls.mark_fresh(run, type("Outcome", (), {"status": "succeeded"})())
    html, _queries = get(client, admin)
    assert queue_count(html, "accounts") == 0
    assert badge(html, "Social media") == ""

    before = html
    with committed():
        PostFactory(account=account)
    html, _queries = get(client, admin)
    assert html != before  # posts per week moved

    before = html
    with committed():
        AccountMetricDaily.objects.create(
            account=account,
            metric_id="followers",
            date=timezone.localdate(),
            value=100,
            fetched_at=timezone.now(),
        )
    assert get(client, admin)[0] != before


def test_a_post_deleted_in_the_admin_shows_at_once(
    opds, admin, client, cached, committed
):
    # Posts have no delete receiver (an account's cascade would load them
    # all): the admin's own delete tells the OPD's work.
    with committed():
        account = SocialAccountFactory(opd=opds[0])
        post = PostFactory(account=account)
    with_post, _queries = get(client, admin)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    with committed():
        deleted = client.post(
            reverse("admin:socialposts_post_delete", args=[post.pk]), {"post": "yes"}
        )
    assert deleted.status_code == 302
    get(client, admin)  # shows (and uses up) the admin's message
    without, queries = get(client, admin)
    assert queries == 2  # the kept page, made after the delete
    assert masked(without) != masked(with_post)


def test_the_opd_renamed_shows_at_once(opds, admin, client, cached, committed):
    assert opds[0].name in get(client, admin)[0]
    with committed():
        opds[0].name = "Dinas Baru Sekali"
        opds[0].save()
    assert "Dinas Baru Sekali" in get(client, admin)[0]


def test_a_reply_and_a_contest_show_at_once(
    opds, dinkominfo, on, admin, client, cached, committed
):
    with committed():
        october = october_open(opds, dinkominfo, on)
    html, _queries = get(client, admin)
    agrees = "({})".format(shown("Agrees"))
    assert agrees not in html
    own = score(october, opds[0])
    # The reply is written with update(): the service bumps.
    with committed():
        services.agree(own, by=admin)
    assert agrees in get(client, admin)[0]

    pending = badge(get(client, dinkominfo)[0], "KIP readiness")
    other = score(october, opds[1])
    item_score = other.items.filter(applies=True).first()
    with committed():
        services.contest(
            item_score,
            by=UserFactory(role="opd_admin", opd=opds[1]),
            argument="Sudah kami unggah.",
            evidence_url="https://example.id/bukti",
        )
    assert badge(get(client, dinkominfo)[0], "KIP readiness") == str(
        int(pending or 0) + 1
    )


def test_the_kabupaten_roles_see_every_opds_change(opds, client, cached, committed):
    utama = UserFactory(role="ppid_utama")
    assert queue_count(get(client, utama)[0], "review") == 0
    with committed():
        InformationItemFactory(opd=opds[2], status=InformationItem.Status.SUBMITTED)
    assert queue_count(get(client, utama)[0], "review") == 1
    # The agencies' table names each OPD's admin.
    with committed():
        UserFactory(role="opd_admin", opd=opds[2], first_name="Wulandari")
    assert "Wulandari" in get(client, utama)[0]


def test_another_opds_change_keeps_the_opd_admins_entry(
    opds, admin, client, cached, committed
):
    get(client, admin)
    with committed():
        InformationItemFactory(opd=opds[1], status=InformationItem.Status.DRAFT)
    assert get(client, admin)[1] == 2


def test_a_log_in_moves_no_counter(opds, admin, client, cached, committed):
    utama = UserFactory(role="ppid_utama")
    get(client, utama)
    with committed():
        admin.last_login = timezone.now()
        admin.save(update_fields=["last_login"])
    assert get(client, utama)[1] == 2


@pytest.mark.parametrize(
    "label",
    [
        *work_signals.OPD_ROWS,
        *work_signals.ACCOUNT_ROWS,
        *work_signals.REGENCY_ROWS,
        *work_signals.ANY_ROWS,
    ],
)
def test_every_model_the_work_reads_moves_the_counters(label):
    assert post_save.has_listeners(apps.get_model(label))


def test_a_regency_change_moves_every_opd_admins_counters(
    opds, admin, client, cached, committed
):
    get(client, admin)
    held = versions.read([work.REGENCY])[work.REGENCY]
    with committed():
        OpdFactory(short_name="BARU")
    assert versions.read([work.REGENCY])[work.REGENCY] != held
    assert get(client, admin)[1] > 2


# --- What the clock alone changes, and a change while a page is made --------------------


def test_an_entry_is_served_for_one_time_bucket_at_most(
    opds, admin, client, cached, monkeypatch
):
    now = [0]
    monkeypatch.setattr(work, "bucket", lambda: now[0])
    get(client, admin)
    assert get(client, admin)[1] == 2
    now[0] += 1
    # A change that told no counter (a clock running out) shows now.
    assert get(client, admin)[1] > 2


def test_an_entry_made_while_a_change_commits_is_not_kept(
    opds, admin, client, cached, monkeypatch
):
    made = queues.nav_counts

    def racing(*args, **kwargs):
        counts = made(*args, **kwargs)
        versions.bump_now([work.opd_counter(opds[1].pk)])  # another commit
        return counts

    monkeypatch.setattr(queues, "nav_counts", racing)
    get(client, admin, reverse("ppid:staff-items"))
    monkeypatch.setattr(queues, "nav_counts", made)
    _html, first = get(client, admin, reverse("ppid:staff-items"))
    _html, again = get(client, admin, reverse("ppid:staff-items"))
    assert again < first  # kept only the second time


def test_an_evicted_counter_makes_no_stale_entry_valid(
    opds, admin, client, cached, committed
):
    get(client, admin)
    from django.core.cache import cache

    cache.delete(versions.key(work.opd_counter(opds[0].pk)))
    assert get(client, admin)[1] > 2
    assert get(client, admin)[1] == 2


def test_the_keys_tell_roles_and_accounts_apart(opds, admin):
    other = UserFactory(role="opd_admin", opd=opds[1])
    assert staff_cache.entry_key(admin, "nav") != staff_cache.entry_key(other, "nav")
    assert staff_cache.counters(admin) == [
        work.opd_counter(opds[0].pk),
        work.REGENCY,
    ]
    assert staff_cache.counters(UserFactory(role="dinkominfo")) == [work.ANY]
