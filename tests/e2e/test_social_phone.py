"""The social-media pages on a phone (390×844): the accounts list, an
account's page with its charts and posts, and Dinkominfo's regency-wide
overview are no wider than the screen (tables scroll in their own box),
and no console error or CSP violation."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from tests.e2e.conftest import PHONE, assert_no_console_errors
from tests.e2e.staff_helpers import load_reference_data
from tests.e2e.test_phone import OVERFLOW
from tests.factories import OpdFactory, PostFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.e2e


CAPTION = (
    "Pencanangan Gerakan Masyarakat Hidup Sehat di Kecamatan Kutasari bersama "
    "Puskesmas dan kader posyandu se-Kabupaten Purbalingga #GermasPurbalingga "
    "https://dinkes.purbalinggakab.go.id/berita/germas-kutasari-2026"
)


def fits_the_screen(page) -> None:
    sizes = page.evaluate(OVERFLOW)
    assert sizes["clientWidth"] == PHONE["width"], sizes
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    assert sizes["wide"] == [], sizes


@pytest.fixture
def social(transactional_db):
    """Two OPDs with accounts, long-captioned posts and 90 days of figures."""
    load_reference_data()
    today = timezone.localdate()
    opds = [
        OpdFactory(short_name="DINKES", name="Dinas Kesehatan"),
        OpdFactory(
            short_name="DINPERMADES",
            name="Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga",
        ),
    ]
    accounts = [
        SocialAccountFactory(opd=opds[0], handle="dinkes_purbalingga_official"),
        SocialAccountFactory(opd=opds[0], platform="facebook", handle="dinkespbg"),
        SocialAccountFactory(opd=opds[1], platform="youtube", handle="DinpermadesPbg"),
    ]
    values = []
    for n, account in enumerate(accounts, start=1):
        for back in range(90):
            day = today - datetime.timedelta(days=back)
            values += [
                AccountValue(account.pk, "followers", day, 12000 * n - back, "f"),
                AccountValue(account.pk, "reach", day, 1500 * n + back * 7, "r"),
                AccountValue(account.pk, "interactions", day, 120 * n + back, "i"),
            ]
    upsert_account_values(values)
    snapshots = []
    for n in range(25):
        post = PostFactory(
            account=accounts[n % 3],
            caption=CAPTION,
            content_type="video" if n % 2 else "infografis",
            duration_seconds=95 if n % 2 else None,
            permalink="https://www.instagram.com/p/Cx{}longpermalink/".format(n),
            published_at=timezone.now() - datetime.timedelta(days=n * 3),
        )
        for metric, value in (
            ("reach", 12345 + n),
            ("views", 23456 + n),
            ("interactions", 1234 + n),
            ("likes", 987 + n),
            ("comments", 65 + n),
            ("shares", 43 + n),
            ("saves", 21 + n),
        ):
            snapshots.append(PostValue(post.pk, metric, today, value, metric))
    upsert_post_values(snapshots)
    return SimpleNamespace(
        opds=opds,
        accounts=accounts,
        team=UserFactory(username="tim-dinkominfo", role="dinkominfo"),
    )


def test_social_pages_fit_a_phone(phone_page, social, login):
    page = phone_page
    login(page, social.team, next_url=reverse("socialposts:accounts"))
    fits_the_screen(page)
    overview_link = page.locator("a[href='{}']".format(reverse("socialposts:overview")))
    expect(overview_link).to_be_visible()

    page.goto(reverse("socialposts:account-detail", args=[social.accounts[0].pk]))
    expect(page.locator("svg.social-chart")).to_have_count(3)
    expect(page.get_by_text("Suka 987").first).to_be_visible()
    fits_the_screen(page)
    # The post table scrolls inside its own box.
    box = page.locator(".table-responsive").last
    assert box.evaluate("el => el.scrollWidth >= el.clientWidth")
    assert box.bounding_box()["width"] <= PHONE["width"]

    page.goto(reverse("socialposts:overview"))
    expect(page.locator("#opd-table tbody tr")).to_have_count(2)
    expect(page.locator("svg.social-chart").first).to_be_visible()
    fits_the_screen(page)
    assert_no_console_errors(page)
    # A refused period (answered 400, which the console reports) shows its
    # error next to the field, and the page still fits.
    page.goto(reverse("socialposts:overview") + "?start=2026-03-30&end=2026-03-01")
    expect(page.get_by_role("alert").first).to_contain_text("Sampai")
    fits_the_screen(page)


def test_the_overview_fits_a_desktop_too(page, social, login):
    login(page, social.team, next_url=reverse("socialposts:overview"))
    expect(page.locator("#totals")).to_be_visible()
    page.goto(reverse("socialposts:account-detail", args=[social.accounts[0].pk]))
    sizes = page.evaluate(OVERFLOW)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    assert_no_console_errors(page)
