"""Excluded information never reaches anyone outside its staff.

Fifty excluded items carry unique tokens in their summaries and files; the
test crawls every public page, the sitemap, the feed, the exports, the
search and the API, anonymously and as the admin of another OPD, and looks
for any token. Every excluded file URL must answer 404.
"""

import re
import secrets
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ppid.catalogue.services import _store_files
from ppid.uploads import clean_upload
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
CANARIES = 50


@pytest.fixture
def canaries(db):
    opds = [OpdFactory(short_name="OPD-{}".format(i)) for i in range(5)]
    uploader = UserFactory(username="admin-opd-0", role="opd_admin", opd=opds[0])
    tokens, file_urls = [], []
    for index in range(CANARIES):
        token = "KANARI{}".format(secrets.token_hex(6).upper())
        file_token = "BERKAS{}".format(secrets.token_hex(6).upper())
        tokens += [token, file_token]
        decision = ExclusionDecisionFactory(
            item__opd=opds[index % 5],
            item__summary="Rincian rahasia {} pasien".format(token),
            scope="partial" if index % 10 == 0 else "whole",
            redacted_summary="Versi publik tanpa data pribadi."
            if index % 10 == 0
            else "",
        )
        _store_files(
            decision.item,
            [clean_upload(SimpleUploadedFile("rahasia.pdf", pdf_bytes(file_token)))],
            uploader,
            [],
        )
        file_urls.append(decision.item.files.get().get_absolute_url())
        # Neighbours that are public, so search and lists have something to show.
        InformationItemFactory(
            opd=opds[index % 5], title="Laporan pasien {}".format(index)
        )
    return tokens, file_urls, opds


def _links(body: str, base: str) -> list[str]:
    found = re.findall(r'(?:href|src)="([^"#]+)"', body)
    found += re.findall(r"<loc>([^<]+)</loc>", body)
    found += re.findall(r'"(?:url|next)":\s*"([^"]+)"', body)
    return [urljoin(base, link.replace("&amp;", "&")) for link in found]


def _crawl(client: Client, starts: list[str], limit: int = 400) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        parsed = urlparse(url)
        if parsed.netloc not in ("", "testserver"):
            continue
        path = parsed.path + ("?" + parsed.query if parsed.query else "")
        if path in seen or path.startswith(("/static/", "/admin/", "/keluar/")):
            continue
        # Facet links combine without end; two filters deep is enough.
        if parsed.query.count("&") > 2:
            continue
        response = client.get(path)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        headers = "\n".join("{}: {}".format(k, v) for k, v in response.items())
        seen[path] = body + headers.encode()
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and (
            "html" in content_type or "xml" in content_type or "json" in content_type
        ):
            queue.extend(
                _links(body.decode("utf-8", "replace"), "http://testserver" + path)
            )
    return seen


START = [
    "/",
    "/informasi/",
    "/informasi/?q=pasien",
    "/informasi/?q=rahasia",
    "/informasi/dikecualikan/",
    "/informasi/dip.csv",
    "/informasi/dip.xlsx",
    "/informasi/dip.pdf",
    "/informasi/feed/",
    "/sitemap.xml",
    "/perangkat-daerah/",
    "/api/v1/information/",
    "/api/v1/information/?q=rahasia",
    "/api/v1/exclusions/",
    "/api/v1/opds/",
    "/api/schema/",
]


@pytest.mark.parametrize("who", ["anonymous", "admin_of_another_opd"])
def test_no_canary_anywhere_public(canaries, who):
    tokens, file_urls, opds = canaries
    client = Client()
    if who == "admin_of_another_opd":
        other = OpdFactory(short_name="LAIN")
        client.force_login(
            UserFactory(username="admin-lain", role="opd_admin", opd=other)
        )
    starts = START + ["/informasi/?q={}".format(t) for t in tokens[:20]]
    starts += ["/api/v1/information/?q={}".format(t) for t in tokens[:20]]
    pages = _crawl(client, starts)
    assert len(pages) > 60, "the crawl reached too little to prove anything"
    # The xlsx export is a zip: look inside it too.
    import io
    import zipfile

    xlsx = zipfile.ZipFile(io.BytesIO(client.get("/informasi/dip.xlsx").content))
    pages["xlsx-inside"] = b"".join(xlsx.read(name) for name in xlsx.namelist())
    # A search page repeats its own query in the search box; that echo is
    # not a leak, but finding anything for it would be.
    leaks = [
        (path, token)
        for path, body in pages.items()
        for token in tokens
        if token not in path and token.encode() in body
    ]
    assert leaks == []
    for token in tokens[:20]:
        html = client.get("/informasi/", {"q": token}).content.decode()
        assert "Tidak ada informasi yang cocok" in html
        assert client.get("/api/v1/information/", {"q": token}).json()["count"] == 0
    for url in file_urls:
        assert client.get(url).status_code == 404


def test_the_canary_check_can_see_a_leak(canaries, client):
    """The crawl would notice a token: staff of the OPD do see them."""
    tokens, file_urls, opds = canaries
    client.force_login(UserFactory(username="ppid", role="ppid_utama"))
    item_url = file_urls[0].split("berkas/")[0]
    pages = _crawl(client, [item_url], limit=3)
    assert tokens[0].encode() in pages[item_url]
    response = client.get(file_urls[0])
    assert tokens[1].encode() in b"".join(response.streaming_content)
