"""Hiding a public comment that exposes personal data, from the case page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspirations.inbox import selectors
from aspirations.replies import services
from opds import permissions as perms


@require_POST
@perms.staff_required
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide the case's comment on the platform; the case page says how it went."""
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    try:
        services.hide_comment(case=case, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        for text in exc.message_dict.get("hide", exc.messages):
            messages.error(request, text)
    else:
        messages.success(request, _("The comment is hidden on the platform."))
    return redirect("aspirations:case", pk=case.pk)
