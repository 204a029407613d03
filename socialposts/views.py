"""Staff pages of the social-media accounts: health, house rules, charts
and posts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from opds import permissions as perms
from socialposts import selectors
from socialposts.api import latest_metrics
from socialposts.filters import PostFilterSet, SocialAccountFilterSet
from socialposts.models import SocialAccount


def _require_staff(request: HttpRequest) -> None:
    if not perms.is_staff_user(request.user):
        raise PermissionDenied


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    """Every account the user may see, with token health and freshness."""
    _require_staff(request)
    filterset = SocialAccountFilterSet(
        request.GET,
        queryset=perms.social_accounts_visible_to(
            request.user, SocialAccount.objects.select_related("opd")
        ).order_by("opd__name", "platform", "handle"),
    )
    return render(
        request,
        "socialposts/accounts.html",
        {"filterset": filterset, "accounts": filterset.qs},
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """House rules, charts and posts of one account."""
    _require_staff(request)
    account = get_object_or_404(
        perms.social_accounts_visible_to(
            request.user, SocialAccount.objects.select_related("opd")
        ),
        pk=pk,
    )
    filterset = PostFilterSet(request.GET, queryset=selectors.posts_for(account))
    from ppid.views import _page, _query_without_page

    page = _page(request, filterset.qs)
    latest = latest_metrics([post.pk for post in page.object_list])
    for post in page.object_list:
        post.latest = latest.get(post.pk, {})
    charts = []
    for metric, label in (
        ("followers", "Pengikut"),
        ("reach", "Jangkauan"),
        ("interactions", "Interaksi"),
    ):
        points = selectors.series(account, metric)
        charts.append(
            {
                "label": label,
                "points": selectors.sparkline(points),
                "last": points[-1][1] if points else None,
                "days": len(points),
            }
        )
    return render(
        request,
        "socialposts/account_detail.html",
        {
            "account": account,
            "rules": selectors.house_rules(account),
            "charts": charts,
            "filterset": filterset,
            "page": page,
            "query": _query_without_page(request),
            "video_max": settings.SOCIAL_VIDEO_MAX_SECONDS,
        },
    )
