"""A logging filter that keeps personal data out of every log line."""

from __future__ import annotations

import logging
import re

# A NIK is 16 digits; phone numbers are 9-15 digits, perhaps with +62 and
# separators; addresses look like mail addresses. Long digit runs that are
# not personal (ids, timestamps) are rarely 9+ digits in this portal's logs,
# and hiding one by mistake costs nothing.
DECIMAL = re.compile(r"0\.\d+")
# A NIK, also as people write it: in groups of four; not part of a longer
# digit run nor after a decimal point (a task's run time in seconds). Letters
# beside it do not make it safe ("ktp3303…0001.jpg", "NIK3303…"): only a
# YouTube channel id (UC and 22 characters; the demo's are UC and 20) is
# known to hold sixteen digits that are no NIK.
# tests/personal_data_guard.py looks for the same pattern in every log line,
# API answer and export.
NIK = re.compile(r"(?<!\d)(?<!\d[.,])\d{4}([\s.-]?)\d{4}\1\d{4}\1\d{4}(?!\d)")
CHANNEL_ID = re.compile(r"(?<![\w-])UC[\w-]{20,22}(?![\w-])")


def _nik(match: re.Match) -> str:
    for channel in CHANNEL_ID.finditer(match.string):
        if channel.start() <= match.start() and match.end() <= channel.end():
            return match.group()
    return "[NIK disembunyikan]"


_PATTERNS = [
    # Secrets in query strings: a request's tracking code, a platform token.
    (
        re.compile(r"((?:tracking_code|access_token)=)[^&\s\"']*", re.I),
        r"\1[disembunyikan]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[surel disembunyikan]"),
    (NIK, _nik),
    (
        re.compile(r"(?<![\w/])(\+?62|0)[\s.-]?\d{2,4}([\s.-]?\d{2,4}){2,3}(?!\d)"),
        # A plain decimal (a task's run time, 0.5212341234 s) is no phone.
        lambda m: (
            m.group() if DECIMAL.fullmatch(m.group()) else "[telepon disembunyikan]"
        ),
    ),
]


def redact(text: str) -> str:
    """``text`` with NIKs, phone numbers and e-mail addresses replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    """Rewrites each record's message, arguments included, before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still logged as is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Tracebacks may quote local values: format once, then redact.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info)
            )
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
