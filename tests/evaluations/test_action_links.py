"""The evaluation's "Do it here" links lead only where the reader may do
the work: Dinkominfo, which evaluates every OPD, never meets a 403 (issue
18: /dasbor/informasi/baru/ from an OPD's evaluation page)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from evaluations import services
from evaluations.models import Item, ItemScore
from evaluations.selectors import actions
from tests.evaluations.scenario import BUILT_ON, october_draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEADLINE = BUILT_ON + datetime.timedelta(days=7)
NEW_ITEM = "/dasbor/informasi/baru/"


def action_links(html: str) -> list[str]:
    with translation.override("id"):
        label = translation.gettext("Do it here")
    return re.findall(r'href="([^"]+)">{}<'.format(re.escape(label)), html)


def opd_page(client, report, opd):
    return client.get(
        reverse("evaluations:opd", kwargs={"month": report.month, "slug": opd.slug})
    )


@pytest.fixture
def reply_month(opds, dinkominfo, on):
    report = october_draft(opds, dinkominfo, on)
    services.open_for_reply(report, by=dinkominfo, deadline=DEADLINE)
    report.refresh_from_db()
    # The serta-merta item's page (the new-item form) among every OPD's
    # five actions, whatever the scenario's gains.
    for opd in opds:
        top = actions(
            list(ItemScore.objects.filter(opd_score__report=report, opd_score__opd=opd))
        )[0]
        Item.objects.filter(pk=top.item.pk).update(action_url=NEW_ITEM)
    return report


def test_every_action_link_dinkominfo_sees_answers_200(
    opds, dinkominfo, reply_month, client
):
    client.force_login(dinkominfo)
    offered = set()
    shown = []
    for opd in opds:
        response = opd_page(client, reply_month, opd)
        assert response.status_code == 200
        offered |= {a.item.action_url for a in response.context["view"].actions}
        shown += action_links(response.content.decode())
    # The scenario does offer the new-item page, which Dinkominfo may not open.
    assert NEW_ITEM in offered
    assert NEW_ITEM not in shown
    assert shown, "Dinkominfo still gets the links it may follow"
    for url in shown:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


def test_the_opd_admin_gets_every_action_link_and_each_answers_200(
    opds, reply_month, client
):
    opd = opds[1]
    admin = UserFactory(username="admin-aksi", role="opd_admin", opd=opd)
    client.force_login(admin)
    response = opd_page(client, reply_month, opd)
    expected = [a.item.action_url for a in response.context["view"].actions]
    shown = action_links(response.content.decode())
    assert shown == [url.replace("&", "&amp;") for url in expected if url]
    for url in shown:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url
    # The dashboard's to-do list follows the same rule.
    board = client.get(reverse("dashboard")).content.decode()
    for url in action_links(board):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


@pytest.mark.parametrize("role", ["ppid_utama", "atasan_ppid"])
def test_other_kabupaten_roles_get_no_link_they_cannot_follow(
    opds, reply_month, client, role
):
    client.force_login(UserFactory(username="r-" + role, role=role))
    for opd in opds:
        for url in action_links(opd_page(client, reply_month, opd).content.decode()):
            assert client.get(url.replace("&amp;", "&")).status_code == 200, url
