"""The yearly public information service report (Laporan Layanan Informasi
Publik) as a file over the API, for everyone, as on the statistics page:
the report is published (UU 14/2008 Pasal 12; Perki 1/2021 Pasal 56).

The file is the page's: ``yearly_report_file`` is the one call of the
export, so a change to what the report holds reaches both."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api.negotiation import JsonErrorsOnly
from ppid.requests import exports as request_exports
from ppid.requests import selectors as request_selectors

# The formats and the media types the schema documents for them.
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def yearly_report_file(year: int, fmt: str) -> tuple[bytes, str]:
    """The year's report as ``fmt``: its bytes and media type, from the same
    export as the statistics page (ppid.requests.views.yearly_report)."""
    figures = request_selectors.request_statistics(year)
    return request_exports.yearly_report(figures, fmt)


def _year(value: str) -> int:
    """A year the register could hold; anything else is not found."""
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise Http404
    if request_selectors.parse_year(value) != int(value):
        raise Http404
    return int(value)


class YearlyReportView(APIView):
    """The year's Laporan Layanan Informasi Publik as PDF or XLSX."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsOnly

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, OpenApiParameter.PATH, pattern=r"^[0-9]{4}$"),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(FORMATS)),
        ],
        responses={(200, kind): OpenApiTypes.BINARY for kind in FORMATS.values()},
    )
    def get(self, request: Request, year: str, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        number = _year(year)
        body, content_type = yearly_report_file(number, fmt)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            'attachment; filename="laporan-layanan-informasi-publik-{}.{}"'.format(
                number, fmt
            )
        )
        return response
