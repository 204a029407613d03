"""Which replies each channel still accepts, and until when."""

from __future__ import annotations

import datetime

from aspirations import events
from aspirations.windows import (
    DIRECT_MESSAGE,
    FREE_FORM,
    HUMAN_AGENT,
    PRIVATE_REPLY,
    PUBLIC_REPLY,
    TEMPLATE,
    Window,
    reply_windows,
)

NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def kinds(windows):
    return {w.kind: w.until for w in windows}


def test_whatsapp_free_form_for_24_hours_then_template_only():
    last = NOW - 23 * HOUR
    assert kinds(reply_windows(events.WHATSAPP, last, NOW)) == {
        FREE_FORM: last + 24 * HOUR,
        TEMPLATE: None,
    }
    assert kinds(reply_windows(events.WHATSAPP, NOW - 24 * HOUR, NOW)) == {
        TEMPLATE: None
    }
    # A citizen who never wrote can only get a template.
    assert kinds(reply_windows(events.WHATSAPP, None, NOW)) == {TEMPLATE: None}


def test_the_windows_follow_their_settings(settings):
    settings.ASPIRATION_WHATSAPP_WINDOW_HOURS = 48
    assert FREE_FORM in kinds(reply_windows(events.WHATSAPP, NOW - 30 * HOUR, NOW))
    settings.ASPIRATION_PRIVATE_REPLY_DAYS = 1
    assert PRIVATE_REPLY not in kinds(
        reply_windows(events.INSTAGRAM_COMMENT, NOW - 2 * DAY, NOW)
    )


def test_direct_messages_24_hours_or_7_days_with_the_human_agent_tag(settings):
    settings.ASPIRATION_META_HUMAN_AGENT = False
    last = NOW - 3 * DAY
    for channel in (events.INSTAGRAM_MESSAGE, events.MESSENGER):
        assert reply_windows(channel, last, NOW) == []
        assert kinds(reply_windows(channel, last, NOW, human_agent=True)) == {
            HUMAN_AGENT: last + 7 * DAY
        }
        recent = NOW - HOUR
        assert kinds(reply_windows(channel, recent, NOW, human_agent=True)) == {
            DIRECT_MESSAGE: recent + 24 * HOUR,
            HUMAN_AGENT: recent + 7 * DAY,
        }
    settings.ASPIRATION_META_HUMAN_AGENT = True
    assert HUMAN_AGENT in kinds(reply_windows(events.MESSENGER, last, NOW))
    assert reply_windows(events.MESSENGER, NOW - 8 * DAY, NOW) == []


def test_comments_public_reply_always_private_reply_once_within_7_days():
    created = NOW - 6 * DAY
    for channel in (events.INSTAGRAM_COMMENT, events.FACEBOOK_COMMENT):
        assert kinds(
            reply_windows(channel, NOW - HOUR, NOW, comment_created_at=created)
        ) == {PUBLIC_REPLY: None, PRIVATE_REPLY: created + 7 * DAY}
        assert kinds(
            reply_windows(
                channel, None, NOW, comment_created_at=created, private_reply_sent=True
            )
        ) == {PUBLIC_REPLY: None}
        assert kinds(
            reply_windows(channel, None, NOW, comment_created_at=NOW - 8 * DAY)
        ) == {PUBLIC_REPLY: None}


def test_youtube_any_time_tiktok_and_the_form_none():
    assert kinds(reply_windows(events.YOUTUBE_COMMENT, NOW - 300 * DAY, NOW)) == {
        PUBLIC_REPLY: None
    }
    assert reply_windows(events.TIKTOK_COMMENT, NOW - HOUR, NOW) == []
    assert reply_windows(events.PORTAL, NOW - HOUR, NOW) == []


def test_time_left():
    assert Window(FREE_FORM, NOW + 2 * HOUR).left(NOW) == 2 * HOUR
    assert Window(FREE_FORM, NOW - HOUR).left(NOW) == datetime.timedelta(0)
    assert Window(TEMPLATE).left(NOW) is None
