"""Pages of an HTML list, and the query string its page links keep."""

from __future__ import annotations

import html
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

PAGE_SIZE = 20


def page(
    request: HttpRequest,
    object_list: Any,
    *,
    per_page: int = PAGE_SIZE,
    paginator_class: type[Paginator] = Paginator,
) -> Page:
    """The page ``?page=`` asks for; a wrong or missing number gives the
    first page, one past the end the last."""
    return paginator_class(object_list, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page``, for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_links(page: Page, on_each_side: int = 2) -> list[int | str]:
    """The page numbers a list offers, with the paginator's ellipsis where
    some are left out: 1 2 3 4 5 … 10."""
    if not page.has_other_pages():
        return []
    return list(
        page.paginator.get_elided_page_range(
            page.number, on_each_side=on_each_side, on_ends=1
        )
    )


def pagination(page: Page, links: list[int | str], query: str) -> SafeString:
    """The numbered page links (``links`` from :func:`page_links`), as HTML.

    Made here rather than in a template loop: each link's condition, URL
    and "Page n" label cost the template engine about 60 µs, a tenth of a
    search page's template. ``query`` is the query string without ``page``.
    """
    if not links:
        return SafeString("")
    start = "?{}&amp;".format(html.escape(query)) if query else "?"
    parts = [PAGINATION_START.format(html.escape(gettext("Pages")))]
    if page.has_previous():
        parts.append(
            PAGE_PREVIOUS.format(
                start,
                _number(page.previous_page_number()),
                html.escape(gettext("Previous")),
            )
        )
    parts.append("\n  ")
    label = gettext("Page %(number)s")
    for number in links:
        parts.append("\n  ")
        if number == page.paginator.ELLIPSIS:
            parts.append(PAGE_ELLIPSIS)
        elif number == page.number:
            parts.append(PAGE_CURRENT.format(_number(number)))
        else:
            text = _number(number)
            # As {% blocktranslate %} does: the number escaped, not the text.
            parts.append(PAGE_LINK.format(start, text, label % {"number": text}, text))
        parts.append("\n  ")
    parts.append("\n  ")
    if page.has_next():
        parts.append(
            PAGE_NEXT.format(
                start, _number(page.next_page_number()), html.escape(gettext("Next"))
            )
        )
    parts.append("\n</ul></nav>\n")
    return mark_safe("".join(parts))  # nosec B308 B703 # every value escaped


def _number(number: int | str) -> str:
    """A page number as the template printed it."""
    if isinstance(number, int) and not settings.USE_THOUSAND_SEPARATOR:
        return str(number)
    return html.escape(str(localize(number)))


# The markup of the page links; the spaces are those of the template they
# came from (includes/pagination.html prints them).
PAGINATION_START = (
    '\n<nav aria-label="{}"><ul class="pagination pagination-sm flex-wrap">\n  '
)
PAGE_PREVIOUS = (
    '<li class="page-item"><a class="page-link" href="{}page={}" rel="prev">{}</a></li>'
)
PAGE_NEXT = (
    '<li class="page-item"><a class="page-link" href="{}page={}" rel="next">{}</a></li>'
)
PAGE_ELLIPSIS = (
    '<li class="page-item disabled"><span class="page-link">…</span></li>\n  '
)
PAGE_CURRENT = (
    '<li class="page-item active" aria-current="page">'
    '<span class="page-link">{}</span></li>\n  '
)
PAGE_LINK = (
    '<li class="page-item"><a class="page-link" href="{}page={}"'
    ' aria-label="{}">{}</a></li>'
)
