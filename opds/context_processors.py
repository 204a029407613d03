"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from opds.permissions import is_staff_user


def roles(request: HttpRequest) -> dict[str, Any]:
    """Whether to show the staff navigation."""
    return {"is_staff_user": is_staff_user(request.user)}
