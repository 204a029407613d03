"""A comment copied in from a platform's own app (TikTok), and a public
comment that exposes personal data hidden through the platform."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import Case, Message, State
from opds.models import User
from socialposts.pulls import fake_platform, tokens
from tests.aspirations.conftest import IG, inject, set_clock
from tests.factories import SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_opd_admin_copies_a_tiktok_comment_into_a_case(client):
    account = SocialAccountFactory(platform="tiktok", connection="api")
    admin = UserFactory(role=User.Role.OPD_ADMIN, opd=account.opd)
    other = SocialAccountFactory(platform="tiktok")
    client.force_login(admin)
    page = client.get(reverse("aspirations:record"))
    assert page.status_code == 200
    # Another OPD's account is not offered.
    assert other.handle not in page.content.decode()
    posted = timezone.localtime() - datetime.timedelta(hours=3)
    data = {
        "account": account.pk,
        "author": "warga.bukateja",
        "text": "Jalan desa Kutawis rusak, tolong dibenerna",
        "received_at": posted.strftime("%Y-%m-%dT%H:%M"),
        "permalink": "",
    }
    response = client.post(reverse("aspirations:record"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == events.TIKTOK_COMMENT
    assert case.account == account and case.suggested_opd == account.opd
    assert case.messages.get().direction == Message.Direction.IN
    assert case.first_response_due is not None


def test_wrong_input_names_the_field_and_records_nothing(client):
    account = SocialAccountFactory(platform="tiktok")
    admin = UserFactory(role=User.Role.OPD_ADMIN, opd=account.opd)
    client.force_login(admin)
    future = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("aspirations:record"),
        {
            "account": account.pk,
            "author": "warga",
            "text": "Halo",
            "received_at": future.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert gettext("The comment cannot be posted in the future.") in html
    assert not Case.objects.exists()


def test_a_comment_with_a_phone_number_is_hidden_through_the_platform(
    client, inbox, django_capture_on_commit_callbacks
):
    set_clock(inbox, None)
    account = SocialAccountFactory(external_id=IG, meta_login="instagram")
    tokens.set_tokens(
        account,
        access="IGAA-{}-long".format(IG),
        expires_at=timezone.now() + datetime.timedelta(days=50),
    )
    moment = timezone.now() - datetime.timedelta(hours=1)
    post = fake_platform.media_for(IG, timezone.localdate())[0]["id"]
    text = "Hubungi saya di 0812 3456 7890 soal bansos"
    found = inject(
        inbox,
        platform="instagram",
        kind="comment",
        account=IG,
        post=post,
        author={"id": "igsid-9", "name": "warga"},
        text=text,
        time=moment,
    )
    case = services.receive(
        event=events.Inbound(
            platform="instagram",
            channel=events.INSTAGRAM_COMMENT,
            account_external_id=IG,
            external_id=found["id"],
            thread_key=found["id"],
            author_id="igsid-9",
            author_name="warga",
            text=text,
            sent_at=moment,
            post_external_id=post,
        ),
        account=account,
    ).case
    assert case.personal_data_exposed and case.state == State.NEW
    coordinator = UserFactory(role=User.Role.DINKOMINFO)
    client.force_login(coordinator)
    page = client.get(reverse("aspirations:case", args=[case.pk])).content.decode()
    assert reverse("aspirations:hide-comment", args=[case.pk]) in page
    response = client.post(reverse("aspirations:hide-comment", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.personal_data_exposed
    assert case.messages.get(external_id=found["id"]).hidden_on_platform
    assert case.events.filter(action="hidden").exists()
    # Hidden on the platform: a reply to it is refused there.
    from aspirations.channels.clients import InstagramInbox, NotReplyable

    with pytest.raises(NotReplyable):
        InstagramInbox(IG, "IGAA-{}-long".format(IG)).reply_to_comment(
            found["id"], "Terima kasih"
        )
