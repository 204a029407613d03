"""YouTube's comments (no webhook) and what Instagram's webhooks missed come
in by polling, through the same receive as a webhook: nothing twice."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from aspirations.channels import polling, tasks
from aspirations.channels.clients import budget_key
from aspirations.inbox.models import Case, Message
from socialposts.pulls import fake_platform, tokens
from tests.aspirations.conftest import CHANNEL, IG, inject, set_clock
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(inbox, settings):
    """The fake platform on today's date: the posts it lists are this week's
    (the shared fixture's fake lives on a day of March)."""
    server, _state, url = fake_platform.start_in_thread()
    for name, value in fake_platform.settings_for(url).items():
        setattr(settings, name, value)
    set_clock(url, None)
    yield url
    server.shutdown()
    server.server_close()


def connected(platform: str, external_id: str, token: str):
    account = SocialAccountFactory(
        platform=platform, external_id=external_id, meta_login="instagram"
    )
    tokens.set_tokens(
        account, access=token, expires_at=timezone.now() + datetime.timedelta(days=50)
    )
    return account


def test_a_youtube_comment_is_polled_once(inbox):
    set_clock(inbox, None)
    account = connected("youtube", CHANNEL, "ya29.inbox")
    video = fake_platform.media_for(CHANNEL, timezone.localdate())[0]["id"]
    moment = timezone.now() - datetime.timedelta(minutes=10)
    found = inject(
        inbox,
        platform="youtube",
        kind="comment",
        account=CHANNEL,
        post=video,
        author={"id": "UCwarga000000000000001", "name": "Warga Rembang"},
        text="Pak, jalan di Losari kapan diaspal?",
        time=moment,
    )
    first = polling.poll_account(
        account.pk, since=moment - datetime.timedelta(minutes=1)
    )
    assert first.stored >= 1
    case = Case.objects.get(messages__external_id=found["id"])
    assert case.channel == "youtube_comment" and case.account == account
    # The next round finds it again and stores nothing.
    again = polling.poll_account(
        account.pk, since=moment - datetime.timedelta(minutes=1)
    )
    assert again.stored == 0
    assert Message.objects.filter(external_id=found["id"]).count() == 1


def test_a_spent_budget_stops_the_round_and_keeps_nothing_twice(inbox, settings):
    set_clock(inbox, None)
    account = connected("youtube", CHANNEL, "ya29.inbox")
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 0
    cache.delete(budget_key())
    result = polling.poll_account(account.pk)
    assert result.stopped and result.stored == 0


def test_an_instagram_comment_the_webhook_missed_is_found(inbox):
    set_clock(inbox, None)
    connected("instagram", IG, "IGAA-{}-long".format(IG))
    post = fake_platform.media_for(IG, timezone.localdate())[0]["id"]
    moment = timezone.now() - datetime.timedelta(minutes=5)
    found = inject(
        inbox,
        platform="instagram",
        kind="comment",
        account=IG,
        post=post,
        author={"id": "igsid-77", "name": "warga_padamara"},
        text="Sampah di pasar Padamara menumpuk",
        time=moment,
    )
    assert tasks.poll_comments_task() == 1  # one connected account
    assert Message.objects.filter(external_id=found["id"]).exists()
