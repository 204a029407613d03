"""Staff pages of the social-media accounts: health, house rules, charts
and posts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from core import paging
from opds import permissions as perms
from socialposts import targets
from socialposts.accounts import exports, selectors, services
from socialposts.accounts.charts import bar_chart, line_chart
from socialposts.accounts.filters import PostFilterSet, SocialAccountFilterSet
from socialposts.accounts.forms import (
    ExportForm,
    ImportForm,
    MonthForm,
    OverviewForm,
    PeriodForm,
    PostForm,
)
from socialposts.accounts.labels import METRIC_LABELS, metric_label, ordered_figures
from socialposts.accounts.models import Post, SocialAccount
from socialposts.accounts.selectors import latest_metrics


@perms.staff_required
def accounts(request: HttpRequest) -> HttpResponse:
    """Every account the user may see, with token health and freshness."""
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


# The account page's charts: metric, and whether its axis starts at zero
# (a running total such as followers would be a flat line from zero).
ACCOUNT_CHARTS = (("followers", False), ("reach", True), ("interactions", True))


def _kept(request: HttpRequest, own: tuple[str, ...]) -> list[tuple[str, str]]:
    """The query's other parameters, for a form's hidden fields: each of the
    page's forms keeps what the others asked for (except the page number)."""
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in own and name != "page"
        for value in values
    ]


@perms.staff_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """House rules, charts over a period and posts of one account."""
    account = selectors.account_for(request.user, pk)
    period_form = PeriodForm(request.GET or None)
    start, end = period_form.period()
    filterset = PostFilterSet(request.GET, queryset=selectors.posts_for(account))
    page = paging.page(request, filterset.qs)
    latest = latest_metrics([post.pk for post in page.object_list])
    for post in page.object_list:
        post.figures = ordered_figures(latest.get(post.pk, {}))
    charts = []
    for metric, from_zero in ACCOUNT_CHARTS:
        points = selectors.series_between(account, metric, start, end)
        charts.append(
            {
                "label": metric_label(metric),
                "chart": line_chart(
                    metric_label(metric),
                    points,
                    start,
                    end,
                    from_zero=from_zero,
                    breaks=selectors.series_breaks(account, metric, points),
                ),
            }
        )
    period_names = tuple(period_form.fields)
    return render(
        request,
        "socialposts/account_detail.html",
        {
            "account": account,
            "rules": selectors.house_rules(account),
            "charts": charts,
            "period_form": period_form,
            "start": start,
            "end": end,
            "keep_for_period": _kept(request, period_names),
            "keep_for_posts": [
                (name, value)
                for name, value in _kept(request, tuple(filterset.form.fields))
                if name in period_names
            ],
            "final_through": selectors.final_through(account.platform),
            "filterset": filterset,
            "page": page,
            "query": paging.query_without_page(request),
            "video_max": targets.video_max_seconds(),
            "can_import": perms.can_manage_opd_data(request.user, account.opd),
            "import_form": ImportForm(),
            "import_jobs": account.import_jobs.all()[:5],
        },
        status=400 if period_form.is_bound and period_form.errors else 200,
    )


@perms.staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every OPD's social media over a period, for Dinkominfo and PPID
    Utama: totals, the comparison of the OPDs, the top posts and the split
    by platform."""
    if not perms.can_view_social_overview(request.user):
        raise PermissionDenied
    form = OverviewForm(request.GET or None)
    start, end = form.period()
    sort = form.ordering()
    found = selectors.social_overview(start, end)
    rows = selectors.sort_opd_figures(found.opds, sort)
    column = sort.lstrip("-")
    bar_metric = column if column in BAR_METRICS else "interactions"
    bar_rows = sorted(
        (row for row in found.opds if (getattr(row.figures, bar_metric) or 0) > 0),
        key=lambda row: -getattr(row.figures, bar_metric),
    )[:BAR_OPDS]
    query = {"start": start.isoformat(), "end": end.isoformat()}
    return render(
        request,
        "socialposts/overview.html",
        {
            "form": form,
            "found": found,
            "rows": rows,
            "sort": sort,
            "sort_links": {
                name: "?" + urlencode({**query, "sort": _flip(sort, name)})
                for name in selectors.OVERVIEW_SORTS
            },
            "opd_chart": bar_chart(
                BAR_METRICS[bar_metric],
                [
                    (
                        row.opd.short_name or row.opd.name,
                        getattr(row.figures, bar_metric),
                        "",
                    )
                    for row in bar_rows
                ],
            ),
            "bar_metric": BAR_METRICS[bar_metric],
            "bar_opds": len(bar_rows),
            "platform_chart": bar_chart(
                metric_label("interactions"),
                [
                    (label, figures.interactions, "")
                    for label, figures in found.platforms
                ],
            ),
            "daily_charts": [
                line_chart(metric_label(metric), points, start, end)
                for metric, points in found.daily.items()
            ],
            "top_posts": [
                (metric_label(metric), rows) for metric, rows in found.top_posts.items()
            ],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# The comparison's bar chart draws the sorted column if it is a count,
# else interactions; for the first BAR_OPDS OPDs.
BAR_METRICS = {
    "accounts": _("Accounts"),
    "posts": _("Posts"),
    "reach": METRIC_LABELS["reach"],
    "interactions": METRIC_LABELS["interactions"],
    "followers": METRIC_LABELS["followers"],
    "growth": _("Follower growth"),
}
BAR_OPDS = 15


def _flip(sort: str, column: str) -> str:
    """The order a column's header asks for: the other way round when the
    table is already sorted by it, else names A–Z and figures highest first."""
    if sort.lstrip("-") == column:
        return column if sort.startswith("-") else "-" + column
    return column if column == "opd" else "-" + column


@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a post of an account whose posts no API supplies."""
    account = selectors.account_for(request.user, pk)
    if not perms.can_add_social_post(request.user, account):
        raise PermissionDenied
    return _save(request, account, None)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a post entered by hand, or classify a pulled one."""
    post = get_object_or_404(
        perms.social_posts_visible_to(
            request.user, Post.objects.select_related("account__opd")
        ),
        pk=pk,
    )
    if not perms.can_edit_social_posts(request.user, post.account):
        raise PermissionDenied
    return _save(request, post.account, post)


def _save(
    request: HttpRequest, account: SocialAccount, post: Post | None
) -> HttpResponse:
    if request.method == "POST":
        form = PostForm(
            request.POST,
            request.FILES,
            account=account,
            post=post,
            full=perms.can_add_social_post(request.user, account),
        )
        if form.is_valid():
            try:
                services.save_post(
                    account=account,
                    by=request.user,
                    data=form.post_data(),
                    thumbnail=form.cleaned_data.get("thumbnail"),
                    post=post,
                )
            except ValidationError as exc:
                # Put the service's refusal next to the field it names.
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The post was saved."))
                return redirect("socialposts:account-detail", pk=account.pk)
        status = 400
    else:
        form = PostForm(
            account=account,
            post=post,
            full=perms.can_add_social_post(request.user, account),
        )
        status = 200
    return render(
        request,
        "socialposts/post_form.html",
        {"form": form, "account": account, "post": post},
        status=status,
    )


# --- Downloads ------------------------------------------------------------------------


def _send(file: exports.ExportFile) -> HttpResponse:
    response = HttpResponse(file.body, content_type=file.content_type)
    response["Content-Disposition"] = 'attachment; filename="{}"'.format(file.name)
    # Figures change with every pull; none of them is for shared caches.
    response["Cache-Control"] = "private, no-cache"
    return response


def _downloads(
    request: HttpRequest,
    scope: exports.Scope,
    export_form: ExportForm,
    month_form: MonthForm | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "socialposts/exports.html",
        {
            "scope": scope,
            "opd": scope.opd,
            "account": scope.account,
            "export_form": export_form,
            "month_form": month_form,
            "max_days": exports.MAX_RANGE_DAYS,
        },
        status=status,
    )


def _range_download(
    request: HttpRequest, scope: exports.Scope, month_form: MonthForm | None
) -> HttpResponse:
    """The form, or (once it is sent) the file; refused input comes back
    with its errors next to the fields and a 400."""
    if not request.GET:
        return _downloads(request, scope, ExportForm(), month_form)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _downloads(request, scope, form, month_form, status=400)
    data = form.cleaned_data
    return _send(
        exports.range_file(
            scope, data["data"], data["format"], data["start"], data["end"]
        )
    )


@perms.staff_required
def account_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One account's daily metrics or posts over a date range, as CSV or XLSX."""
    account = selectors.account_for(request.user, pk)
    return _range_download(request, exports.Scope.of_account(account), None)


@perms.staff_required
def opd_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Every account of an OPD: a date range as CSV or XLSX, and the monthly
    page (PDF)."""
    opd = selectors.opd_for(request.user, slug)
    return _range_download(request, exports.Scope.of_opd(opd), MonthForm())


@perms.staff_required
def opd_monthly(request: HttpRequest, slug: str) -> HttpResponse:
    """An OPD's month on one A4 page (``?month=YYYY-MM``)."""
    opd = selectors.opd_for(request.user, slug)
    form = MonthForm(request.GET)
    if not form.is_valid():
        return _downloads(
            request, exports.Scope.of_opd(opd), ExportForm(), form, status=400
        )
    return _send(exports.monthly_pdf(opd, form.cleaned_data["month"]))
