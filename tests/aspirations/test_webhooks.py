"""The webhook endpoints: Meta's verify handshake, the signature check, the
size limit, and a fast answer that stores the raw delivery and queues it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from aspirations.channels import intake, tasks
from aspirations.inbox.models import Delivery, Message
from opds.models import AuditEvent
from tests.aspirations.hooks_support import (
    IG_ACCOUNT,
    PHONE_NUMBER_ID,
    fixture,
    post,
    sign,
)
from tests.factories import SocialAccountFactory, WhatsAppLineFactory

META = reverse("aspirations:webhook-meta")
WHATSAPP = reverse("aspirations:webhook-whatsapp")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = "token-of-the-portal"
    settings.META_APP_SECRET = "app-secret"
    settings.META_WEBHOOK_SECRETS = ["app-secret", "instagram-secret"]


def test_the_urls_are_the_contracts():
    assert META == "/webhooks/meta/"
    assert WHATSAPP == "/webhooks/whatsapp/"


@pytest.mark.parametrize("url", [META, WHATSAPP])
def test_the_handshake_echoes_the_challenge_as_text(client, url):
    response = client.get(
        url,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "token-of-the-portal",
            "hub.challenge": "1158201444",
        },
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "token-of-the-portal"},
        {"hub.challenge": "1"},
    ],
)
def test_a_wrong_handshake_is_refused(client, params):
    response = client.get(META, params)
    assert response.status_code == 403
    assert b"1" not in response.content


def test_no_configured_token_refuses_every_handshake(client, settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = ""
    response = client.get(
        META, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "5"}
    )
    assert response.status_code == 403


def test_a_signed_delivery_is_stored_and_read_into_the_inbox(client):
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    payload = fixture("whatsapp_text")
    response = post(client, WHATSAPP, payload)
    assert response.status_code == 200
    delivery = Delivery.objects.get()
    assert delivery.source == "whatsapp"
    assert json.loads(bytes(delivery.body)) == payload
    assert delivery.status == Delivery.Status.PROCESSED
    assert delivery.messages_stored == 1
    message = Message.objects.get()
    assert message.text == "Jalan di Desa Karangreja rusak, mohon diperbaiki."


def test_the_instagram_app_secret_signs_too(client):
    SocialAccountFactory(external_id=IG_ACCOUNT, platform="instagram")
    body = json.dumps(fixture("instagram_comment")).encode()
    response = post(
        client, META, None, raw=body, signature=sign(body, "instagram-secret")
    )
    assert response.status_code == 200
    assert Message.objects.count() == 1


def test_the_view_only_stores_and_queues(
    client, monkeypatch, django_assert_num_queries
):
    queued = []
    monkeypatch.setattr(tasks, "wake_drain", queued.append)
    body = b'{"object": "whatsapp_business_account", "entry": "not read here"}'
    with django_assert_num_queries(1):
        response = post(client, WHATSAPP, None, raw=body)
    assert response.status_code == 200
    delivery = Delivery.objects.get()
    assert queued == [delivery.pk]
    assert delivery.status == Delivery.Status.PENDING
    assert bytes(delivery.body) == body


def test_a_broker_that_refuses_still_gets_a_200(client, monkeypatch):
    def down(delivery_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "wake_drain", down)
    response = post(client, WHATSAPP, fixture("whatsapp_text"))
    assert response.status_code == 200
    # Stored: the sweep sends it once the broker is back.
    assert Delivery.objects.get().status == Delivery.Status.PENDING


@pytest.mark.parametrize(
    "signature,reason",
    [
        ("", "No X-Hub-Signature-256 header."),
        ("sha256=" + "0" * 64, "X-Hub-Signature-256 does not match the body."),
        ("sha1=abc", "X-Hub-Signature-256 does not match the body."),
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_processed(
    client, settings, signature, reason
):
    settings.LANGUAGE_CODE = "en"
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    response = post(client, WHATSAPP, fixture("whatsapp_text"), signature=signature)
    assert response.status_code == 403
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.reason == reason
    assert Message.objects.count() == 0


def test_a_body_signed_with_another_secret_is_refused(client):
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    body = json.dumps(fixture("whatsapp_text")).encode()
    response = post(client, WHATSAPP, None, raw=body, signature=sign(body, "stolen"))
    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_a_tampered_body_is_refused(client):
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    body = json.dumps(fixture("whatsapp_text")).encode()
    forged = body.replace(b"rusak", b"bagus")
    response = post(client, WHATSAPP, None, raw=forged, signature=sign(body))
    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_rejected_records_are_rate_limited(client, settings):
    settings.ASPIRATION_WEBHOOK_REJECTED_PER_MINUTE = 2
    for _ in range(5):
        response = post(client, META, {"object": "page"}, signature="sha256=00")
        assert response.status_code == 403
    assert Delivery.objects.filter(status=Delivery.Status.REJECTED).count() == 2
    # Nor does a flood of forged POSTs fill the audit log.
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_a_rejected_body_is_kept_only_in_part(client):
    big = {"object": "page", "padding": "x" * 20000}
    post(client, META, big, signature="")
    assert len(bytes(Delivery.objects.get().body)) == intake.REJECTED_BODY_BYTES


def test_an_oversized_body_is_refused_with_413(client, settings):
    settings.LANGUAGE_CODE = "en"
    settings.ASPIRATION_WEBHOOK_MAX_BYTES = 1000
    payload = fixture("whatsapp_text")
    payload["padding"] = "x" * 2000
    response = post(client, WHATSAPP, payload)
    assert response.status_code == 413
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.reason.startswith("Too large")
    assert Message.objects.count() == 0


def test_a_body_just_under_the_limit_is_taken(client, settings):
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    body = json.dumps(fixture("whatsapp_text")).encode()
    settings.ASPIRATION_WEBHOOK_MAX_BYTES = len(body)
    assert post(client, WHATSAPP, None, raw=body).status_code == 200


def test_other_methods_are_not_allowed(client):
    assert client.put(META).status_code == 405
    assert client.delete(WHATSAPP).status_code == 405


def test_no_session_cookie_is_set(client):
    response = post(client, WHATSAPP, fixture("whatsapp_text"))
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


def test_a_burst_wakes_one_drain_that_reads_every_delivery(client, monkeypatch):
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    woken = []
    monkeypatch.setattr(
        tasks.drain_deliveries_task, "apply_async", lambda **kw: woken.append(kw)
    )
    for _ in range(3):
        assert post(client, WHATSAPP, fixture("whatsapp_text")).status_code == 200
    # One Celery message for the burst, three rows waiting.
    assert len(woken) == 1
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
    assert tasks.drain_deliveries_task() == 3
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
    assert Message.objects.count() == 1  # the same message three times
    # The drain cleared its flag: the next delivery wakes a new one.
    post(client, WHATSAPP, fixture("whatsapp_text"))
    assert len(woken) == 2
