"""Caching of what every visitor sees alike: public catalogue pages and API
answers, invalidated per object.

Each thing a public page shows has a version counter in the cache
(``core/versions.py``):

``item:<pk>``
    the item, its files, its exclusion decision and its change log;
``opd:<pk>``
    one OPD's row (its name, contacts);
``opd-items:<pk>`` and ``category-items:<code>``
    who is listed and where: bumped when an item joins or leaves that OPD's
    or category's published items (published, withdrawn, excluded, opened,
    moved to another category) or a published one changes a facet value
    (sub-type, year, form) or its exclusion decision;
``opd-texts:<pk>`` and ``category-texts:<code>``
    the text of a published item there changed (title, summary, files): a
    search filtered by that OPD or category may find it now, and pages
    showing every item of it (the OPD's DIP, its export, the DIK) change;
``opds``
    the registry as lists show it (names, slugs, which OPDs exist);
``public-items``
    any change to a published item, anywhere (the regency's DIP export and
    the facet counts of browsing);
``items``
    any change to any item, drafts included (the cached list counts, which
    staff lists use too);
``all``
    everything (sub-types, reindexing, bulk loads): every answer depends on it.

The services bump what they change once their transaction commits
(``item_changed``, ``opd_changed``), so a rollback bumps nothing. A cached
answer stores the versions of what it depends on and is served only while
they all still hold. A process remembers what each answer it stored or
served depends on, so a repeated hit fetches the answer and its versions in
one round trip (a first one takes two).
A view declares what it shows with ``depends_on`` (the items of its page,
its OPD) and what it lists with ``lists`` (the OPD and category it is
filtered by, and whether it searches their text). An edit of item A's text
thus makes stale A's page, every cached page that shows A, and the searches
and full lists of A's OPD and category, and nothing else.

New members: a page listing one OPD's or one category's items depends on
who is listed there, so an item published in OPD X shows at once in X's
lists. A list filtered by neither (the plain catalogue, a search across all
OPDs) cannot know which new item would enter it without running again, and
is kept for at most ``PPID_CACHE_NEW_MEMBERS_SECONDS`` (60 s by default).
What leaves the catalogue (withdrawn, excluded, deleted) bumps its own
version, so no cached page that shows it is served again. Anything else
(an exclusion lapsing with the date, the nightly vocabulary) shows within
``PAGE_SECONDS``, how long any answer is kept.

An answer made while a change committed may hold rows read before the
commit with versions read after it; the sequence counter, read before and
after making it, catches that, and such an answer is served but not stored.

Values cached for use inside a page (a list's count, the facets of
browsing) take a key from ``versioned_key`` on a coarse scope (``items``,
``public-items``, ``opds``): they are counted again after such a change, and
a page that shows them goes stale by its own dependencies.

Cached responses carry ``X-Cache: hit`` or ``X-Cache: miss``; responses
that bypass the cache (staff, a session or message cookie, not a GET)
carry no ``X-Cache`` header, nor does a page whose view raised a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from core import versions
from opds import services as opds_services

PAGE_SECONDS = 300
# The shape of a stored answer: (versions it depends on, answer).
ENTRY_FORMAT = 2
# Where the request keeps what its answer depends on while it is made.
_DEPS_ATTRIBUTE = "_visitor_cache_dependencies"
PUBLISHED = "published"
# Changes (as the change log names them) that move an item in or out of a
# list or change its facet values, beyond its text.
MEMBERSHIP_CHANGES = {"status", "category", "subtype", "year", "format"}


def new_members_seconds() -> int:
    """How long a list filtered by neither OPD nor category may miss a new item."""
    return min(settings.PPID_CACHE_NEW_MEMBERS_SECONDS, PAGE_SECONDS)


# --- What changed ------------------------------------------------------------------


def item_changed(
    item: Any,
    changes: Mapping[str, list[str]] | None = None,
    *,
    listed: bool | None = None,
    opd_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
) -> None:
    """An item, its files or its decision changed: bump it, and who is
    listed where it is (or was) published.

    ``changes`` is what the change log records (``{"status": [before,
    after]}``); ``listed`` forces (or spares) the list scopes; ``opd_ids``
    and ``categories`` add where the item was before (the admin may move it).
    """
    forced = listed is True
    changes = changes or {}
    if listed is None:
        listed = item.status == PUBLISHED or PUBLISHED in changes.get("status", [])
    names = ["item:{}".format(item.pk), "items"]
    if listed:
        names.append("public-items")
        # A new title or file text may make a search find it; a new status,
        # category, facet value or decision moves it in or out of lists.
        moved = forced or any(
            name in MEMBERSHIP_CHANGES or name.startswith("exclusion.")
            for name in changes
        )
        kinds = ("texts", "items") if moved else ("texts",)
        for opd_id in {item.opd_id, *opd_ids}:
            if opd_id:
                names += ["opd-{}:{}".format(kind, opd_id) for kind in kinds]
        for category in {item.category, *changes.get("category", []), *categories}:
            if category:
                names += ["category-{}:{}".format(kind, category) for kind in kinds]
    versions.bump(*names)


# An OPD's row changed; ``registry`` when lists show the change too (name,
# short name, slug, kind, validity), not for contacts only.
opd_changed = opds_services.opd_changed


def everything_changed() -> None:
    """Make every cached answer stale: after a bulk load, a reindex, or a
    change that every page may show (the sub-types)."""
    versions.bump("all", "items", "public-items", "opds")


def bump_catalogue_version() -> None:
    """The catalogue changed in bulk (kept for scripts written before the
    per-object versions): every cached answer goes stale on commit."""
    everything_changed()


# --- What an answer depends on ------------------------------------------------------


@dataclass
class Dependencies:
    """What one answer is made of, collected while the view runs."""

    names: set[str] = field(default_factory=lambda: {"all"})
    seconds: int = PAGE_SECONDS


def _collected(request: Any) -> Dependencies | None:
    # A DRF Request hands unknown attributes to the Django request it wraps.
    return getattr(request, _DEPS_ATTRIBUTE, None)


def depends_on(
    request: Any,
    *,
    items: Iterable[Any] = (),
    item_ids: Iterable[int] = (),
    opds: Iterable[Any] = (),
    scopes: Iterable[str] = (),
) -> None:
    """Declare what the page shows: its items (each with its OPD), items by
    id, OPDs (objects or ids), and scopes such as ``opds`` or
    ``public-items``. Does nothing when the answer is not being cached."""
    deps = _collected(request)
    if deps is None:
        return
    deps.names.update("item:{}".format(pk) for pk in item_ids)
    for item in items:
        deps.names.add("item:{}".format(item.pk))
        if getattr(item, "opd_id", None):
            deps.names.add("opd:{}".format(item.opd_id))
    for opd in opds:
        deps.names.add("opd:{}".format(getattr(opd, "pk", opd)))
    deps.names.update(scopes)


def lists(
    request: Any,
    *,
    opd: Any = None,
    category: str | None = None,
    texts: bool = False,
) -> None:
    """Declare that the page lists published items of ``opd`` and/or
    ``category``; with ``texts`` it also searches or shows every one of
    them, so any new text there counts too. With neither OPD nor category
    it lists the whole catalogue and is kept only ``new_members_seconds()``,
    since any new item may belong in it."""
    deps = _collected(request)
    if deps is None:
        return
    kinds = ("items", "texts") if texts else ("items",)
    if opd:
        deps.names.update(
            "opd-{}:{}".format(kind, getattr(opd, "pk", opd)) for kind in kinds
        )
    if category:
        deps.names.update("category-{}:{}".format(kind, category) for kind in kinds)
    if not opd and not category:
        deps.seconds = min(deps.seconds, new_members_seconds())


def lists_filtered(request: Any, filterset: Any) -> None:
    """``lists`` for a catalogue FilterSet: by the OPD and category it
    applied, and by the words searched for."""
    data = getattr(filterset.form, "cleaned_data", None) or {}
    lists(
        request,
        opd=data.get("opd"),
        category=data.get("category") or None,
        texts=bool((data.get("q") or "").strip()),
    )


def versioned_key(prefix: str, text: str, scopes: Iterable[str] = ("items",)) -> str:
    """A cache key for a value computed from the catalogue, which changes
    whenever one of ``scopes`` (``items``: any item; ``public-items``: a
    published one; ``opds``: the registry) or ``all`` moves."""
    names = ["all", *scopes]
    found = versions.read_or_start(names)
    stamp = ".".join(str(found[name]) for name in names)
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return "ppid:{}:{}:{}".format(prefix, stamp, digest)


# --- Storing and serving answers -------------------------------------------------------


def _visitor_key(kind: str, vary: str, request: HttpRequest) -> str:
    # The host is part of the key: exports, feeds and the API hold absolute
    # links.
    text = "{}|{}|{}".format(vary, request.get_host(), request.get_full_path())
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    # ENTRY_FORMAT: entries of another shape (an older release's) are never read.
    return "ppid:{}.{}:{}".format(kind, ENTRY_FORMAT, digest)


# What each answer depended on when this process last stored or served it,
# so that a hit usually takes one round trip: the answer and its versions
# together. Bounded; forgetting only costs a second round trip.
_KNOWN_DEPENDENCIES: dict[str, tuple[str, ...]] = {}
KNOWN_DEPENDENCIES_MAX = 2000


def _remember(key: str, names: Iterable[str]) -> None:
    if len(_KNOWN_DEPENDENCIES) >= KNOWN_DEPENDENCIES_MAX:
        _KNOWN_DEPENDENCIES.clear()
    _KNOWN_DEPENDENCIES[key] = tuple(names)


def _lookup(key: str) -> tuple[Any, int | None]:
    """What ``key`` holds if every version it stored still holds (else
    None), and the sequence counter read before the answer is made."""
    known = _KNOWN_DEPENDENCIES.get(key, ())
    found = cache.get_many(
        [key, versions.SEQUENCE, *(versions.key(name) for name in known)]
    )
    sequence = found.get(versions.SEQUENCE)
    entry = found.get(key)
    if entry is None:
        return None, sequence
    stored, payload = entry
    if all(name in known for name in stored):
        current = {name: found.get(versions.key(name)) for name in stored}
    else:
        current = versions.read(stored)
        sequence = current.pop("")
        _remember(key, stored)
    if all(current[name] == value for name, value in stored.items()):
        return payload, sequence
    return None, sequence


def _making(request: HttpRequest) -> Dependencies:
    deps = Dependencies()
    setattr(request, _DEPS_ATTRIBUTE, deps)
    return deps


def _store(key: str, request: HttpRequest, sequence: int | None, payload: Any) -> None:
    deps: Dependencies = getattr(request, _DEPS_ATTRIBUTE)
    delattr(request, _DEPS_ATTRIBUTE)
    current = versions.read_or_start(deps.names)
    if current.pop("") != sequence:
        # Something committed while the answer was made: its rows may be
        # older than the versions just read.
        return
    cache.set(key, (current, payload), deps.seconds)
    _remember(key, current)


def _is_personal(request: HttpRequest) -> bool:
    # A visitor with a session or a pending message would see it on the
    # page; such a page is neither served from nor put in the cache.
    return request.user.is_authenticated or any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, settings.MESSAGE_COOKIE_NAME)
    )


def cached_for_visitors(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs of a public page from the cache.

    Staff see drafts, actions and their own name, so they always get a fresh
    page; visitors all get the same one.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or _is_personal(request):
            return view(request, *args, **kwargs)
        key = _visitor_key("page", request.headers.get("HX-Request", ""), request)
        page, sequence = _lookup(key)
        if page is not None:
            # A copy unpickled for this request: the header stays on it.
            page["X-Cache"] = "hit"
            return page
        _making(request)
        response = view(request, *args, **kwargs)
        # Nothing personal may be stored: no cookies, no CSRF token.
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "CSRF_COOKIE" not in request.META
        ):
            _store(key, request, sequence, response)
        response["X-Cache"] = "miss"
        return response

    return wrapped


class VisitorCacheMixin:
    """Serve anonymous reads of a public API viewset from the cache, as
    ``cached_for_visitors`` does for pages; the answer is stored rendered,
    so a hit costs no authentication, filtering or serialising. A list
    depends on the items of its page (and ``lists_filtered`` in the filter
    backend), a retrieve on its item."""

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
        answer, sequence = _lookup(key)
        if answer is not None:
            response = self._cached_answer(*answer)
            response["X-Cache"] = "hit"
            return response
        _making(request)
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if response.status_code == 200 and not response.cookies:
            response.render()
            _store(
                key,
                request,
                sequence,
                (response.content, response["Content-Type"]),
            )
        response["X-Cache"] = "miss"
        return response

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        depends_on(self.request, items=page or ())  # type: ignore[attr-defined]
        return page

    def get_object(self) -> Any:
        item = super().get_object()  # type: ignore[misc]
        depends_on(self.request, items=[item])  # type: ignore[attr-defined]
        return item

    def _cached_answer(self, content: bytes, content_type: str) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        # What DRF's answer would have carried.
        response["Vary"] = "Accept, Cookie"
        response["Allow"] = ", ".join(self.allowed_methods)  # type: ignore[attr-defined]
        return response
