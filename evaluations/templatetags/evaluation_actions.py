"""The evaluation's "Do it here" links, shown only to whoever may do the work."""

from __future__ import annotations

from typing import Any

from django import template

from opds import permissions as perms

register = template.Library()


@register.simple_tag(takes_context=True)
def action_link(context: template.Context, item: Any, opd: Any) -> str:
    """The item's action path if the page's user may act there for ``opd``,
    else an empty string (the template then shows no link)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(item, "action_url", "")
    if user is None or not perms.can_do_evaluation_action(user, opd, path):
        return ""
    return path
