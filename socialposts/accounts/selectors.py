"""Reads of the social-media figures: Dinkominfo's house rules per account
and the series behind the charts."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from opds import permissions as perms
from socialposts import targets
from socialposts.accounts.models import (
    AccountMetricDaily,
    ContentType,
    Post,
    PostMetricSnapshot,
    SocialAccount,
)


@dataclass(frozen=True)
class HouseRules:
    """How an account did on Dinkominfo's rules over the last four weeks."""

    posts: int
    posts_per_week: float
    mix: dict[str, float]  # share of infografis, video (with reels), foto
    long_videos: int
    days_since_last_post: int | None
    engagement_per_reach: float | None
    engagement_per_follower: float | None
    followers: float | None


def house_rules(
    account: SocialAccount, today: datetime.date | None = None
) -> HouseRules:
    """Posts per week, content mix, long videos, days since the last post and
    engagement rate (interactions ÷ reach and ÷ followers)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=targets.WINDOW_DAYS)
    posts = list(
        account.posts.filter(
            published_at__date__gt=since, published_at__date__lte=today
        ).values_list("content_type", "duration_seconds")
    )
    last = account.posts.aggregate(last=Max("published_at"))["last"]
    sums = dict(
        AccountMetricDaily.objects.filter(
            account=account,
            metric_id__in=targets.ENGAGEMENT_METRICS,
            date__gt=since,
            date__lte=today,
        )
        .values_list("metric_id")
        .annotate(total=Sum("value"))
    )
    followers = (
        AccountMetricDaily.objects.filter(
            account=account, metric_id="followers", date__lte=today
        )
        .order_by("-date")
        .values_list("value", flat=True)
        .first()
    )
    return _house_rules(posts, last, sums, followers, today)


def with_house_rules(
    accounts: QuerySet[SocialAccount], today: datetime.date | None = None
) -> list[tuple[SocialAccount, HouseRules]]:
    """Each account of ``accounts`` with its ``house_rules``, in three
    queries however many accounts there are (for the dashboards)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=targets.WINDOW_DAYS)
    latest_followers = AccountMetricDaily.objects.filter(
        account_id=OuterRef("pk"), metric_id="followers", date__lte=today
    ).order_by("-date")
    found = list(
        accounts.annotate(
            last_post=Max("posts__published_at"),
            latest_followers=Subquery(latest_followers.values("value")[:1]),
        )
    )
    if not found:
        return []
    ids = [account.pk for account in found]
    posts: dict[int, list[tuple[str, int | None]]] = {pk: [] for pk in ids}
    for account_id, kind, duration in Post.objects.filter(
        account_id__in=ids,
        published_at__date__gt=since,
        published_at__date__lte=today,
    ).values_list("account_id", "content_type", "duration_seconds"):
        posts[account_id].append((kind, duration))
    sums: dict[int, dict[str, float]] = {pk: {} for pk in ids}
    for account_id, metric, total in (
        AccountMetricDaily.objects.filter(
            account_id__in=ids,
            metric_id__in=targets.ENGAGEMENT_METRICS,
            date__gt=since,
            date__lte=today,
        )
        .values_list("account_id", "metric_id")
        .annotate(total=Sum("value"))
        .order_by()
    ):
        sums[account_id][metric] = total
    return [
        (
            account,
            _house_rules(
                posts[account.pk],
                account.last_post,
                sums[account.pk],
                account.latest_followers,
                today,
            ),
        )
        for account in found
    ]


def _house_rules(
    posts: list[tuple[str, int | None]],
    last: datetime.datetime | None,
    sums: dict[str, float],
    followers: float | None,
    today: datetime.date,
) -> HouseRules:
    kinds = Counter(kind for kind, _ in posts)
    total = len(posts)
    mix = {
        "infografis": kinds[ContentType.INFOGRAFIS] / total if total else 0.0,
        "video": sum(kinds[k] for k in targets.VIDEO_TYPES) / total if total else 0.0,
        "foto": kinds[ContentType.FOTO] / total if total else 0.0,
    }
    long_videos = sum(
        1
        for kind, duration in posts
        if kind in targets.VIDEO_TYPES and (duration or 0) > targets.video_max_seconds()
    )
    interactions = sums.get("interactions")
    return HouseRules(
        posts=total,
        posts_per_week=total / (targets.WINDOW_DAYS / 7),
        mix=mix,
        long_videos=long_videos,
        days_since_last_post=(today - timezone.localtime(last).date()).days
        if last
        else None,
        engagement_per_reach=(
            interactions / sums["reach"] if interactions and sums.get("reach") else None
        ),
        engagement_per_follower=(
            interactions / followers if interactions and followers else None
        ),
        followers=followers,
    )


def series(
    account: SocialAccount,
    metric: str,
    days: int = 90,
    today: datetime.date | None = None,
) -> list[tuple[datetime.date, float]]:
    today = today or timezone.localdate()
    return list(
        AccountMetricDaily.objects.filter(
            account=account,
            metric_id=metric,
            date__gt=today - datetime.timedelta(days=days),
            date__lte=today,
        )
        .order_by("date")
        .values_list("date", "value")
    )


def sparkline(
    points: list[tuple[Any, float]], width: int = 300, height: int = 60
) -> str:
    """SVG polyline points for a small chart; no JavaScript needed."""
    if len(points) < 2:
        return ""
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(points) - 1)
    return " ".join(
        "{:.1f},{:.1f}".format(i * step, height - (v - low) / span * (height - 4) - 2)
        for i, v in enumerate(values)
    )


def account_for(user: Any, pk: int) -> SocialAccount:
    """The account ``pk`` if ``user`` may see it, with its OPD; else 404."""
    return get_object_or_404(
        perms.social_accounts_visible_to(
            user, SocialAccount.objects.select_related("opd")
        ),
        pk=pk,
    )


def posts_for(account: SocialAccount) -> Any:
    return Post.objects.filter(account=account).prefetch_related("topics")


def post_figures(
    post: Post, metrics: tuple[str, ...]
) -> tuple[datetime.date | None, dict[str, float]]:
    """The post's latest snapshot day among ``metrics``, and their values then."""
    snapshots = PostMetricSnapshot.objects.filter(post=post, metric_id__in=metrics)
    day = snapshots.aggregate(day=Max("date"))["day"]
    if day is None:
        return None, {}
    return day, dict(snapshots.filter(date=day).values_list("metric_id", "value"))


def latest_metrics(post_ids: list[int]) -> dict[int, dict[str, float]]:
    """Each post's values on its latest snapshot day, in one query."""
    latest_day = (
        PostMetricSnapshot.objects.filter(post=OuterRef("post"))
        .order_by("-date")
        .values("date")[:1]
    )
    rows = PostMetricSnapshot.objects.filter(
        post_id__in=post_ids, date=Subquery(latest_day)
    ).values_list("post_id", "metric_id", "value")
    found: dict[int, dict[str, float]] = {}
    for post_id, metric, value in rows:
        found.setdefault(post_id, {})[metric] = value
    return found
