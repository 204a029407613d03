"""The portal's own 404 page while DEBUG is on (the demo, `make run`).

With DEBUG on, Django answers every 404 with its English debug page, and
handler404 is never called. Unless DEBUG_TECHNICAL_404 asks for that page,
this middleware gives the visitor the page a deployment shows: a path that
resolves to nothing, and an Http404 raised by a view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from config import views


def _active() -> bool:
    return settings.DEBUG and not settings.DEBUG_TECHNICAL_404


class PortalNotFoundMiddleware:
    """Serve templates/404.html (or the API's JSON) for 404s under DEBUG."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _active():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return views.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if _active() and isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        return None
