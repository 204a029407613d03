"""Social figures out of the portal: CSV and XLSX of daily metrics and of
posts per account and per OPD, the monthly one-page PDF per OPD, the pages
and the API, and who may download what."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from tests.factories import PostFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
D = datetime.date


def wib(day, hour=9, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


@pytest.fixture
def dinkominfo(db):
    return UserFactory(username="dinkominfo", role="dinkominfo")


@pytest.fixture
def world(opd, other_opd):
    """Two accounts of DINKES with March 2026 figures, and one of DLH."""
    insta = SocialAccountFactory(opd=opd, platform="instagram", handle="dinkes_pbg")
    tube = SocialAccountFactory(opd=opd, platform="youtube", handle="DinkesPurbalingga")
    theirs = SocialAccountFactory(opd=other_opd, handle="dlh_pbg")
    values = [
        # End of February: the base of March's growth.
        AccountValue(insta.pk, "followers", D(2026, 2, 28), 1000, "followers_count"),
        AccountValue(tube.pk, "followers", D(2026, 2, 27), 400, "subscriberCount"),
        AccountValue(insta.pk, "followers", D(2026, 3, 31), 1250, "followers_count"),
        AccountValue(tube.pk, "followers", D(2026, 3, 30), 410, "subscriberCount"),
        # After the month: never the month's end value.
        AccountValue(insta.pk, "followers", D(2026, 4, 1), 9999, "followers_count"),
        AccountValue(theirs.pk, "followers", D(2026, 3, 31), 777, "followers_count"),
        AccountValue(theirs.pk, "reach", D(2026, 3, 2), 5555, "reach"),
    ]
    for day in range(1, 32):
        values.append(AccountValue(insta.pk, "reach", D(2026, 3, day), 100, "reach"))
        values.append(AccountValue(tube.pk, "views", D(2026, 3, day), 20, "views"))
    values.append(AccountValue(insta.pk, "reach", D(2026, 4, 1), 100000, "reach"))
    upsert_account_values(values)
    infographic = PostFactory(
        account=insta,
        external_id="ig-1",
        content_type="infografis",
        caption="=Jadwal posyandu Maret",
        permalink="https://www.instagram.com/p/Posyandu/",
        published_at=wib(D(2026, 3, 10)),
    )
    late = PostFactory(
        account=insta,
        external_id="ig-2",
        content_type="foto",
        caption="Kerja bakti",
        permalink="https://www.instagram.com/p/KerjaBakti/",
        # 23:30 WIB on the 31st is 16:30 UTC: still March here.
        published_at=wib(D(2026, 3, 31), 23, 30),
    )
    video = PostFactory(
        account=tube,
        external_id="yt-1",
        content_type="video",
        caption="Senam sehat",
        permalink="https://www.youtube.com/watch?v=senam",
        duration_seconds=75,
        published_at=wib(D(2026, 3, 5)),
    )
    april = PostFactory(
        account=insta,
        external_id="ig-3",
        content_type="foto",
        published_at=wib(D(2026, 4, 1), 0, 10),
    )
    upsert_post_values(
        [
            PostValue(infographic.pk, "interactions", D(2026, 3, 11), 5, "ti"),
            PostValue(infographic.pk, "interactions", D(2026, 3, 20), 42, "ti"),
            PostValue(infographic.pk, "views", D(2026, 3, 20), 900, "views"),
            PostValue(late.pk, "interactions", D(2026, 4, 2), 7, "ti"),
            PostValue(video.pk, "views", D(2026, 3, 25), 3000, "views"),
            PostValue(video.pk, "interactions", D(2026, 3, 25), 42, "ti"),
            PostValue(april.pk, "interactions", D(2026, 4, 2), 500, "ti"),
        ]
    )
    return {
        "insta": insta,
        "tube": tube,
        "theirs": theirs,
        "infographic": infographic,
        "late": late,
        "video": video,
    }


def naive(day, hour, minute):
    """As openpyxl reads a cell back: local time, no zone."""
    return wib(day, hour, minute).replace(tzinfo=None)


def march(**extra):
    return {"start": "2026-03-01", "end": "2026-03-31", **extra}


def parse_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- Contents --------------------------------------------------------------------------


def test_opd_daily_metrics_as_csv_parse_back(client, opd_admin, world):
    client.force_login(opd_admin)
    response = client.get(
        reverse("socialposts:opd-export", args=["dinkes"]),
        march(data="metrics", format="csv"),
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="media-sosial-dinkes-metrik-harian-'
        '2026-03-01-sd-2026-03-31.csv"'
    )
    rows = parse_csv(response)
    header = rows[0]
    assert header[:4] == ["Tanggal", "OPD", "Platform", "Akun"]
    assert {"Pengikut", "Jangkauan", "Tayangan"} <= set(header)
    column = {name: i for i, name in enumerate(header)}
    body = rows[1:]
    # 31 days × two accounts; DLH's account and April are left out.
    assert len(body) == 62
    assert {row[column["Akun"]] for row in body} == {"dinkes_pbg", "DinkesPurbalingga"}
    last = {
        row[column["Akun"]]: row
        for row in body
        if row[column["Tanggal"]] == "2026-03-31"
    }
    assert last["dinkes_pbg"][column["Pengikut"]] == "1250"
    assert last["dinkes_pbg"][column["Jangkauan"]] == "100"
    assert last["DinkesPurbalingga"][column["Tayangan"]] == "20"
    assert last["DinkesPurbalingga"][column["Pengikut"]] == ""
    assert [row[0] for row in body] == sorted(row[0] for row in body)


def test_account_posts_as_xlsx_carry_their_latest_figures(client, opd_admin, world):
    client.force_login(opd_admin)
    account = world["insta"]
    response = client.get(
        reverse("socialposts:account-export", args=[account.pk]),
        march(data="posts", format="xlsx"),
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="media-sosial-dinkes-instagram-dinkes_pbg-unggahan-'
        '2026-03-01-sd-2026-03-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "Dinas Kesehatan" in rows[0][0]
    intro = {row[0]: row[1] for row in rows[2:5]}
    assert intro["OPD"] == "Dinas Kesehatan"
    assert intro["Akun"] == "Instagram @dinkes_pbg"
    assert intro["Jangka waktu"] == "1 Maret 2026 sampai 31 Maret 2026"
    start = next(i for i, row in enumerate(rows) if row[0] == "Tanggal terbit")
    header = rows[start]
    column = {name: i for i, name in enumerate(header)}
    body = rows[start + 1 :]
    assert [row[column["ID eksternal"]] for row in body] == ["ig-1", "ig-2"]
    first, late = body
    assert first[column["Tanggal terbit"]] == naive(D(2026, 3, 10), 9, 0)
    assert first[column["Jenis konten"]] == "Infografis"
    # A caption that a spreadsheet would run as a formula is defused.
    assert first[column["Keterangan"]] == "'=Jadwal posyandu Maret"
    assert first[column["Tautan"]] == "https://www.instagram.com/p/Posyandu/"
    # The latest snapshot (20 March), not the first one.
    assert first[column["Interaksi"]] == 42
    assert first[column["Tayangan"]] == 900
    assert first[column["Data per tanggal"]].date() == D(2026, 3, 20)
    assert late[column["Tanggal terbit"]] == naive(D(2026, 3, 31), 23, 30)
    assert late[column["Interaksi"]] == 7


def test_opd_posts_as_csv_cover_every_account(client, dinkominfo, world):
    client.force_login(dinkominfo)
    response = client.get(
        reverse("socialposts:opd-export", args=["dinkes"]),
        march(data="posts", format="csv"),
    )
    rows = parse_csv(response)
    column = {name: i for i, name in enumerate(rows[0])}
    assert [row[column["ID eksternal"]] for row in rows[1:]] == ["yt-1", "ig-1", "ig-2"]
    video = rows[1]
    assert video[column["Durasi (detik)"]] == "75"
    assert video[column["Tanggal terbit"]] == "2026-03-05 09:00"
    assert video[column["Tayangan"]] == "3000"


def test_monthly_pdf_has_the_opd_the_month_and_its_figures(client, opd_admin, world):
    client.force_login(opd_admin)
    response = client.get(
        reverse("socialposts:opd-monthly", args=["dinkes"]), {"month": "2026-03"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="media-sosial-dinkes-ringkasan-2026-03.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Dinas Kesehatan" in text and "Maret 2026" in text
    assert "Dinas Lingkungan Hidup" not in text
    # Followers at the month's end: 1.250 + 410; growth +250 and +10.
    assert "1.660" in text and "+260" in text
    assert "1.250" in text and "+250" in text and "+10" in text
    assert "25,0%" in text  # Instagram's growth against February's end
    assert "9.999" not in text  # April's followers are not March's end
    # Reach: 31 days × 100; views: 31 × 20.
    assert "3.100" in text and "620" in text
    # Three posts: one each of infographic, photo and video.
    assert "Infografis" in text and "Video" in text and "Foto" in text
    # Top posts: 42 interactions each, then views decide (3000 before 900).
    assert text.index("Senam sehat") < text.index("Jadwal posyandu")
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0].get("/Annots", [])
    ]
    # A link that wraps gets an annotation per line.
    assert list(dict.fromkeys(links)) == [
        "https://www.youtube.com/watch?v=senam",
        "https://www.instagram.com/p/Posyandu/",
        "https://www.instagram.com/p/KerjaBakti/",
    ]


def test_monthly_pdf_of_an_opd_without_accounts_says_so(client, other_opd_admin):
    client.force_login(other_opd_admin)
    response = client.get(
        reverse("socialposts:opd-monthly", args=["dlh"]), {"month": "2026-03"}
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Dinas Lingkungan Hidup" in text
    assert "tidak memiliki akun media sosial" in text


# --- Bounded queries -------------------------------------------------------------------


def _many(opd, accounts, posts):
    for _n in range(accounts):
        account = SocialAccountFactory(opd=opd)
        upsert_account_values(
            AccountValue(account.pk, metric, D(2026, 3, day), day, metric)
            for day in range(1, 29)
            for metric in ("followers", "reach", "views")
        )
        made = [
            PostFactory(account=account, published_at=wib(D(2026, 3, 1 + i % 28)))
            for i in range(posts)
        ]
        upsert_post_values(
            PostValue(post.pk, metric, D(2026, 3, 28), 3, metric)
            for post in made
            for metric in ("views", "interactions")
        )
        for post in made:
            post.topics.add("layanan")


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "route,params",
    [
        ("socialposts:opd-export", march(data="metrics", format="xlsx")),
        ("socialposts:opd-export", march(data="posts", format="xlsx")),
        ("socialposts:opd-monthly", {"month": "2026-03"}),
    ],
)
def test_exports_read_in_a_fixed_number_of_queries(
    client, opd, opd_admin, route, params, django_assert_max_num_queries
):
    client.force_login(opd_admin)
    url = reverse(route, args=["dinkes"])
    _many(opd, accounts=1, posts=2)
    few = _queries(client, url, params)
    _many(opd, accounts=3, posts=8)
    with django_assert_max_num_queries(few):
        client.get(url, params)
    assert few <= 10


# --- Refused input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,field,message",
    [
        (
            {"start": "2026-03-31", "end": "2026-03-01"},
            "end",
            "Tanggal akhir harus sama dengan atau sesudah tanggal mulai.",
        ),
        (
            {"start": "2025-01-01", "end": "2026-01-02"},
            "end",
            "Rentang paling panjang 366 hari",
        ),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "start", "Tanggal mulai:"),
        ({"end": "2026-03-01"}, "start", "Isi tanggal mulai."),
        ({**march(), "format": "pdf"}, "format", "Format: pilih CSV atau XLSX."),
    ],
)
def test_bad_ranges_are_refused_naming_the_field(
    client, opd_admin, world, params, field, message
):
    client.force_login(opd_admin)
    query = {"data": "metrics", "format": "csv", **params}
    response = client.get(reverse("socialposts:opd-export", args=["dinkes"]), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    errors = response.context["export_form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode()


def test_a_whole_leap_year_is_allowed(client, opd_admin, world):
    client.force_login(opd_admin)
    response = client.get(
        reverse("socialposts:opd-export", args=["dinkes"]),
        {
            "data": "metrics",
            "format": "csv",
            "start": "2028-01-01",
            "end": "2028-12-31",
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "month,message",
    [
        ("2026-13", "Bulan: tulis bulan sebagai TTTT-BB"),
        ("2099-01", "Bulan itu belum dimulai"),
        ("", "Isi bulan."),
    ],
)
def test_bad_months_are_refused_naming_the_field(client, opd_admin, month, message):
    client.force_login(opd_admin)
    response = client.get(
        reverse("socialposts:opd-monthly", args=["dinkes"]), {"month": month}
    )
    assert response.status_code == 400
    errors = response.context["month_form"].errors
    assert list(errors) == ["month"] and message in errors["month"][0]


def test_the_page_shows_the_forms_before_anything_is_sent(client, opd_admin, world):
    client.force_login(opd_admin)
    page = client.get(reverse("socialposts:opd-export", args=["dinkes"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Unduh data media sosial" in body
    assert reverse("socialposts:opd-monthly", args=["dinkes"]) in body
    page = client.get(reverse("socialposts:account-export", args=[world["insta"].pk]))
    assert page.status_code == 200 and page.context["month_form"] is None


# --- Who may download ------------------------------------------------------------------


def _html_urls(world):
    return [
        reverse("socialposts:account-export", args=[world["insta"].pk]),
        reverse("socialposts:opd-export", args=["dinkes"]),
        reverse("socialposts:opd-monthly", args=["dinkes"]),
    ]


def test_another_opds_admin_gets_404_and_anonymous_goes_to_log_in(
    client, other_opd_admin, world
):
    for url in _html_urls(world):
        response = client.get(url, march(data="metrics", format="csv", month="2026-03"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(other_opd_admin)
    for url in _html_urls(world):
        response = client.get(url, march(data="metrics", format="csv", month="2026-03"))
        assert response.status_code == 404
    # Its own OPD's figures, and only those.
    own = client.get(
        reverse("socialposts:opd-export", args=["dlh"]),
        march(data="metrics", format="csv"),
    )
    names = {row[3] for row in parse_csv(own)[1:]}
    assert names == {"dlh_pbg"}


def test_a_logged_in_user_without_a_role_is_refused(client, world):
    client.force_login(UserFactory(username="warga"))
    for url in _html_urls(world):
        assert client.get(url).status_code == 403


def test_dinkominfo_downloads_every_opd(client, dinkominfo, world):
    client.force_login(dinkominfo)
    for url in _html_urls(world):
        response = client.get(url, march(data="metrics", format="csv", month="2026-03"))
        assert response.status_code == 200


def test_pages_link_to_the_downloads(client, opd_admin, world):
    client.force_login(opd_admin)
    account = world["insta"]
    detail = client.get(reverse("socialposts:account-detail", args=[account.pk]))
    body = detail.content.decode()
    assert reverse("socialposts:account-export", args=[account.pk]) in body
    assert reverse("socialposts:opd-export", args=["dinkes"]) in body
    listing = client.get(reverse("socialposts:accounts")).content.decode()
    assert reverse("socialposts:opd-export", args=["dinkes"]) in listing
    profile = client.get(reverse("opds:opd-detail", args=["dinkes"])).content.decode()
    assert reverse("socialposts:opd-export", args=["dinkes"]) in profile
    other = client.get(reverse("opds:opd-detail", args=["dlh"])).content.decode()
    assert reverse("socialposts:opd-export", args=["dlh"]) not in other


# --- The API ---------------------------------------------------------------------------


def test_api_account_export_as_csv(api_client, opd_admin, world):
    api_client.force_authenticate(opd_admin)
    url = reverse("api:social-account-export", args=[world["tube"].pk])
    response = api_client.get(url, march(data="posts", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = parse_csv(response)
    column = {name: i for i, name in enumerate(rows[0])}
    assert [row[column["ID eksternal"]] for row in rows[1:]] == ["yt-1"]
    assert rows[1][column["Interaksi"]] == "42"


def test_api_opd_export_as_xlsx(api_client, dinkominfo, world):
    api_client.force_authenticate(dinkominfo)
    url = reverse("api:social-opd-export", args=["dinkes"])
    response = api_client.get(url, march(data="metrics", format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2026-03-31.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    handles = {row[3] for row in sheet.iter_rows(min_row=8, values_only=True)}
    assert handles == {"dinkes_pbg", "DinkesPurbalingga"}


def test_api_monthly_pdf(api_client, opd_admin, world):
    api_client.force_authenticate(opd_admin)
    url = reverse("api:social-opd-monthly", args=["dinkes"])
    response = api_client.get(url, {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Dinas Kesehatan" in text and "Maret 2026" in text


def test_api_refuses_bad_input_naming_the_field(api_client, opd_admin, world):
    api_client.force_authenticate(opd_admin)
    url = reverse("api:social-opd-export", args=["dinkes"])
    response = api_client.get(
        url,
        {
            "data": "metrics",
            "format": "csv",
            "start": "2026-03-31",
            "end": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "end": ["Tanggal akhir harus sama dengan atau sesudah tanggal mulai."]
    }
    response = api_client.get(url, march(data="metrics", format="docx"))
    assert response.status_code == 400 and list(response.json()) == ["format"]
    response = api_client.get(
        reverse("api:social-opd-monthly", args=["dinkes"]), {"month": "2026-3"}
    )
    assert response.status_code == 400
    assert (
        api_client.get(
            reverse("api:social-opd-monthly", args=["dinkes"]), {"month": "2026-100"}
        ).status_code
        == 400
    )
    assert response.json()["month"] == [
        "Bulan: tulis bulan sebagai TTTT-BB, misalnya 2026-10."
    ]


def test_api_scopes_and_refuses_anonymous(api_client, other_opd_admin, world):
    urls = [
        reverse("api:social-account-export", args=[world["insta"].pk]),
        reverse("api:social-opd-export", args=["dinkes"]),
        reverse("api:social-opd-monthly", args=["dinkes"]),
    ]
    query = march(data="metrics", format="csv", month="2026-03")
    for url in urls:
        assert api_client.get(url, query).status_code in (401, 403)
    api_client.force_authenticate(other_opd_admin)
    for url in urls:
        assert api_client.get(url, query).status_code == 404
