"""Template context of the staff pages that reads the apps (the roof's
part; ``opds.context_processors`` stays on the ground floor)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from config import queues
from opds.permissions import can_edit_yearly_report, is_staff_user


def work_counts(request: HttpRequest) -> dict[str, Any]:
    """The staff navbar's badges, counted only when a page shows them, and
    which of its links the user's role uses."""
    user = request.user
    if not is_staff_user(user):
        return {}
    return {
        "work_counts": SimpleLazyObject(lambda: queues.nav_counts_for(request)),
        "nav_yearly_report": can_edit_yearly_report(user),
    }
