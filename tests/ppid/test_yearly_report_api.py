"""The yearly public information service report over the API: the same file
as the statistics page's, for everyone, whatever the client accepts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def api_url(year, fmt):
    return reverse("api:request-yearly-report", kwargs={"year": year, "fmt": fmt})


def cells(body: bytes) -> list:
    sheet = load_workbook(io.BytesIO(body)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


def test_the_yearly_report_downloads_from_the_api_as_from_the_page(api_client, client):
    response = api_client.get(api_url("2026", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="laporan-layanan-informasi-publik-2026.pdf"'
        in (response["Content-Disposition"])
    )
    page = client.get(reverse("ppid:yearly-report", args=[2026, "pdf"]))
    assert [
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ] == [p.extract_text() for p in PdfReader(io.BytesIO(page.content)).pages]
    response = api_client.get(api_url("2026", "xlsx"), HTTP_ACCEPT=XLSX)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    page = client.get(reverse("ppid:yearly-report", args=[2026, "xlsx"]))
    assert cells(response.content) == cells(page.content)


def test_a_year_or_format_the_register_cannot_hold_is_not_found(api_client):
    for year, fmt in (("1999", "pdf"), ("0000", "xlsx"), ("20x6", "pdf")):
        assert api_client.get(api_url(year, fmt)).status_code == 404
    response = api_client.get(api_url("2026", "csv"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
