"""Pages of an HTML list, and the query string its page links keep."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

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
