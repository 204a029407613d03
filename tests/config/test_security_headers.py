"""Response headers of ASVS V3: the Content-Security-Policy (nonce-based
script-src, object-src and base-uri 'none', frame-ancestors 'self') on every
page, with no inline script, event handler or javascript: URL left to block;
nosniff, Referrer-Policy and COOP on every response; HSTS of a year on a
production server.

Every argument-free route of config/routes.py is fetched by the role it is
for, plus pages with arguments built from factories, Django's admin, the
Swagger UI and the browsable API (a DEBUG-only tool)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from config import routes
from evaluations import services as evaluation_services
from tests.config.test_routes import ALL, _params
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import october_draft
from tests.factories import InformationItemFactory, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "-production-secret-key-0123456789"
GOOD_FERNET_KEY = "ggXEO_2j8jA6pqeqKB9VmuiVpi_JzygIw_LhaXjJbf8="
ONE_YEAR = 31_536_000

# Browsers drop these before reading a URL's scheme ("java\tscript:" runs).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class _Scan(HTMLParser):
    """What a CSP without 'unsafe-inline' would refuse, tag by tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.style_elements: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.javascript_urls: list[tuple[str, str]] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        elif tag == "style":
            self.style_elements.append(dict(attrs))
        for name, value in attrs:
            # hx-on* is htmx's handler attribute, run through eval.
            if name.startswith(("on", "hx-on")):
                self.handlers.append((tag, name))
            if name == "style":
                self.style_attributes.append(tag)
            scheme = _IGNORED_IN_SCHEME.sub("", value or "").lower()
            if scheme.startswith("javascript:"):
                self.javascript_urls.append((tag, name))

    handle_startendtag = handle_starttag


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy on {}".format(response.request)
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_headers(response) -> None:
    """The headers every response carries, whatever its type."""
    assert response.status_code < 500, response.status_code
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _policy(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    # Only the portal and the platforms' consent dialogs (the "Hubungkan"
    # form redirects there).
    assert policy["form-action"] == ["'self'", *settings.CONSENT_ORIGINS]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy.get(directive, [])
        assert "'unsafe-eval'" not in policy.get(directive, [])


def assert_nothing_inline(response, *, ours: bool = True) -> None:
    """An HTML page runs no script the policy would block.

    ``ours`` is a page of our templates: every script then carries the
    header's nonce, and no inline style is left either (style-src 'self').
    Django's admin uses no nonce, so its header names none.
    """
    assert_headers(response)
    assert response["Content-Type"].startswith("text/html")
    policy = _policy(response)
    nonces = [
        source[len("'nonce-") : -1]
        for source in policy["script-src"]
        if source.startswith("'nonce-")
    ]
    assert "'self'" in policy["script-src"]
    scan = _Scan()
    scan.feed(response.content.decode())
    for attrs in scan.scripts:
        allowed = (
            attrs.get("src")
            or attrs.get("type") == "application/json"
            or (nonces and attrs.get("nonce") == nonces[0])
        )
        assert allowed, "inline script without the nonce: {}".format(attrs)
    assert scan.handlers == []
    assert scan.javascript_urls == []
    if ours:
        assert len(nonces) == 1, policy["script-src"]
        assert scan.scripts, "base.html loads Bootstrap and htmx"
        assert all(attrs.get("nonce") == nonces[0] for attrs in scan.scripts)
        assert scan.style_attributes == []
        assert scan.style_elements == []


def _argument_free(*kinds: str) -> list[str]:
    names = {
        name
        for _path, name, pattern in ALL
        if name
        and routes.access(name) in kinds
        and not _params(pattern)
        and name not in ("logout", "admin:logout")
    }
    return sorted(names)


@pytest.fixture
def on(monkeypatch):
    """Set the day the evaluation services see as today."""

    def set_today(day):
        monkeypatch.setattr(evaluation_services, "today", lambda: day)

    return set_today


@pytest.fixture
def people(opd):
    return {
        routes.OPD_ADMIN: UserFactory(username="csp-opd", role="opd_admin", opd=opd),
        routes.PPID_UTAMA: UserFactory(username="csp-utama", role="ppid_utama"),
        routes.DINKOMINFO: UserFactory(username="csp-dinkominfo", role="dinkominfo"),
        routes.ADMIN: UserFactory(
            username="csp-root", is_superuser=True, is_staff=True
        ),
    }


def _check(response, *, ours: bool = True) -> None:
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_nothing_inline(response, ours=ours)
    else:
        assert_headers(response)


@pytest.mark.parametrize(
    "name", _argument_free(routes.PUBLIC, routes.REQUESTER, routes.STAFF)
)
def test_public_and_staff_pages_keep_the_policy(client, people, name):
    # Anonymous first, then a role of each kind that reaches staff pages.
    response = client.get(reverse(name))
    _check(response, ours=name != "api-docs")
    if routes.access(name) == routes.STAFF:
        statuses = set()
        for kind in (routes.OPD_ADMIN, routes.PPID_UTAMA, routes.DINKOMINFO):
            client.force_login(people[kind])
            response = client.get(reverse(name))
            statuses.add(response.status_code)
            _check(response)
        # Some staff pages are for some roles only; API lists may want filters;
        # the platforms' way back refuses a visit with no consent under way.
        assert (
            200 in statuses
            or name.startswith("api")
            or name == "socialposts:oauth-callback"
        ), statuses


@pytest.mark.parametrize(
    "name", _argument_free(routes.OPD_ADMIN, routes.PPID_UTAMA, routes.DINKOMINFO)
)
def test_role_pages_keep_the_policy(client, people, name):
    client.force_login(people[routes.access(name)])
    response = client.get(reverse(name))
    assert response.status_code in (200, 405), response.status_code
    _check(response)


def test_the_html_pages_are_actually_checked(client, people):
    # Guards the walk above: the public pages it reaches are HTML.
    for name in ("home", "ppid:catalogue", "opds:opd-list", "ppid:statistics"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert_nothing_inline(response)


def test_admin_pages_keep_the_policy(client, people):
    # Django 5.2's admin keeps its scripts in files; its data rides on
    # data- attributes, so the strict policy holds there too.
    names = _argument_free(routes.ADMIN)
    assert len(names) > 20
    assert_nothing_inline(client.get(reverse("admin:login")), ours=False)
    client.force_login(people[routes.ADMIN])
    html_pages = 0
    for name in names:
        response = client.get(reverse(name))
        _check(response, ours=False)
        html_pages += response["Content-Type"].startswith("text/html")
    assert html_pages > 20


def test_pages_with_arguments_keep_the_policy(client, people, opd):
    item = InformationItemFactory(opd=opd)
    for url in (
        reverse("ppid:item-detail", kwargs={"pk": item.pk}),
        reverse("opds:opd-detail", kwargs={"slug": opd.slug}),
        reverse("ppid:opd-dip", kwargs={"slug": opd.slug}),
        "/informasi/?q=laporan",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_inline(response)
    client.force_login(people[routes.OPD_ADMIN])
    for url in (
        reverse("ppid:item-edit", kwargs={"pk": item.pk}),
        reverse("opds:opd-edit", kwargs={"slug": opd.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_inline(response)
    client.force_login(people[routes.ADMIN])
    for url in (
        reverse("admin:ppid_informationitem_change", args=[item.pk]),
        reverse("admin:opds_opd_change", args=[opd.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_inline(response, ours=False)


def test_the_evaluation_pages_keep_the_policy(client, on):
    opds = [OpdFactory(short_name="CSP{}".format(n)) for n in range(3)]
    reviewer = UserFactory(username="csp-reviewer", role="dinkominfo")
    report = october_draft(opds, reviewer, on)
    client.force_login(reviewer)
    for name, kwargs in (
        ("evaluations:report", {}),
        ("evaluations:opd", {"slug": opds[0].slug}),
        ("evaluations:whatsapp", {}),
        ("evaluations:opd-whatsapp", {"slug": opds[0].slug}),
    ):
        response = client.get(reverse(name, kwargs={"month": report.month, **kwargs}))
        assert response.status_code == 200, name
        assert_nothing_inline(response)
    html = client.get(reverse("evaluations:report", kwargs={"month": MONTH})).content
    # The charts are drawn by a file, and Chart.js is served from here.
    assert b"js/evaluation-charts.js" in html
    assert b"chart.umd.min.js" in html


def test_404_pages_keep_the_policy(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert_nothing_inline(response)


def test_htmx_may_neither_eval_nor_inject_styles(client):
    html = client.get(reverse("home")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert meta, "base.html configures htmx"
    assert json.loads(meta.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
    }


def test_api_docs_load_their_init_script_from_a_file(client):
    response = client.get(reverse("api-docs"))
    assert_nothing_inline(response, ours=False)
    scan = _Scan()
    scan.feed(response.content.decode())
    # The template's inline <style> lives in static/css/api-docs.css now.
    assert scan.style_elements == []
    assert scan.style_attributes == []
    script_urls = [attrs["src"] for attrs in scan.scripts]
    init = [url for url in script_urls if "script=" in url]
    assert len(init) == 1
    script = client.get(init[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_the_browsable_api_keeps_the_policy_while_debugging(client):
    # The suite runs with DEBUG on (pyproject), where the browsable API is
    # served; a production server answers JSON only (next test).
    response = client.get(reverse("api:opd-list"), HTTP_ACCEPT="text/html")
    assert_nothing_inline(response, ours=False)


def test_a_production_server_sends_hsts_for_a_year_and_the_policy(tmp_path):
    script = (
        "import json, django;"
        "django.setup();"
        "from django.conf import settings;"
        "from django.test import Client;"
        "r = Client().get('/api/v1/tidak-ada/', secure=True,"
        " HTTP_HOST='portal.go.id');"
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.items()),"
        " 'renderers': settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']}))"
    )
    keep = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "DATABASE_URL",
            "REDIS_URL",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
        }
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **keep,
            "DEBUG": "False",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "portal.go.id",
            "PERSONAL_DATA_KEYS": GOOD_FERNET_KEY,
            "VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    headers = answer["headers"]
    assert answer["status"] == 404
    hsts = dict(
        (part.strip().partition("=")[::2])
        for part in headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert "includeSubDomains" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'self'"):
        assert directive in policy
    # ASVS 13.4.5: no browsable API on a server.
    assert answer["renderers"] == ["rest_framework.renderers.JSONRenderer"]


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        '<script nonce="guessed">alert(1)</script>',
        '<a href=" JaVa\tScript:alert(1)">x</a>',
        '<button onclick="go()">x</button>',
        '<div hx-on:click="go()">x</div>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scan_catches_what_the_policy_would_block(client, markup):
    response = client.get(reverse("home"))
    assert_nothing_inline(response)
    response.content = response.content.replace(
        b"</main>", markup.encode() + b"</main>"
    )
    with pytest.raises(AssertionError):
        assert_nothing_inline(response)


def test_forms_may_lead_to_the_platforms_consent_dialogs_and_nowhere_else(client):
    from urllib.parse import urlsplit

    allowed = _policy(client.get("/"))["form-action"]
    for url in (
        settings.SOCIAL_META_AUTHORIZE_URL,
        settings.SOCIAL_INSTAGRAM_AUTHORIZE_URL,
        settings.SOCIAL_GOOGLE_AUTHORIZE_URL,
        settings.SOCIAL_TIKTOK_AUTHORIZE_URL,
    ):
        parts = urlsplit(url)
        assert "{}://{}".format(parts.scheme, parts.netloc) in allowed
    assert set(allowed) == {"'self'", *settings.CONSENT_ORIGINS}
