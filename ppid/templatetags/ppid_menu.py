"""The public menu: which of its entries the page being shown belongs to."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()

# View name -> the menu entry it sits under (templates/base.html).
SECTIONS = {
    "ppid:catalogue": "information",
    "ppid:public-information": "information",
    "ppid:exclusions": "information",
    "ppid:item-detail": "information",
    "ppid:opd-dip": "information",
    "opds:opd-list": "information",
    "opds:opd-detail": "information",
    "ppid:request-guide": "requests",
    "ppid:request-form": "requests",
    "ppid:request-sent": "requests",
    "ppid:request-track": "requests",
    "ppid:request-status": "requests",
    "ppid:objection-form": "requests",
    "ppid:objection-sent": "requests",
    "ppid:objection-status": "requests",
    "aspirations:submit": "aspirations",
    "aspirations:submitted": "aspirations",
    "aspirations:track": "aspirations",
    "aspirations:track-case": "aspirations",
    "ppid:statistics": "statistics",
    "aspirations:stats": "statistics",
    "evaluations:public": "readiness",
    "evaluations:public-month": "readiness",
    "ppid:profile": "profile",
    "ppid:profile-structure": "profile",
    "ppid:profile-notice": "profile",
    "ppid:profile-procedures": "profile",
}


@register.simple_tag
def menu_section(request: HttpRequest) -> str:
    """The public menu entry of the current page, or "" (error pages too)."""
    match = getattr(request, "resolver_match", None)
    return SECTIONS.get(match.view_name, "") if match else ""
