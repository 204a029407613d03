"""The public menu: which of its entries the page being shown belongs to;
and the layout's parts that are the same for every page and visitor."""

from __future__ import annotations

from weakref import WeakSet

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
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


def _once_key() -> tuple[str, str, str | None]:
    return (get_language(), get_script_prefix(), get_urlconf())


class OnceNode(template.Node):
    """What ``{% once %}`` encloses, rendered once per language, script
    prefix and URLconf (see :func:`once`)."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str, str, str | None], SafeString] = {}
        _once_nodes.add(self)

    def render(self, context: Context) -> SafeString:
        if settings.DEBUG:
            return self.nodelist.render(context)
        key = _once_key()
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = self.nodelist.render(context)
        return text


# Every {% once %} of the loaded templates, to forget what they rendered.
_once_nodes: WeakSet[OnceNode] = WeakSet()


@register.tag
def once(parser: Parser, token: Token) -> OnceNode:
    """``{% once %}…{% endonce %}``: a part of the layout that is the same
    for every page and visitor (links to static files, fixed URLs, their
    translated labels), rendered once per language, script prefix and
    URLconf in each process, as the public menu is.

    What it encloses must depend on nothing else: no variable of the page,
    the visitor or the request, no block a page fills. With DEBUG on it is
    rendered every time, so an edited template shows at once.
    """
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% once %} takes no arguments.")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)


@receiver(setting_changed)
def _forget_menus(*, setting: str, **kwargs: object) -> None:
    # override_settings(ROOT_URLCONF=…) leaves get_urlconf() None.
    if setting in {
        "ROOT_URLCONF",
        "TEMPLATES",
        "LANGUAGE_CODE",
        "LANGUAGES",
        "STATIC_URL",
        "STORAGES",
    }:
        _menus.clear()
        for node in list(_once_nodes):
            node.rendered.clear()
