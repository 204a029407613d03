"""SP4N-LAPOR!, the national complaint system: the one place the portal
talks to it.

LAPOR! has an integration API, but its documentation is shown only inside
LAPOR!'s admin pages to an account with the developer role, which each
Pemda must assign to its own developer (blog.lapor.go.id/integrasi, read
2026-12-07). An older public API took a KEYTOKEN (e.g. ``POST
/api/services/f01/gettopics``, events.opengovindonesia.org/index.php/api,
read 2026-12-07) and is not the integration API. Until Dinkominfo's
developer has the documentation, no call is written against a guess: the
client is ``ManualLapor``, which answers None, and the pages ask a person
to copy the report into LAPOR! and type its tracking ID and status back.
An API client implements ``LaporClient`` and is returned by ``get_client``
when ``LAPOR_API_URL`` and ``LAPOR_API_KEY`` are set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from aspirations.inbox.models import Case, Kind, Message

logger = logging.getLogger(__name__)

# LAPOR!'s classifications as its report form writes them (shared/docs/
# aspirations.md §1, "Pengelolaan Laporan di Situs LAPOR! V3"); a question
# is asked as a request for information.
CLASSIFICATION = {
    Kind.ASPIRATION: "Aspirasi",
    Kind.COMPLAINT: "Pengaduan",
    Kind.QUESTION: "Permintaan Informasi",
    Kind.INFORMATION_REQUEST: "Permintaan Informasi",
    Kind.WHISTLEBLOWING: "Pengaduan",
    Kind.SPAM: "Pengaduan",
}
REGENCY = "Kabupaten Purbalingga"


@dataclass(frozen=True)
class LaporReport:
    """A report as LAPOR!'s form asks for it."""

    title: str  # judul
    text: str  # isi laporan
    classification: str  # klasifikasi
    category: str  # kategori (the triage's topic)
    location: str  # lokasi
    anonymous: bool  # anonim: the reporter's identity hidden from the agency
    confidential: bool  # rahasia: the report not published
    attachments: tuple[str, ...] = ()  # file names, attached by hand


class LaporClient(Protocol):
    """What the portal needs from LAPOR!."""

    def submit(self, report: LaporReport) -> str | None:
        """Send the report; its tracking ID, or None when a person must."""
        ...  # pragma: no cover

    def status(self, tracking_id: str) -> str | None:
        """The report's status in LAPOR!, or None when a person must read it."""
        ...  # pragma: no cover


class ManualLapor:
    """No API access: every answer is None, so the pages ask a person."""

    def submit(self, report: LaporReport) -> str | None:
        return None

    def status(self, tracking_id: str) -> str | None:
        return None


def get_client() -> LaporClient:
    """The client the settings call for."""
    if settings.LAPOR_API_URL and settings.LAPOR_API_KEY:
        # Configured before an API client exists: say so, work by hand.
        logger.warning(
            "LAPOR_API_URL is set, but no LAPOR! API client is written yet "
            "(its documentation is for the Pemda's developer account); "
            "reports are copied by hand."
        )
    return ManualLapor()


def _location(case: Case) -> str:
    parts = []
    if case.village:
        parts.append(case.village)
    if case.kecamatan_id:
        name = case.kecamatan.name
        parts.append(
            name if name.lower().startswith("kecamatan") else "Kecamatan " + name
        )
    parts.append(REGENCY)
    return ", ".join(parts)


def report_for(case: Case) -> LaporReport:
    """The case as a LAPOR! report: the citizen's own words, in order."""
    messages = [
        message.text.strip()
        for message in case.messages.filter(direction=Message.Direction.IN)
    ]
    return LaporReport(
        title=case.title,
        text="\n\n".join(text for text in messages if text) or case.title,
        classification=CLASSIFICATION.get(case.kind, "Pengaduan"),
        category=case.topic,
        location=_location(case),
        anonymous=case.anonymous,
        confidential=case.confidential,
        attachments=tuple(case.files.values_list("original_name", flat=True)),
    )
