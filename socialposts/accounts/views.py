"""Staff pages of the social-media accounts: health, house rules, charts
and posts."""

from __future__ import annotations

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
from socialposts.accounts.filters import PostFilterSet, SocialAccountFilterSet
from socialposts.accounts.forms import ExportForm, ImportForm, MonthForm, PostForm
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


@perms.staff_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """House rules, charts and posts of one account."""
    account = selectors.account_for(request.user, pk)
    filterset = PostFilterSet(request.GET, queryset=selectors.posts_for(account))
    page = paging.page(request, filterset.qs)
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
                "breaks": selectors.series_breaks(account, metric, points),
            }
        )
    return render(
        request,
        "socialposts/account_detail.html",
        {
            "account": account,
            "rules": selectors.house_rules(account),
            "charts": charts,
            "final_through": selectors.final_through(account.platform),
            "filterset": filterset,
            "page": page,
            "query": paging.query_without_page(request),
            "video_max": targets.video_max_seconds(),
            "can_import": perms.can_manage_opd_data(request.user, account.opd),
            "import_form": ImportForm(),
            "import_jobs": account.import_jobs.all()[:5],
        },
    )


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
