"""The social pages in Indonesian (metric names, the sort menu), their
charts (axes, dates, values on hover, a chosen period) and Dinkominfo's
regency-wide overview (totals, OPDs compared, top posts, platforms)."""

from __future__ import annotations

import datetime
import re
from datetime import date as D
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from socialposts.accounts import charts, selectors
from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from tests.factories import OpdFactory, PostFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
START, END = D(2026, 3, 1), D(2026, 3, 30)
PERIOD = "?start=2026-03-01&end=2026-03-30"
OVERVIEW = reverse("socialposts:overview")


def wib(day, hour=9):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def days(start=START, end=END):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


@pytest.fixture
def dinkominfo(db):
    return UserFactory(username="dinkominfo", role="dinkominfo")


@pytest.fixture
def world(opd, other_opd):
    """DINKES: an Instagram and a Facebook account; DLH: one Instagram
    account; DISPERKIM: no account. Figures in March 2026 and around it."""
    idle = OpdFactory(short_name="DISPERKIM", name="Dinas Perumahan", kind="dinas")
    insta = SocialAccountFactory(opd=opd, platform="instagram", handle="dinkes_pbg")
    page = SocialAccountFactory(opd=opd, platform="facebook", handle="dinkespbg")
    theirs = SocialAccountFactory(opd=other_opd, handle="dlh_pbg")
    values = [
        # Before the period: the base of its growth (Facebook has none).
        AccountValue(insta.pk, "followers", D(2026, 2, 27), 1000, "followers_count"),
        AccountValue(theirs.pk, "followers", D(2026, 2, 28), 200, "followers_count"),
        AccountValue(insta.pk, "followers", D(2026, 3, 30), 1100, "followers_count"),
        AccountValue(page.pk, "followers", D(2026, 3, 29), 500, "followers_count"),
        AccountValue(theirs.pk, "followers", D(2026, 3, 30), 180, "followers_count"),
        # Outside the period: never summed, never the end's followers.
        AccountValue(insta.pk, "reach", D(2026, 2, 28), 90000, "reach"),
        AccountValue(insta.pk, "reach", D(2026, 3, 31), 90000, "reach"),
        AccountValue(insta.pk, "followers", D(2026, 3, 31), 9999, "followers_count"),
    ]
    for day in days():
        values += [
            AccountValue(insta.pk, "reach", day, 100, "reach"),
            AccountValue(insta.pk, "interactions", day, 10, "total_interactions"),
            AccountValue(page.pk, "reach", day, 50, "page_total_media_view_unique"),
            AccountValue(theirs.pk, "reach", day, 20, "reach"),
            AccountValue(theirs.pk, "interactions", day, 5, "total_interactions"),
        ]
    upsert_account_values(values)
    posts = {
        "first": PostFactory(
            account=insta, published_at=wib(D(2026, 3, 2)), permalink="https://x.id/1"
        ),
        "corrected": PostFactory(account=insta, published_at=wib(D(2026, 3, 5))),
        "third": PostFactory(account=insta, published_at=wib(D(2026, 3, 30), 23)),
        "dlh": PostFactory(account=theirs, published_at=wib(D(2026, 3, 10))),
        "before": PostFactory(account=insta, published_at=wib(D(2026, 2, 28), 23)),
    }
    upsert_post_values(
        [
            PostValue(posts["first"].pk, "interactions", D(2026, 3, 3), 5, "ti"),
            PostValue(posts["first"].pk, "interactions", D(2026, 3, 9), 50, "ti"),
            PostValue(posts["first"].pk, "reach", D(2026, 3, 9), 400, "reach"),
            # A platform's correction: the latest day counts, not the highest.
            PostValue(posts["corrected"].pk, "interactions", D(2026, 3, 6), 80, "ti"),
            PostValue(posts["corrected"].pk, "interactions", D(2026, 3, 8), 30, "ti"),
            PostValue(posts["corrected"].pk, "reach", D(2026, 3, 8), 900, "reach"),
            PostValue(posts["third"].pk, "interactions", D(2026, 4, 2), 40, "ti"),
            PostValue(posts["dlh"].pk, "interactions", D(2026, 3, 12), 45, "ti"),
            PostValue(posts["dlh"].pk, "reach", D(2026, 3, 12), 100, "reach"),
            PostValue(posts["before"].pk, "interactions", D(2026, 3, 1), 999, "ti"),
        ]
    )
    return {
        "opd": opd,
        "other": other_opd,
        "idle": idle,
        "insta": insta,
        "page": page,
        "theirs": theirs,
        "posts": posts,
    }


# --- The account page ---------------------------------------------------------------


def test_a_posts_figures_are_named_in_indonesian(client, opd, opd_admin):
    account = SocialAccountFactory(opd=opd)
    post = PostFactory(account=account)
    today = timezone.localdate()
    upsert_post_values(
        [
            PostValue(post.pk, "comments", today, 4, "comments"),
            PostValue(post.pk, "likes", today, 46, "like_count"),
            PostValue(post.pk, "reach", today, 462, "reach"),
            PostValue(post.pk, "saves", today, 3, "saved"),
        ]
    )
    client.force_login(opd_admin)
    html = client.get(reverse("socialposts:account-detail", args=[account.pk]))
    text = re.sub(r"<[^>]+>", "", html.content.decode())
    assert "Jangkauan 462 · Suka 46 · Komentar 4 · Disimpan 3" in text
    for english in ("comments 4", "likes 46", "reach 462", "saves 3"):
        assert english not in text


def test_the_sort_menu_is_in_indonesian(client, opd, opd_admin):
    account = SocialAccountFactory(opd=opd)
    old = PostFactory(account=account, published_at=wib(D(2026, 1, 5)))
    new = PostFactory(account=account, published_at=wib(D(2026, 3, 5)))
    client.force_login(opd_admin)
    url = reverse("socialposts:account-detail", args=[account.pk])
    html = client.get(url).content.decode()
    menu = re.search(r'<select name="ordering".*?</select>', html, re.S).group(0)
    assert "Terbaru dahulu" in menu and "Terlama dahulu" in menu
    assert "descending" not in html and "Published at" not in html
    assert "---------" not in menu
    # The menu still sorts.
    page = client.get(url + "?ordering=published_at").context["page"]
    assert list(page.object_list) == [old, new]


def test_an_account_chart_has_axes_dates_and_values_over_the_period(
    client, world, opd_admin
):
    url = reverse("socialposts:account-detail", args=[world["insta"].pk])
    client.force_login(opd_admin)
    response = client.get(url + PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r'<svg [^>]*class="social-chart".*?</svg>', html, re.S)
    assert len(svgs) == 3  # followers, reach, interactions
    reach = next(svg for svg in svgs if "Jangkauan per hari" in svg)
    # Axis titles, the value ticks and the dates of the x axis.
    assert ">Jangkauan</text>" in reach and ">Tanggal</text>" in reach
    ticks = re.findall(r'<text class="chart-tick"[^>]*>([^<]+)</text>', reach)
    assert "0" in ticks and "100" in ticks
    assert "1 Mar" in ticks and "30 Mar" in ticks
    # One dot per day of the period, each with its value on hover.
    titles = re.findall(r"<circle [^>]*><title>([^<]+)</title>", reach)
    assert len(titles) == 30
    assert titles[0] == "Jangkauan, 1 Mar 2026: 100"
    # Coordinates are written with a dot whatever the language.
    assert not re.search(r'c[xy]="\d+,\d', reach)
    assert "90.000" not in reach  # the days outside the period


@pytest.mark.parametrize(
    "query,field,message",
    [
        ("?start=2026-13-45", "start", "Dari: isi tanggal dengan format TTTT-BB-HH."),
        ("?end=kemarin", "end", "Sampai: isi tanggal dengan format TTTT-BB-HH."),
        (
            "?start=2026-03-30&end=2026-03-01",
            "end",
            "Sampai: tanggal harus sama dengan atau sesudah tanggal Dari.",
        ),
        (
            "?start=2025-01-01&end=2026-03-01",
            "end",
            "Sampai: jangka waktu paling lama 366 hari.",
        ),
        ("?start=2999-01-01", "start", "Dari: tanggal ini belum tiba"),
    ],
)
def test_a_wrong_period_is_refused_with_the_field_named(
    client, world, opd_admin, query, field, message
):
    client.force_login(opd_admin)
    url = reverse("socialposts:account-detail", args=[world["insta"].pk])
    response = client.get(url + query)
    assert response.status_code == 400
    form = response.context["period_form"]
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    # The page still shows the default period's charts.
    today = timezone.localdate()
    assert (response.context["start"], response.context["end"]) == (
        today - datetime.timedelta(days=89),
        today,
    )


def test_a_half_given_period_is_completed():
    from socialposts.accounts.forms import PeriodForm

    today = timezone.localdate()
    assert PeriodForm({"start": "2026-03-01"}).period() == (
        D(2026, 3, 1),
        min(D(2026, 5, 29), today),
    )
    assert PeriodForm({"end": "2026-03-30"}).period() == (D(2025, 12, 31), END)
    assert PeriodForm({}).period() == (today - datetime.timedelta(days=89), today)


def test_the_period_and_the_post_filter_keep_each_other(client, world, opd_admin):
    client.force_login(opd_admin)
    url = reverse("socialposts:account-detail", args=[world["insta"].pk])
    html = client.get(url + PERIOD + "&content_type=foto").content.decode()
    assert '<input type="hidden" name="content_type" value="foto">' in html
    assert '<input type="hidden" name="start" value="2026-03-01">' in html


def test_nice_ticks_and_a_line_chart_span_the_plot():
    assert charts.nice_ticks(0, 462) == [0, 200, 400, 600]
    assert charts.nice_ticks(1000, 1100) == [1000, 1025, 1050, 1075, 1100]
    assert charts.nice_ticks(0, 3) == [0, 1, 2, 3]
    with translation.override("id"):
        chart = charts.line_chart(
            "Jangkauan",
            [(D(2026, 3, 1), 0.0), (D(2026, 3, 31), 1500.0)],
            D(2026, 3, 1),
            D(2026, 3, 31),
        )
    first, last = chart.dots
    assert (first.x, first.y) == (chart.left, chart.bottom)
    assert (last.x, last.y) == (chart.right, chart.top)
    assert last.title == "Jangkauan, 31 Mar 2026: 1.500"
    assert [tick.label for tick in chart.y_ticks][-1] == "1.500"
    assert chart.x_ticks[0].label == "1 Mar" and chart.x_ticks[-1].label == "31 Mar"
    assert charts.line_chart("x", [], START, END) is None
    # Long figures are shortened on the axis, never in the hover titles.
    with translation.override("id"):
        chart = charts.line_chart(
            "Tayangan", [(START, 1_480_000.0), (END, 1_234_567.0)], START, END
        )
    assert [tick.label for tick in chart.y_ticks] == ["0", "500 rb", "1 jt", "1,5 jt"]
    assert [tick.label for tick in chart.x_ticks][0] == "1 Mar"
    assert chart.dots[-1].title == "Tayangan, 30 Mar 2026: 1.234.567"
    # Shortened only where the short label says the value exactly.
    with translation.override("id"):
        assert charts.tick_labels([150_000, 200_000]) == ["150 rb", "200 rb"]
        assert charts.tick_labels([11_900, 11_925]) == ["11.900", "11.925"]
        assert charts.tick_labels([1_000_000, 1_250_000]) == ["1 jt", "1,25 jt"]
        assert charts.tick_labels([1_000_000, 1_025_000]) == [
            "1.000.000",
            "1.025.000",
        ]


# --- The overview --------------------------------------------------------------------


def test_the_overview_totals_match_the_figures(client, world, dinkominfo):
    client.force_login(dinkominfo)
    response = client.get(OVERVIEW + PERIOD)
    assert response.status_code == 200
    totals = response.context["found"].totals
    assert totals.accounts == 3
    assert totals.posts == 4  # the one of 28 February 23:00 WIB is before
    assert totals.reach == 30 * (100 + 50 + 20)
    assert totals.interactions == 30 * (10 + 5)
    assert totals.followers == 1100 + 500 + 180
    # Growth over the accounts with a count before the period.
    assert totals.growth == (1100 - 1000) + (180 - 200)
    assert totals.growth_rate == pytest.approx(80 / 1200)
    assert totals.engagement_rate == pytest.approx(450 / 5100)
    html = response.content.decode()
    with translation.override("id"):
        for name, value in (
            ("posts", "4"),
            ("reach", "5.100"),
            ("interactions", "450"),
            ("followers", "1.780"),
            ("growth", "+80"),
            ("engagement_rate", "8,8%"),
        ):
            assert re.search(
                r'data-total="{}">{}<'.format(name, re.escape(value)), html
            ), name
    assert formats.date_format(END, "j M Y") in html


def test_the_overview_compares_every_opd(client, world, dinkominfo):
    client.force_login(dinkominfo)
    response = client.get(OVERVIEW + PERIOD + "&sort=-reach")
    rows = {row.opd.short_name: row.figures for row in response.context["rows"]}
    assert set(rows) >= {"DINKES", "DLH", "DISPERKIM"}
    assert (rows["DINKES"].reach, rows["DINKES"].posts) == (30 * 150, 3)
    assert (rows["DLH"].reach, rows["DLH"].growth) == (30 * 20, -20)
    assert rows["DISPERKIM"].accounts == 0 and rows["DISPERKIM"].followers is None
    order = [row.opd.short_name for row in response.context["rows"]]
    assert order.index("DINKES") < order.index("DLH") < order.index("DISPERKIM")
    html = response.content.decode()
    # The header sorts the other way round; the others sort highest first.
    assert 'aria-sort="descending"' in html
    assert "sort=reach" in html and "sort=-posts" in html
    # The bar chart: an OPD per bar, its value on hover.
    assert "<title>DINKES: 4.500</title>" in html
    assert "<title>DLH: 600</title>" in html
    # Ascending: fewest first, OPDs without a value still last.
    rows = client.get(OVERVIEW + PERIOD + "&sort=growth").context["rows"]
    order = [row.opd.short_name for row in rows]
    assert order.index("DLH") < order.index("DINKES") < order.index("DISPERKIM")


def test_the_overview_lists_the_top_posts_and_the_platforms(client, world, dinkominfo):
    client.force_login(dinkominfo)
    response = client.get(OVERVIEW + PERIOD)
    found = response.context["found"]
    posts = world["posts"]
    by_interactions = [(top.post, top.value) for top in found.top_posts["interactions"]]
    assert by_interactions == [
        (posts["first"], 50),
        (posts["dlh"], 45),
        (posts["third"], 40),
        (posts["corrected"], 30),
    ]
    assert [top.post for top in found.top_posts["reach"]] == [
        posts["corrected"],
        posts["first"],
        posts["dlh"],
    ]
    html = response.content.decode()
    assert 'href="https://x.id/1"' in html
    assert reverse("socialposts:account-detail", args=[world["insta"].pk]) in html
    platforms = dict(found.platforms)
    assert set(platforms) == {"Instagram", "Facebook"}
    assert platforms["Instagram"].reach == 30 * 120
    assert platforms["Facebook"].followers == 500
    assert platforms["Facebook"].growth is None


def test_a_wrong_overview_period_or_order_is_refused(client, world, dinkominfo):
    client.force_login(dinkominfo)
    response = client.get(OVERVIEW + "?start=2026-03-30&end=2026-03-01")
    assert response.status_code == 400
    assert "Sampai: tanggal harus sama dengan atau sesudah tanggal Dari." in (
        response.content.decode()
    )
    response = client.get(OVERVIEW + PERIOD + "&sort=password")
    assert response.status_code == 400
    assert "Urutkan OPD menurut: pilih salah satu dari daftar." in (
        response.content.decode()
    )
    # The period asked for still holds.
    assert response.context["found"].start == START


@pytest.mark.parametrize(
    "role,status",
    [("dinkominfo", 200), ("ppid_utama", 200), ("atasan_ppid", 403)],
)
def test_the_overview_is_for_dinkominfo_and_ppid_utama(client, db, role, status):
    client.force_login(UserFactory(username="u-" + role, role=role))
    assert client.get(OVERVIEW).status_code == status


def test_an_opd_admin_is_refused_and_a_visitor_sent_to_log_in(client, opd_admin):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    client.force_login(opd_admin)
    assert client.get(OVERVIEW).status_code == 403
    # Nor is the overview offered to it.
    html = client.get(reverse("socialposts:accounts")).content.decode()
    assert OVERVIEW not in html


def test_the_accounts_page_links_the_overview_for_dinkominfo(client, dinkominfo):
    client.force_login(dinkominfo)
    html = client.get(reverse("socialposts:accounts")).content.decode()
    assert 'href="{}"'.format(OVERVIEW) in html
    assert "Ringkasan se-kabupaten" in html


def test_the_overview_reads_with_a_fixed_number_of_queries(client, world, dinkominfo):
    client.force_login(dinkominfo)
    client.get(OVERVIEW + PERIOD)  # the session and the user, once
    with CaptureQueriesContext(connection) as few:
        client.get(OVERVIEW + PERIOD)
    # Ten more OPDs with an account each, posts and figures.
    for n in range(10):
        account = SocialAccountFactory(opd=OpdFactory(short_name="OPD{}".format(n)))
        post = PostFactory(account=account, published_at=wib(D(2026, 3, 3)))
        upsert_account_values(
            AccountValue(account.pk, "reach", day, n, "reach") for day in days()
        )
        upsert_post_values([PostValue(post.pk, "interactions", END, n, "ti")])
    with CaptureQueriesContext(connection) as many:
        response = client.get(OVERVIEW + PERIOD)
    assert len(response.context["rows"]) == 13
    assert len(many) == len(few) <= 12, [q["sql"] for q in many.captured_queries]


def test_the_overview_selector_sums_in_the_database(world, django_assert_num_queries):
    with django_assert_num_queries(8):
        found = selectors.social_overview(START, END)
    assert found.daily["reach"][0] == (START, 170.0)
    assert len(found.daily["reach"]) == 30
