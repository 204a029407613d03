"""Messages into the inbox: one case per conversation, each message once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import Case, CaseEvent, Message, State
from opds.models import AuditEvent, User
from tests.factories import OpdFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NUMBER = "6281234567890"


def wa(external_id: str, text: str, minutes: int = 0, **kw) -> events.Inbound:
    values = dict(
        platform=events.WHATSAPP,
        channel=events.WHATSAPP,
        account_external_id="109876543210",
        external_id=external_id,
        thread_key=NUMBER,
        author_id=NUMBER,
        author_name="Sri",
        text=text,
        sent_at=T0 + datetime.timedelta(minutes=minutes),
    )
    values.update(kw)
    return events.Inbound(**values)


def comment(external_id: str, text: str, minutes: int = 0, parent: str = "", **kw):
    values = dict(
        platform="instagram",
        channel=events.INSTAGRAM_COMMENT,
        account_external_id="17841400000001",
        external_id=external_id,
        thread_key=parent or external_id,
        parent_external_id=parent,
        author_id="igsid-1",
        author_name="warga_bojongsari",
        text=text,
        sent_at=T0 + datetime.timedelta(minutes=minutes),
        post_external_id="media-1",
    )
    values.update(kw)
    return events.Inbound(**values)


def test_redelivered_and_out_of_order_events_are_stored_once_in_sent_order():
    third, first, second = (
        wa("wamid.3", "sudah seminggu", 2),
        wa("wamid.1", "lampu jalan mati", 0),
        wa("wamid.2", "di desa Kutasari", 1),
    )
    for _ in range(3):
        for event in (third, first, second):
            services.receive(event=event)
    case = Case.objects.get()
    assert [m.external_id for m in case.messages.all()] == [
        "wamid.1",
        "wamid.2",
        "wamid.3",
    ]
    assert case.last_citizen_message_at == third.sent_at
    assert Message.objects.count() == 3
    assert case.number.startswith("ASP-PBG/2026/")


def test_the_whatsapp_number_is_kept_out_of_keys_and_masked():
    message = services.receive(event=wa("wamid.1", "halo"))
    case = message.case
    assert NUMBER not in case.thread_key
    assert NUMBER not in case.contact.external_id
    assert case.contact.phone_masked.endswith("890")
    assert NUMBER not in case.contact.phone_masked
    assert case.contact.phone_encrypted and NUMBER not in case.contact.phone_encrypted


def test_replies_to_a_comment_join_its_case_and_an_echo_is_the_opds_reply():
    account = SocialAccountFactory(external_id="17841400000001")
    services.receive(event=comment("c1", "jalan rusak min"), account=account)
    services.receive(
        event=comment("c2", "betul, parah", 5, parent="c1"), account=account
    )
    echo = comment(
        "c3", "Terima kasih, kami teruskan", 30, parent="c1", direction=events.OUT
    )
    services.receive(event=echo, account=account)
    case = Case.objects.get()
    assert case.account == account
    assert case.suggested_opd == account.opd
    assert case.messages.count() == 3
    reply = case.messages.get(external_id="c3")
    assert reply.direction == Message.Direction.OUT and reply.from_native_app
    assert case.first_response_at == echo.sent_at


def test_an_echo_without_a_case_opens_none():
    assert (
        services.receive(event=comment("c9", "info kegiatan", direction=events.OUT))
        is None
    )
    assert not Case.objects.exists()


def test_a_public_comment_with_a_phone_number_is_flagged_for_hiding():
    services.receive(event=comment("c1", "hubungi saya 0812-3456-7890 ya"))
    assert Case.objects.get().personal_data_exposed
    services.receive(event=wa("wamid.1", "nomor saya 081234567890"))
    # A private WhatsApp message exposes nothing publicly.
    assert not Case.objects.get(channel=events.WHATSAPP).personal_data_exposed


def test_the_lapor_path_and_a_citizen_reply_after_the_follow_up():
    coordinator = UserFactory(role=User.Role.DINKOMINFO)
    opd = OpdFactory()
    admin = UserFactory(role=User.Role.OPD_ADMIN, opd=opd)
    case = services.receive(event=wa("wamid.1", "jalan rusak")).case
    with pytest.raises(PermissionDenied):
        services.route(case=case, by=admin, opd=opd)
    with pytest.raises(ValidationError) as refused:
        services.route(case=case, by=coordinator, opd=None)
    assert "opd" in refused.value.message_dict
    case = services.route(case=case, by=coordinator, opd=opd)
    assert case.state == State.ROUTED and case.follow_up_due is not None
    follow_up_due = case.follow_up_due
    # Not ours: back to the coordinator, the clock kept.
    case = services.not_ours(case=case, by=admin, reason="Jalan provinsi")
    assert case.state == State.VERIFIED and case.opd is None
    other = OpdFactory()
    case = services.route(case=case, by=coordinator, opd=other)
    assert case.follow_up_due == follow_up_due
    other_admin = UserFactory(role=User.Role.OPD_ADMIN, opd=other)
    with pytest.raises(ValidationError):
        services.reply(case=case, by=other_admin, text="   ")
    message = services.reply(
        case=case,
        by=other_admin,
        text="Sudah kami perbaiki.",
        reply_kind=Message.ReplyKind.NOTE,
    )
    case.refresh_from_db()
    # An internal note is no answer to the citizen.
    assert case.first_response_at is None and message.delivery == Message.Delivery.SENT
    with pytest.raises(ValidationError):
        services.record_follow_up(case=case, by=other_admin)
    steps = list(case.events.values_list("action", flat=True))
    assert steps == ["received", "routed", "not_ours", "routed"]
    assert AuditEvent.objects.filter(object_id=str(case.pk)).count() == 4


def test_auto_close_after_ten_silent_working_days():
    coordinator = UserFactory(role=User.Role.DINKOMINFO)
    case = services.create_case(
        channel=events.PORTAL, text="Mohon perbaikan drainase", received_at=T0
    )
    opd = OpdFactory()
    case = services.route(case=case, by=coordinator, opd=opd)
    services.reply(case=case, by=coordinator, text="Sudah ditangani.", follow_up=True)
    case.refresh_from_db()
    assert case.state == State.ANSWERED and case.auto_close_on is not None
    assert (
        services.close_silent_cases(day=case.auto_close_on - datetime.timedelta(days=1))
        == 0
    )
    assert services.close_silent_cases(day=case.auto_close_on) == 1
    case.refresh_from_db()
    assert case.state == State.AUTO_CLOSED
    assert CaseEvent.objects.filter(case=case, action="auto_closed").exists()
