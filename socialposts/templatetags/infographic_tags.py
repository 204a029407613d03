"""Permission questions the item and dashboard pages ask about
infographics; the rules are in opds.permissions."""

from __future__ import annotations

from typing import Any

from django import template

from opds import permissions as perms

register = template.Library()


@register.filter
def can_make_infographic_of(user: Any, item: Any) -> bool:
    """Whether ``user`` may make a card of the PPID item ``item``."""
    return perms.can_make_infographic_from_item(user, item)


@register.filter
def can_make_infographics(user: Any) -> bool:
    """Whether ``user`` may make infographics at all."""
    return perms.can_make_any_infographics(user)
