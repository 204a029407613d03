"""Permission questions the account page asks; the rules are in
opds.permissions."""

from __future__ import annotations

from typing import Any

from django import template

from opds import permissions as perms

register = template.Library()


@register.filter
def can_add_social_post(user: Any, account: Any) -> bool:
    return perms.can_add_social_post(user, account)


@register.filter
def can_edit_social_posts(user: Any, account: Any) -> bool:
    return perms.can_edit_social_posts(user, account)


@register.filter
def can_connect_social_account(user: Any, account: Any) -> bool:
    return perms.can_connect_social_account(user, account)
