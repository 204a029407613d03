"""The public menu: which of its entries the page being shown belongs to."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

MENU_TEMPLATE = "includes/public_menu.html"
# Rendered menus by (entry, language, script prefix, URLconf): a handful.
_menus: dict[tuple[str, str, str, str | None], SafeString] = {}

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


@register.simple_tag
def public_menu(entry: str) -> SafeString:
    """The public menu's entries with ``entry`` marked.

    Thirty links and their labels are the same for every visitor of a
    section, yet reversing and translating them cost more than the rest of
    the layout: each process renders them once per entry, language and
    script prefix, and forgets them when a test changes the URLconf,
    templates or languages. With DEBUG on, every time, so an edited
    template shows at once.
    """
    key = (entry, get_language(), get_script_prefix(), get_urlconf())
    menu = None if settings.DEBUG else _menus.get(key)
    if menu is None:
        menu = render_to_string(MENU_TEMPLATE, {"menu_entry": entry})
        _menus[key] = menu
    return menu


@receiver(setting_changed)
def _forget_menus(*, setting: str, **kwargs: object) -> None:
    # override_settings(ROOT_URLCONF=…) leaves get_urlconf() None.
    if setting in {"ROOT_URLCONF", "TEMPLATES", "LANGUAGE_CODE", "LANGUAGES"}:
        _menus.clear()
