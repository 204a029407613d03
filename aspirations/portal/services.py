"""Writes of the portal's aspiration form and its tracking page.

A citizen's submission is one case of channel ``portal``: the contact, the
case (``aspirations.inbox.services.create_case``), the first message and
the attached files, in one transaction; the tracking code is given once and
kept only as its hash (like the PPID's requests,
``ppid.requests.personal_data``). The citizen's later replies on the
tracking page enter the inbox through ``receive``, like any channel's.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations import events
from aspirations.inbox import clocks
from aspirations.inbox import services as inbox
from aspirations.inbox.models import Case, CaseFile, Contact, Kind, Message, State
from core.files import stored_files_removed_on_error
from opds.models import Opd
from ppid.requests import personal_data
from ppid.uploads import CleanUpload, clean_uploads, store_upload

# The portal is its own "platform" and "account" in the inbox's keys: a
# case's conversation is "portal:<hash of its tracking code>".
PLATFORM = events.PORTAL
ACCOUNT = "portal"
TITLE_LIMIT = 200
TEXT_LIMIT = inbox.TEXT_LIMIT
REPLY_LIMIT = 4000
VILLAGE_LIMIT = 100
NAME_LIMIT = 200
MAX_FILES = 5
NUMBER_PREFIX = "ASP-PBG"

# What the form offers (SP4N-LAPOR!'s classifications, and a question);
# spam is the triage's word, never the citizen's.
FORM_KINDS = (
    Kind.ASPIRATION,
    Kind.COMPLAINT,
    Kind.QUESTION,
    Kind.INFORMATION_REQUEST,
    Kind.WHISTLEBLOWING,
)
FIELDS = (
    "kind",
    "title",
    "text",
    "opd",
    "kecamatan",
    "village",
    "anonymous",
    "confidential",
    "name",
    "phone",
    "email",
)
# Indonesian numbers as people write them: 0812..., +62 812..., 62812...,
# with spaces, dots or dashes. Mobile numbers have 10-13 digits with the 0.
_PHONE_CHARS = re.compile(r"[\s().-]")


def now() -> datetime.datetime:
    """The moment a submission is received: the inbox's clock, which tests
    and the demo set."""
    return inbox.now()


def clean_phone(value: str) -> str:
    """A phone number as ``62…`` digits, or ValidationError naming the field."""
    raw = _PHONE_CHARS.sub("", value or "")
    if raw.startswith("+"):
        raw = raw[1:]
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(
            _("Write the phone number with digits only, e.g. 0812 3456 7890."),
            code="phone_format",
        )
    if raw.startswith("0"):
        raw = "62" + raw[1:]
    if not raw.startswith("62") or not 10 <= len(raw) <= 15:
        raise ValidationError(
            _("This is not an Indonesian phone number (e.g. 0812 3456 7890)."),
            code="phone_format",
        )
    return raw


def _clean(data: Mapping[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError("unknown aspiration fields: {}".format(sorted(unknown)))
    cleaned: dict[str, Any] = {}
    for key in ("kind", "title", "text", "village", "name", "phone", "email"):
        value = data.get(key)
        cleaned[key] = "" if value is None else str(value).strip()
    cleaned["anonymous"] = bool(data.get("anonymous"))
    cleaned["confidential"] = bool(data.get("confidential"))
    limits = {
        "title": TITLE_LIMIT,
        "text": TEXT_LIMIT,
        "village": VILLAGE_LIMIT,
        "name": NAME_LIMIT,
        "email": 254,
    }
    for key, limit in limits.items():
        if len(cleaned[key]) > limit:
            errors[key] = _("At most %(limit)s characters.") % {"limit": limit}
    if cleaned["kind"] not in FORM_KINDS:
        errors["kind"] = _("Choose what kind of message this is.")
    if not cleaned["title"]:
        errors["title"] = _("Write a short title.")
    if not cleaned["text"]:
        errors["text"] = _("Write your aspiration or complaint.")
    if not cleaned["anonymous"]:
        # The OPD may need to ask for details, and an anonymous citizen
        # follows the case with the tracking code alone.
        if not cleaned["name"]:
            errors["name"] = _("Write your name, or tick “Anonymous”.")
        if not cleaned["phone"] and not cleaned["email"]:
            errors["phone"] = _(
                "Give a phone number or an e-mail address, or tick “Anonymous”."
            )
    if cleaned["phone"]:
        try:
            cleaned["phone"] = clean_phone(cleaned["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if cleaned["email"] and "email" not in errors:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    opd = data.get("opd") or None
    if opd is not None and not (isinstance(opd, Opd) and opd.is_active):
        errors["opd"] = _("Choose an existing agency.")
    cleaned["opd"] = opd
    kecamatan = data.get("kecamatan") or None
    if kecamatan is not None and not (
        isinstance(kecamatan, Opd)
        and kecamatan.kind == Opd.Kind.KECAMATAN
        and kecamatan.is_active
    ):
        errors["kecamatan"] = _("Choose a kecamatan from the list.")
    cleaned["kecamatan"] = kecamatan
    if cleaned["kind"] == Kind.WHISTLEBLOWING:
        # Whistle-blowing is never seen beyond the coordinator and the OPD.
        cleaned["confidential"] = True
    return cleaned


def _store(case: Case, uploads: list[CleanUpload], names: list[str]) -> list[dict]:
    stored = []
    for upload in uploads:
        record = CaseFile(case=case)
        store_upload(record, upload, names)
        stored.append({"file": record.pk, "name": record.original_name})
    return stored


def submit_aspiration(
    *, data: Mapping[str, Any], files: list[UploadedFile] | None = None
) -> tuple[Case, str]:
    """Open a case from the portal's form; return it and its tracking code
    (given once, kept only as a hash). Every file passes the upload gate
    before anything is written; nothing is half-saved."""
    errors: dict[str, Any] = {}
    cleaned = _clean(data, errors)
    files = list(files or [])
    uploads: list[CleanUpload] = []
    if len(files) > MAX_FILES:
        errors["files"] = _("At most %(count)s files.") % {"count": MAX_FILES}
    elif files:
        try:
            uploads = clean_uploads(files, "files")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    code = personal_data.new_tracking_code()
    code_hash = personal_data.hash_tracking_code(code)
    received_at = now()
    phone = cleaned["phone"]
    with stored_files_removed_on_error() as names, transaction.atomic():
        contact = Contact.objects.create(
            platform=PLATFORM,
            # One contact per submission: the form proves no identity, so
            # two submissions are never joined by what was typed.
            external_id=uuid.uuid4().hex,
            name=cleaned["name"],
            phone_encrypted=personal_data.encrypt(phone) if phone else "",
            phone_masked=inbox.mask_phone(phone) if phone else "",
            email=cleaned["email"],
        )
        case = inbox.create_case(
            channel=events.PORTAL,
            text=cleaned["text"],
            received_at=received_at,
            thread_key="{}:{}".format(ACCOUNT, code_hash),
            contact=contact,
            title=cleaned["title"],
            kind=cleaned["kind"],
            anonymous=cleaned["anonymous"],
            confidential=cleaned["confidential"],
            kecamatan=cleaned["kecamatan"],
            village=cleaned["village"],
            tracking_code_hash=code_hash,
        )
        fields = ["last_citizen_message_at", "updated_at"]
        case.last_citizen_message_at = received_at
        if case.kind != cleaned["kind"]:
            # The citizen said what they send; the triage only guesses it
            # (staff correct it if need be).
            case.kind = cleaned["kind"]
            fields.append("kind")
        if cleaned["opd"] is not None:
            # The citizen's own choice is a suggestion: the coordinator routes.
            case.suggested_opd = cleaned["opd"]
            fields.append("suggested_opd")
        case.save(update_fields=fields)
        attachments = _store(case, uploads, names)
        Message.objects.create(
            case=case,
            platform=PLATFORM,
            external_id="portal-{}".format(uuid.uuid4().hex),
            direction=Message.Direction.IN,
            author_name="" if cleaned["anonymous"] else cleaned["name"],
            text=cleaned["text"],
            sent_at=received_at,
            attachments=attachments,
        )
    return case, code


# --- Finding a case ------------------------------------------------------------


def canonical_number(text: str) -> str:
    """``ASP-PBG/2026/000123`` from that or from its URL form
    ``ASP-PBG-2026-000123``."""
    text = (text or "").replace("\x00", "")
    parts = [p for p in text.strip().upper().replace("/", "-").split("-") if p]
    if len(parts) == 4 and parts[:2] == NUMBER_PREFIX.split("-"):
        return "{}/{}/{}".format(NUMBER_PREFIX, parts[2], parts[3])
    return text.strip().upper()


def url_key(case: Case) -> str:
    """The case number as it goes into a URL."""
    return case.number.replace("/", "-")


def case_by_number(number: str) -> Case | None:
    """The portal case with this number (other channels have no tracking)."""
    if "\x00" in (number or ""):
        return None  # PostgreSQL refuses NUL in a string
    return (
        Case.objects.filter(number=canonical_number(number), channel=events.PORTAL)
        .select_related("opd", "kecamatan")
        .first()
    )


def find_by_code(number: str, code: str) -> Case | None:
    """The portal case with this number, if the tracking code fits."""
    case = case_by_number(number)
    if case is None or not personal_data.tracking_code_matches(
        code, case.tracking_code_hash
    ):
        return None
    return case


# --- The citizen writes again --------------------------------------------------


def citizen_reply(*, case: Case, text: str) -> Message:
    """The citizen answers on the tracking page: a message into the case,
    through the inbox's ``receive`` like any channel's (a followed-up case
    goes back to the OPD). A closed case takes no more messages."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your reply.")})
    if len(text) > REPLY_LIMIT:
        raise ValidationError(
            {"text": _("At most %(limit)s characters.") % {"limit": REPLY_LIMIT}}
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise ValidationError(
                {
                    "text": _(
                        "This case is closed; send a new aspiration if the "
                        "matter is not settled."
                    )
                }
            )
        contact = case.contact
        event = events.Inbound(
            platform=PLATFORM,
            channel=events.PORTAL,
            account_external_id=ACCOUNT,
            external_id="portal-{}".format(uuid.uuid4().hex),
            # The key the case was opened under: "portal:<code hash>".
            thread_key=case.thread_key.split(":", 1)[1],
            author_id=contact.external_id if contact else "",
            author_name="" if case.anonymous or contact is None else contact.name,
            text=text,
            sent_at=now(),
        )
        message = inbox.receive(event=event)
    if message is None:
        # receive found no open case under the key: never for a case read
        # a moment ago under a lock, unless its key was changed.
        raise ValidationError({"text": _("Your reply could not be stored.")})
    return message


# --- What happens next ---------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """One thing that happens next, and the day it happens by."""

    text: str
    date: datetime.date | None = None


def _opening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, settings.ASPIRATION_OFFICE_HOURS[0])
    )


def next_steps(case: Case) -> list[NextStep]:
    """What the citizen can expect, with the dates from the inbox's clocks."""
    steps: list[NextStep] = []
    if case.state in (State.NEW, State.POSTPONED, State.VERIFIED) and case.routing_due:
        steps.append(
            NextStep(
                _(
                    "The coordinator at Dinkominfo checks your message and "
                    "sends it to the OPD that must answer, within %(days)s "
                    "working days."
                )
                % {"days": settings.ASPIRATION_ROUTING_WORKING_DAYS},
                case.routing_due,
            )
        )
        latest = clocks.follow_up_due(_opening(case.routing_due))
        steps.append(
            NextStep(
                _(
                    "The OPD answers with its follow-up within %(days)s working "
                    "days of receiving it (at the latest by this day)."
                )
                % {"days": settings.ASPIRATION_FOLLOW_UP_WORKING_DAYS},
                latest,
            )
        )
    elif case.state in (State.ROUTED, State.IN_PROGRESS) and case.follow_up_due:
        steps.append(
            NextStep(
                _("The OPD answers with its follow-up by this day."),
                case.follow_up_due,
            )
        )
    if case.state == State.ANSWERED and case.auto_close_on:
        steps.append(
            NextStep(
                _(
                    "Not settled? Reply below. Without a reply the case is "
                    "closed on this day."
                ),
                case.auto_close_on,
            )
        )
    elif case.is_open:
        steps.append(
            NextStep(
                _(
                    "Once the OPD has followed up, the case closes after %(days)s "
                    "working days without a reply from you."
                )
                % {"days": settings.ASPIRATION_AUTO_CLOSE_WORKING_DAYS}
            )
        )
    return steps
