"""A case leaves the inbox: as an information request under UU 14/2008, or
referred to SP4N-LAPOR!.

A conversion registers the request through the PPID's own service
(``ppid.requests.services.submit_request``), dated when the citizen asked
so the 10+7 working-day clock runs from then, links it to the case and
tells the citizen its number and tracking code through the case's channel.
The code opens the request, so it goes only where the citizen alone reads
it (the portal's tracking page, WhatsApp, a direct message, a comment's
private reply); under a public comment the reply carries the number alone,
and staff hand the code over. A refused step raises ``ValidationError``
(named by field) or ``PermissionDenied``; nothing is half-saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aspirations import events
from aspirations.inbox import services as inbox
from aspirations.inbox.models import (
    COMMENT_CHANNELS,
    OPEN_STATES,
    Case,
    CaseEvent,
    Message,
    State,
)
from core.files import stored_files_removed_on_error
from opds import audit
from opds import permissions as perms
from opds.models import AuditEvent, User
from ppid.requests import personal_data
from ppid.requests import services as request_services
from ppid.requests.models import Channel, InformationRequest, RequesterType

Action = CaseEvent.Action
# Channels whose replies only the citizen reads.
PRIVATE_CHANNELS = frozenset(
    {events.PORTAL, events.WHATSAPP, events.INSTAGRAM_MESSAGE, events.MESSENGER}
)
# Comments whose platform sends one private reply to the commenter
# (Instagram and Facebook, within 7 days: shared/docs/aspirations.md §2);
# YouTube and TikTok comments have none.
PRIVATE_REPLY_CHANNELS = frozenset({events.INSTAGRAM_COMMENT, events.FACEBOOK_COMMENT})
CONVERTIBLE = frozenset(OPEN_STATES) - {State.POSTPONED}
STATUS_LIMIT = 100
# LAPOR!'s tracking IDs are numbers (e.g. #1916449); letters and dashes are
# allowed in case a later version adds them.
_TRACKING_ID = re.compile(r"^[A-Za-z0-9-]{4,40}$")

# How the citizen learnt the request's code.
TOLD_PRIVATELY = "private"
TOLD_PUBLICLY = "public"  # the number only
NOT_TOLD = "none"


@dataclass(frozen=True)
class Conversion:
    """What a conversion made, and how the citizen was told."""

    request: InformationRequest
    code: str
    told: str


def _require(by: User, case: Case) -> None:
    if not perms.can_convert_case(by, case):
        raise PermissionDenied(_("You may not handle this case."))


def _require_state(case: Case, allowed: frozenset[str]) -> None:
    if case.state not in allowed:
        raise ValidationError(
            {
                "state": _('This case is "%(state)s": it cannot leave the inbox now.')
                % {"state": case.get_state_display()}
            }
        )


# --- To an information request -----------------------------------------------------


def request_initial(case: Case, by: User) -> dict[str, Any]:
    """The request form prefilled from the case: the citizen's name and
    contacts (for who may see them), their words, the OPD."""
    initial: dict[str, Any] = {
        "requester_type": RequesterType.PERORANGAN,
        "requested_information": "\n\n".join(
            message.text.strip()
            for message in case.messages.filter(direction=Message.Direction.IN)
        )[:4000],
        "opd": case.opd_id,
    }
    contact = case.contact
    if contact is not None and perms.can_see_case_contact(by, case):
        initial["full_name"] = contact.name
        initial["email"] = contact.email
        if contact.phone_encrypted:
            initial["phone"] = personal_data.decrypt(contact.phone_encrypted)
            audit.record(
                AuditEvent.Action.PERSONAL_DATA_READ,
                obj=case,
                actor=by,
                detail={"field": "phone", "purpose": "convert_ppid"},
                object_repr=case.number,
            )
    return initial


def _message(case: Case, info_request: InformationRequest, code: str | None) -> str:
    due = formats.date_format(info_request.answer_due_on, "j F Y")
    text = _(
        "Your message is registered as information request %(number)s under "
        "UU 14/2008; the written answer is due by %(due)s."
    ) % {"number": info_request.registration_number, "due": due}
    if code:
        text += " " + _(
            "Your tracking code: %(code)s. Follow the request at %(url)s with "
            "the number and this code."
        ) % {
            "code": code,
            "url": settings.SITE_URL.rstrip("/") + reverse("ppid:request-track"),
        }
    else:
        text += " " + _(
            "To follow it, ask the PPID for your tracking code in a private "
            "message or at the service desk."
        )
    return text


def _tell(case: Case, by: User, info_request: InformationRequest, code: str) -> str:
    """Send the citizen the request's number, and the code where only they
    read it; how they were told."""
    if case.channel in PRIVATE_CHANNELS:
        kind, told = Message.ReplyKind.MESSAGE, TOLD_PRIVATELY
    elif case.channel in PRIVATE_REPLY_CHANNELS:
        kind, told = Message.ReplyKind.PRIVATE, TOLD_PRIVATELY
    elif case.channel in COMMENT_CHANNELS:
        kind, told = Message.ReplyKind.PUBLIC, TOLD_PUBLICLY
    else:
        return NOT_TOLD
    text = _message(case, info_request, code if told == TOLD_PRIVATELY else None)
    try:
        with transaction.atomic():
            inbox.reply(case=case, by=by, text=text, reply_kind=kind)
    except ValidationError:
        # The channel cannot send from the portal (yet): the request stands,
        # and staff give the number and the code by hand.
        return NOT_TOLD
    return told


def convert_to_request(
    *,
    case: Case,
    by: User,
    data: Mapping[str, Any],
    identity_scan: UploadedFile | None = None,
) -> Conversion:
    """Register the case as an information request received when the
    citizen wrote, link both, close the case as converted and tell the
    citizen the number (and the code where only they read it)."""
    _require(by, case)
    with stored_files_removed_on_error() as names, transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_state(case, CONVERTIBLE)
        if case.ppid_request_id is not None:
            raise ValidationError(
                {"state": _("This case is already an information request.")}
            )
        received = timezone.localtime(case.received_at)
        info_request, code = request_services.submit_request(
            data=data,
            identity_scan=identity_scan,
            by=by,
            channel=Channel.ASPIRASI,
            received_on=received.date(),
            received_time=received.time().replace(microsecond=0),
        )
        names.extend(record.file.name for record in info_request.files.all())
        told = _tell(case, by, info_request, code)
        case.refresh_from_db()  # the reply moved its clocks
        before = case.state
        case.state = State.CONVERTED_PPID
        case.ppid_request = info_request
        case.closed_at = inbox.now()
        case.save(update_fields=["state", "ppid_request", "closed_at", "updated_at"])
        inbox.record_event(
            case=case,
            action=Action.CONVERTED_PPID,
            by=by,
            from_state=before,
            note=info_request.registration_number,
        )
    return Conversion(request=info_request, code=code, told=told)


# --- To SP4N-LAPOR! ----------------------------------------------------------------


def clean_tracking_id(value: str) -> str:
    """LAPOR!'s tracking ID as typed (``#1916449`` or ``1916449``)."""
    value = "".join((value or "").split()).lstrip("#")
    if not value:
        raise ValidationError(
            {"tracking_id": _("Write the tracking ID LAPOR! gave the report.")}
        )
    if not _TRACKING_ID.match(value):
        raise ValidationError(
            {"tracking_id": _("A LAPOR! tracking ID has letters and digits only.")}
        )
    return value


@transaction.atomic
def refer_to_lapor(*, case: Case, by: User, tracking_id: str) -> Case:
    """Record that the case was entered in SP4N-LAPOR! under its tracking
    ID; it leaves the inbox, and LAPOR!'s status is followed by hand."""
    _require(by, case)
    tracking_id = clean_tracking_id(tracking_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_state(case, frozenset(OPEN_STATES))
    before = case.state
    case.state = State.REFERRED_LAPOR
    case.lapor_tracking_id = tracking_id
    case.closed_at = inbox.now()
    case.save(update_fields=["state", "lapor_tracking_id", "closed_at", "updated_at"])
    inbox.record_event(
        case=case,
        action=Action.REFERRED_LAPOR,
        by=by,
        from_state=before,
        note=tracking_id,
    )
    return case


@transaction.atomic
def update_lapor_status(*, case: Case, by: User, status: str) -> Case:
    """Record the status LAPOR! shows for a referred case (read by hand)."""
    _require(by, case)
    status = " ".join((status or "").split())
    if not status:
        raise ValidationError({"status": _("Write the status LAPOR! shows.")})
    if len(status) > STATUS_LIMIT:
        raise ValidationError(
            {"status": _("At most %(limit)s characters.") % {"limit": STATUS_LIMIT}}
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state != State.REFERRED_LAPOR:
        raise ValidationError(
            {"status": _("Only a case referred to SP4N-LAPOR! has a LAPOR! status.")}
        )
    case.lapor_status = status
    case.save(update_fields=["lapor_status", "updated_at"])
    inbox.record_event(case=case, action=Action.LAPOR_STATUS, by=by, note=status)
    return case
