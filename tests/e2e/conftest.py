"""End-to-end fixtures: Debian's chromium, driven by Playwright, against the
live portal on loopback.

The browser is /usr/bin/chromium (``apt-get install chromium``), never one
that Playwright downloads. Without it the tests skip; with REQUIRE_BROWSER=1
(CI) they fail instead. On a failed test a full-page screenshot is saved to
``test-artifacts/e2e/<test name>.png``.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Playwright's default of 30 s would let a hung page eat the folder's budget.
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "demo_walk: walks the seeded demo data, which one module fixture loads"
        " once and keeps for all the module's tests (test_walks.py)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
            if item.get_closest_marker("demo_walk"):
                # The demo data takes most of a minute to seed: the module
                # seeds it once, commits it and removes it at its end, so
                # its tests must not flush. Each runs in a transaction that
                # is rolled back (what the live server writes on SQLite's
                # shared connection goes with it); serialized_rollback asks
                # pytest-django for the serialized data-migration rows that
                # the module puts back when it is done.
                item.add_marker(pytest.mark.django_db(serialized_rollback=True))
                continue
            # The live server needs committed data, so each test ends with a
            # flush; serialized rollback reloads what the data migrations
            # made (Perki sub-types, the Monev framework, the metric
            # catalogue) before each test.
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True)
            )


@pytest.fixture(scope="package", autouse=True)
def _migrated_data_back(django_db_setup, django_db_blocker) -> Iterator[None]:
    # The last test's flush emptied the tables; the transactional tests of
    # other folders, which run next, expect the data migrations' rows.
    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # The page fixture's teardown reads the outcome to decide on a screenshot.
    report = yield
    setattr(item, "rep_" + report.when, report)
    return report


@pytest.fixture(scope="package")
def browser():
    """Debian's chromium for the whole tests/e2e package."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = "{} is missing: apt-get install chromium".format(CHROMIUM)
        if REQUIRE_BROWSER:
            pytest.fail(reason + " (REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API marks its event loop as running in this thread
    # between calls. Django's ORM then takes the tests' queries for async
    # code, and Django's connection handler keeps a second, context-local
    # set of connections, without the test database's serialized contents.
    # Package scope stops Playwright (and unmarks the loop) before the tests
    # of other folders run; both switches are confined to the same span.
    wrappers = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        if asyncio._get_running_loop() is None:  # noqa: SLF001
            raise RuntimeError("Playwright no longer marks its loop as running")
        # The tests must use the connections the test database was made on.
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_url(live_server) -> str:
    """The live portal's base URL on loopback, without a trailing slash."""
    return live_server.url


@pytest.fixture(autouse=True)
def _e2e_limits(settings) -> None:
    # Every log-in and public form of the folder comes from 127.0.0.1.
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 1000
    settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR = 1000


def _open_page(browser, live_url: str, request: pytest.FixtureRequest, **options):
    context = browser.new_context(
        base_url=live_url,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        accept_downloads=True,
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch_console(page)
    return context, page


def _close_page(context, page, request: pytest.FixtureRequest, suffix: str) -> None:
    node = request.node
    failed = any(
        getattr(node, "rep_" + when, None) is not None
        and getattr(node, "rep_" + when).failed
        for when in ("setup", "call")
    )
    try:
        if failed:
            folder = Path(request.config.rootpath) / "test-artifacts" / "e2e"
            folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", node.name) + suffix + ".png"
            page.screenshot(path=str(folder / name), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(browser, live_url, request) -> Iterator:
    """A desktop page (1280×800, id-ID, Asia/Jakarta) on the live portal."""
    context, page = _open_page(browser, live_url, request, viewport=DESKTOP)
    yield page
    _close_page(context, page, request, "")


@pytest.fixture
def phone_page(browser, live_url, request) -> Iterator:
    """A phone-sized page (390×844, touch) on the live portal."""
    context, page = _open_page(
        browser,
        live_url,
        request,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    yield page
    _close_page(context, page, request, "-phone")


def watch_console(page) -> list[str]:
    """Collect the page's console errors, uncaught exceptions and CSP
    violations (Chromium reports those as "Refused to ..." messages)."""
    errors = getattr(page, "_e2e_errors", None)
    if errors is not None:
        return errors
    errors = []

    def on_console(message) -> None:
        text = message.text
        if message.type == "error" or text.startswith("Refused to"):
            errors.append(
                "console {}: {} ({})".format(
                    message.type, text, message.location.get("url", "")
                )
            )

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append("page error: {}".format(exc)))
    page._e2e_errors = errors
    return errors


def assert_no_console_errors(page) -> None:
    """Fail with every console error, page error or CSP violation seen."""
    errors = watch_console(page)
    assert not errors, "\n".join(errors)


def log_in(page, user, password: str = PASSWORD, next_url: str | None = None) -> None:
    """Log in through the real log-in form and wait for the next page."""
    from playwright.sync_api import expect

    url = reverse("login")
    if next_url:
        url += "?next=" + next_url
    page.goto(url)
    form = page.locator("main form")
    form.locator("input[name=username]").fill(user.username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    login_path = re.escape(reverse("login"))
    expect(page).not_to_have_url(re.compile(login_path))
    expected = next_url or reverse("dashboard")
    expect(page).to_have_url(re.compile(re.escape(expected.split("?")[0])))
    expect(page.locator("form[action='{}']".format(reverse("logout")))).to_have_count(1)


@pytest.fixture
def login():
    """``login(page, user, password=PASSWORD, next_url=None)``: see log_in."""
    return log_in


@pytest.fixture
def console_errors():
    """``console_errors(page)``: the live list of the page's console errors,
    page errors and CSP violations."""
    return watch_console


# The walks (test_walks.py) open their pages on a live server of their own.
open_page = _open_page
close_page = _close_page
