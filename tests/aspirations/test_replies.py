"""Replies from the portal leave through each channel's API (the fake
platform), inside the platform's window; what the platform refuses is shown
on the message, and nothing is sent twice."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import Message, WhatsAppLine
from aspirations.replies import services as replies
from core import crypto
from opds.models import User
from socialposts.pulls import fake_platform, tokens
from tests.aspirations.conftest import IG, PHONE, inject, sent, set_clock
from tests.factories import SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
CITIZEN = "6281234567890"


@pytest.fixture
def live(inbox):
    """The fake platform on the portal's own clock."""
    set_clock(inbox, None)
    return inbox


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """services.reply, with the send the commit would start run at once."""

    def reply(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reply(**kw)

    return reply


@pytest.fixture
def coordinator():
    return UserFactory(role=User.Role.DINKOMINFO)


def whatsapp_case(url: str, hours_ago: float, text: str = "Lampu PJU mati"):
    line = WhatsAppLine.objects.create(
        name="Lapor MasBuP",
        phone_number_id=PHONE,
        display_number="+62 811 0000 0000",
        access_token_encrypted=crypto.encrypt(
            "EAAW-system-user", settings.SOCIAL_TOKEN_KEYS
        ),
    )
    moment = timezone.now() - datetime.timedelta(hours=hours_ago)
    found = inject(
        url,
        platform="whatsapp",
        account=PHONE,
        author={"id": CITIZEN, "name": "Sri"},
        text=text,
        time=moment,
    )
    event = events.Inbound(
        platform="whatsapp",
        channel=events.WHATSAPP,
        account_external_id=PHONE,
        external_id=found.get("id") or "wamid.in-1",
        thread_key=CITIZEN,
        author_id=CITIZEN,
        author_name="Sri",
        text=text,
        sent_at=moment,
    )
    return services.receive(event=event, whatsapp_line=line).case


def test_a_whatsapp_reply_is_sent_through_the_cloud_api(live, coordinator, send):
    case = whatsapp_case(live, hours_ago=2)
    message = send(
        case=case, by=coordinator, text="Terima kasih, segera kami teruskan."
    )
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.SENT
    assert message.external_id.startswith("wamid.")
    out = sent(live)[-1]
    assert (out["to"], out["text"]) == (CITIZEN, "Terima kasih, segera kami teruskan.")
    case.refresh_from_db()
    assert case.first_response_at == message.sent_at


def test_after_24_hours_only_an_approved_template_leaves(live, coordinator, send):
    case = whatsapp_case(live, hours_ago=30)
    with pytest.raises(ValidationError) as refused:
        send(case=case, by=coordinator, text="Maaf terlambat")
    assert "reply_kind" in refused.value.message_dict
    assert not Message.objects.filter(direction="out").exists()
    assert sent(live) == []
    message = send(
        case=case,
        by=coordinator,
        text="Laporan Anda sudah kami tindak lanjuti.",
        reply_kind=Message.ReplyKind.TEMPLATE,
        template="aspirasi_tindak_lanjut",
    )
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.SENT
    assert sent(live)[-1]["kind"] == "template"
    # A template WhatsApp never approved: refused by the platform, shown.
    refused_template = send(
        case=case,
        by=coordinator,
        text="Promo",
        reply_kind=Message.ReplyKind.TEMPLATE,
        template="promo_lebaran",
    )
    refused_template.refresh_from_db()
    assert refused_template.delivery == Message.Delivery.FAILED
    assert refused_template.delivery_error


def test_a_redelivered_send_task_sends_nothing_twice(live, coordinator, send):
    case = whatsapp_case(live, hours_ago=1)
    message = send(case=case, by=coordinator, text="Sekali saja")
    assert replies.send(message.pk) == Message.Delivery.SENT
    assert [s["text"] for s in sent(live)] == ["Sekali saja"]


def comment_case(url: str, account, hours_ago: float = 1):
    moment = timezone.now() - datetime.timedelta(hours=hours_ago)
    post = fake_platform.media_for(IG, timezone.localdate())[0]["id"]
    found = inject(
        url,
        platform="instagram",
        kind="comment",
        account=IG,
        post=post,
        author={"id": "igsid-7", "name": "warga_kutasari"},
        text="Jalan ke Kutasari rusak, kapan diperbaiki?",
        time=moment,
    )
    event = events.Inbound(
        platform="instagram",
        channel=events.INSTAGRAM_COMMENT,
        account_external_id=IG,
        external_id=found["id"],
        thread_key=found["id"],
        author_id="igsid-7",
        author_name="warga_kutasari",
        text="Jalan ke Kutasari rusak, kapan diperbaiki?",
        sent_at=moment,
        post_external_id=post,
    )
    return services.receive(event=event, account=account).case


@pytest.fixture
def instagram_account():
    account = SocialAccountFactory(external_id=IG, meta_login="instagram")
    tokens.set_tokens(
        account,
        access="IGAA-{}-long".format(IG),
        expires_at=timezone.now() + datetime.timedelta(days=50),
    )
    account.refresh_from_db()
    return account


def test_a_comment_gets_a_public_reply_and_one_private_reply(
    live, coordinator, instagram_account, send
):
    case = comment_case(live, instagram_account)
    public = send(
        case=case,
        by=coordinator,
        text="Terima kasih, kami teruskan ke DPUPR.",
        reply_kind=Message.ReplyKind.PUBLIC,
    )
    private = send(
        case=case,
        by=coordinator,
        text="Mohon kirim lokasi persisnya.",
        reply_kind=Message.ReplyKind.PRIVATE,
    )
    for message in (public, private):
        message.refresh_from_db()
        assert message.delivery == Message.Delivery.SENT, message.delivery_error
    assert [s["kind"] for s in sent(live)][-2:] == ["public_reply", "private_reply"]
    with pytest.raises(ValidationError) as refused:
        send(
            case=case,
            by=coordinator,
            text="Sekali lagi",
            reply_kind=Message.ReplyKind.PRIVATE,
        )
    assert "reply_kind" in refused.value.message_dict


def test_the_refusal_names_the_window_the_settings_give(
    live, coordinator, send, settings
):
    settings.ASPIRATION_WHATSAPP_WINDOW_HOURS = 12
    case = whatsapp_case(live, hours_ago=13)
    with pytest.raises(ValidationError) as refused:
        send(case=case, by=coordinator, text="Maaf terlambat")
    (message,) = refused.value.message_dict["reply_kind"]
    assert " 12 " in message
    assert " 24 " not in message
