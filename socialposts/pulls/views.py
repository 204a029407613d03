"""Connecting an account to its platform: the start of the consent and the
platform's way back (socialposts.pulls.oauth)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opds import permissions as perms
from socialposts.accounts.models import SocialAccount
from socialposts.pulls import oauth, services, tokens
from socialposts.pulls.models import IngestionRun


def _connectable(request: HttpRequest, pk: int) -> SocialAccount:
    account = get_object_or_404(SocialAccount.objects.select_related("opd"), pk=pk)
    if not perms.can_connect_social_account(request.user, account):
        raise PermissionDenied
    return account


def _failed(
    request: HttpRequest, message: str, account: SocialAccount | None = None
) -> HttpResponse:
    return render(
        request,
        "socialposts/connect_failed.html",
        {"message": message, "account": account},
        status=400,
    )


@perms.staff_required
@require_POST
def account_connect(request: HttpRequest, pk: int) -> HttpResponse:
    """Send staff to the platform to grant the portal access to the account."""
    account = _connectable(request, pk)
    try:
        url = oauth.start(request.session, account)
    except oauth.ConnectError as exc:
        return _failed(request, str(exc), account)
    return redirect(url)


@perms.staff_required
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """Where the platform sends staff back, with a code or a refusal."""
    pending = oauth.take_pending(request.session, request.GET.get("state", ""))
    if pending is None:
        return _failed(
            request,
            _(
                "This answer does not belong to a connection started in this "
                "browser, or it was used already or took too long. Nothing "
                "was saved; start the connection again from the account's page."
            ),
        )
    account = _connectable(request, pending["account"])
    error = request.GET.get("error", "")
    if error:
        if error == "access_denied":
            message = _(
                "Access was not granted at the platform, so the account was "
                "not connected. Nothing was saved."
            )
        else:
            message = _(
                "The platform answered with an error (%(error)s). Nothing was "
                "saved; try again."
            ) % {"error": error[:100]}
        return _failed(request, message, account)
    code = request.GET.get("code", "")
    if not code:
        return _failed(
            request, _("The platform sent no code. Nothing was saved."), account
        )
    try:
        grant = oauth.exchange(account, pending["flow"], code, pending["verifier"])
        tokens.connect(account, grant)
    except oauth.ConnectError as exc:
        return _failed(request, str(exc), account)
    # Staff expect figures now, not after the next night.
    services.queue_pull(account, trigger=IngestionRun.Trigger.MANUAL)
    messages.success(
        request,
        _("%(account)s is connected; its figures are being pulled now.")
        % {"account": account},
    )
    return redirect("socialposts:account-detail", pk=account.pk)
