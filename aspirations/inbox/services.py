"""Writes of the aspiration inbox: messages in, and each step of a case.

The steps follow SP4N-LAPOR!'s handling: the coordinator (Dinkominfo)
verifies, postpones, routes (disposisi) or archives; the OPD's admin
(admin penghubung) takes the case up, replies, records the follow-up, or
sends it back as not theirs (the case keeps its clocks). A refused step
raises ``ValidationError`` (bad input, named by field) or
``PermissionDenied``; nothing is half-saved.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations import events, windows
from aspirations.inbox import clocks, triage
from aspirations.inbox.models import (
    COMMENT_CHANNELS,
    OPEN_STATES,
    SOCIAL_CHANNELS,
    CannedResponse,
    Case,
    CaseEvent,
    Contact,
    Kind,
    Message,
    State,
    WhatsAppLine,
)
from core.redaction import redact
from opds import audit
from opds import permissions as perms
from opds.models import AuditEvent, Opd, User
from ppid.requests import personal_data

Action = CaseEvent.Action
TEXT_LIMIT = 10000
NOTE_LIMIT = 2000

# The hook the channels register when the app starts (aspirations/apps.py):
# the sender of an outgoing message (a Celery task). The inbox does not
# import the channels, which stand on it.
_hooks: dict[str, Callable[..., Any]] = {}


def now() -> datetime.datetime:
    """The current moment; the demo replays steps on their own days by
    replacing this (and ``today``), like the PPID's demo."""
    return timezone.now()


def today() -> datetime.date:
    """Today in the portal's time zone (see ``now``)."""
    return timezone.localdate(now())


def register(name: str, hook: Callable[..., Any]) -> None:
    """Register the ``send`` hook (from the app's ``ready``)."""
    _hooks[name] = hook


def hook(name: str) -> Callable[..., Any] | None:
    """The registered hook of that name, if any."""
    return _hooks.get(name)


def pseudonym(value: str) -> str:
    """A stable key for a personal identifier (a WhatsApp number) that does
    not reveal it: the conversation and the contact are found by it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(number: str) -> str:
    """A phone number as pages show it: the last three digits."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 6:
        return "•" * len(digits)
    return "+{}••••••{}".format(digits[:2], digits[-3:])


def _event(
    case: Case,
    action: str,
    by: User | None = None,
    *,
    from_state: str = "",
    note: str = "",
    opd: Opd | None = None,
    detail: dict | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        at=at or now(),
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=case.state,
        opd=opd,
        note=note,
        detail=detail or {},
    )
    audit.record(
        AuditEvent.Action.UPDATED,
        obj=case,
        actor=by,
        changes={"state": [from_state, case.state]} if from_state != case.state else {},
        detail={"step": action, "opd": opd.short_name if opd else ""},
        object_repr=case.number,
    )
    return event


def record_event(
    *,
    case: Case,
    action: str,
    by: User | None = None,
    from_state: str | None = None,
    note: str = "",
) -> CaseEvent:
    """Record a step another part of the app took on a case (hiding its
    comment, a conversion), in the case's history and the audit log."""
    before = case.state if from_state is None else from_state
    return _event(case, action, by, from_state=before, note=note, opd=case.opd)


def _new_number(case: Case) -> str:
    return "ASP-PBG/{}/{:06d}".format(
        timezone.localdate(case.received_at).year, case.pk
    )


def _set_clocks(case: Case) -> None:
    """The first-response and routing deadlines of a case just received."""
    if case.channel in SOCIAL_CHANNELS:
        case.first_response_due = clocks.first_response_due(case.received_at)
    case.routing_due = clocks.routing_due(case.received_at)


def _title(text: str) -> str:
    line = " ".join(text.split())
    return (line[:117] + "…") if len(line) > 120 else (line or _("(no text)"))


def create_case(
    *,
    channel: str,
    text: str,
    received_at: datetime.datetime,
    thread_key: str = "",
    contact: Contact | None = None,
    account: Any = None,
    whatsapp_line: WhatsAppLine | None = None,
    post_external_id: str = "",
    permalink: str = "",
    title: str = "",
    kind: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    kecamatan: Opd | None = None,
    village: str = "",
    tracking_code_hash: str = "",
    by: User | None = None,
) -> Case:
    """Open a case (inside the caller's transaction): number, clocks, triage."""
    case = Case(
        number="tmp-" + uuid.uuid4().hex,
        channel=channel,
        thread_key=thread_key,
        contact=contact,
        account=account,
        whatsapp_line=whatsapp_line,
        post_external_id=post_external_id,
        permalink=permalink,
        title=title or _title(text),
        anonymous=anonymous,
        confidential=confidential or kind == Kind.WHISTLEBLOWING,
        kecamatan=kecamatan,
        village=village,
        tracking_code_hash=tracking_code_hash,
        received_at=received_at,
        state=State.NEW,
    )
    if kind:
        case.kind = kind
    # The account or line written to suggests its OPD; the triage may know better.
    owner = getattr(account, "opd", None) or getattr(whatsapp_line, "opd", None)
    case.suggested_opd = owner
    if channel in COMMENT_CHANNELS and redact(text) != text:
        case.personal_data_exposed = True
    _set_clocks(case)
    triage.apply(case, text)
    case.save()
    case.number = _new_number(case)
    case.save(update_fields=["number"])
    _event(case, Action.RECEIVED, by, at=received_at, note=case.get_channel_display())
    return case


AUTHOR_LIMIT = 200


def record_manual(
    *,
    by: User,
    account: Any,
    text: str,
    author: str,
    received_at: datetime.datetime,
    permalink: str = "",
) -> Case:
    """Copy in a comment staff read in the platform's own app (TikTok's, or
    an account the portal does not reach); it becomes a case like any other.
    When the Business API is granted, its webhook fills the same fields."""
    channel = MANUAL_CHANNEL_OF.get(getattr(account, "platform", ""))
    if account is None or channel is None:
        raise ValidationError({"account": _("Choose the account the comment is on.")})
    if not perms.can_record_manual_case(by, account):
        raise PermissionDenied(_("You may not record comments for this account."))
    errors = {}
    text = (text or "").strip()
    author = (author or "").strip()
    if not text:
        errors["text"] = _("Copy the comment's text.")
    elif len(text) > TEXT_LIMIT:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if not author:
        errors["author"] = _("Write the commenter's account name.")
    elif len(author) > AUTHOR_LIMIT:
        errors["author"] = _("At most %(limit)s characters.") % {"limit": AUTHOR_LIMIT}
    if received_at is None:
        errors["received_at"] = _("Write when the comment was posted.")
    elif received_at > now():
        errors["received_at"] = _("The comment cannot be posted in the future.")
    if errors:
        raise ValidationError(errors)
    platform = events.PLATFORM_OF[channel]
    with transaction.atomic():
        contact, _created = Contact.objects.get_or_create(
            platform=platform,
            external_id="@" + author.lstrip("@")[:198],
            defaults={"name": author[:200]},
        )
        case = create_case(
            channel=channel,
            text=text,
            received_at=received_at,
            contact=contact,
            account=account,
            permalink=permalink[:500],
            by=by,
        )
        Message.objects.create(
            case=case,
            platform=platform,
            direction=Message.Direction.IN,
            author_name=author[:200],
            text=text,
            sent_at=received_at,
        )
        case.last_citizen_message_at = received_at
        case.save(update_fields=["last_citizen_message_at"])
    return case


# Channels whose messages staff copy in by hand: TikTok's Display API has
# no comments (developers.tiktok.com/doc/display-api-overview, read
# 2026-12-07), and comments on accounts not connected to the portal.
MANUAL_CHANNEL_OF = {
    "tiktok": events.TIKTOK_COMMENT,
    "instagram": events.INSTAGRAM_COMMENT,
    "facebook": events.FACEBOOK_COMMENT,
    "youtube": events.YOUTUBE_COMMENT,
}


def _contact(event: events.Inbound) -> Contact:
    if event.platform == events.WHATSAPP:
        key = pseudonym(event.author_id)
        defaults = {
            "name": event.author_name[:200],
            "phone_encrypted": personal_data.encrypt(event.author_id),
            "phone_masked": mask_phone(event.author_id),
        }
    else:
        key = event.author_id
        defaults = {"name": event.author_name[:200]}
    contact, _created = Contact.objects.get_or_create(
        platform=event.platform, external_id=key[:200], defaults=defaults
    )
    return contact


def _thread_key(event: events.Inbound) -> str:
    if event.platform == events.WHATSAPP:
        # The citizen's number stays out of the key (it is personal data).
        return pseudonym(event.account_external_id + ":" + event.thread_key)
    return "{}:{}".format(event.account_external_id, event.thread_key)[:200]


def receive(
    *,
    event: events.Inbound,
    account: Any = None,
    whatsapp_line: WhatsAppLine | None = None,
) -> Message | None:
    """Store one message from a channel; None if it was stored before.

    Idempotent on (platform, external id): a redelivered event changes
    nothing, and events that arrive out of order are shown in the order
    they were sent. An echo of what the OPD sent from the platform's own
    app joins the case as the OPD's reply; an echo with no case (the OPD
    writing first) is not a case.
    """
    if (
        event.external_id
        and Message.objects.filter(
            platform=event.platform, external_id=event.external_id
        ).exists()
    ):
        return None
    key = _thread_key(event)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(channel=event.channel, thread_key=key, state__in=OPEN_STATES)
            .first()
        )
        if case is None and event.direction == events.OUT:
            return None
        if case is None:
            case = _open_case(event, key, account, whatsapp_line)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    case=case,
                    platform=event.platform,
                    external_id=event.external_id[:200],
                    direction=event.direction,
                    reply_kind=(
                        Message.ReplyKind.MESSAGE
                        if event.direction == events.OUT
                        else Message.ReplyKind.NONE
                    ),
                    parent_external_id=event.parent_external_id[:200],
                    author_name=event.author_name[:200],
                    text=event.text[:TEXT_LIMIT],
                    sent_at=event.sent_at,
                    from_native_app=event.direction == events.OUT,
                    delivery=(
                        Message.Delivery.SENT
                        if event.direction == events.OUT
                        else Message.Delivery.RECEIVED
                    ),
                    attachments=list(event.attachments),
                )
        except IntegrityError:
            # A racing delivery of the same event stored it first.
            return None
        if event.direction == events.OUT:
            _replied(case, None, event.sent_at)
        else:
            _citizen_wrote(case, event)
    return message


def _open_case(
    event: events.Inbound,
    key: str,
    account: Any,
    whatsapp_line: WhatsAppLine | None,
) -> Case:
    contact = _contact(event)
    try:
        with transaction.atomic():
            return create_case(
                channel=event.channel,
                text=event.text,
                received_at=event.sent_at,
                thread_key=key,
                contact=contact,
                account=account,
                whatsapp_line=whatsapp_line,
                post_external_id=event.post_external_id[:200],
                permalink=event.permalink[:500],
            )
    except IntegrityError:
        # Another worker opened this conversation's case a moment ago.
        return Case.objects.select_for_update().get(
            channel=event.channel, thread_key=key, state__in=OPEN_STATES
        )


def _citizen_wrote(case: Case, event: events.Inbound) -> None:
    fields = ["updated_at"]
    if (
        case.last_citizen_message_at is None
        or event.sent_at > case.last_citizen_message_at
    ):
        case.last_citizen_message_at = event.sent_at
        fields.append("last_citizen_message_at")
    if case.channel in COMMENT_CHANNELS and redact(event.text) != event.text:
        case.personal_data_exposed = True
        fields.append("personal_data_exposed")
    if (
        case.state == State.ANSWERED
        and case.answered_at
        and event.sent_at > case.answered_at
    ):
        # The citizen answered the follow-up: it is not settled yet.
        before = case.state
        case.state = State.IN_PROGRESS
        case.auto_close_on = None
        case.follow_up_due = clocks.follow_up_due(event.sent_at)
        fields += ["state", "auto_close_on", "follow_up_due"]
        case.save(update_fields=fields)
        _event(case, Action.CITIZEN_REPLIED, from_state=before, at=event.sent_at)
        return
    case.save(update_fields=fields)


def _replied(case: Case, by: User | None, at: datetime.datetime) -> None:
    """A reply reached the citizen: the first response is met, the OPD works on it."""
    fields = ["updated_at"]
    if case.first_response_at is None:
        case.first_response_at = at
        fields.append("first_response_at")
    if case.state == State.ROUTED:
        case.state = State.IN_PROGRESS
        fields.append("state")
    case.save(update_fields=fields)


# --- Steps ---------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_state(case: Case, allowed: set[str], step: str) -> None:
    if case.state not in allowed:
        raise ValidationError(
            {
                "state": _('This case is "%(state)s": it cannot be %(step)s now.')
                % {"state": case.get_state_display(), "step": step}
            }
        )


def _require_coordinator(by: User) -> None:
    if not perms.can_coordinate_aspirations(by):
        raise PermissionDenied(_("Only the inbox coordinator may do this."))


def _require_handler(by: User, case: Case) -> None:
    if not perms.can_handle_case(by, case):
        raise PermissionDenied(_("You may not handle this case."))


def _note(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Write the reason.")})
    if len(value) > NOTE_LIMIT:
        raise ValidationError(
            {field: _("At most %(limit)s characters.") % {"limit": NOTE_LIMIT}}
        )
    return value


@transaction.atomic
def verify(*, case: Case, by: User, note: str = "") -> Case:
    """The coordinator confirms a case is a real message to handle."""
    _require_coordinator(by)
    case = _locked(case)
    _require_state(case, {State.NEW, State.POSTPONED}, _("verified"))
    note = _note(note, "note")
    before, case.state = case.state, State.VERIFIED
    case.verified_at = case.verified_at or now()
    case.postponed_until = None
    case.save(update_fields=["state", "verified_at", "postponed_until", "updated_at"])
    _event(case, Action.VERIFIED, by, from_state=before, note=note)
    return case


@transaction.atomic
def postpone(*, case: Case, by: User, until: datetime.date | None, reason: str) -> Case:
    """The coordinator sets a case aside (LAPOR!'s "Tunda"), with the reason;
    its routing clock keeps running."""
    _require_coordinator(by)
    case = _locked(case)
    _require_state(case, {State.NEW, State.VERIFIED}, _("postponed"))
    reason = _note(reason, "reason", required=True)
    if until is not None and until <= today():
        raise ValidationError({"until": _("Choose a date after today.")})
    before, case.state = case.state, State.POSTPONED
    case.postponed_until = until
    case.save(update_fields=["state", "postponed_until", "updated_at"])
    _event(case, Action.POSTPONED, by, from_state=before, note=reason)
    return case


@transaction.atomic
def route(*, case: Case, by: User, opd: Opd | None, note: str = "") -> Case:
    """The coordinator sends a case to the OPD that must answer (disposisi).

    A case re-routed after "not ours" keeps its clocks: the follow-up is
    due from the first routing, as LAPOR! counts it.
    """
    _require_coordinator(by)
    case = _locked(case)
    _require_state(case, {State.NEW, State.POSTPONED, State.VERIFIED}, _("routed"))
    if opd is None:
        raise ValidationError({"opd": _("Choose the OPD that must answer.")})
    if not opd.is_active:
        raise ValidationError({"opd": _("This OPD is no longer active.")})
    note = _note(note, "note")
    before = case.state
    moment = now()
    if before != State.VERIFIED:
        case.verified_at = case.verified_at or moment
    case.state, case.opd = State.ROUTED, opd
    case.postponed_until = None
    if case.routed_at is None:
        case.routed_at = moment
        case.follow_up_due = clocks.follow_up_due(moment)
    case.save(
        update_fields=[
            "state",
            "opd",
            "verified_at",
            "routed_at",
            "follow_up_due",
            "postponed_until",
            "updated_at",
        ]
    )
    _event(case, Action.ROUTED, by, from_state=before, note=note, opd=opd)
    return case


@transaction.atomic
def not_ours(*, case: Case, by: User, reason: str) -> Case:
    """The OPD sends a case back ("bukan wewenang") for re-routing; it keeps
    its clocks, so the time lost counts against the regency, not the citizen."""
    _require_handler(by, case)
    case = _locked(case)
    _require_state(case, {State.ROUTED, State.IN_PROGRESS}, _("sent back"))
    reason = _note(reason, "reason", required=True)
    before, opd = case.state, case.opd
    case.state, case.opd = State.VERIFIED, None
    case.save(update_fields=["state", "opd", "updated_at"])
    _event(case, Action.NOT_OURS, by, from_state=before, note=reason, opd=opd)
    return case


@transaction.atomic
def take_up(*, case: Case, by: User) -> Case:
    """The OPD's admin starts working on a routed case."""
    _require_handler(by, case)
    case = _locked(case)
    _require_state(case, {State.ROUTED}, _("taken up"))
    case.state = State.IN_PROGRESS
    case.save(update_fields=["state", "updated_at"])
    _event(case, Action.STARTED, by, from_state=State.ROUTED)
    return case


def _text(value: str, field: str = "text") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Write the reply.")})
    if len(value) > TEXT_LIMIT:
        raise ValidationError(
            {field: _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    return value


# How each reply kind leaves, per channel: the platform window it needs.
_WINDOW_OF = {
    events.WHATSAPP: {
        Message.ReplyKind.MESSAGE: (windows.FREE_FORM,),
        Message.ReplyKind.TEMPLATE: (windows.TEMPLATE,),
    },
    events.INSTAGRAM_MESSAGE: {
        Message.ReplyKind.MESSAGE: (windows.DIRECT_MESSAGE, windows.HUMAN_AGENT)
    },
    events.MESSENGER: {
        Message.ReplyKind.MESSAGE: (windows.DIRECT_MESSAGE, windows.HUMAN_AGENT)
    },
    events.INSTAGRAM_COMMENT: {
        Message.ReplyKind.PUBLIC: (windows.PUBLIC_REPLY,),
        Message.ReplyKind.PRIVATE: (windows.PRIVATE_REPLY,),
    },
    events.FACEBOOK_COMMENT: {
        Message.ReplyKind.PUBLIC: (windows.PUBLIC_REPLY,),
        Message.ReplyKind.PRIVATE: (windows.PRIVATE_REPLY,),
    },
    events.YOUTUBE_COMMENT: {Message.ReplyKind.PUBLIC: (windows.PUBLIC_REPLY,)},
}
# Channels the portal cannot write to: the reply is given in the platform's
# own app (TikTok's Display API has no comments) and recorded here.
RECORDED_CHANNELS = frozenset({events.TIKTOK_COMMENT})


def open_windows(case: Case, at: datetime.datetime | None = None) -> list:
    """The platform's reply windows open on ``case`` at ``at`` (each with
    its end), for the case page and the reply's check."""
    at = at or now()
    private_sent = case.messages.filter(
        direction=Message.Direction.OUT, reply_kind=Message.ReplyKind.PRIVATE
    ).exclude(delivery=Message.Delivery.FAILED)
    return windows.reply_windows(
        case.channel,
        case.last_citizen_message_at,
        at,
        private_reply_sent=private_sent.exists(),
        comment_created_at=case.received_at,
    )


def reply_kinds(case: Case) -> list[str]:
    """The reply kinds a case's channel knows (internal notes always)."""
    if case.channel == events.PORTAL:
        kinds = [Message.ReplyKind.MESSAGE]
    elif case.channel in RECORDED_CHANNELS:
        kinds = [Message.ReplyKind.PUBLIC]
    else:
        kinds = list(_WINDOW_OF.get(case.channel, {}))
    return [*kinds, Message.ReplyKind.NOTE]


def _check_window(case: Case, reply_kind: str, at: datetime.datetime) -> None:
    needed = _WINDOW_OF.get(case.channel, {}).get(reply_kind)
    if needed is None:
        return
    if any(window.kind in needed for window in open_windows(case, at)):
        return
    if case.channel == events.WHATSAPP:
        message = _(
            "WhatsApp accepts a free-form reply only within %(hours)s hours of "
            "the citizen's last message: send an approved template instead."
        ) % {"hours": settings.ASPIRATION_WHATSAPP_WINDOW_HOURS}
    elif reply_kind == Message.ReplyKind.PRIVATE:
        message = _(
            "A private reply is allowed once, within %(days)s days of the "
            "comment: reply publicly instead."
        ) % {"days": settings.ASPIRATION_PRIVATE_REPLY_DAYS}
    else:
        message = _(
            "The platform no longer accepts a message in this conversation "
            "(its reply window has closed)."
        )
    raise ValidationError({"reply_kind": message})


@transaction.atomic
def reply(
    *,
    case: Case,
    by: User,
    text: str,
    reply_kind: str = Message.ReplyKind.MESSAGE,
    follow_up: bool = False,
    template: str = "",
) -> Message:
    """Answer the citizen from the portal, through the case's channel.

    The message is stored as queued and sent by the channel's sender after
    the commit (its delivery status follows); a reply the platform would
    refuse (outside its window) is refused here, naming the field.
    ``follow_up`` records it as the OPD's follow-up (tindak lanjut), which
    starts the closing clock. A reply on the portal's form reaches the
    tracking page at once; on TikTok it is given in TikTok's app and
    recorded here.
    """
    _require_handler(by, case)
    case = _locked(case)
    _require_state(case, set(OPEN_STATES) - {State.POSTPONED}, _("answered"))
    text = _text(text)
    if reply_kind not in reply_kinds(case):
        raise ValidationError({"reply_kind": _("Choose how to reply.")})
    if follow_up and case.state not in {State.ROUTED, State.IN_PROGRESS}:
        raise ValidationError(
            {"follow_up": _("Only a case routed to an OPD gets a follow-up.")}
        )
    if reply_kind == Message.ReplyKind.TEMPLATE and not template.strip():
        raise ValidationError({"template": _("Choose the approved template.")})
    moment = now()
    _check_window(case, reply_kind, moment)
    internal = reply_kind == Message.ReplyKind.NOTE
    recorded = case.channel in RECORDED_CHANNELS
    portal = case.channel == events.PORTAL
    queued = not (internal or recorded or portal)
    send = _hooks.get("send")
    if queued and send is None:
        raise ValidationError(
            {"reply_kind": _("This channel cannot send replies from the portal.")}
        )
    message = Message.objects.create(
        case=case,
        platform=events.PLATFORM_OF[case.channel],
        direction=Message.Direction.OUT,
        reply_kind=reply_kind,
        author_name=by.get_full_name() or by.get_username(),
        text=text,
        sent_at=moment,
        sent_by=by,
        from_native_app=recorded,
        delivery=Message.Delivery.QUEUED if queued else Message.Delivery.SENT,
        attachments=[{"template": template.strip()}] if template.strip() else [],
    )
    if internal:
        return message
    before = case.state
    _replied(case, by, moment)
    _event(case, Action.REPLIED, by, from_state=before)
    if follow_up:
        _followed_up(case, by, moment)
    if queued:
        transaction.on_commit(lambda: send(message.pk))
    return message


def _followed_up(case: Case, by: User | None, at: datetime.datetime) -> None:
    before = case.state
    case.state = State.ANSWERED
    case.answered_at = at
    case.auto_close_on = clocks.auto_close_on(at)
    case.save(update_fields=["state", "answered_at", "auto_close_on", "updated_at"])
    _event(case, Action.ANSWERED, by, from_state=before, at=at)


@transaction.atomic
def record_follow_up(*, case: Case, by: User, note: str = "") -> Case:
    """Mark the replies so far as the OPD's follow-up (a reply sent in the
    platform's own app counts too)."""
    _require_handler(by, case)
    case = _locked(case)
    _require_state(case, {State.ROUTED, State.IN_PROGRESS}, _("followed up"))
    if (
        not case.messages.filter(direction=Message.Direction.OUT)
        .exclude(reply_kind=Message.ReplyKind.NOTE)
        .exists()
    ):
        raise ValidationError(
            {
                "note": _(
                    "Reply to the citizen first: a follow-up is an answer they received."
                )
            }
        )
    _followed_up(case, by, now())
    return case


@transaction.atomic
def close(*, case: Case, by: User, note: str = "") -> Case:
    """Close a followed-up case before its clock does (the citizen is satisfied)."""
    _require_handler(by, case)
    case = _locked(case)
    _require_state(case, {State.ANSWERED}, _("closed"))
    note = _note(note, "note")
    case.state, case.closed_at = State.CLOSED, now()
    case.save(update_fields=["state", "closed_at", "updated_at"])
    _event(case, Action.CLOSED, by, from_state=State.ANSWERED, note=note)
    return case


@transaction.atomic
def archive(*, case: Case, by: User, reason: str) -> Case:
    """The coordinator files a case away (spam, abuse, a test), with the reason."""
    _require_coordinator(by)
    case = _locked(case)
    _require_state(case, set(OPEN_STATES), _("archived"))
    reason = _note(reason, "reason", required=True)
    before = case.state
    case.state, case.closed_at = State.ARCHIVED, now()
    case.save(update_fields=["state", "closed_at", "updated_at"])
    _event(case, Action.ARCHIVED, by, from_state=before, note=reason)
    return case


def close_silent_cases(*, day: datetime.date | None = None) -> int:
    """Close every followed-up case whose citizen stayed silent for the
    closing period (SP4N-LAPOR!: 10 working days); the number closed."""
    day = day or today()
    closed = 0
    due = Case.objects.filter(state=State.ANSWERED, auto_close_on__lte=day)
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.state != State.ANSWERED or case.auto_close_on is None:
                continue
            if case.auto_close_on > day:
                continue
            case.state, case.closed_at = State.AUTO_CLOSED, now()
            case.save(update_fields=["state", "closed_at", "updated_at"])
            _event(case, Action.AUTO_CLOSED, from_state=State.ANSWERED)
            closed += 1
    return closed


@transaction.atomic
def correct_triage(
    *, case: Case, by: User, kind: str | None = None, topic: str | None = None
) -> Case:
    """Staff correct the triage; the correction is kept for the classifier
    to learn from (a CORRECTED event holds the text and both values)."""
    _require_handler(by, case)
    case = _locked(case)
    changes: dict[str, list[str]] = {}
    if kind is not None and kind != case.kind:
        if kind not in Kind.values:
            raise ValidationError({"kind": _("Choose a kind from the list.")})
        changes["kind"] = [case.kind, kind]
        case.kind = kind
    if topic is not None and topic != case.topic:
        if len(topic) > 40:
            raise ValidationError({"topic": _("Choose a topic from the list.")})
        changes["topic"] = [case.topic, topic]
        case.topic = topic
    if not changes:
        return case
    if case.kind == Kind.WHISTLEBLOWING:
        case.confidential = True
    case.triage_corrected = True
    case.save(
        update_fields=[
            "kind",
            "topic",
            "confidential",
            "triage_corrected",
            "updated_at",
        ]
    )
    first = case.messages.filter(direction=Message.Direction.IN).first()
    transaction.on_commit(triage.forget_learned)
    _event(
        case,
        Action.CORRECTED,
        by,
        from_state=case.state,
        detail={"changes": changes, "text": first.text[:1000] if first else case.title},
    )
    return case


@transaction.atomic
def mark_duplicate(*, case: Case, of: Case, by: User) -> Case:
    """Join a case to the cluster of the same matter (the lead keeps the others)."""
    _require_coordinator(by)
    case = _locked(case)
    lead = of.duplicate_of or of
    if lead.pk == case.pk:
        raise ValidationError({"duplicate_of": _("A case cannot repeat itself.")})
    case.duplicate_of = lead
    case.save(update_fields=["duplicate_of", "updated_at"])
    Case.objects.filter(duplicate_of=case).update(duplicate_of=lead)
    _event(case, Action.MERGED, by, from_state=case.state, note=lead.number)
    return case


# --- Escalation ----------------------------------------------------------------


def breached(case: Case, at: datetime.datetime) -> list[str]:
    """The clocks of an open case that have run out by ``at``, by name."""
    names = []
    if case.first_response_due and case.first_response_at is None:
        if at > case.first_response_due:
            names.append("first_response")
    today = timezone.localdate(at)
    if case.state in {State.NEW, State.POSTPONED, State.VERIFIED}:
        if case.routing_due and today > case.routing_due:
            names.append("routing")
    if case.state in {State.ROUTED, State.IN_PROGRESS}:
        if case.follow_up_due and today > case.follow_up_due:
            names.append("follow_up")
    return names


def mark_escalated(*, case: Case, names: list[str]) -> bool:
    """Record the escalation of a breached case once; False if done before."""
    with transaction.atomic():
        case = _locked(case)
        if case.escalated_at is not None:
            return False
        case.escalated_at = now()
        case.save(update_fields=["escalated_at", "updated_at"])
        _event(
            case,
            Action.ESCALATED,
            from_state=case.state,
            opd=case.opd,
            detail={"clocks": names},
        )
    return True


# --- Ready answers -----------------------------------------------------------------

# Regency-wide answers every inbox starts with; the coordinator edits them on
# the canned page. Keyed by title: an edited text is never overwritten.
DEFAULT_CANNED_RESPONSES = (
    (
        "Terima kasih, laporan diterima",
        "Terima kasih atas laporan Anda. Laporan telah kami terima dan sedang"
        " kami teruskan kepada perangkat daerah yang berwenang. Kami akan"
        " menyampaikan perkembangannya melalui kanal ini.",
    ),
    (
        "Mohon data tambahan",
        "Terima kasih atas laporan Anda. Agar dapat kami tindak lanjuti, mohon"
        " sampaikan lokasi lengkap (desa/kelurahan dan kecamatan) serta foto"
        " pendukung bila ada. Mohon tidak menuliskan NIK atau nomor telepon"
        " di kolom komentar publik.",
    ),
    (
        "Sedang ditindaklanjuti",
        "Laporan Anda sedang ditindaklanjuti oleh perangkat daerah terkait."
        " Terima kasih atas kesabaran Anda.",
    ),
    (
        "Sudah ditindaklanjuti",
        "Laporan Anda telah ditindaklanjuti. Bila masih ada kendala, silakan"
        " balas pesan ini dalam 10 hari kerja; setelah itu laporan kami"
        " anggap selesai.",
    ),
    (
        "Dirujuk ke SP4N-LAPOR!",
        "Laporan Anda kami teruskan melalui SP4N-LAPOR! agar dapat ditangani"
        " oleh instansi yang berwenang. Nomor pelacakan akan kami sampaikan"
        " setelah tersedia.",
    ),
)


def _canned_fields(title: str, text: str, whatsapp_template: str) -> dict[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    whatsapp_template = (whatsapp_template or "").strip()
    if not title:
        raise ValidationError({"title": _("Write a title.")})
    if len(title) > 100:
        raise ValidationError(
            {"title": _("At most %(limit)s characters.") % {"limit": 100}}
        )
    if not text:
        raise ValidationError({"text": _("Write the text of the answer.")})
    if len(text) > NOTE_LIMIT:
        raise ValidationError(
            {"text": _("At most %(limit)s characters.") % {"limit": NOTE_LIMIT}}
        )
    if len(whatsapp_template) > 100:
        raise ValidationError(
            {"whatsapp_template": _("At most %(limit)s characters.") % {"limit": 100}}
        )
    return {"title": title, "text": text, "whatsapp_template": whatsapp_template}


@transaction.atomic
def save_canned_response(
    *,
    by: User,
    opd: Opd | None,
    title: str,
    text: str,
    whatsapp_template: str = "",
    canned: CannedResponse | None = None,
) -> CannedResponse:
    """Add or change a ready answer of ``opd`` (None: regency-wide)."""
    if canned is not None:
        opd = canned.opd
    if not perms.can_manage_canned_responses(by, opd):
        raise PermissionDenied(_("You may not change these ready answers."))
    fields = _canned_fields(title, text, whatsapp_template)
    created = canned is None
    if canned is None:
        canned = CannedResponse(opd=opd)
    for name, value in fields.items():
        setattr(canned, name, value)
    canned.save()
    audit.record(
        AuditEvent.Action.CREATED if created else AuditEvent.Action.UPDATED,
        obj=canned,
        actor=by,
        object_repr=canned.title,
    )
    return canned


@transaction.atomic
def delete_canned_response(*, by: User, canned: CannedResponse) -> None:
    """Remove a ready answer (replies already sent keep their text)."""
    if not perms.can_manage_canned_responses(by, canned.opd):
        raise PermissionDenied(_("You may not change these ready answers."))
    audit.record(
        AuditEvent.Action.DELETED, obj=canned, actor=by, object_repr=canned.title
    )
    canned.delete()


def ensure_default_canned_responses() -> int:
    """Add the regency-wide ready answers that are missing (the demo and a
    new installation); the number added."""
    added = 0
    with transaction.atomic():
        for title, text in DEFAULT_CANNED_RESPONSES:
            _canned, created = CannedResponse.objects.get_or_create(
                opd=None, title=title, defaults={"text": text}
            )
            added += int(created)
    return added
