"""Reading stored deliveries into the inbox: the documented payloads, the
malformed ones, unknown accounts, redeliveries out of order, echoes of the
OPD's own replies, delivery statuses, the sweep and the replay command."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from aspirations import events
from aspirations.channels import intake, parsers
from aspirations.events import Malformed
from aspirations.inbox.models import Case, Delivery, Message
from tests.aspirations.hooks_support import (
    CITIZEN_WA,
    IG_ACCOUNT,
    PAGE,
    PHONE_NUMBER_ID,
    fixture,
    sign,
    wa_messages,
    wa_status,
)
from tests.factories import SocialAccountFactory, WhatsAppLineFactory

pytestmark = pytest.mark.django_db
T0 = 1796613300  # 2026-12-07 03:15 UTC


def _delivery(payload, source="whatsapp", **fields) -> Delivery:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    fields.setdefault("received_at", timezone.now())
    fields.setdefault("attempts", 1)
    return Delivery.objects.create(
        source=source, body=body, signature=sign(body), **fields
    )


def _process(payload, source="whatsapp") -> Delivery:
    return intake.process(delivery_id=_delivery(payload, source).pk)


@pytest.fixture
def line(db):
    return WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)


@pytest.fixture
def instagram(db):
    return SocialAccountFactory(platform="instagram", external_id=IG_ACCOUNT)


@pytest.fixture
def page(db):
    return SocialAccountFactory(platform="facebook", external_id=PAGE)


# --- Parsers against the documented payloads ---------------------------------------


def test_whatsapp_text_is_read_as_documented():
    (event,) = parsers.parse_whatsapp(fixture("whatsapp_text"))
    assert event.platform == "whatsapp" and event.channel == events.WHATSAPP
    assert event.account_external_id == PHONE_NUMBER_ID
    assert event.author_id == CITIZEN_WA and event.thread_key == CITIZEN_WA
    assert event.author_name == "Budi Santoso"
    assert event.external_id.startswith("wamid.")
    assert event.sent_at == datetime.datetime.fromtimestamp(T0, tz=datetime.UTC)
    assert event.direction == events.IN


def test_whatsapp_media_keeps_its_caption_and_media_id():
    payload = fixture("whatsapp_text")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message.update(type="image", image={"id": "media-1", "caption": "Jalan rusak"})
    (event,) = parsers.parse_whatsapp(payload)
    assert event.text == "Jalan rusak"
    assert event.attachments == ("image:media-1",)


def test_whatsapp_reactions_are_not_messages():
    payload = fixture("whatsapp_text")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(type="reaction", reaction={"message_id": "x", "emoji": "👍"})
    assert parsers.parse_whatsapp(payload) == []


def test_whatsapp_status_is_read_as_documented():
    (event,) = parsers.parse_whatsapp(fixture("whatsapp_status"))
    assert isinstance(event, events.StatusUpdate)
    assert event.status == "delivered" and event.external_id.startswith("wamid.")


def test_instagram_comment_and_reply_share_the_top_level_thread():
    (top,) = parsers.parse_meta(fixture("instagram_comment"))
    assert top.channel == events.INSTAGRAM_COMMENT
    assert top.thread_key == top.external_id == "17865799348089039"
    assert top.post_external_id == "18025455745136487"
    assert top.author_name == "warga.purbalingga"
    reply = fixture("instagram_comment")
    value = reply["entry"][0]["changes"][0]["value"]
    value.update(id="17865799348089040", parent_id="17865799348089039")
    (event,) = parsers.parse_meta(reply)
    assert event.thread_key == "17865799348089039"
    assert event.parent_external_id == "17865799348089039"


def test_instagram_mention_carries_only_the_ids():
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": IG_ACCOUNT,
                "time": T0,
                "changes": [
                    {
                        "field": "mentions",
                        "value": {
                            "comment_id": "17894227972186120",
                            "media_id": "1791",
                        },
                    }
                ],
            }
        ],
    }
    (event,) = parsers.parse_meta(payload)
    assert event.external_id == "17894227972186120"
    assert event.post_external_id == "1791" and event.text == ""


def test_instagram_dm_and_echo():
    (dm,) = parsers.parse_meta(fixture("instagram_dm"))
    assert dm.channel == events.INSTAGRAM_MESSAGE and dm.direction == events.IN
    assert dm.thread_key == "6783290518363291"
    (echo,) = parsers.parse_meta(fixture("instagram_echo"))
    assert echo.direction == events.OUT
    # The thread is the citizen's, the recipient of the echo.
    assert echo.thread_key == "6783290518363291"


def test_an_echo_of_what_the_portal_sent_is_skipped():
    payload = fixture("instagram_echo")
    payload["entry"][0]["messaging"][0]["message"]["app_id"] = 1517776481860111
    assert parsers.parse_meta(payload, own_app_ids=["1517776481860111"]) == []
    assert len(parsers.parse_meta(payload, own_app_ids=["another"])) == 1


def test_facebook_feed_comment_and_its_reply():
    (top,) = parsers.parse_meta(fixture("facebook_feed_comment"))
    assert top.channel == events.FACEBOOK_COMMENT
    assert top.thread_key == top.external_id
    assert top.post_external_id == "105178802304071_1023456789012345"
    assert top.parent_external_id == ""
    reply = fixture("facebook_feed_comment")
    value = reply["entry"][0]["changes"][0]["value"]
    value.update(comment_id="1023456789012345_1", parent_id=top.external_id)
    (event,) = parsers.parse_meta(reply)
    assert event.thread_key == top.external_id


def test_feed_changes_that_are_not_new_comments_are_skipped():
    payload = fixture("facebook_feed_comment")
    value = payload["entry"][0]["changes"][0]["value"]
    value["verb"] = "edited"
    assert parsers.parse_meta(payload) == []
    value.update(verb="add", item="reaction")
    assert parsers.parse_meta(payload) == []


def test_messenger_dm():
    (event,) = parsers.parse_meta(fixture("messenger_dm"))
    assert event.channel == events.MESSENGER and event.platform == "facebook"
    assert event.account_external_id == PAGE


def _broken(name, path, value):
    payload = fixture(name)
    node = payload
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    "payload,where",
    [
        ([], "payload"),
        ({"object": "whatsapp_business_account"}, "entry"),
        (_broken("whatsapp_text", ["entry", 0, "changes"], "x"), "entry[0].changes"),
        (
            _broken(
                "whatsapp_text",
                ["entry", 0, "changes", 0, "value", "metadata", "phone_number_id"],
                KeyError,
            ),
            "metadata.phone_number_id",
        ),
        (
            _broken(
                "whatsapp_text",
                ["entry", 0, "changes", 0, "value", "messages", 0, "from"],
                KeyError,
            ),
            "messages[0].from",
        ),
        (
            _broken(
                "whatsapp_text",
                ["entry", 0, "changes", 0, "value", "messages", 0, "timestamp"],
                "soon",
            ),
            "messages[0].timestamp",
        ),
    ],
)
def test_whatsapp_malformed_payloads_say_where(payload, where):
    with pytest.raises(Malformed) as error:
        parsers.parse_whatsapp(payload)
    assert where in str(error.value)


@pytest.mark.parametrize(
    "payload,where",
    [
        ({"object": "user", "entry": []}, "object"),
        (_broken("instagram_comment", ["entry", 0, "id"], KeyError), "entry[0].id"),
        (
            _broken(
                "instagram_comment", ["entry", 0, "changes", 0, "value", "from"], 5
            ),
            "value.from",
        ),
        (
            _broken("instagram_dm", ["entry", 0, "messaging", 0, "message", "mid"], ""),
            "message.mid",
        ),
        (
            _broken(
                "facebook_feed_comment",
                ["entry", 0, "changes", 0, "value", "created_time"],
                KeyError,
            ),
            "created_time",
        ),
    ],
)
def test_meta_malformed_payloads_say_where(payload, where):
    with pytest.raises(Malformed) as error:
        parsers.parse_meta(payload)
    assert where in str(error.value)


# --- Processing --------------------------------------------------------------------


def test_a_malformed_delivery_is_rejected_with_its_reason(line):
    payload = _broken("whatsapp_text", ["entry"], {"not": "a list"})
    delivery = _process(payload)
    assert delivery.status == Delivery.Status.REJECTED
    assert "entry" in delivery.reason
    assert Message.objects.count() == 0


def test_a_body_that_is_not_json_is_rejected(line):
    delivery = _process(b"\xff\xfe not json")
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.reason


def test_an_unknown_account_rejects_the_delivery(settings):
    settings.LANGUAGE_CODE = "en"
    delivery = _process(fixture("whatsapp_text"))
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.reason == "unknown account: whatsapp {}".format(PHONE_NUMBER_ID)
    assert Message.objects.count() == 0


def test_unknown_accounts_beside_known_ones_are_skipped_with_a_note(line):
    payload = wa_messages(("wamid.a", T0, "Halo"))
    other = wa_messages(("wamid.b", T0, "Halo"), phone_number_id="999")
    payload["entry"].append(other["entry"][0])
    delivery = _process(payload)
    assert delivery.status == Delivery.Status.PROCESSED
    assert delivery.messages_stored == 1
    assert "999" in delivery.reason
    assert list(Message.objects.values_list("external_id", flat=True)) == ["wamid.a"]


def test_the_same_messages_three_times_out_of_order_are_stored_once_in_order(line):
    m1, m2, m3 = (
        ("wamid.1", T0, "satu"),
        ("wamid.2", T0 + 60, "dua"),
        (
            "wamid.3",
            T0 + 120,
            "tiga",
        ),
    )
    first = _process(wa_messages(m3))
    second = _process(wa_messages(m2, m1, m3))
    third = _process(wa_messages(m1, m3, m2))
    assert [first.messages_stored, second.messages_stored, third.messages_stored] == [
        1,
        2,
        0,
    ]
    case = Case.objects.get()
    assert [m.text for m in case.messages.all()] == ["satu", "dua", "tiga"]
    assert Message.objects.count() == 3
    assert case.received_at == datetime.datetime.fromtimestamp(
        T0 + 120, tz=datetime.UTC
    )
    assert case.whatsapp_line == line
    # The citizen's number is not the thread's key (personal data).
    assert CITIZEN_WA not in case.thread_key


def test_processing_twice_changes_nothing(line):
    delivery = _delivery(fixture("whatsapp_text"))
    intake.process(delivery_id=delivery.pk)
    again = intake.process(delivery_id=delivery.pk)
    assert again.messages_stored == 1
    assert Message.objects.count() == 1 and Case.objects.count() == 1


def test_an_instagram_comment_opens_a_case_of_its_account(instagram):
    delivery = _process(fixture("instagram_comment"), source="meta")
    assert delivery.status == Delivery.Status.PROCESSED
    case = Case.objects.get()
    assert case.account == instagram
    assert case.post_external_id == "18025455745136487"
    assert case.suggested_opd == instagram.opd


def test_an_instagram_comment_reply_joins_its_case(instagram):
    _process(fixture("instagram_comment"), source="meta")
    reply = fixture("instagram_comment")
    value = reply["entry"][0]["changes"][0]["value"]
    value.update(id="17865799348089040", parent_id="17865799348089039", text="Betul")
    _process(reply, source="meta")
    assert Case.objects.count() == 1
    assert Case.objects.get().messages.count() == 2


def test_facebook_comment_of_the_page(page):
    delivery = _process(fixture("facebook_feed_comment"), source="meta")
    assert delivery.messages_stored == 1
    assert Case.objects.get().account == page


def test_an_echo_is_the_opds_reply_and_meets_the_first_response(instagram):
    _process(fixture("instagram_dm"), source="meta")
    echo = fixture("instagram_echo")
    echo["entry"][0]["messaging"][0]["timestamp"] = (T0 + 600) * 1000
    delivery = _process(echo, source="meta")
    assert delivery.messages_stored == 1
    case = Case.objects.get()
    reply = case.messages.get(direction=Message.Direction.OUT)
    assert reply.from_native_app
    assert case.first_response_at == datetime.datetime.fromtimestamp(
        T0 + 600, tz=datetime.UTC
    )


def test_an_echo_with_no_case_is_not_a_case(instagram):
    delivery = _process(fixture("instagram_echo"), source="meta")
    assert delivery.status == Delivery.Status.PROCESSED
    assert delivery.messages_stored == 0
    assert Case.objects.count() == 0


# --- Statuses ------------------------------------------------------------------------


@pytest.fixture
def sent(line):
    _process(fixture("whatsapp_text"))
    case = Case.objects.get()
    return Message.objects.create(
        case=case,
        platform="whatsapp",
        external_id="wamid.sent-by-portal",
        direction=Message.Direction.OUT,
        text="Terima kasih",
        sent_at=timezone.now(),
        delivery=Message.Delivery.QUEUED,
    )


def _status_of(message):
    message.refresh_from_db()
    return message.delivery


def test_statuses_move_a_sent_message_forward(sent):
    _process(wa_status(sent.external_id, "sent", T0))
    assert _status_of(sent) == "sent"
    _process(wa_status(sent.external_id, "delivered", T0 + 1))
    assert _status_of(sent) == "delivered"
    _process(wa_status(sent.external_id, "read", T0 + 2))
    assert _status_of(sent) == "read"


def test_a_late_status_never_moves_it_back(sent):
    _process(wa_status(sent.external_id, "read", T0 + 2))
    _process(wa_status(sent.external_id, "delivered", T0 + 1))
    _process(wa_status(sent.external_id, "sent", T0))
    _process(wa_status(sent.external_id, "failed", T0 + 3))
    assert _status_of(sent) == "read"


def test_failed_only_from_queued_or_sent_with_its_error(sent):
    errors = [
        {
            "code": 131047,
            "title": "Re-engagement message",
            "error_data": {"details": "More than 24 hours have passed."},
        }
    ]
    _process(wa_status(sent.external_id, "sent", T0))
    _process(wa_status(sent.external_id, "failed", T0 + 1, errors=errors))
    sent.refresh_from_db()
    assert sent.delivery == "failed"
    assert "131047" in sent.delivery_error and "24 hours" in sent.delivery_error


def test_a_status_of_an_unknown_message_changes_nothing(sent):
    delivery = _process(wa_status("wamid.unknown", "read", T0))
    assert delivery.status == Delivery.Status.PROCESSED
    assert _status_of(sent) == "queued"


# --- Crashes, the sweep and replays ----------------------------------------------------


def test_a_crash_leaves_the_delivery_pending(line, monkeypatch):
    from aspirations.inbox import services

    def boom(**kwargs):
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(services, "receive", boom)
    delivery = _delivery(fixture("whatsapp_text"))
    with pytest.raises(RuntimeError):
        intake.process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_the_sweep_resends_what_waited_too_long_then_backs_off(settings):
    settings.ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS = 60
    now = timezone.now()
    old = _delivery(
        fixture("whatsapp_text"), received_at=now - datetime.timedelta(seconds=90)
    )
    _delivery(
        fixture("whatsapp_text"), received_at=now - datetime.timedelta(seconds=10)
    )
    done = _delivery(
        fixture("whatsapp_text"),
        received_at=now - datetime.timedelta(hours=1),
        status=Delivery.Status.PROCESSED,
    )
    sent = []
    assert intake.sweep(now=now, enqueue=sent.append) == 1
    assert sent == [old.pk]
    old.refresh_from_db()
    assert old.attempts == 2
    # The next resend waits twice as long (120 s after arrival).
    assert intake.sweep(now=now, enqueue=sent.append) == 0
    later = now + datetime.timedelta(seconds=31)
    assert intake.sweep(now=later, enqueue=sent.append) == 1
    assert sent == [old.pk, old.pk] and done.pk not in sent


def test_the_sweep_gives_up_after_the_attempts(settings):
    settings.ASPIRATION_WEBHOOK_MAX_ATTEMPTS = 3
    delivery = _delivery(
        fixture("whatsapp_text"),
        received_at=timezone.now() - datetime.timedelta(days=2),
        attempts=3,
    )
    assert intake.sweep(enqueue=lambda pk: None) == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.reason


def test_the_sweep_runs_every_minute_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["aspirations-sweep-deliveries"]
    assert entry["task"] == "aspirations.channels.tasks.sweep_deliveries_task"
    assert entry["schedule"].total_seconds() == 60


def test_the_sweep_task_processes_in_process(line, settings):
    # Tests run tasks in-process: the resent delivery is read at once.
    delivery = _delivery(
        fixture("whatsapp_text"),
        received_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    from aspirations.channels.tasks import sweep_deliveries_task

    assert sweep_deliveries_task.delay().get() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PROCESSED
    assert Message.objects.count() == 1


def test_replay_stores_what_an_unknown_account_held_back(settings):
    settings.LANGUAGE_CODE = "en"
    rejected = _process(fixture("whatsapp_text"))
    assert rejected.status == Delivery.Status.REJECTED
    WhatsAppLineFactory(phone_number_id=PHONE_NUMBER_ID)
    out = StringIO()
    call_command("replay_deliveries", "--status", "rejected", stdout=out)
    rejected.refresh_from_db()
    assert rejected.status == Delivery.Status.PROCESSED
    assert rejected.messages_stored == 1
    assert "new messages 1" in out.getvalue()
    # Replaying again stores nothing more.
    call_command("replay_deliveries", "--from-id", str(rejected.pk), stdout=StringIO())
    rejected.refresh_from_db()
    assert rejected.messages_stored == 1 and Message.objects.count() == 1


def test_replay_never_reads_a_body_that_was_not_signed(line):
    body = json.dumps(fixture("whatsapp_text")).encode()
    Delivery.objects.create(
        source="whatsapp",
        body=body,
        signature="sha256=" + "0" * 64,
        received_at=timezone.now(),
        status=Delivery.Status.REJECTED,
        reason="X-Hub-Signature-256 does not match the body.",
    )
    out = StringIO()
    call_command("replay_deliveries", "--status", "rejected", stdout=out)
    assert "skipped 1" in out.getvalue()
    assert Message.objects.count() == 0


def test_replay_needs_a_selection():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("replay_deliveries", stdout=StringIO())
