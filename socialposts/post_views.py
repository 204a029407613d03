"""Staff pages that enter and classify posts one at a time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from opds import permissions as perms
from socialposts import services
from socialposts.forms import PostForm
from socialposts.models import Post, SocialAccount


@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a post of an account whose posts no API supplies."""
    account = get_object_or_404(
        perms.social_accounts_visible_to(
            request.user, SocialAccount.objects.select_related("opd")
        ),
        pk=pk,
    )
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
