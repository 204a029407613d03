"""Caching of what every visitor sees alike: public catalogue pages.

A version number in the cache is bumped after every change to the catalogue;
it is part of each key, so one change makes every cached page stale at once
instead of tracking which pages an item appears on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "ppid:catalogue-version"
PAGE_SECONDS = 300


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_catalogue_version() -> None:
    """Make every cached catalogue page stale, once the change is committed."""

    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def versioned_key(prefix: str, text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return "ppid:{}:{}:{}".format(prefix, catalogue_version(), digest)


def _visitor_key(kind: str, vary: str, request: HttpRequest) -> str:
    # The host is part of the key: exports, feeds and the API hold absolute
    # links.
    text = "{}|{}|{}".format(vary, request.get_host(), request.get_full_path())
    return "ppid:{}:{}".format(kind, hashlib.sha256(text.encode()).hexdigest()[:32])


def _visitor_entry(key: str) -> tuple[int, Any]:
    """The catalogue version and what ``key`` holds for it (None if stale)."""
    # One round trip for both: an answer is stored with the catalogue
    # version it was made under, and served only while that holds.
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or catalogue_version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry[1]
    return version, None


def cached_for_visitors(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs of a public page from the cache.

    Staff see drafts, actions and their own name, so they always get a fresh
    page; visitors all get the same one.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        personal = request.user.is_authenticated or any(
            name in request.COOKIES
            for name in (settings.SESSION_COOKIE_NAME, settings.MESSAGE_COOKIE_NAME)
        )
        # A visitor with a session or a pending message would see it on the
        # page; such a page is neither served from nor put in the cache.
        if request.method != "GET" or personal:
            return view(request, *args, **kwargs)
        key = _visitor_key("page", request.headers.get("HX-Request", ""), request)
        version, page = _visitor_entry(key)
        if page is not None:
            return page
        response = view(request, *args, **kwargs)
        # Nothing personal may be stored: no cookies, no CSRF token.
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "CSRF_COOKIE" not in request.META
        ):
            cache.set(key, (version, response), PAGE_SECONDS)
        return response

    return wrapped


class VisitorCacheMixin:
    """Serve anonymous reads of a public API viewset from the cache, as
    ``cached_for_visitors`` does for pages; the answer is stored rendered,
    so a hit costs no authentication, filtering or serialising."""

    cached_actions: tuple[str, ...] = ("list", "retrieve")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        action = getattr(self, "action_map", {}).get(request.method.lower())
        personal = (
            "Authorization" in request.headers
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if request.method != "GET" or personal or action not in self.cached_actions:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        # The Accept header picks the renderer (JSON, or the browsable API
        # with DEBUG on).
        key = _visitor_key("api", request.headers.get("Accept", ""), request)
        version, answer = _visitor_entry(key)
        if answer is not None:
            return self._cached_answer(*answer)
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if response.status_code == 200 and not response.cookies:
            response.render()
            cache.set(
                key,
                (version, (response.content, response["Content-Type"])),
                PAGE_SECONDS,
            )
        return response

    def _cached_answer(self, content: bytes, content_type: str) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        # What DRF's answer would have carried.
        response["Vary"] = "Accept, Cookie"
        response["Allow"] = ", ".join(self.allowed_methods)  # type: ignore[attr-defined]
        return response
