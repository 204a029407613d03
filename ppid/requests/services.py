"""Writes of information requests, objections and disputes.

Every step checks who may take it and in which state, records an event,
and either happens entirely or not at all: a refused step raises
``PermissionDenied`` or a ``ValidationError`` naming the field, and leaves
the database and the file storage as they were.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.db import lock_row
from core.files import stored_files_removed_on_error
from opds import audit
from opds import permissions as perms
from opds.models import AuditEvent, Opd, User
from ppid.calendar.workdays import WorkingCalendar
from ppid.catalogue.models import Category, InformationItem
from ppid.requests import fees, grounds, personal_data
from ppid.requests.models import (
    LONG_MAX,
    AccessMethod,
    Channel,
    DeliveryMethod,
    Dispute,
    HeldForm,
    InformationRequest,
    LocalDeadlineRule,
    Objection,
    RegisterCounter,
    RequesterType,
    RequestEvent,
    RequestFile,
    Tariff,
)
from ppid.uploads import CleanUpload, clean_uploads, store_upload

Status = InformationRequest.Status
Decision = InformationRequest.Decision
Action = RequestEvent.Action

# UU 14/2008: Pasal 22(7) and (8), 36(1) and (2), 37(2). The Perbup's
# periods are data (LocalDeadlineRule); these two are its 31/2022 values,
# used only while no rule is stored.
ANSWER_DAYS = 10
EXTENSION_DAYS = 7
PERBUP_31_2022_COMPLETENESS_DAYS = 3
PERBUP_31_2022_ANSWER_DAYS = 10
OBJECTION_FILING_DAYS = 30
OBJECTION_ANSWER_DAYS = 30
DISPUTE_FILING_DAYS = 14
MAX_ANSWER_FILES = 10

REQUEST_FIELDS = (
    "requester_type",
    "full_name",
    "nik",
    "legal_entity_decree_no",
    "address",
    "phone",
    "email",
    "occupation",
    "requested_information",
    "purpose",
    "access_method",
    "copy_format",
    "delivery_method",
    "opd",
)
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.REGISTERED,
    Status.INCOMPLETE,
    Status.IN_PROCESS,
)


def today() -> datetime.date:
    return timezone.localdate()


def now() -> datetime.datetime:
    """The moment the services see as now: a web request's time of receipt."""
    return timezone.now()


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this for this request."))


def _wrong_state(info_request: InformationRequest) -> ValidationError:
    return ValidationError(
        {
            "status": _("Not possible while the request is “%(status)s”.")
            % {"status": info_request.get_status_display()}
        },
        code="wrong_state",
    )


def _require_state(info_request: InformationRequest, *allowed: str) -> None:
    if info_request.status not in allowed:
        raise _wrong_state(info_request)


def _event(
    info_request: InformationRequest,
    by: User | None,
    action: str,
    note: str = "",
    *,
    public: bool = True,
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=info_request,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        note=note,
        is_public=public,
    )


def _next_number(register: str, year: int) -> int:
    counter, _created = RegisterCounter.objects.get_or_create(
        register=register, year=year
    )
    counter = RegisterCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# --- Deadlines ---------------------------------------------------------------


def clock_start(
    *,
    received_on: datetime.date,
    received_at: datetime.datetime | None,
    calendar: WorkingCalendar,
) -> datetime.date:
    """The working day a request counts as received (its clocks count from).

    No rule was found for a request received on a weekend, a holiday or
    after office hours (domain.md §8). By default
    (``PPID_RECEIPT_OUTSIDE_HOURS=NEXT_WORKING_DAY``) it counts as received
    on the next working day, when the office can first read it, like one
    received that morning; ``SAME_DAY`` counts from the calendar day.
    Before opening time a request counts as received that day.
    """
    if settings.PPID_RECEIPT_OUTSIDE_HOURS == "SAME_DAY":
        return received_on
    closes = settings.PPID_OFFICE_HOURS[1]
    after_hours = (
        received_at is not None and timezone.localtime(received_at).time() >= closes
    )
    if calendar.is_working_day(received_on) and not after_hours:
        return received_on
    return calendar.add(received_on, 1)


def receipt_rule() -> tuple[datetime.time, datetime.time] | None:
    """Office hours, for the public form, when receipt outside them counts
    from the next working day; None when every day counts as received."""
    if settings.PPID_RECEIPT_OUTSIDE_HOURS == "SAME_DAY":
        return None
    return settings.PPID_OFFICE_HOURS


def _local_rules() -> list[tuple[datetime.date, int, int]]:
    """The Perbup periods as stored, the oldest first: one query."""
    return list(
        LocalDeadlineRule.objects.order_by("effective_from").values_list(
            "effective_from", "completeness_days", "answer_days"
        )
    )


def local_periods(
    day: datetime.date, rules: list[tuple[datetime.date, int, int]] | None = None
) -> tuple[int, int]:
    """The Perbup's (completeness, answer) working days for a request
    counted as received on ``day``: the rule in force then; before the
    first rule, the first rule (Perbup 31/2022)."""
    rules = _local_rules() if rules is None else rules
    in_force = [rule for rule in rules if rule[0] <= day] or rules[:1]
    if not in_force:
        return PERBUP_31_2022_COMPLETENESS_DAYS, PERBUP_31_2022_ANSWER_DAYS
    _since, completeness, answer = in_force[-1]
    return completeness, answer


def _paused_days(
    info_request: InformationRequest,
    calendar: WorkingCalendar,
    start: datetime.date,
    first_due: datetime.date,
) -> int:
    """Working days the legal clock stood still while the request was
    incomplete (only if it was paused, see ``mark_incomplete``): from the
    day it was declared incomplete to the day it was completed or
    answered. A pause that began after the deadline passed moves nothing."""
    if not (info_request.clock_paused and info_request.incomplete_on):
        return 0
    end = info_request.completed_on or info_request.answered_on
    begin = max(info_request.incomplete_on, start)
    if end is None or begin >= first_due:
        return 0
    return calendar.count_between(begin, end)


def compute_deadlines(
    info_request: InformationRequest,
    *,
    rules: list[tuple[datetime.date, int, int]] | None = None,
) -> None:
    """Set the stored due dates of ``request`` from its dates (not saved).

    Both clocks skip the day the thing happened: the N-th working day after
    the day the request counts as received, after completeness, after the
    first deadline. Calendar, rules and settings only move a stored date
    when this runs again: on a step of the request, or on purpose
    (``recompute_open_deadlines``).
    """
    start = info_request.counted_from
    calendar = WorkingCalendar(start, start)
    first_due = calendar.add(start, ANSWER_DAYS)
    paused = _paused_days(info_request, calendar, start, first_due)
    info_request.due_on = (
        calendar.add(start, ANSWER_DAYS + paused) if paused else first_due
    )
    info_request.extended_due_on = (
        calendar.add(info_request.due_on, EXTENSION_DAYS)
        if info_request.extended_on
        else None
    )
    info_request.answer_due_on = info_request.extended_due_on or info_request.due_on
    # Perbup 31/2022: completeness from receipt, the answer from completeness.
    completeness_days, local_days = local_periods(start, rules)
    info_request.completeness_due_on = calendar.add(start, completeness_days)
    info_request.local_due_on = (
        calendar.add(info_request.completed_on, local_days)
        if info_request.completed_on
        else None
    )


DEADLINE_FIELDS = [
    "deemed_received_on",
    "due_on",
    "extended_due_on",
    "answer_due_on",
    "completeness_due_on",
    "local_due_on",
]


def recompute_open_deadlines() -> int:
    """Recompute the due dates of open requests and objections after the
    calendar, its snapshot or a rule changed on purpose; return how many
    requests moved. Answered requests keep the dates they were judged by."""
    moved = 0
    rules = _local_rules()
    with transaction.atomic():
        for info_request in InformationRequest.objects.open().select_for_update():
            before = [getattr(info_request, f) for f in DEADLINE_FIELDS]
            # Older rows counted from the day of receipt and keep doing so.
            if info_request.deemed_received_on is not None:
                info_request.deemed_received_on = clock_start(
                    received_on=info_request.received_on,
                    received_at=info_request.received_at,
                    calendar=WorkingCalendar(
                        info_request.received_on, info_request.received_on
                    ),
                )
            compute_deadlines(info_request, rules=rules)
            if before != [getattr(info_request, f) for f in DEADLINE_FIELDS]:
                info_request.save(update_fields=DEADLINE_FIELDS)
                _event(
                    info_request,
                    None,
                    Action.DEADLINES_RECOMPUTED,
                    _("The working-day calendar changed."),
                )
                moved += 1
        for objection in Objection.objects.filter(status=Objection.Status.FILED):
            due = WorkingCalendar(objection.filed_on, objection.filed_on).add(
                objection.filed_on, OBJECTION_ANSWER_DAYS
            )
            if due != objection.due_on:
                objection.due_on = due
                objection.save(update_fields=["due_on"])
        for objection in Objection.objects.orders_pending():
            due = order_deadline(objection.answered_on)
            if due != objection.order_due_on:
                objection.order_due_on = due
                objection.save(update_fields=["order_due_on"])
    return moved


def due_soon_limit(day: datetime.date | None = None) -> datetime.date:
    """Requests due on or before this date need attention now."""
    day = day or today()
    ahead = settings.PPID_REQUEST_DUE_SOON_WORKING_DAYS
    # Loaded once over a range that holds the working days ahead.
    return WorkingCalendar(day, day + datetime.timedelta(days=ahead * 3 + 60)).add(
        day, ahead
    )


# --- Files -------------------------------------------------------------------


def _store(
    info_request: InformationRequest,
    kind: str,
    cleaned: list[CleanUpload],
    names: list[str],
) -> None:
    for upload in cleaned:
        store_upload(RequestFile(request=info_request, kind=kind), upload, names)


# --- Requests ----------------------------------------------------------------


def _clean_request_data(data: Mapping[str, Any], errors: dict[str, Any]) -> dict:
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError("unknown request fields: {}".format(sorted(unknown)))
    cleaned: dict[str, Any] = {}
    for key in REQUEST_FIELDS:
        value = data.get(key)
        if key != "opd":
            value = "" if value is None else str(value).strip()
        cleaned[key] = value
    for key in REQUEST_FIELDS:
        limit = getattr(_field(key), "max_length", None)
        if limit and isinstance(cleaned[key], str) and len(cleaned[key]) > limit:
            errors[key] = _("At most %(limit)s characters.") % {"limit": limit}
    required = ["requester_type", "full_name", "address", "requested_information"]
    required += ["purpose", "access_method", "delivery_method"]
    for key in required:
        if not cleaned.get(key):
            errors[key] = _("This field is required.")
    kind = cleaned.get("requester_type")
    nik = cleaned.get("nik") or ""
    if kind == RequesterType.BADAN_HUKUM and not cleaned.get("legal_entity_decree_no"):
        errors["legal_entity_decree_no"] = _(
            "A legal entity gives the number of its decree of legal status."
        )
    if kind in (RequesterType.PERORANGAN, RequesterType.KELOMPOK) and not nik:
        errors["nik"] = _("An individual or a group gives the NIK from the KTP.")
    if nik:
        try:
            cleaned["nik"] = personal_data.clean_nik(nik)
        except ValidationError as exc:
            errors["nik"] = exc.messages
    if cleaned.get("access_method") == AccessMethod.SALINAN and not cleaned.get(
        "copy_format"
    ):
        errors["copy_format"] = _("Say whether the copy should be soft or hard.")
    if cleaned.get("access_method") == AccessMethod.MELIHAT:
        cleaned["copy_format"] = ""
    if cleaned.get("delivery_method") == DeliveryMethod.EMAIL and not cleaned.get(
        "email"
    ):
        errors["email"] = _("Delivery by e-mail needs an e-mail address.")
    opd = cleaned.get("opd")
    if opd is not None and not (isinstance(opd, Opd) and opd.is_active):
        errors["opd"] = _("Choose an existing agency.")
    return cleaned


def _field(name: str) -> Any:
    try:
        return InformationRequest._meta.get_field(name)
    except FieldDoesNotExist:  # the NIK is stored under another name
        return None


def submit_request(
    *,
    data: Mapping[str, Any],
    identity_scan: UploadedFile | None = None,
    by: User | None = None,
    channel: str = Channel.WEB,
    received_on: datetime.date | None = None,
    received_time: datetime.time | None = None,
) -> tuple[InformationRequest, str]:
    """Register a new request; return it and its tracking code (given once).

    A citizen's request arrives through the web at the moment it is sent.
    Staff record requests received on paper, by e-mail, by telephone or in
    person, with the real date (and, if known, time) of receipt. The clocks
    run from the working day it counts as received (``clock_start``).
    """
    staff = by is not None and perms.can_record_requests(by, channel)
    if by is not None and by.is_authenticated and not staff:
        raise PermissionDenied(_("You may not do this for this request."))
    errors: dict[str, Any] = {}
    cleaned = _clean_request_data(data, errors)
    received_at = None
    if not staff:
        channel, received_time = Channel.WEB, None
        received_at = now()
        received_on = timezone.localdate(received_at)
    elif by.role == User.Role.OPD_ADMIN:
        # A PPID Pelaksana records what reached its own OPD.
        cleaned["opd"] = by.opd
    if channel not in Channel.values:
        errors["channel"] = _("Choose a channel from the list.")
    received_on = received_on or today()
    if received_on > today():
        errors["received_on"] = _("The date of receipt cannot be in the future.")
    elif received_time is not None:
        received_at = timezone.make_aware(
            datetime.datetime.combine(received_on, received_time)
        )
        if received_at > now():
            errors["received_time"] = _("The time of receipt cannot be in the future.")
    scan = []
    if identity_scan is not None:
        try:
            scan = clean_uploads([identity_scan], "identity_scan")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    nik = cleaned.pop("nik") or ""
    code = personal_data.new_tracking_code()
    with stored_files_removed_on_error() as names, transaction.atomic():
        info_request = InformationRequest(
            **cleaned,
            nik_encrypted=personal_data.encrypt(nik) if nik else "",
            nik_masked=personal_data.mask_nik(nik) if nik else "",
            tracking_code_hash=personal_data.hash_tracking_code(code),
            channel=channel,
            received_on=received_on,
            received_at=received_at,
            recorded_by=by if staff else None,
            status=Status.REGISTERED if staff else Status.SUBMITTED,
        )
        info_request.deemed_received_on = clock_start(
            received_on=received_on,
            received_at=received_at,
            calendar=WorkingCalendar(received_on, received_on),
        )
        number = _next_number(RegisterCounter.Register.REQUEST, received_on.year)
        info_request.registration_number = "PPID-PBG/{}/{:06d}".format(
            received_on.year, number
        )
        compute_deadlines(info_request)
        info_request.save()
        _store(info_request, RequestFile.Kind.IDENTITY, scan, names)
        _event(
            info_request,
            by if staff else None,
            Action.SUBMITTED,
            info_request.get_channel_display(),
        )
        if staff:
            _event(info_request, by, Action.REGISTERED)
        if info_request.email:
            email = info_request.email
            transaction.on_commit(
                lambda: _send_confirmation(info_request.pk, email, code)
            )
    return info_request, code


def _send_confirmation(request_id: int, email: str, code: str) -> None:
    info_request = InformationRequest.objects.get(pk=request_id)
    context = {"request": info_request, "code": code, "site_url": settings.SITE_URL}
    send_mail(
        _("Your information request %(number)s")
        % {"number": info_request.registration_number},
        render_to_string("ppid/email/request_received.txt", context),
        None,
        [email],
        fail_silently=True,
    )


def find_by_code(number: str, code: str) -> InformationRequest | None:
    """The request with this registration number, if the tracking code fits."""
    info_request = request_by_number(number)
    if info_request is None or not personal_data.tracking_code_matches(
        code, info_request.tracking_code_hash
    ):
        return None
    return info_request


def _canonical_number(text: str) -> str:
    """``PPID-PBG/2026/000123`` from that or from its URL form
    ``PPID-PBG-2026-000123``."""
    parts = [p for p in text.strip().upper().replace("/", "-").split("-") if p]
    if len(parts) == 4 and parts[:2] == ["PPID", "PBG"]:
        return "PPID-PBG/{}/{}".format(parts[2], parts[3])
    return text.strip().upper()


def canonical_request_number(text: str) -> str:
    """A registration number as it is written, from its URL form too."""
    return _canonical_number((text or "").replace("\x00", ""))


def canonical_objection_number(text: str) -> str:
    text = (text or "").replace("\x00", "")
    parts = [p for p in text.strip().upper().replace("/", "-").split("-") if p]
    if len(parts) == 4 and parts[:2] == ["KEB", "PBG"]:
        return "KEB-PBG/{}/{}".format(parts[2], parts[3])
    return text.strip().upper()


def request_by_number(number: str) -> InformationRequest | None:
    if "\x00" in (number or ""):
        return None  # PostgreSQL refuses NUL in a string
    return InformationRequest.objects.filter(
        registration_number=_canonical_number(number)
    ).first()


def register_request(
    *, info_request: InformationRequest, by: User
) -> InformationRequest:
    """Enter a web request in the register (the PPID has read it)."""
    _refuse(perms.can_process_request(by, info_request))
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, Status.SUBMITTED)
        info_request.status = Status.REGISTERED
        info_request.save(update_fields=["status"])
        _event(info_request, by, Action.REGISTERED)
    return info_request


def _register_first(info_request: InformationRequest, by: User) -> None:
    # A step taken on a request nobody has registered registers it too.
    if info_request.status == Status.SUBMITTED:
        info_request.status = Status.REGISTERED
        _event(info_request, by, Action.REGISTERED)


def route_request(
    *, info_request: InformationRequest, by: User, opd: Opd | None
) -> InformationRequest:
    """PPID Utama hands the request to the OPD that holds the information."""
    _refuse(perms.can_route_requests(by))
    if not isinstance(opd, Opd) or not opd.is_active:
        raise ValidationError({"opd": _("Choose an existing agency.")})
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, *OPEN_STATUSES)
        _register_first(info_request, by)
        info_request.opd = opd
        info_request.save(update_fields=["status", "opd"])
        # An objection to the request weighs on the OPD that holds it (the
        # evaluation reads ``Objection.opd``), as the register shows it.
        info_request.objections.update(opd=opd)
        _event(info_request, by, Action.ROUTED, opd.name, public=False)
    return info_request


def mark_incomplete(
    *, info_request: InformationRequest, by: User, reason: str
) -> InformationRequest:
    """Tell the requester what is missing (Perbup 31/2022: within 3 working days).

    With ``PPID_CLOCK_PAUSES_WHILE_INCOMPLETE`` the legal clock waits from
    today until the request is complete (or answered).
    """
    _refuse(perms.can_process_request(by, info_request))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is missing.")})
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, Status.SUBMITTED, Status.REGISTERED)
        _register_first(info_request, by)
        info_request.status = Status.INCOMPLETE
        info_request.incomplete_reason = reason
        info_request.incomplete_on = today()
        # Whether the legal clock waits is the setting in force now, kept on
        # the request so that a later change does not re-score it.
        info_request.clock_paused = settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE
        info_request.save(
            update_fields=[
                "status",
                "incomplete_reason",
                "incomplete_on",
                "clock_paused",
            ]
        )
        _event(info_request, by, Action.INCOMPLETE, reason)
    return info_request


def mark_complete(*, info_request: InformationRequest, by: User) -> InformationRequest:
    """The request meets the requirements: the Perbup's answer clock starts,
    and a legal clock paused while it was incomplete runs again."""
    _refuse(perms.can_process_request(by, info_request))
    with transaction.atomic():
        lock_row(info_request)
        _require_state(
            info_request, Status.SUBMITTED, Status.REGISTERED, Status.INCOMPLETE
        )
        _register_first(info_request, by)
        info_request.status = Status.IN_PROCESS
        info_request.completed_on = max(today(), info_request.received_on)
        compute_deadlines(info_request)
        info_request.save(update_fields=["status", "completed_on", *DEADLINE_FIELDS])
        _event(info_request, by, Action.COMPLETED)
    return info_request


def extend_request(
    *, info_request: InformationRequest, by: User, reason: str
) -> InformationRequest:
    """Extend the answer deadline once by 7 working days (UU Pasal 22(8))."""
    _refuse(perms.can_process_request(by, info_request))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("An extension needs a written reason.")})
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, *OPEN_STATUSES)
        if info_request.extended_on is not None:
            raise ValidationError(
                {"status": _("The deadline can be extended only once.")},
                code="already_extended",
            )
        if today() > info_request.due_on:
            raise ValidationError(
                {
                    "status": _(
                        "The deadline of %(date)s has passed; it can no longer be extended."
                    )
                    % {"date": info_request.due_on.strftime("%d-%m-%Y")}
                },
                code="too_late",
            )
        _register_first(info_request, by)
        info_request.extended_on = today()
        info_request.extension_reason = reason
        compute_deadlines(info_request)
        info_request.save(
            update_fields=[
                "status",
                "extended_on",
                "extension_reason",
                *DEADLINE_FIELDS,
            ]
        )
        _event(info_request, by, Action.EXTENDED, reason)
    return info_request


def answer_request(
    *,
    info_request: InformationRequest,
    by: User,
    decision: str,
    letter: str,
    files: Iterable[UploadedFile] = (),
    redaction_notes: str = "",
    exclusion_ground: str = "",
    excluded_item: InformationItem | None = None,
    referred_body: str = "",
    held_form: str = "",
    copy_pages: int | None = 0,
    media_items: int | None = 0,
    letter_date: datetime.date | None = None,
    letter_scan: UploadedFile | None = None,
) -> InformationRequest:
    """Send the written notice (pemberitahuan tertulis, UU Pasal 22(7)),
    with the cost of the copies at the OPD's tariff and how to pay (g).

    The answer is dated today, or for a paper letter already sent, by the
    letter's date with a scan of the signed letter as evidence; such a
    date is written to the audit log.
    """
    _refuse(perms.can_process_request(by, info_request))
    errors: dict[str, Any] = {}
    entered_on = today()
    answered_on = letter_date or entered_on
    if answered_on > entered_on:
        errors["letter_date"] = _("The letter's date cannot be in the future.")
    elif answered_on < info_request.received_on:
        errors["letter_date"] = _(
            "The letter cannot be dated before the request was received (%(date)s)."
        ) % {"date": info_request.received_on.strftime("%d-%m-%Y")}
    elif answered_on != entered_on and letter_scan is None:
        errors["letter_scan"] = _(
            "An answer dated before today needs the scan of the signed letter."
        )
    evidence: list[CleanUpload] = []
    if letter_scan is not None and not errors.get("letter_date"):
        try:
            evidence = clean_uploads([letter_scan], "letter_scan")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if decision not in Decision.values:
        errors["decision"] = _("Choose a decision from the list.")
    held_form = held_form or ""
    if held_form not in ("", *HeldForm.values):
        errors["held_form"] = _("Choose a form from the list.")
    charge_errors, copy_pages, media_items = fees.check_charges(
        info_request, decision=decision, copy_pages=copy_pages, media_items=media_items
    )
    errors.update(charge_errors)
    letter = (letter or "").strip()
    if not letter:
        errors["letter"] = _("The written notice cannot be empty.")
    if decision == Decision.GRANTED_PARTIAL and not (redaction_notes or "").strip():
        errors["redaction_notes"] = _(
            "Say which parts were blacked out and on which ground."
        )
    if decision == Decision.REFUSED_EXCLUDED:
        decided = getattr(excluded_item, "exclusion", None) if excluded_item else None
        if (
            excluded_item is None
            or decided is None
            or excluded_item.category != Category.DIKECUALIKAN
            or excluded_item.status != InformationItem.Status.PUBLISHED
            or not perms.can_cite_exclusion(by, excluded_item)
        ):
            errors["excluded_item"] = _(
                "A refusal names a published entry of the excluded-information "
                "register (DIK)."
            )
        elif not decided.is_in_force(today()):
            # PP 61/2010 Pasal 11(3): the information is public once the
            # period ends, whether or not the daily job has opened it yet.
            errors["excluded_item"] = _(
                "The exclusion of this entry has ended: the information is public "
                "(PP 61/2010 Pasal 11(3)) and cannot ground a refusal."
            )
        elif exclusion_ground and exclusion_ground != decided.ground:
            errors["exclusion_ground"] = _(
                "The ground must be the one of the DIK entry (Pasal 17 letter %(ground)s)."
            ) % {"ground": decided.ground}
        else:
            exclusion_ground = decided.ground
    else:
        excluded_item, exclusion_ground = None, ""
    files = list(files)
    if len(files) > MAX_ANSWER_FILES:
        errors["files"] = _("An answer holds at most %(count)s files.") % {
            "count": MAX_ANSWER_FILES
        }
    cleaned: list[CleanUpload] = []
    if not errors.get("files"):
        try:
            cleaned = clean_uploads(files, "files")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with stored_files_removed_on_error() as names, transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, *OPEN_STATUSES)
        _register_first(info_request, by)
        info_request.status = Status.ANSWERED
        info_request.decision = decision
        info_request.answer_letter = letter
        info_request.redaction_notes = (
            redaction_notes.strip() if decision == Decision.GRANTED_PARTIAL else ""
        )
        info_request.exclusion_ground = exclusion_ground
        info_request.excluded_item = excluded_item
        info_request.referred_body = (
            (referred_body or "").strip() if decision == Decision.NOT_CONTROLLED else ""
        )
        info_request.answered_on = answered_on
        info_request.answer_entered_on = entered_on
        info_request.answered_by = by
        info_request.held_form = held_form
        _set_cost(info_request, copy_pages, media_items)
        if info_request.clock_paused and info_request.completed_on is None:
            # Answered while the clock waited: the pause ends with the answer.
            compute_deadlines(info_request)
        info_request.save()
        _store(info_request, RequestFile.Kind.ANSWER, cleaned, names)
        _store(info_request, RequestFile.Kind.ANSWER_LETTER, evidence, names)
        note = info_request.get_decision_display()
        if answered_on != entered_on:
            note = _("%(decision)s; letter dated %(date)s") % {
                "decision": note,
                "date": answered_on.strftime("%d-%m-%Y"),
            }
            audit.record(
                AuditEvent.Action.UPDATED,
                obj=info_request,
                actor=by,
                detail={
                    "answered_on": answered_on.isoformat(),
                    "entered_on": entered_on.isoformat(),
                    "dated_by": "letter",
                    "evidence_sha256": evidence[0].sha256,
                },
            )
        _event(info_request, by, Action.ANSWERED, note)
    return info_request


def _set_cost(
    info_request: InformationRequest, copy_pages: int, media_items: int
) -> None:
    """Fix the cost at today's tariff and add it, with how to pay, to the
    written notice (UU Pasal 22(7)g); the notice is Indonesian whatever
    language the caller reads."""
    tariff = fees.tariff_of(info_request.opd)
    with translation.override(settings.LANGUAGE_CODE):
        cost = fees.reckon(
            tariff=tariff,
            copy_pages=copy_pages,
            media_items=media_items,
            posted=fees.is_posted(info_request, info_request.decision),
        )
        info_request.copy_pages = copy_pages
        info_request.media_items = media_items
        info_request.cost = cost.total
        info_request.cost_detail = cost.detail
        info_request.payment_method = tariff.payment_methods if cost.total else ""
        paragraph = fees.notice_paragraph(info_request)
    if paragraph:
        info_request.answer_letter = "{}\n\n{}".format(
            info_request.answer_letter, paragraph
        )


def record_payment(
    *,
    info_request: InformationRequest,
    by: User,
    paid_on: datetime.date | None = None,
    reference: str = "",
) -> InformationRequest:
    """Record that the requester paid the cost of the written notice."""
    _refuse(perms.can_process_request(by, info_request))
    paid_on = paid_on or today()
    reference = (reference or "").strip()
    errors: dict[str, Any] = {}
    if paid_on > today():
        errors["paid_on"] = _("The date cannot be in the future.")
    if len(reference) > 100:
        errors["reference"] = _("At most %(limit)s characters.") % {"limit": 100}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, Status.ANSWERED, Status.CLOSED)
        if not info_request.has_cost:
            raise ValidationError(
                {"status": _("The written notice set no cost: nothing is to be paid.")},
                code="free",
            )
        if info_request.paid_on is not None:
            raise ValidationError(
                {"status": _("The payment is already recorded.")}, code="paid"
            )
        _not_before_answer(info_request, paid_on, "paid_on")
        info_request.paid_on = paid_on
        info_request.payment_reference = reference
        info_request.save(update_fields=["paid_on", "payment_reference"])
        note = fees.format_rupiah(info_request.cost)
        if reference:
            note = "{} · {}".format(note, reference)
        _event(info_request, by, Action.PAID, note)
    return info_request


def record_handover(
    *,
    info_request: InformationRequest,
    by: User,
    delivered_on: datetime.date | None = None,
) -> InformationRequest:
    """Record the day the requester received the information (the
    register's "tanggal informasi diberikan", domain.md §3.5).

    A cost is paid before the copies are handed over.
    """
    _refuse(perms.can_process_request(by, info_request))
    delivered_on = delivered_on or today()
    if delivered_on > today():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, Status.ANSWERED, Status.CLOSED)
        if info_request.decision not in fees.GIVEN:
            raise ValidationError(
                {"status": _("Only information that was granted is handed over.")},
                code="not_given",
            )
        if info_request.delivered_on is not None:
            raise ValidationError(
                {"status": _("The handover is already recorded.")}, code="delivered"
            )
        if info_request.has_cost and info_request.paid_on is None:
            raise ValidationError(
                {
                    "status": _(
                        "The cost of %(amount)s is not paid yet; record the payment "
                        "first."
                    )
                    % {"amount": fees.format_rupiah(info_request.cost)}
                },
                code="unpaid",
            )
        _not_before_answer(info_request, delivered_on, "delivered_on")
        if info_request.paid_on and delivered_on < info_request.paid_on:
            raise ValidationError(
                {
                    "delivered_on": _(
                        "The date cannot be before the payment (%(date)s)."
                    )
                    % {"date": info_request.paid_on.strftime("%d-%m-%Y")}
                }
            )
        info_request.delivered_on = delivered_on
        info_request.save(update_fields=["delivered_on"])
        _event(info_request, by, Action.DELIVERED, delivered_on.strftime("%d-%m-%Y"))
    return info_request


def _not_before_answer(
    info_request: InformationRequest, day: datetime.date, field: str
) -> None:
    if info_request.answered_on and day < info_request.answered_on:
        raise ValidationError(
            {
                field: _("The date cannot be before the written notice (%(date)s).")
                % {"date": info_request.answered_on.strftime("%d-%m-%Y")}
            }
        )


@transaction.atomic
def set_tariff(*, opd: Opd, by: User, data: Mapping[str, Any]) -> Tariff:
    """Set what ``opd`` charges for copies and delivery (UU Pasal 22(7)g);
    zero everywhere means free."""
    _refuse(perms.can_set_tariff(by, opd))
    unknown = set(data) - {*fees.MAX_RATES, "payment_methods"}
    if unknown:
        raise ValueError("unknown tariff fields: {}".format(sorted(unknown)))
    cleaned, errors = fees.clean_tariff(dict(data))
    if errors:
        raise ValidationError(errors)
    tariff = Tariff.objects.select_for_update().filter(opd=opd).first()
    tariff = tariff or Tariff(opd=opd)
    for field, value in cleaned.items():
        setattr(tariff, field, value)
    tariff.updated_by = by
    tariff.save()
    return tariff


def close_refusal(info_request: InformationRequest) -> ValidationError | None:
    """Why an objection keeps ``info_request`` open, or None: the one rule
    for closing, read by the service and by the page that offers the button."""
    if info_request.objections.filter(status=Objection.Status.FILED).exists():
        return ValidationError(
            {"status": _("An objection to this request is still awaiting its answer.")},
            code="objection_open",
        )
    if info_request.objections.orders_pending().exists():
        return ValidationError(
            {
                "status": _(
                    "The Atasan PPID granted an objection to this request: "
                    "record the new answer first."
                )
            },
            code="order_pending",
        )
    return None


def close_request(*, info_request: InformationRequest, by: User) -> InformationRequest:
    """Close an answered request; an objection still open keeps it open."""
    _refuse(perms.can_process_request(by, info_request))
    with transaction.atomic():
        lock_row(info_request)
        _require_state(info_request, Status.ANSWERED)
        refusal = close_refusal(info_request)
        if refusal is not None:
            raise refusal
        info_request.status = Status.CLOSED
        info_request.closed_on = today()
        info_request.save(update_fields=["status", "closed_on"])
        _event(info_request, by, Action.CLOSED)
    return info_request


# --- Objections and disputes ---------------------------------------------------


def objection_window(
    info_request: InformationRequest,
) -> tuple[datetime.date, datetime.date] | None:
    """From when to when an objection may be filed, or None if not yet.

    The 30 working days (UU Pasal 36(1)) run from the day the reason for
    objecting arose: the written answer, or the answer deadline passing
    without one.
    """
    if info_request.answered_on:
        start = end_from = info_request.answered_on
    elif info_request.answer_due_on < today():
        # The reason arises once the last day has passed without an answer.
        end_from = info_request.answer_due_on
        start = end_from + datetime.timedelta(days=1)
    else:
        return None
    return start, WorkingCalendar(end_from, end_from).add(
        end_from, OBJECTION_FILING_DAYS
    )


OBJECTOR_FIELDS = ("full_name", "address", "phone", "email")


def _clean_objector(data: Mapping[str, Any] | None, errors: dict[str, Any]) -> dict:
    """Who objects without a request (ground b): a name, an address and a
    way to reach them, as the objection form asks (domain.md §3.6)."""
    data = data or {}
    unknown = set(data) - set(OBJECTOR_FIELDS)
    if unknown:
        raise ValueError("unknown objector fields: {}".format(sorted(unknown)))
    cleaned = {key: str(data.get(key) or "").strip() for key in OBJECTOR_FIELDS}
    for key in OBJECTOR_FIELDS:
        limit = Objection._meta.get_field(key).max_length
        if len(cleaned[key]) > limit:
            errors[key] = _("At most %(limit)s characters.") % {"limit": limit}
    for key in ("full_name", "address"):
        if not cleaned[key]:
            errors[key] = _("This field is required.")
    if not cleaned["phone"] and not cleaned["email"]:
        errors["phone"] = _("Give a phone number or an e-mail address.")
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    return cleaned


def file_objection(
    *,
    reason: str,
    description: str,
    info_request: InformationRequest | None = None,
    opd: Opd | None = None,
    objector: Mapping[str, Any] | None = None,
    by: User | None = None,
    filed_on: datetime.date | None = None,
    channel: str = Channel.WEB,
) -> Objection:
    """File an objection to the Atasan PPID (UU Pasal 35-36).

    Grounds a and c-g hang on ``info_request``: the requester files with the
    tracking code (checked by the caller). Ground b is filed against ``opd``
    with no request; the objector's identity comes in ``objector`` and the
    objection gets its own tracking code, set once on the returned object as
    ``tracking_code`` (stored only as a hash). Staff record paper objections
    with their real date. What each ground needs: ``ppid.requests.grounds``.
    """
    staff = by is not None and by.is_authenticated
    if staff:
        _refuse(
            perms.can_record_objection(by, info_request)
            if info_request is not None
            else perms.can_record_opd_objection(by, opd)
        )
    else:
        filed_on, channel = None, Channel.WEB
    filed_on = filed_on or today()
    errors: dict[str, Any] = {}
    if reason not in Objection.Reason.values:
        errors["reason"] = _("Choose a ground from a to g (UU 14/2008 Pasal 35).")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe why you object.")
    elif len(description) > LONG_MAX:
        errors["description"] = _("At most %(limit)s characters.") % {"limit": LONG_MAX}
    if filed_on > today():
        errors["filed_on"] = _("The date cannot be in the future.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose a channel from the list.")
    identity: dict[str, str] = {}
    if info_request is None:
        if reason == Objection.Reason.B:
            identity = _clean_objector(objector, errors)
        if reason in Objection.Reason.values:
            # Without a request nothing needs a lock: all errors at once.
            try:
                grounds.check_ground(
                    reason=reason, info_request=None, opd=opd, day=filed_on
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if info_request is not None:
            lock_row(info_request)
            if reason in grounds.REQUEST_GROUNDS:
                # The date first: a date outside the 30 days is the error.
                _require_objection_window(info_request, filed_on)
            grounds.check_ground(
                reason=reason, info_request=info_request, opd=opd, day=filed_on
            )
            _require_no_open_objection(info_request, reason)
        code = personal_data.new_tracking_code() if info_request is None else ""
        number = _next_number(RegisterCounter.Register.OBJECTION, filed_on.year)
        objection = Objection.objects.create(
            objection_number="KEB-PBG/{}/{:06d}".format(filed_on.year, number),
            request=info_request,
            opd=info_request.opd if info_request is not None else opd,
            reason=reason,
            description=description,
            **identity,
            tracking_code_hash=personal_data.hash_tracking_code(code) if code else "",
            channel=channel,
            filed_on=filed_on,
            filed_by=by if staff else None,
            due_on=WorkingCalendar(filed_on, filed_on).add(
                filed_on, OBJECTION_ANSWER_DAYS
            ),
        )
        _objection_event(
            objection,
            by if staff else None,
            Action.OBJECTION_FILED,
            "{} ({})".format(
                objection.objection_number, objection.get_reason_display()
            ),
        )
        if code:
            objection.tracking_code = code  # shown once, never stored in clear
            if objection.email:
                email = objection.email
                transaction.on_commit(
                    lambda: _send_objection_confirmation(objection.pk, email, code)
                )
    return objection


def _require_objection_window(
    info_request: InformationRequest, filed_on: datetime.date
) -> None:
    """The 30 working days of UU Pasal 36(1), for grounds on a request."""
    window = objection_window(info_request)
    if window is None:
        raise ValidationError(
            {
                "reason": _(
                    "An objection can be filed once the request is answered "
                    "or its deadline (%(date)s) has passed."
                )
                % {"date": info_request.answer_due_on.strftime("%d-%m-%Y")}
            },
            code="too_early",
        )
    _require_within(
        filed_on, window, _("The 30 working days to object ended on %(date)s.")
    )


def _require_no_open_objection(info_request: InformationRequest, reason: str) -> None:
    if info_request.objections.filter(status=Objection.Status.FILED).exists():
        raise ValidationError(
            {
                "reason": _(
                    "An objection to this request is already awaiting its answer."
                )
            },
            code="objection_open",
        )
    earlier = info_request.objections.filter(reason=reason).first()
    if earlier is not None:
        # Objecting again on the same ground would restart the Atasan's
        # clock and the 14 days to go to the Komisi Informasi.
        raise ValidationError(
            {
                "reason": _(
                    "An objection on this ground was already filed (%(number)s)."
                )
                % {"number": earlier.objection_number}
            },
            code="same_ground",
        )


def _objection_event(
    objection: Objection, by: User | None, action: str, note: str = ""
) -> None:
    # The request's timeline carries its objections; an objection without a
    # request (ground b) shows its steps from its own dates.
    if objection.request_id is not None:
        _event(objection.request, by, action, note)


def _send_objection_confirmation(objection_id: int, email: str, code: str) -> None:
    objection = Objection.objects.select_related("opd").get(pk=objection_id)
    context = {"objection": objection, "code": code, "site_url": settings.SITE_URL}
    send_mail(
        _("Your objection %(number)s") % {"number": objection.objection_number},
        render_to_string("ppid/email/objection_received.txt", context),
        None,
        [email],
        fail_silently=True,
    )


def find_objection_by_code(number: str, code: str) -> Objection | None:
    """The objection without a request with this number, if the tracking
    code fits (an objection to a request is followed through the request)."""
    if "\x00" in (number or ""):
        return None
    found = Objection.objects.filter(
        objection_number=canonical_objection_number(number), request__isnull=True
    ).first()
    if found is None or not personal_data.tracking_code_matches(
        code, found.tracking_code_hash
    ):
        return None
    return found


def is_objection_number(text: str) -> bool:
    """Whether a tracking form's number is an objection's (KEB-PBG/...)."""
    return canonical_objection_number(text).startswith("KEB-PBG/")


def _require_within(
    day: datetime.date, window: tuple[datetime.date, datetime.date], late: str
) -> None:
    """``day`` must fall in ``window``; ``late`` names the end it passed."""
    start, end = window
    if day < start:
        raise ValidationError(
            {
                "filed_on": _(
                    "The date cannot be before %(date)s, when the period began."
                )
                % {"date": start.strftime("%d-%m-%Y")}
            },
            code="before_window",
        )
    if day > end:
        raise ValidationError(
            {"filed_on": late % {"date": end.strftime("%d-%m-%Y")}}, code="too_late"
        )


def order_deadline(day: datetime.date) -> datetime.date:
    """When the PPID must have acted on a granted objection answered on ``day``.

    UU 14/2008 Pasal 36(2) gives the Atasan PPID 30 working days to answer,
    but no provision found sets a deadline for the PPID to comply with the
    decision (domain.md §8): it is a setting,
    ``PPID_OBJECTION_ORDER_WORKING_DAYS`` (10 working days by default, as
    long as a first answer takes under Pasal 22(7)).
    """
    days = settings.PPID_OBJECTION_ORDER_WORKING_DAYS
    return WorkingCalendar(day, day).add(day, days)


def answer_objection(
    *, objection: Objection, by: User, decision: str, answer: str
) -> Objection:
    """The Atasan PPID's written answer (UU Pasal 36(2)-(3)).

    Granting the objection orders the PPID to act by ``order_deadline``: a
    closed request opens again until the PPID records its new answer.
    """
    _refuse(perms.can_answer_objection(by, objection))
    errors: dict[str, Any] = {}
    if decision not in Objection.Decision.values:
        errors["decision"] = _("Choose a decision from the list.")
    answer = (answer or "").strip()
    if not answer:
        errors["answer"] = _(
            "The answer gives its reasons in writing, especially when it upholds the PPID."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_row(objection)
        if objection.status != Objection.Status.FILED:
            raise ValidationError(
                {"status": _("This objection has already been answered.")},
                code="wrong_state",
            )
        objection.status = Objection.Status.ANSWERED
        objection.decision = decision
        objection.answer = answer
        objection.answered_on = today()
        objection.answered_by = by
        if objection.is_granted:
            objection.order_due_on = order_deadline(objection.answered_on)
        objection.save()
        _objection_event(
            objection,
            by,
            Action.OBJECTION_ANSWERED,
            "{}: {}".format(
                objection.objection_number, objection.get_decision_display()
            ),
        )
        if objection.is_granted:
            _issue_order(objection, by)
    return objection


def _issue_order(objection: Objection, by: User) -> None:
    """Put the order on the request's timeline; a closed request opens again."""
    info_request = objection.request
    if info_request is None:
        return
    lock_row(info_request)
    if info_request.status == Status.CLOSED:
        info_request.status = Status.ANSWERED
        info_request.closed_on = None
        info_request.save(update_fields=["status", "closed_on"])
    _event(
        info_request,
        by,
        Action.ORDER_ISSUED,
        _("%(number)s: the PPID must act on the decision by %(date)s.")
        % {
            "number": objection.objection_number,
            "date": objection.order_due_on.strftime("%d-%m-%Y"),
        },
    )


def comply_with_objection(
    *,
    objection: Objection,
    by: User,
    answer: str,
    files: Iterable[UploadedFile] = (),
) -> Objection:
    """The PPID's new written answer after the Atasan granted the objection.

    The request's first answer and its dates stay as they were (they are
    its legal record); the new answer and its files are the objection's,
    shown to the requester with the request. An objection without a request
    (ground b) takes no files: the PPID publishes the periodic information
    in the catalogue and says where in the answer.
    """
    _refuse(perms.can_comply_with_order(by, objection))
    errors: dict[str, Any] = {}
    answer = (answer or "").strip()
    if not answer:
        errors["answer"] = _("The new written answer cannot be empty.")
    elif len(answer) > 20000:
        errors["answer"] = _("At most %(limit)s characters.") % {"limit": 20000}
    files = list(files)
    if files and objection.request_id is None:
        errors["files"] = _(
            "Publish the periodic information in the catalogue and say where in "
            "the answer; an objection without a request takes no files."
        )
    elif len(files) > MAX_ANSWER_FILES:
        errors["files"] = _("An answer holds at most %(count)s files.") % {
            "count": MAX_ANSWER_FILES
        }
    cleaned: list[CleanUpload] = []
    if files and not errors.get("files"):
        try:
            cleaned = clean_uploads(files, "files")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with stored_files_removed_on_error() as names, transaction.atomic():
        lock_row(objection)
        if not objection.order_pending:
            raise ValidationError(
                {
                    "status": _(
                        "Only an objection the Atasan PPID granted, and not yet "
                        "acted on, takes a new answer."
                    )
                },
                code="wrong_state",
            )
        objection.order_done_on = today()
        objection.order_done_by = by
        objection.order_answer = answer
        objection.save(update_fields=["order_done_on", "order_done_by", "order_answer"])
        if objection.request_id is not None:
            _store(objection.request, RequestFile.Kind.OBJECTION_ANSWER, cleaned, names)
        late = objection.order_done_on > objection.order_due_on
        _objection_event(
            objection,
            by,
            Action.ORDER_COMPLIED,
            (
                _("%(number)s: acted on the decision late (due %(date)s).")
                if late
                else _("%(number)s: acted on the decision (due %(date)s).")
            )
            % {
                "number": objection.objection_number,
                "date": objection.order_due_on.strftime("%d-%m-%Y"),
            },
        )
    return objection


def dispute_window(objection: Objection) -> tuple[datetime.date, datetime.date] | None:
    """The 14 working days to go to the Komisi Informasi (UU Pasal 37(2)):
    from the Atasan's answer, or from its deadline passing without one."""
    if objection.answered_on:
        start = end_from = objection.answered_on
    elif objection.due_on < today():
        end_from = objection.due_on
        start = end_from + datetime.timedelta(days=1)
    else:
        return None
    return start, WorkingCalendar(end_from, end_from).add(end_from, DISPUTE_FILING_DAYS)


def respond_to_objection_answer(
    *,
    objection: Objection,
    accept: bool,
    by: User | None = None,
    filed_on: datetime.date | None = None,
    ki_register_number: str = "",
) -> Objection:
    """The requester accepts the answer, or takes it to the Komisi Informasi."""
    if by is not None and by.is_authenticated:
        _refuse(
            perms.can_record_objection(by, objection.request)
            if objection.request_id is not None
            else perms.can_record_opd_objection(by, objection.opd)
        )
    else:
        filed_on = None
    filed_on = filed_on or today()
    if filed_on > today():
        raise ValidationError({"filed_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        lock_row(objection)
        if objection.status not in (Objection.Status.FILED, Objection.Status.ANSWERED):
            raise ValidationError(
                {"status": _("The response to this objection is already recorded.")},
                code="wrong_state",
            )
        if accept:
            if objection.status != Objection.Status.ANSWERED:
                raise ValidationError(
                    {"status": _("The objection has not been answered yet.")},
                    code="wrong_state",
                )
            objection.status = Objection.Status.ACCEPTED
            objection.responded_on = filed_on
            objection.save(update_fields=["status", "responded_on"])
            _objection_event(
                objection, by, Action.OBJECTION_ACCEPTED, objection.objection_number
            )
            return objection
        window = dispute_window(objection)
        if window is None:
            raise ValidationError(
                {
                    "status": _(
                        "A dispute can be filed once the objection is answered or its "
                        "deadline (%(date)s) has passed."
                    )
                    % {"date": objection.due_on.strftime("%d-%m-%Y")}
                },
                code="too_early",
            )
        _require_within(
            filed_on,
            window,
            _("The 14 working days to go to the Komisi Informasi ended on %(date)s."),
        )
        objection.status = Objection.Status.DISPUTED
        objection.responded_on = filed_on
        objection.save(update_fields=["status", "responded_on"])
        Dispute.objects.create(
            objection=objection,
            filed_on=filed_on,
            filing_deadline=window[1],
            ki_register_number=(ki_register_number or "").strip()[:200],
        )
        _objection_event(
            objection, by, Action.DISPUTE_FILED, objection.objection_number
        )
    return objection


# --- Dispute results -----------------------------------------------------------

DISPUTE_RESULT_FIELDS = (
    "mediation_result",
    "adjudication_result",
    "decided_on",
    "outcome",
    "court_filed_on",
    "court_result",
)


def _dispute_result_errors(dispute: Dispute, data: Mapping[str, Any]) -> dict:
    """The rules between a dispute's results (UU Pasal 38-50), by field."""
    errors: dict[str, Any] = {}
    mediation = data["mediation_result"]
    adjudication = data["adjudication_result"]
    decided_on = data["decided_on"]
    court_filed_on = data["court_filed_on"]
    if mediation and dispute.objection.reason == Objection.Reason.A:
        # UU Pasal 40(2): a refusal under an exclusion goes to adjudication.
        errors["mediation_result"] = _(
            "Mediation is open only to objections on grounds b to g; a refusal "
            "under an exclusion (ground a) goes to adjudication."
        )
    if mediation == Dispute.Mediation.AGREED and adjudication:
        # UU Pasal 39: the mediation agreement is final and binding.
        errors["adjudication_result"] = _(
            "A dispute settled by mediation has no adjudication."
        )
    decided = mediation == Dispute.Mediation.AGREED or bool(adjudication)
    if decided and decided_on is None:
        errors["decided_on"] = _("Give the date of the agreement or the decision.")
    elif decided_on is not None and not decided:
        errors["decided_on"] = _(
            "A date of decision needs a mediation agreement or an adjudication result."
        )
    elif decided_on is not None and decided_on < dispute.filed_on:
        errors["decided_on"] = _(
            "The decision cannot come before the dispute was filed (%(date)s)."
        ) % {"date": dispute.filed_on.strftime("%d-%m-%Y")}
    if court_filed_on is not None:
        # UU Pasal 47-48: only a party that rejects the adjudication goes to
        # court.
        if adjudication not in (
            Dispute.Adjudication.GRANTED,
            Dispute.Adjudication.GRANTED_PARTIAL,
            Dispute.Adjudication.REJECTED,
        ):
            errors["court_filed_on"] = _(
                "Only an adjudication decision can be taken to court."
            )
        elif decided_on is not None and court_filed_on < decided_on:
            errors["court_filed_on"] = _(
                "The lawsuit cannot come before the decision (%(date)s)."
            ) % {"date": decided_on.strftime("%d-%m-%Y")}
    if data["court_result"] and court_filed_on is None:
        errors["court_result"] = _("Give the day the case was taken to court first.")
    for field in ("decided_on", "court_filed_on"):
        if data[field] is not None and data[field] > today() and field not in errors:
            errors[field] = _("The date cannot be in the future.")
    return errors


def record_dispute_result(
    *,
    dispute: Dispute,
    by: User,
    mediation_result: str = "",
    adjudication_result: str = "",
    decided_on: datetime.date | None = None,
    outcome: str = "",
    court_filed_on: datetime.date | None = None,
    court_result: str = "",
) -> Dispute:
    """What the Komisi Informasi decided, by mediation or adjudication, and
    the lawsuit against it (UU Pasal 38-48); counted by the yearly report."""
    _refuse(perms.can_record_dispute_result(by, dispute))
    data = {
        "mediation_result": mediation_result or "",
        "adjudication_result": adjudication_result or "",
        "decided_on": decided_on,
        "outcome": (outcome or "").strip(),
        "court_filed_on": court_filed_on,
        "court_result": court_result or "",
    }
    with transaction.atomic():
        lock_row(dispute)
        errors = _dispute_result_errors(dispute, data)
        for field, value in data.items():
            setattr(dispute, field, value)
        try:
            dispute.full_clean(exclude=["objection"])
        except ValidationError as exc:
            errors = {**exc.message_dict, **errors}
        if errors:
            raise ValidationError(errors)
        dispute.save(update_fields=list(DISPUTE_RESULT_FIELDS))
        # On the request's timeline; a ground-b objection has none.
        _objection_event(
            dispute.objection,
            by,
            Action.DISPUTE_RESULT,
            "{}: {}".format(dispute.objection.objection_number, _summary(dispute)),
        )
    return dispute


def _summary(dispute: Dispute) -> str:
    parts = [
        dispute.get_mediation_result_display() if dispute.mediation_result else "",
        dispute.get_adjudication_result_display()
        if dispute.adjudication_result
        else "",
        _("taken to court on %(date)s")
        % {"date": dispute.court_filed_on.strftime("%d-%m-%Y")}
        if dispute.court_filed_on
        else "",
        dispute.get_court_result_display() if dispute.court_result else "",
    ]
    return "; ".join(p for p in parts if p) or _("still at the Komisi Informasi")


# --- Digests -------------------------------------------------------------------


def _attention_for(user: User) -> list[InformationRequest]:
    limit = due_soon_limit()
    return list(
        perms.requests_visible_to(
            user, InformationRequest.objects.needing_attention(limit)
        )
        .select_related("opd")
        .order_by("answer_due_on", "id")
    )


def _orders_for(user: User) -> list[Objection]:
    # Orders after a granted objection, due soon or missed (PPID's to act on).
    limit = due_soon_limit()
    return list(
        perms.objections_visible_to(
            user, Objection.objects.order_needing_attention(limit)
        )
        .select_related("request__opd", "opd")
        .order_by("order_due_on", "id")
    )


def digest_recipients() -> list[int]:
    """OPD admins with requests or orders due soon or overdue, and PPID Utama
    if any are."""
    limit = due_soon_limit()
    flagged = InformationRequest.objects.needing_attention(limit)
    orders = Objection.objects.order_needing_attention(limit)
    if not flagged.exists() and not orders.exists():
        return []
    opd_ids = set(flagged.exclude(opd=None).values_list("opd_id", flat=True))
    for request_opd, own_opd in orders.values_list("request__opd_id", "opd_id"):
        opd_ids.update(pk for pk in (request_opd, own_opd) if pk)
    users = User.objects.filter(is_active=True).exclude(email="")
    return list(
        users.filter(role=User.Role.OPD_ADMIN, opd_id__in=opd_ids).values_list(
            "pk", flat=True
        )
    ) + list(users.filter(role=User.Role.PPID_UTAMA).values_list("pk", flat=True))


def send_request_digest(*, user: User) -> int:
    """E-mail ``user`` the requests of their scope due soon or overdue, and
    the orders after granted objections due soon or missed."""
    requests = _attention_for(user)
    orders = _orders_for(user)
    if not (requests or orders) or not user.email:
        return 0
    day = today()
    context = {
        "user": user,
        "requests": requests,
        "orders": orders,
        "today": day,
        "soon": due_soon_limit(day),
        "site_url": settings.SITE_URL,
    }
    count = len(requests) + len(orders)
    send_mail(
        _("PPID requests due soon or overdue: %(count)s") % {"count": count},
        render_to_string("ppid/email/request_digest.txt", context),
        None,
        [user.email],
    )
    return count


# --- Personal data -------------------------------------------------------------


def delete_expired_identity_scans(day: datetime.date | None = None) -> int:
    """Delete identity scans kept longer than needed (UU 27/2022).

    The retention period runs from the close, or from the written answer of
    a request nobody closed, and never while an objection or a dispute
    still needs the file.
    """
    day = day or today()
    limit = day - datetime.timedelta(days=settings.PPID_IDENTITY_RETENTION_DAYS)
    finished = Q(request__status=Status.CLOSED, request__closed_on__lt=limit) | Q(
        request__status=Status.ANSWERED, request__answered_on__lt=limit
    )
    pending = (
        Q(request__objections__status=Objection.Status.FILED)
        | Q(
            request__objections__dispute__isnull=False,
            request__objections__dispute__decided_on__isnull=True,
        )
        # A lawsuit against the adjudication still needs the file too.
        | Q(
            request__objections__dispute__court_filed_on__isnull=False,
            request__objections__dispute__court_result="",
        )
        | Q(
            request__objections__order_due_on__isnull=False,
            request__objections__order_done_on__isnull=True,
        )
    )
    expired = (
        RequestFile.objects.filter(kind=RequestFile.Kind.IDENTITY)
        .filter(finished)
        .exclude(pk__in=RequestFile.objects.filter(pending).values("pk"))
        .select_related("request")
    )
    deleted = 0
    for record in expired:
        with transaction.atomic():
            name = record.file.name
            info_request = record.request
            record.delete()
            _event(info_request, None, Action.IDENTITY_DELETED, public=False)
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        deleted += 1
    return deleted


def full_nik(info_request: InformationRequest, user: User) -> str:
    """The NIK in clear for whoever handles the request, else masked; each
    read in clear is written to the audit log (the value never is)."""
    if perms.can_view_full_nik(user, info_request):
        nik = personal_data.decrypt(info_request.nik_encrypted)
        if nik:
            audit.record(
                AuditEvent.Action.PERSONAL_DATA_READ,
                obj=info_request,
                actor=user,
                detail={"field": "nik"},
            )
            return nik
    return info_request.nik_masked
