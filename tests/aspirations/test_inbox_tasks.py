"""The inbox's scheduled jobs: the daily digests, the escalation of a
breached case (once), and the automatic close."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from aspirations.inbox import notices, services, tasks
from aspirations.inbox.models import Case, CaseEvent, State
from tests.aspirations import inbox_helpers as helpers
from tests.aspirations.inbox_helpers import (
    NIK,
    moment,
    routed,
    wa_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return helpers.install_clock(monkeypatch)


@pytest.fixture
def sent(monkeypatch):
    return helpers.capture_sends(monkeypatch)


@pytest.fixture
def coordinator(db):
    return helpers.make_coordinator()


@pytest.fixture
def heads(opd, other_opd):
    opd.email, opd.ppid_contact_email, opd.head_name = (
        "dinkes@purbalinggakab.go.id",
        "ppid.dinkes@purbalinggakab.go.id",
        "dr. Jusi Febrianto",
    )
    opd.save()
    return opd


def test_each_opd_admin_and_the_coordinator_get_their_digest(
    coordinator, opd, opd_admin, other_opd_admin, clock
):
    clock(moment("2026-12-01", "09:00"))
    text = "Jalan rusak, NIK saya {}".format(NIK)
    ours = routed(wa_case(1, text=text), coordinator, opd)
    unrouted = wa_case(2, at=moment("2026-11-20", "09:00"))
    clock(moment("2026-12-02", "06:00"))
    assert tasks.send_inbox_digests_task() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {opd_admin.email, coordinator.email}
    assert ours.number in by_address[opd_admin.email].body
    assert unrouted.number not in by_address[opd_admin.email].body
    body = by_address[coordinator.email].body
    assert unrouted.number in body and ours.number not in body
    assert all(NIK not in message.body for message in mail.outbox)
    # Another OPD's admin had nothing waiting: no e-mail.
    assert other_opd_admin.email not in by_address


def test_no_digest_when_nothing_waits(coordinator, opd_admin, clock):
    assert tasks.send_inbox_digests_task() == 0
    assert notices.send_digest(user=opd_admin) == 0
    assert mail.outbox == []


def test_a_breached_case_is_escalated_once_to_the_head_of_the_opd(
    coordinator, heads, clock, settings
):
    settings.ASPIRATION_ESCALATE_ON_BREACH = True
    clock(moment("2026-12-01", "09:00"))
    case = routed(wa_case(1), coordinator, heads)
    assert case.follow_up_due == datetime.date(2026, 12, 8)
    # Answered at once: only the follow-up's clock runs.
    Case.objects.filter(pk=case.pk).update(first_response_at=moment("2026-12-01"))
    clock(moment("2026-12-08", "15:00"))
    assert tasks.escalate_breached_cases_task() == 0
    assert mail.outbox == []
    clock(moment("2026-12-09", "08:00"))
    assert tasks.escalate_breached_cases_task() == 1
    assert len(mail.outbox) == 1
    sent_mail = mail.outbox[0]
    assert set(sent_mail.to) == {heads.email, heads.ppid_contact_email}
    assert case.number in sent_mail.subject and "Jusi Febrianto" in sent_mail.body
    clock(moment("2026-12-09", "08:15"))
    assert tasks.escalate_breached_cases_task() == 0
    assert notices.escalate(case_id=case.pk) is False
    assert len(mail.outbox) == 1
    assert case.events.filter(action=CaseEvent.Action.ESCALATED).count() == 1


def test_an_unrouted_breach_goes_to_the_coordinators(coordinator, clock):
    clock(moment("2026-12-01", "09:00"))
    case = wa_case(1)
    clock(moment("2026-12-07", "09:00"))
    assert tasks.escalate_breached_cases_task() == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert Case.objects.get(pk=case.pk).escalated_at is not None


def test_no_escalation_when_the_setting_is_off(coordinator, heads, clock, settings):
    settings.ASPIRATION_ESCALATE_ON_BREACH = False
    clock(moment("2026-12-01", "09:00"))
    case = wa_case(1)
    clock(moment("2026-12-07", "09:00"))
    tasks.escalate_breached_cases_task()
    assert mail.outbox == []
    assert Case.objects.get(pk=case.pk).escalated_at is None


def test_a_failed_escalation_mail_is_tried_again(coordinator, clock, monkeypatch):
    clock(moment("2026-12-01", "09:00"))
    case = wa_case(1)
    clock(moment("2026-12-07", "09:00"))

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(notices, "send_mail", broken)
    with pytest.raises(ConnectionError):
        notices.escalate(case_id=case.pk)
    assert Case.objects.get(pk=case.pk).escalated_at is None
    monkeypatch.undo()
    clock(moment("2026-12-07", "09:15"))
    assert notices.escalate(case_id=case.pk) is True


def test_the_daily_close_of_silent_cases(coordinator, opd, opd_admin, clock, sent):
    clock(moment("2026-12-01", "09:00"))
    case = routed(wa_case(1), coordinator, opd)
    services.reply(case=case, by=opd_admin, text="Sudah ditangani.", follow_up=True)
    case.refresh_from_db()
    clock(
        datetime.datetime.combine(case.auto_close_on, datetime.time(0, 20)).replace(
            tzinfo=moment("2026-12-01").tzinfo
        )
    )
    assert tasks.close_silent_cases_task() == 1
    assert Case.objects.get(pk=case.pk).state == State.AUTO_CLOSED
