"""Each role's day on the demo data, at 1,366 px and at 390 px (issue 18,
point 7).

The walks open the pages a role uses every day and check every one of them
(walk_checks.py): no console error, nothing wider than the viewport, none
of the English words of english_words.txt, no link that answers 4xx/5xx to
that role, and no WCAG 2.1 A/AA violation that axe-core finds. A failing
walk lists every problem of every page, not the first one.

``manage.py seed_demo`` takes most of a minute, so the module seeds once and
serves the result from its own live server to all ten walks; the walks only
read, and what they write (sessions) is rolled back or flushed at the end.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aspirations.inbox.models import Case
from evaluations.models import MonthlyReport
from ppid.catalogue.models import InformationItem
from ppid.requests import personal_data
from ppid.requests.models import InformationRequest, Objection
from socialposts.accounts.models import SocialAccount
from tests.e2e.conftest import PHONE, close_page, open_page
from tests.e2e.staff_helpers import load_reference_data
from tests.e2e.walk_checks import LinkBook, Walk

pytestmark = [pytest.mark.e2e, pytest.mark.demo_walk]

DESKTOP_WALK = {"width": 1366, "height": 768}
# A tracking code for one demo request: seed_demo shows nobody the codes.
TRACKING_CODE = "WARGAPBGXY26"
# Each kind of link (URL route) is requested for its first two targets.
LINKS_PER_KIND = 2
OPD = "dinkes"


@dataclasses.dataclass
class Demo:
    """The seeded portal and what the walks need to find in it."""

    url: str
    media: Path
    item: InformationItem
    # The last final month (public, and what an OPD answers to) and the
    # month Dinkominfo works on now, final or not.
    month: datetime.date
    latest_month: datetime.date
    tracked: InformationRequest
    request: InformationRequest
    objection: Objection
    account: SocialAccount
    report_year: int
    # An aspiration case routed to the walked OPD.
    case: Case
    links: dict[str, LinkBook] = dataclasses.field(default_factory=dict)


def _route(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def _requests_done(timeout: float = 10.0) -> None:
    """Wait for the live server's request threads to end.

    A closed browser leaves requests in flight (lazy images); on SQLite
    they share the test's connection, which must not be rolled back or
    given back under them."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


def _back_to_migrated_data() -> None:
    """Empty the tables and reload what the data migrations made, as every
    transactional test of the package expects to find them."""
    contents = getattr(connection, "_test_serialized_contents", None)
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=bool(contents)
    )
    if contents:
        connection.creation.deserialize_db_from_string(contents)
    else:
        load_reference_data()


def _seed(media: Path) -> None:
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        # seed_demo refuses to run without DEBUG; MD5 because PBKDF2 at its
        # production cost for 50 accounts would take longer than the walks.
        with override_settings(
            DEBUG=True,
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            call_command("seed_demo", stdout=io.StringIO())
    finally:
        app.conf.task_always_eager = eager


def _tracked_request() -> InformationRequest:
    """An answered request that may still be objected to, with a code."""
    answered = InformationRequest.objects.filter(
        status=InformationRequest.Status.ANSWERED
    ).exclude(decision=InformationRequest.Decision.GRANTED_FULL)
    tracked = (
        answered.filter(objections__isnull=True).order_by("pk").first()
        or answered.order_by("pk").first()
    )
    assert tracked is not None, "the demo data has no answered request"
    InformationRequest.objects.filter(pk=tracked.pk).update(
        tracking_code_hash=personal_data.hash_tracking_code(TRACKING_CODE)
    )
    return tracked


@pytest.fixture(scope="module")
def demo(browser, django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator:
    """The demo data, seeded once, served by a live server of the module."""
    media = tmp_path_factory.mktemp("walk-media")
    with django_db_blocker.unblock():
        _back_to_migrated_data()
        load_reference_data()
        _seed(media)
        month = (
            MonthlyReport.objects.filter(status=MonthlyReport.Status.FINAL)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        assert month is not None, "the demo data has no final month"
        found = Demo(
            url="",
            media=media,
            item=InformationItem.objects.filter(
                opd__slug=OPD, status=InformationItem.Status.PUBLISHED
            )
            .order_by("pk")
            .first(),
            month=month,
            latest_month=MonthlyReport.objects.order_by("-month")
            .values_list("month", flat=True)
            .first(),
            tracked=_tracked_request(),
            request=InformationRequest.objects.order_by("-pk").first(),
            objection=Objection.objects.order_by("-pk").first(),
            account=SocialAccount.objects.filter(opd__slug=OPD).order_by("pk").first(),
            report_year=timezone.localdate().year - 1,
            case=Case.objects.filter(opd__slug=OPD).order_by("-received_at").first()
            or Case.objects.order_by("-received_at").first(),
        )
        assert found.case is not None, "the demo data has no aspiration case"
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()  # noqa: SLF001
        found.url = server.url
        try:
            yield found
        finally:
            _requests_done()
            server.stop()
            server._live_server_modified_settings.disable()  # noqa: SLF001
            _back_to_migrated_data()


@pytest.fixture
def _media_in_tmp(settings, demo) -> None:
    # The demo's files live in the module's media folder, not the test's.
    settings.MEDIA_ROOT = demo.media


@pytest.fixture(
    params=[
        pytest.param({"viewport": DESKTOP_WALK}, id="1366px"),
        pytest.param(
            {
                "viewport": PHONE,
                "is_mobile": True,
                "has_touch": True,
                "device_scale_factor": 2,
            },
            id="390px",
        ),
    ]
)
def walk_page(request, browser, demo) -> Iterator[Page]:
    context, page = open_page(browser, demo.url, request, **request.param)
    yield page
    close_page(context, page, request, "")
    _requests_done()


def _walk(page: Page, demo: Demo, role: str) -> Walk:
    links = demo.links.setdefault(role, LinkBook(_route, LINKS_PER_KIND))
    return Walk(
        page,
        role=role,
        skip_paths=(reverse("logout"),),
        links=links,
        login_path=reverse("login"),
    )


def _log_in(walk: Walk, username: str) -> None:
    """Log in through the form, checking the log-in page on the way."""
    page = walk.page
    walk.visit(reverse("login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard")) + "$"))
    walk.check()


def _month(month: datetime.date) -> str:
    return "{:%Y-%m}".format(month)


def citizen_day(walk: Walk, demo: Demo) -> None:
    page = walk.page
    walk.visit("/")
    walk.visit(reverse("ppid:public-information"))
    walk.visit(reverse("ppid:catalogue") + "?q=kesehatan")
    walk.visit(reverse("ppid:item-detail", args=[demo.item.pk]))
    walk.visit(reverse("ppid:exclusions"))
    walk.visit(reverse("ppid:request-guide"))
    walk.visit(reverse("ppid:request-form"))
    # Tracking: the form, then the request it finds, with its objection form.
    walk.visit(reverse("ppid:request-track"))
    form = page.locator("main form")
    form.locator("input[name=registration_number]").fill(
        demo.tracked.registration_number
    )
    form.locator("input[name=tracking_code]").fill(TRACKING_CODE)
    form.locator("button[type=submit]").click()
    status_url = reverse("ppid:request-status", args=[demo.tracked.url_key])
    expect(page).to_have_url(re.compile(re.escape(status_url) + "$"))
    walk.check()
    walk.visit(reverse("ppid:objection-form"))
    walk.visit(reverse("ppid:statistics"))
    walk.visit(reverse("evaluations:public"))
    walk.visit(reverse("evaluations:public-month", args=[_month(demo.month)]))
    walk.visit(reverse("opds:opd-detail", args=[OPD]))
    walk.visit(reverse("aspirations:submit"))
    walk.visit(reverse("aspirations:track"))
    walk.visit(reverse("aspirations:stats"))


def opd_admin_day(walk: Walk, demo: Demo) -> None:
    _log_in(walk, "admin-" + OPD)
    walk.visit(reverse("ppid:staff-items"))
    walk.visit(reverse("ppid:item-create"))
    walk.visit(reverse("ppid:request-register"))
    walk.visit(reverse("socialposts:accounts"))
    walk.visit(reverse("socialposts:account-detail", args=[demo.account.pk]))
    walk.visit(reverse("evaluations:opd", args=[_month(demo.month), OPD]))
    walk.visit(reverse("socialposts:infographics"))
    walk.visit(reverse("aspirations:queue"))
    if demo.case.opd and demo.case.opd.slug == OPD:
        walk.visit(reverse("aspirations:case", args=[demo.case.pk]))
    walk.visit(reverse("aspirations:canned"))


def ppid_utama_day(walk: Walk, demo: Demo) -> None:
    _log_in(walk, "ppid-utama")
    walk.visit(reverse("ppid:staff-items") + "?status=submitted")
    walk.visit(reverse("ppid:request-register"))
    walk.visit(demo.request.get_absolute_url())
    walk.visit(reverse("ppid:objection-register"))
    walk.visit(reverse("ppid:tariffs"))
    walk.visit(reverse("ppid:yearly-reports"))
    walk.visit(reverse("ppid:yearly-report-edit", args=[demo.report_year]))


def atasan_ppid_day(walk: Walk, demo: Demo) -> None:
    _log_in(walk, "atasan-ppid")
    walk.visit(reverse("ppid:objection-register"))
    walk.visit(demo.objection.get_absolute_url())


def dinkominfo_day(walk: Walk, demo: Demo) -> None:
    _log_in(walk, "dinkominfo")
    walk.visit(reverse("evaluations:index"))
    walk.visit(reverse("evaluations:report", args=[_month(demo.latest_month)]))
    walk.visit(reverse("evaluations:opd", args=[_month(demo.latest_month), OPD]))
    walk.visit(reverse("socialposts:accounts"))
    walk.visit(reverse("socialposts:account-detail", args=[demo.account.pk]))
    walk.visit(reverse("socialposts:infographics"))
    walk.visit(reverse("aspirations:queue"))
    walk.visit(reverse("aspirations:queue") + "?view=open")
    walk.visit(reverse("aspirations:case", args=[demo.case.pk]))
    walk.visit(reverse("aspirations:canned"))
    walk.visit(reverse("aspirations:record"))


def _walk_through(
    page: Page, demo: Demo, role: str, day: Callable[[Walk, Demo], None]
) -> None:
    walk = _walk(page, demo, role)
    day(walk, demo)
    walk.assert_clean()


def test_citizen_day(walk_page, demo):
    _walk_through(walk_page, demo, "citizen", citizen_day)


def test_opd_admin_day(walk_page, demo):
    _walk_through(walk_page, demo, "admin-" + OPD, opd_admin_day)


def test_ppid_utama_day(walk_page, demo):
    _walk_through(walk_page, demo, "ppid-utama", ppid_utama_day)


def test_atasan_ppid_day(walk_page, demo):
    _walk_through(walk_page, demo, "atasan-ppid", atasan_ppid_day)


def test_dinkominfo_day(walk_page, demo):
    _walk_through(walk_page, demo, "dinkominfo", dinkominfo_day)


def test_the_coordinators_queue_holds_cases_from_every_channel(client, demo):
    # Issue 19's done-when: the demo's inbox shows every channel, in the
    # states a case goes through, late ones and converted ones among them.
    from aspirations.inbox.models import Channel, State
    from opds.models import User

    seeded = Case.objects.all()
    assert set(seeded.values_list("channel", flat=True)) == set(Channel.values)
    states = set(seeded.values_list("state", flat=True))
    assert {
        State.NEW,
        State.ROUTED,
        State.ANSWERED,
        State.CLOSED,
        State.REFERRED_LAPOR,
        State.CONVERTED_PPID,
    } <= states
    client.force_login(User.objects.get(username="dinkominfo"))
    for channel in Channel:
        # An empty view: every case, not only those still to route.
        page = client.get(
            reverse("aspirations:queue"), {"channel": channel.value, "view": ""}
        )
        assert page.status_code == 200
        shown = page.context["page"].object_list
        assert shown, channel.label
        assert {case.channel for case in shown} == {channel.value}
