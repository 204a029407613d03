"""The social-media API: staff only, scoped to the OPD, paginated."""

import datetime

import pytest
from django.core.management import call_command

from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from tests.factories import PostFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 16)


@pytest.fixture
def dinkominfo(db):
    return UserFactory(username="dinkominfo", role="dinkominfo")


def test_accounts_are_scoped_and_staff_only(
    api_client, opd, other_opd, opd_admin, dinkominfo
):
    mine = SocialAccountFactory(opd=opd)
    SocialAccountFactory(opd=other_opd, platform="youtube")
    url = "/api/v1/social/accounts/"
    assert api_client.get(url).status_code in (401, 403)
    api_client.force_authenticate(opd_admin)
    body = api_client.get(url).json()
    assert [a["id"] for a in body["results"]] == [mine.pk]
    assert set(body["results"][0]) == {
        "id",
        "opd",
        "platform",
        "handle",
        "connection",
        "token_health",
        "last_success_at",
        "stale",
    }
    assert body["results"][0]["stale"] is True
    api_client.force_authenticate(dinkominfo)
    assert api_client.get(url).json()["count"] == 2
    assert api_client.get(url, {"platform": "youtube"}).json()["count"] == 1


def test_posts_carry_their_latest_metrics_in_fixed_queries(
    api_client, opd, opd_admin, django_assert_max_num_queries
):
    account = SocialAccountFactory(opd=opd)
    posts = [PostFactory(account=account, content_type="video") for _ in range(3)]
    for post in posts:
        upsert_post_values(
            [
                PostValue(post.pk, "views", DAY - datetime.timedelta(1), 10, "views"),
                PostValue(post.pk, "views", DAY, 15, "views"),
                PostValue(post.pk, "likes", DAY, 3, "likes"),
            ]
        )
    PostFactory(account=account, content_type="foto")
    api_client.force_authenticate(opd_admin)
    with django_assert_max_num_queries(8):
        body = api_client.get("/api/v1/social/posts/", {"content_type": "video"}).json()
    assert body["count"] == 3
    assert body["results"][0]["metrics"] == {"views": 15.0, "likes": 3.0}


def test_daily_series_of_one_account(api_client, opd, other_opd, opd_admin):
    mine = SocialAccountFactory(opd=opd)
    theirs = SocialAccountFactory(opd=other_opd)
    upsert_account_values(
        [
            AccountValue(
                mine.pk, "followers", DAY - datetime.timedelta(d), 100 + d, "f"
            )
            for d in range(3)
        ]
    )
    api_client.force_authenticate(opd_admin)
    url = "/api/v1/social/metrics/"
    body = api_client.get(url, {"account": mine.pk}).json()
    assert [row["value"] for row in body["results"]] == [102.0, 101.0, 100.0]
    assert api_client.get(url, {"account": theirs.pk}).status_code == 404
    assert api_client.get(url).status_code == 400


def test_pull_insights_command_reports_each_account(capsys, settings):
    from socialposts.pulls import fake_platform, tokens

    server, _state, url = fake_platform.start_in_thread()
    settings.SOCIAL_GRAPH_BASE_URL = url
    try:
        account = SocialAccountFactory(external_id="17841400000009")
        tokens.set_tokens(account, access="token")
        call_command("pull_insights", "--account", str(account.pk))
    finally:
        server.shutdown()
        server.server_close()
    out = capsys.readouterr().out
    assert "1/1" in out and "succeeded: 1" in out
