"""The requester's personal data (UU 27/2022): the NIK checked, encrypted at
rest and shown masked; tracking codes kept only as hashes."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import crypto
from opds import audit
from opds.models import AuditEvent

# Province codes in use (Kemendagri), the first two digits of every NIK.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21}
    | {31, 32, 33, 34, 35, 36}
    | {51, 52, 53}
    | {61, 62, 63, 64, 65}
    | {71, 72, 73, 74, 75, 76}
    | {81, 82}
    | {91, 92, 93, 94, 95, 96, 97}
)
# Without I, L, O, 0 and 1, so a code read aloud or copied by hand survives.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12


def clean_nik(value: str) -> str:
    """A valid NIK, or ValidationError naming the field.

    Digits 7-12 are the date of birth as DDMMYY, with 40 added to the day
    for women; a NIK whose date cannot exist was mistyped.
    """
    nik = "".join((value or "").split())
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    if int(nik[:2]) not in PROVINCE_CODES:
        raise ValidationError(
            _("NIK does not start with a known province code."), code="nik_province"
        )
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    try:
        datetime.date(2000 + year, month, day)
    except ValueError:
        raise ValidationError(
            _("The date of birth inside this NIK does not exist."), code="nik_birth"
        ) from None
    if nik[12:] == "0000":
        raise ValidationError(
            _("The last four digits of a NIK are never 0000."), code="nik_serial"
        )
    return nik


def mask_nik(nik: str) -> str:
    """``3303********0001``: enough to recognise, too little to misuse."""
    return nik[:4] + "*" * 8 + nik[-4:]


def mask_name(name: str) -> str:
    """``B*** S******``: a printed receipt can lie on a desk or be
    photographed; the initials let the requester recognise it as theirs."""
    return " ".join(
        word[0] + "*" * (len(word) - 1) if word else word for word in name.split()
    )


def encrypt(text: str) -> str:
    return crypto.encrypt(text, settings.PERSONAL_DATA_KEYS)


def decrypt(token: str) -> str:
    """The clear text, or an empty string when no key opens it any more."""
    return crypto.decrypt(token, settings.PERSONAL_DATA_KEYS)


def new_tracking_code() -> str:
    """A random code of about 59 bits, given once to the requester."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_tracking_code(code: str) -> str:
    # Unkeyed on purpose: rotating SECRET_KEY must not lock requesters out,
    # and at 59 random bits a copied hash is not worth guessing at.
    return hashlib.sha256(normalise_tracking_code(code).encode()).hexdigest()


def tracking_code_matches(code: str, stored_hash: str) -> bool:
    return bool(code) and hmac.compare_digest(hash_tracking_code(code), stored_hash)


def audit_contact_export(user: Any, rows: int) -> None:
    """Write to the audit log that an export carried ``rows`` requesters'
    addresses and contacts (never the values), as a NIK read is."""
    if rows:
        audit.record(
            AuditEvent.Action.PERSONAL_DATA_READ,
            actor=user,
            detail={"field": "address, contact", "export_rows": rows},
        )
