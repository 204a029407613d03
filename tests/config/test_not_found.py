"""With DEBUG on (the demo), a 404 is still the portal's Indonesian page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def templates(response) -> list[str]:
    return [t.name for t in response.templates]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return settings


def test_an_unknown_path_shows_the_portals_page_with_debug_on(client, demo):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "404.html" in templates(response)
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Using the URLconf" not in body
    # The page passes through the other middleware: framing rule set.
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_a_view_that_finds_nothing_shows_the_portals_page_with_debug_on(client, demo):
    response = client.get(reverse("ppid:item-detail", args=[987654]))
    assert response.status_code == 404
    assert "404.html" in templates(response)
    assert "Raised by" not in response.content.decode()


def test_the_api_still_answers_json(client, demo):
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_a_missing_slash_is_still_added(client, demo):
    response = client.get(reverse("ppid:catalogue").rstrip("/"))
    assert response.status_code == 301


def test_djangos_page_on_request(client, demo):
    demo.DEBUG_TECHNICAL_404 = True
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "404.html" not in templates(response)
