"""The route inventory (config/routes.py): every route is classified, and
an anonymous visitor gets nothing from a route that is not public."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config import routes

EXAMPLES = {
    "pk": "999999",
    "file_id": "999999",
    "objection_id": "999999",
    "id": "999999",
    "object_id": "999999",
    "content_type_id": "999999",
    "slug": "tidak-ada",
    "step": "tidak-ada",
    "action": "tidak-ada",
    "number": "PPID-PBG-2026-999999",
    "month": "2026-10",
    "year": "2026",
    "fmt": "csv",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (pattern.namespace + ":" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = namespace + pattern.name if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


def _params(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


ALL = list(_walk(get_resolver().url_patterns))


def test_every_route_is_classified():
    missing = [
        (path, name)
        for path, name, _pattern in ALL
        if (name is None and not path.startswith("admin/"))
        or (name is not None and routes.access(name) is None)
    ]
    assert missing == [], "classify these routes in config/routes.py"


def test_the_inventory_names_only_routes_that_exist():
    names = {name for _path, name, _pattern in ALL if name}
    assert set(routes.ROUTES) - names == set()


# A requester's bookmarked page, opened without the tracking code, answers
# the tracking form with its number filled in (and nothing of the request).
ASKS_FOR_THE_CODE = {
    "ppid:request-status",
    "ppid:objection-status",
    "aspirations:track-case",
}


def _anonymous_targets():
    seen = set()
    for _path, name, pattern in ALL:
        kind = routes.access(name) if name else None
        params = _params(pattern)
        if kind in (None, routes.PUBLIC, routes.ADMIN) or "format" in params:
            continue
        if name in seen:
            continue
        seen.add(name)
        yield name, {p: EXAMPLES[p] for p in params}


@pytest.mark.django_db
@pytest.mark.parametrize("name,kwargs", list(_anonymous_targets()))
def test_an_anonymous_visitor_gets_nothing_from_a_route_that_is_not_public(
    client, name, kwargs
):
    url = reverse(name, kwargs=kwargs)
    for method in (client.get, client.post):
        response = method(url)
        if response.status_code == 200 and name in ASKS_FOR_THE_CODE:
            # A requester's page without the code is the tracking form.
            assert response.context["asked_number"], name
            continue
        assert response.status_code in (302, 400, 401, 403, 404, 405), (
            name,
            method.__name__,
            response.status_code,
        )
        if response.status_code == 302:
            assert "/masuk/" in response["Location"], response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    sorted(
        {
            name
            for _path, name, pattern in ALL
            if name
            and routes.access(name) == routes.PUBLIC
            and not _params(pattern)
            and name not in ("logout",)
        }
    ),
)
def test_a_public_route_answers_an_anonymous_visitor(client, name):
    response = client.get(reverse(name))
    assert response.status_code < 500
    if response.status_code == 302:
        assert "/masuk/" not in response["Location"], name
