"""The bukti permohonan: a printable PDF receipt of a request, for the
requester who proved the tracking code. It never carries the tracking code,
the NIK or the contacts, and an individual's name only masked
(``personal_data.mask_name``); a legal entity's name is public."""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.tables import FILE_AUTHOR, FILE_CREATOR, pdf_table, pdf_text
from ppid.requests import personal_data
from ppid.requests.models import InformationRequest, RequesterType


def _day(value) -> str:
    return formats.date_format(value, "l, j F Y") if value else ""


def receipt_rows(info_request: InformationRequest) -> list[tuple[str, str]]:
    """The receipt's lines as (label, value), in the order printed."""
    received = _day(info_request.received_on)
    if info_request.received_at:
        received += ", {} WIB".format(
            timezone.localtime(info_request.received_at).strftime("%H.%M")
        )
    name = info_request.full_name
    if info_request.requester_type != RequesterType.BADAN_HUKUM:
        name = personal_data.mask_name(name)
    opd = (
        info_request.opd.name
        if info_request.opd
        else _("PPID Utama of Purbalingga Regency (not yet routed to an agency)")
    )
    rows = [
        (_("Date received"), received),
    ]
    if info_request.counted_from != info_request.received_on:
        rows.append(
            (
                _("Counted as received on"),
                _day(info_request.counted_from)
                + " "
                + _("(received outside working days or office hours)"),
            )
        )
    rows += [
        (_("Requester"), name),
        (_("Information requested"), info_request.requested_information),
        (_("How to obtain it"), info_request.get_access_method_display()),
        (_("Handled by"), opd),
        (
            _("Written answer due by"),
            _day(info_request.answer_due_on)
            + " "
            + (
                _("(extended once by 7 working days, UU 14/2008 Article 22(8))")
                if info_request.was_extended
                else _("(10 working days, UU 14/2008 Article 22(7))")
            ),
        ),
    ]
    if info_request.completeness_due_on:
        rows.append(
            (
                _("Completeness check by"),
                _day(info_request.completeness_due_on) + " (Perbup 31/2022)",
            )
        )
    return rows


def receipt_pdf(info_request: InformationRequest, track_url: str) -> bytes:
    """The receipt as an A4 PDF; ``track_url`` is where to follow the request."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    title = _("Receipt of a request for public information")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="{} {}".format(title, info_request.registration_number),
        author=FILE_AUTHOR,
        creator=FILE_CREATOR,
    )
    story = [
        Paragraph(pdf_text(_("PPID of Purbalingga Regency")), styles["Heading3"]),
        Paragraph(pdf_text(title), styles["Title"]),
        Spacer(1, 4 * mm),
        pdf_table(
            [_("Registration number"), info_request.registration_number],
            receipt_rows(info_request),
            [55, 119],
            style=body,
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            pdf_text(
                _(
                    "Keep this receipt. Follow the request at %(url)s with the "
                    "registration number and the tracking code you were given; "
                    "the code is not printed here."
                )
                % {"url": track_url}
            ),
            body,
        ),
        Paragraph(
            pdf_text(
                _(
                    "If the request is refused, not answered in time or not "
                    "answered as asked, you may object to the Atasan PPID within "
                    "30 working days (UU 14/2008 Articles 35-36)."
                )
            ),
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            pdf_text(
                _("Printed on %(date)s")
                % {"date": timezone.localtime().strftime("%d-%m-%Y %H:%M")}
            ),
            styles["Italic"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
