"""Staff pages of social-media accounts and Dinkominfo's house rules."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from socialposts.accounts.ingest import AccountValue, upsert_account_values
from socialposts.accounts.selectors import house_rules, sparkline
from tests.factories import PostFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


def at(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_house_rules_over_four_weeks(settings):
    settings.SOCIAL_VIDEO_MAX_SECONDS = 60
    account = SocialAccountFactory()
    today = timezone.localdate()
    PostFactory(account=account, content_type="infografis", published_at=at(1))
    PostFactory(
        account=account, content_type="video", duration_seconds=90, published_at=at(3)
    )
    PostFactory(
        account=account, content_type="reels", duration_seconds=30, published_at=at(5)
    )
    PostFactory(account=account, content_type="foto", published_at=at(9))
    PostFactory(account=account, content_type="foto", published_at=at(40))  # outside
    upsert_account_values(
        [
            AccountValue(
                account.pk, "reach", today - datetime.timedelta(d), 100, "reach"
            )
            for d in range(4)
        ]
        + [
            AccountValue(
                account.pk, "interactions", today - datetime.timedelta(d), 10, "ti"
            )
            for d in range(4)
        ]
        + [AccountValue(account.pk, "followers", today, 200, "followers_count")]
    )
    rules = house_rules(account, today)
    assert (rules.posts, rules.posts_per_week) == (4, 1.0)
    assert rules.mix == {"infografis": 0.25, "video": 0.5, "foto": 0.25}
    assert rules.long_videos == 1
    assert rules.days_since_last_post == 1
    assert rules.engagement_per_reach == pytest.approx(0.1)
    assert rules.engagement_per_follower == pytest.approx(0.2)


def test_sparkline_spans_the_box():
    points = sparkline([(1, 0), (2, 5), (3, 10)], width=100, height=50)
    assert points == "0.0,48.0 50.0,25.0 100.0,2.0"
    assert sparkline([(1, 3)]) == ""


def test_pages_are_scoped_to_the_opd(client, opd, other_opd, opd_admin):
    mine = SocialAccountFactory(opd=opd)
    theirs = SocialAccountFactory(opd=other_opd)
    PostFactory(account=mine, content_type="video", duration_seconds=120)
    client.force_login(opd_admin)
    listing = client.get(reverse("socialposts:accounts")).content.decode()
    assert mine.handle in listing and theirs.handle not in listing
    detail = client.get(reverse("socialposts:account-detail", args=[mine.pk]))
    assert detail.status_code == 200
    assert "120 s" in detail.content.decode()  # the long video is flagged
    assert (
        client.get(reverse("socialposts:account-detail", args=[theirs.pk])).status_code
        == 404
    )
    client.logout()
    assert client.get(reverse("socialposts:accounts")).status_code == 302
