"""Permission questions the account page asks; the rules are in
opds.permissions."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

from opds import permissions as perms
from socialposts.accounts.charts import number

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


@register.filter
def can_view_social_overview(user: Any) -> bool:
    return perms.can_view_social_overview(user)


@register.filter
def figure(value: Any) -> str:
    """A figure with Indonesian grouping (12.345), or a dash when unknown."""
    if value is None or value == "":
        return "–"
    return number(float(value))


@register.filter
def percent(value: Any) -> str:
    """A share (0.123) as a percentage with a decimal comma (12,3%)."""
    if value is None or value == "":
        return "–"
    return "{}%".format(
        formats.number_format(float(value) * 100, 1, use_l10n=True, force_grouping=True)
    )


@register.filter
def signed(value: Any) -> str:
    """A change with its sign (+120, −35), or a dash when unknown."""
    if value is None or value == "":
        return "–"
    value = float(value)
    return "{}{}".format(
        "+" if value > 0 else "−" if value < 0 else "", number(abs(value))
    )
