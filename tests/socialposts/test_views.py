"""Staff pages of social-media accounts and Dinkominfo's house rules."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from socialposts.accounts import selectors
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


def test_a_chart_marks_where_the_platform_changed_what_it_counts(
    client, opd, opd_admin
):
    # Meta replaced page_impressions_unique with page_total_media_view_unique
    # as the Page's reach on 2025-11-15 (metric catalogue).
    page = SocialAccountFactory(opd=opd, platform="facebook", connection="api")
    today = datetime.date(2025, 12, 1)
    upsert_account_values(
        (
            AccountValue(
                page.pk, "reach", today - datetime.timedelta(days=d), 100.0 + d, "x"
            )
            for d in range(30)
        ),
        fetched_at=timezone.now(),
    )
    points = selectors.series(page, "reach", today=today)
    (cut,) = selectors.series_breaks(page, "reach", points)
    assert cut["day"] == datetime.date(2025, 11, 15)
    assert cut["name"] == "page_total_media_view_unique"
    index = [day for day, _v in points].index(cut["day"])
    assert cut["x"] == round(index * 300 / (len(points) - 1), 1)
    assert selectors.series_breaks(page, "followers", points) == []
    assert selectors.final_through("youtube", today) == datetime.date(2025, 11, 27)
    assert selectors.final_through("instagram", today) == datetime.date(2025, 11, 28)
    client.force_login(opd_admin)
    page_html = client.get(reverse("socialposts:account-detail", args=[page.pk]))
    assert "Angka sudah final sampai" in page_html.content.decode()
