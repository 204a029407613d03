"""Writes to the catalogue: items, their files, decisions and workflow.

Every change goes through here, is checked against ``opds.permissions`` and
leaves an ``ItemChange`` behind. Refusals raise ``ValidationError`` (bad
input) or ``PermissionDenied`` and change nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import lock_row
from core.files import stored_files_removed_on_error
from opds import permissions as perms
from opds.models import Opd, User
from ppid.catalogue import cache
from ppid.catalogue.models import (
    PUBLIC_CATEGORIES,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    ItemChange,
    exclusions_open_at_end,
    reminder_window,
)
from ppid.catalogue.search import forget_item, refresh_search_vectors
from ppid.uploads import CleanUpload, clean_upload, clean_uploads, store_upload

ITEM_FIELDS = (
    "title",
    "summary",
    "category",
    "subtype",
    "responsible_official",
    "made_on",
    "made_at_place",
    "format",
    "retention_period",
    "year",
    "period",
    "external_url",
    "event_occurred_at",
)
# A change to one of these is an update of the information itself, which
# restarts the clock of a periodic item.
CONTENT_FIELDS = {"title", "summary", "year", "period", "external_url"}
EXCLUSION_FIELDS = (
    "ground",
    "ground_point",
    "legal_basis",
    "consequence",
    "public_interest",
    "consequence_tested_on",
    "test_occasion",
    "scope",
    "redacted_summary",
    "period_start",
    "period_end",
    "review_date",
    "decided_by",
    "approved_by",
    "decided_place",
    "decided_on",
)
MAX_FILES_PER_ITEM = 20


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _record(
    item: InformationItem,
    by: User | None,
    action: str,
    changes: Mapping[str, list[str]] | None = None,
    note: str = "",
) -> ItemChange:
    # Every change is recorded here, so this is where cached pages showing
    # the item (or listing where it is published) go stale, on commit.
    cache.item_changed(item, changes)
    return ItemChange.objects.create(
        item=item, actor=by, action=action, changes=dict(changes or {}), note=note
    )


SHEET_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def _clean_sheet(upload: UploadedFile | None) -> CleanUpload | None:
    """The signed consequence-test sheet: a scan or a PDF, nothing else."""
    if upload is None:
        return None
    try:
        sheet = clean_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"exclusion.signed_sheet": exc.messages}) from None
    if sheet.content_type not in SHEET_TYPES:
        raise ValidationError(
            {"exclusion.signed_sheet": _("The signed sheet must be a PDF or an image.")}
        )
    return sheet


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _store_files(
    item: InformationItem,
    cleaned: list[CleanUpload],
    by: User,
    names: list[str],
    *,
    redacted: bool = False,
) -> None:
    if item.files.count() + len(cleaned) > MAX_FILES_PER_ITEM:
        raise ValidationError(
            {
                "files": _("An item holds at most %(count)s files.")
                % {"count": MAX_FILES_PER_ITEM}
            }
        )
    for upload in cleaned:
        record = InformationFile(
            item=item,
            extracted_text=upload.extracted_text,
            is_redacted_version=redacted,
            uploaded_by=by,
        )
        store_upload(record, upload, names)
        _record(
            item, by, ItemChange.Action.FILE_ADDED, {"file": ["", upload.original_name]}
        )


def _refresh_text(item: InformationItem) -> None:
    texts = item.files.exclude(extracted_text="").values_list(
        "extracted_text", flat=True
    )
    item.extracted_text = "\n".join(texts)[:500_000]
    item.save(update_fields=["extracted_text"])
    refresh_search_vectors(InformationItem.objects.filter(pk=item.pk))


def _apply(item: InformationItem, data: Mapping[str, Any]) -> dict[str, list[str]]:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be set here.") for field in sorted(unknown)}
        )
    changes = {}
    for field, value in data.items():
        before = getattr(item, field)
        if before != value:
            changes[field] = [_as_text(before), _as_text(value)]
            setattr(item, field, value)
    return changes


def _save_exclusion(
    item: InformationItem,
    data: Mapping[str, Any] | None,
    sheet: CleanUpload | None,
    names: list[str],
) -> dict[str, list[str]]:
    """Create or update the item's decision; errors are keyed ``exclusion.x``."""
    if not item.is_excluded:
        return {}
    decision = getattr(item, "exclusion", None) or ExclusionDecision(item=item)
    if decision.opened_at is not None:
        # Excluded again after being opened: a new decision, new clocks.
        decision.opened_at, decision.opened_by, decision.opening_note = None, None, ""
        decision.opened_on_expiry, decision.reminder_sent_at = False, None
        decision.end_decided_at, decision.end_decided_by = None, None
        decision.end_opens_as, decision.end_decision_note = "", ""
    if sheet is not None:
        decision.signed_sheet.save(
            "lembar-uji.{}".format(sheet.extension),
            ContentFile(sheet.content),
            save=False,
        )
        names.append(decision.signed_sheet.name)
    if data is None:
        if sheet is not None and decision.pk is not None:
            decision.save(update_fields=["signed_sheet"])
            return {"exclusion.signed_sheet": ["", sheet.original_name]}
        if decision.pk is None:
            raise ValidationError(
                {"exclusion": _("Excluded information needs its exclusion decision.")}
            )
        return {}
    unknown = set(data) - set(EXCLUSION_FIELDS)
    if unknown:
        raise ValidationError(
            {
                "exclusion.{}".format(field): _("This field cannot be set here.")
                for field in sorted(unknown)
            }
        )
    changes = {}
    for field, value in data.items():
        before = getattr(decision, field)
        if before != value:
            changes["exclusion.{}".format(field)] = [_as_text(before), _as_text(value)]
            setattr(decision, field, value)
    if changes.keys() & {"exclusion.period_end", "exclusion.review_date"}:
        # A new end or review date is a new clock: remind again for it, and
        # a determination made for the old end no longer holds.
        decision.reminder_sent_at = None
        decision.end_decided_at, decision.end_decided_by = None, None
        decision.end_opens_as, decision.end_decision_note = "", ""
    if sheet is not None:
        changes["exclusion.signed_sheet"] = ["", sheet.original_name]
    try:
        decision.full_clean(exclude=["item", "signed_sheet"])
    except ValidationError as exc:
        raise ValidationError(
            {
                "exclusion.{}".format(key) if key != "__all__" else "exclusion": value
                for key, value in exc.message_dict.items()
            }
        ) from None
    decision.save()
    return changes


def _validate_item(item: InformationItem) -> None:
    item.full_clean(exclude=["search_vector", "extracted_text"])


@transaction.atomic
def create_item(
    *,
    opd: Opd,
    by: User,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
    exclusion: Mapping[str, Any] | None = None,
    signed_sheet: UploadedFile | None = None,
) -> InformationItem:
    """File a new draft for ``opd``, with its files and, if excluded, decision."""
    _refuse(perms.can_create_item(by, opd), _("You may not file items for this OPD."))
    cleaned = clean_uploads(files)
    sheet = _clean_sheet(signed_sheet)
    item = InformationItem(opd=opd, status=InformationItem.Status.DRAFT)
    _apply(item, data)
    _validate_item(item)
    with stored_files_removed_on_error() as names:
        item.save()
        _record(item, by, ItemChange.Action.CREATED)
        changes = _save_exclusion(item, exclusion, sheet, names)
        if changes:
            _record(item, by, ItemChange.Action.EXCLUSION_SET, changes)
        _store_files(item, cleaned, by, names)
        _refresh_text(item)
    return item


@transaction.atomic
def update_item(
    *,
    item: InformationItem,
    by: User,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
    remove_files: Iterable[int] = (),
    exclusion: Mapping[str, Any] | None = None,
    signed_sheet: UploadedFile | None = None,
) -> InformationItem:
    """Change an item's fields, files or decision; every change is logged."""
    cleaned = clean_uploads(files)
    sheet = _clean_sheet(signed_sheet)
    lock_row(item)
    _refuse(perms.can_edit_item(by, item), _("You may not change this item."))
    was_excluded = item.is_excluded
    if was_excluded and item.status == InformationItem.Status.PUBLISHED:
        if data.get("category", item.category) != item.category:
            raise ValidationError(
                {"category": _("Published excluded information is opened by decision.")}
            )
    changes = _apply(item, data)
    if (
        item.status == InformationItem.Status.PUBLISHED
        and item.is_excluded != was_excluded
        and not perms.can_publish_ppid_items(by)
    ):
        # Excluding published information is a classification decision, and
        # a DIK entry is published by PPID Utama, not by the OPD alone.
        raise PermissionDenied(_("Only PPID Utama may exclude published information."))
    _validate_item(item)
    removed = list(item.files.filter(pk__in=list(remove_files)))
    with stored_files_removed_on_error() as names:
        if changes.keys() & CONTENT_FIELDS or cleaned or removed:
            item.last_updated_at = timezone.now()
        item.save()
        if changes:
            _record(item, by, ItemChange.Action.UPDATED, changes)
        if was_excluded and not item.is_excluded:
            ExclusionDecision.objects.filter(item=item).delete()
        decision_changes = _save_exclusion(item, exclusion, sheet, names)
        if decision_changes:
            _record(item, by, ItemChange.Action.EXCLUSION_SET, decision_changes)
        for record in removed:
            _record(
                item,
                by,
                ItemChange.Action.FILE_REMOVED,
                {"file": [record.original_name, ""]},
            )
            name = record.file.name
            record.delete()
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        _store_files(item, cleaned, by, names)
        if cleaned or removed or changes.keys() & {"title", "summary"}:
            _refresh_text(item)
    return item


@transaction.atomic
def delete_item(*, item: InformationItem, by: User) -> None:
    """Remove a draft and its files; anything once submitted stays on record."""
    lock_row(item)
    _refuse(perms.can_delete_item(by, item), _("Only drafts can be deleted."))
    names = list(item.files.values_list("file", flat=True))
    cache.item_changed(item)
    forget_item(item.pk)
    item.delete()
    transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def _require_decision(item: InformationItem) -> None:
    if item.is_excluded and not hasattr(item, "exclusion"):
        raise ValidationError(
            {"exclusion": _("Excluded information needs its exclusion decision.")}
        )


def _move(
    item: InformationItem,
    by: User,
    status: str,
    action: str,
    note: str = "",
    **stamps: datetime.datetime,
) -> InformationItem:
    before = item.status
    item.status = status
    for field, value in stamps.items():
        setattr(item, field, value)
    item.save(update_fields=["status", *stamps, "updated_at"])
    _record(item, by, action, {"status": [before, status]}, note)
    return item


@transaction.atomic
def submit_item(*, item: InformationItem, by: User) -> InformationItem:
    """The OPD admin sends a draft to PPID Utama for review."""
    lock_row(item)
    _refuse(perms.can_submit_item(by, item), _("You may not submit this item."))
    _require_decision(item)
    return _move(
        item,
        by,
        InformationItem.Status.SUBMITTED,
        ItemChange.Action.SUBMITTED,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def publish_item(*, item: InformationItem, by: User) -> InformationItem:
    """PPID Utama (or a delegated OPD) makes the item public.

    For excluded information, what becomes public is its DIK entry only.
    """
    lock_row(item)
    _refuse(perms.can_publish_item(by, item), _("You may not publish this item."))
    _require_decision(item)
    now = timezone.now()
    return _move(
        item,
        by,
        InformationItem.Status.PUBLISHED,
        ItemChange.Action.PUBLISHED,
        published_at=now,
        submitted_at=item.submitted_at or now,
    )


@transaction.atomic
def return_item(*, item: InformationItem, by: User, note: str) -> InformationItem:
    """PPID Utama sends a submitted item back to its OPD, saying why."""
    lock_row(item)
    _refuse(perms.can_return_item(by, item), _("You may not return this item."))
    if not note.strip():
        raise ValidationError({"note": _("Say what the OPD should change.")})
    return _move(
        item, by, InformationItem.Status.DRAFT, ItemChange.Action.RETURNED, note
    )


@transaction.atomic
def withdraw_item(*, item: InformationItem, by: User, note: str) -> InformationItem:
    """Take a published item off the catalogue, saying why."""
    lock_row(item)
    _refuse(perms.can_withdraw_item(by, item), _("You may not withdraw this item."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the item is withdrawn.")})
    return _move(
        item,
        by,
        InformationItem.Status.WITHDRAWN,
        ItemChange.Action.WITHDRAWN,
        note,
        withdrawn_at=timezone.now(),
    )


@transaction.atomic
def open_excluded_item(
    *, item: InformationItem, by: User, category: str, note: str, at_end: bool = False
) -> InformationItem:
    """End an exclusion: the information joins the public catalogue.

    PP 61/2010 Pasal 11 makes opening a PPID determination; the decision
    stays on record with who opened it, when and why. With ``at_end`` the
    determination is made now (Pasal 11(2): at the latest 30 working days
    before the end) and the information opens when the period ends.
    """
    lock_row(item)
    _refuse(
        perms.can_open_excluded_item(by, item),
        _("Only PPID Utama may open excluded information."),
    )
    if category not in PUBLIC_CATEGORIES:
        raise ValidationError({"category": _("Choose the category it opens into.")})
    if not note.strip():
        raise ValidationError({"note": _("Give the grounds of the opening decision.")})
    _require_decision(item)
    decision = item.exclusion
    now = timezone.now()
    if at_end:
        if decision.period_end is None or not decision.is_in_force():
            raise ValidationError(
                {
                    "at_end": _(
                        "Only an exclusion with an end date still to come can be "
                        "decided to open at its end."
                    )
                }
            )
        decision.end_decided_at, decision.end_decided_by = now, by
        decision.end_opens_as, decision.end_decision_note = category, note
        decision.save(
            update_fields=[
                "end_decided_at",
                "end_decided_by",
                "end_opens_as",
                "end_decision_note",
            ]
        )
        _record(
            item,
            by,
            ItemChange.Action.EXCLUSION_SET,
            {"exclusion.end_opens_as": ["", category]},
            note,
        )
        return item
    decision.opened_at, decision.opened_by, decision.opening_note = now, by, note
    decision.opened_on_expiry = False
    decision.save(
        update_fields=["opened_at", "opened_by", "opening_note", "opened_on_expiry"]
    )
    before = item.category
    item.category = category
    item.last_updated_at = now
    _validate_item(item)
    item.save(update_fields=["category", "last_updated_at", "updated_at"])
    _record(item, by, ItemChange.Action.OPENED, {"category": [before, category]}, note)
    return item


@transaction.atomic
def open_ended_exclusion(
    *, decision: ExclusionDecision, today: datetime.date | None = None
) -> bool:
    """Open one exclusion whose period has ended; False if nothing to do.

    PP 61/2010 Pasal 11: it opens as the PPID determined ahead (ayat 1-2),
    or, without a determination, becomes public when the period ends (ayat
    3). By default it joins the public catalogue at once; with
    PPID_EXCLUSION_END_ACTION=draft an undecided one goes back to its OPD as
    a draft to review first. Either way the DIK lists it as opened, with the
    date, and the item's change log records it.
    """
    today = today or timezone.localdate()
    item = decision.item
    lock_row(item)
    decision = ExclusionDecision.objects.select_for_update().get(pk=decision.pk)
    if not (
        item.is_excluded
        and item.status == InformationItem.Status.PUBLISHED
        and decision.has_lapsed(today)
    ):
        return False
    date = decision.period_end.strftime("%d-%m-%Y")
    decided = decision.end_decided_at is not None
    if decided:
        # Pasal 11(1)-(2): opened by the PPID's determination made in time.
        note = _(
            "The exclusion period ended on %(date)s; opened as the PPID "
            "determined on %(decided)s: %(note)s"
        ) % {
            "date": date,
            "decided": timezone.localdate(decision.end_decided_at).strftime("%d-%m-%Y"),
            "note": decision.end_decision_note,
        }
    else:
        note = _(
            "The exclusion period ended on %(date)s; under PP 61/2010 Pasal 11(3) "
            "the information is public."
        ) % {"date": date}
    category = decision.end_opens_as or settings.PPID_EXCLUSION_OPENS_AS
    now = timezone.now()
    decision.opened_at = now
    decision.opened_by = decision.end_decided_by if decided else None
    decision.opening_note, decision.opened_on_expiry = note, True
    decision.save(
        update_fields=["opened_at", "opened_by", "opening_note", "opened_on_expiry"]
    )
    changes = {"category": [item.category, category]}
    item.category = category
    item.last_updated_at = now
    fields = ["category", "last_updated_at", "updated_at"]
    # A PPID determination is the review: only an undecided end goes back
    # to the OPD under the draft setting.
    if not decided and not exclusions_open_at_end():
        changes["status"] = [item.status, InformationItem.Status.DRAFT]
        item.status = InformationItem.Status.DRAFT
        fields.append("status")
        note = "{} {}".format(
            note, _("It returns to its OPD as a draft to review before publishing.")
        )
    # No full_clean: the law opens the information whatever else the item
    # lacks, and nothing here can break a rule of the model.
    item.save(update_fields=fields)
    _record(item, None, ItemChange.Action.OPENED, changes, note)
    return True


@transaction.atomic
def set_publishing_delegation(*, opd: Opd, delegated: bool, by: User) -> Opd:
    """PPID Utama lets ``opd`` publish its own items, or takes that back."""
    _refuse(
        perms.can_delegate_publishing(by),
        _("Only PPID Utama may delegate publishing."),
    )
    opd.ppid_publishing_delegated = delegated
    opd.save(update_fields=["ppid_publishing_delegated"])
    # Only staff pages show the delegation; the OPD's own row moves.
    cache.opd_changed(opd, registry=False)
    return opd


# --- Reminders ------------------------------------------------------------------


def _send(subject: str, template: str, context: dict[str, Any], to: list[str]) -> None:
    body = render_to_string(template, context)
    send_mail(subject, body, None, to)


def send_freshness_reminder(*, opd: Opd, today: datetime.date | None = None) -> int:
    """E-mail the OPD's admins its due and overdue periodic items.

    Returns how many items the e-mail listed (0: nothing sent).
    """
    today = today or timezone.localdate()
    items = list(
        InformationItem.objects.for_opd(opd)
        .berkala_needing_update(today)
        .order_by("last_updated_at")
    )
    recipients = list(
        opd.admins.filter(is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not items or not recipients:
        return 0
    overdue = [i for i in items if i.next_update_due < today]
    due = [i for i in items if i.next_update_due >= today]
    _send(
        _("[PPID] %(count)s periodic items of %(opd)s need updating")
        % {"count": len(items), "opd": opd.short_name},
        "ppid/email/freshness_reminder.txt",
        {"opd": opd, "overdue": overdue, "due": due, "site": settings.SITE_URL},
        recipients,
    )
    return len(items)


def reminder_checkpoint(
    decision: ExclusionDecision, today: datetime.date, calendar: Any
) -> datetime.date | None:
    """The latest day on or before ``today`` that calls for a reminder.

    The first reminder comes PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS working
    days before the legal mark (PP 61/2010 Pasal 11(2): the decision is made
    30 working days before the end at the latest), the second at the mark,
    then one every working day until the end (or, for an exclusion that lasts
    as long as needed, until its review date is moved). None: not yet.
    """
    first, mark = decision.reminder_dates(calendar)
    if today < first:
        return None
    if today < mark:
        return first
    if today == mark:
        return mark
    # Late: the last working day up to today, so a missed run is caught up
    # and a weekend sends nothing new.
    day = today
    while day > mark and not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _reminder_due(
    decision: ExclusionDecision, today: datetime.date, calendar: Any
) -> bool:
    try:
        checkpoint = reminder_checkpoint(decision, today, calendar)
    except (OverflowError, ValueError):
        # A nonsense date must not stop the reminders of every other one.
        return False
    if checkpoint is None:
        return False
    sent = decision.reminder_sent_at
    return sent is None or timezone.localdate(sent) < checkpoint


def exclusions_needing_reminder(
    today: datetime.date | None = None,
) -> list[ExclusionDecision]:
    """Exclusions in force whose end (or review) calls for a reminder today."""
    from ppid.calendar.workdays import WorkingCalendar

    today = today or timezone.localdate()
    horizon = today + reminder_window()
    candidates = list(
        ExclusionDecision.objects.ending_by(horizon, today)
        .filter(end_decided_at__isnull=True)
        .select_related("item__opd")
        .order_by("period_end", "review_date", "pk")
    )
    if not candidates:
        return []
    calendar = WorkingCalendar(today - reminder_window(), horizon)
    return [d for d in candidates if _reminder_due(d, today, calendar)]


@transaction.atomic
def send_exclusion_end_reminder(
    *, decision: ExclusionDecision, today: datetime.date | None = None
) -> bool:
    """Tell PPID Utama that an exclusion's end (or review) needs a decision
    (PP 61/2010 Pasal 11(2)). False if no reminder is due any more."""
    from ppid.calendar.workdays import WorkingCalendar

    today = today or timezone.localdate()
    decision = (
        ExclusionDecision.objects.select_for_update(of=("self",))
        .select_related("item__opd")
        .get(pk=decision.pk)
    )
    if (
        not decision.is_in_force(today)
        or decision.decision_target is None
        or decision.end_decided_at is not None
    ):
        return False
    calendar = WorkingCalendar(today - reminder_window(), today + reminder_window())
    if not _reminder_due(decision, today, calendar):
        return False
    first, mark = decision.reminder_dates(calendar)
    recipients = list(
        User.objects.filter(role=User.Role.PPID_UTAMA, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        target = decision.decision_target
        if decision.period_end is not None:
            subject = _("[PPID] An exclusion ends on %(date)s: %(title)s")
        else:
            subject = _("[PPID] An exclusion is due for review on %(date)s: %(title)s")
        if today > mark:
            subject = "{} {}".format(_("[LATE]"), subject)
        _send(
            subject
            % {"date": target.strftime("%d-%m-%Y"), "title": decision.item.title},
            "ppid/email/exclusion_end_reminder.txt",
            {
                "decision": decision,
                "item": decision.item,
                "target": target,
                "mark": mark,
                "late": today > mark,
                "at_mark": today == mark,
                "site": settings.SITE_URL,
            },
            recipients,
        )
    decision.reminder_sent_at = timezone.now()
    decision.save(update_fields=["reminder_sent_at"])
    return bool(recipients)
