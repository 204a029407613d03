"""Reads of the aspiration inbox: the staff queue and its counts, one case
with its conversation and clocks, the ready answers, and what the daily
digest and the work queues list.

Which clocks still run, and so which are overdue or due soon, is decided
here once (``overdue_q``, ``due_soon_q``, ``case_clocks``); the flags
themselves are ``clocks.flags``'.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aspirations.inbox import clocks, services
from aspirations.inbox.models import (
    OPEN_STATES,
    CannedResponse,
    Case,
    CaseEvent,
    Message,
    State,
)
from aspirations.triage.topics import TOPICS
from core.redaction import redact
from opds import permissions as perms
from opds.models import Opd, User
from ppid.calendar.workdays import WorkingCalendar
from socialposts.accounts.models import SocialAccount

# Waiting for the coordinator: to verify, or to route (again, after "not ours").
PRE_ROUTE = frozenset({State.NEW, State.POSTPONED, State.VERIFIED})
# With the OPD, which owes its follow-up (tindak lanjut).
WITH_OPD = frozenset({State.ROUTED, State.IN_PROGRESS})
OPEN = sorted(str(state) for state in OPEN_STATES)

CLOCK_LABELS = {
    "first_response": _("First response"),
    "routing": _("Verification and routing"),
    "follow_up": _("OPD follow-up"),
    "auto_close": _("Closes automatically"),
}

# The reply kinds of aspirations.channels.windows, as the case page names them.
WINDOW_LABELS = {
    "free_form": _("WhatsApp free text"),
    "template": _("WhatsApp template message"),
    "direct_message": _("Direct message"),
    "human_agent": _("Direct message (human agent)"),
    "public_reply": _("Public reply"),
    "private_reply": _("Private reply"),
}


def calendar_for(today: datetime.date) -> WorkingCalendar:
    """One calendar for every clock of a page (loaded once)."""
    return WorkingCalendar(
        today - datetime.timedelta(days=7), today + datetime.timedelta(days=60)
    )


def soon_limit(
    today: datetime.date, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day still "due soon" (``clocks.flags``): a deadline with at
    most ASPIRATION_DUE_SOON_WORKING_DAYS working days left."""
    calendar = calendar or calendar_for(today)
    ahead = settings.ASPIRATION_DUE_SOON_WORKING_DAYS
    return calendar.add(today, ahead + 1) - datetime.timedelta(days=1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _first_response_runs() -> Q:
    return Q(first_response_at__isnull=True, first_response_due__isnull=False)


def _routing_runs() -> Q:
    return Q(state__in=PRE_ROUTE, routing_due__isnull=False)


def _follow_up_runs() -> Q:
    # A case sent back as "not ours" keeps its follow-up clock while it
    # waits to be routed again.
    return Q(follow_up_due__isnull=False) & (
        Q(state__in=WITH_OPD) | Q(state__in=PRE_ROUTE, routed_at__isnull=False)
    )


def overdue_q(now: datetime.datetime) -> Q:
    """Open cases with a running clock past its deadline."""
    today = timezone.localdate(now)
    return Q(state__in=OPEN) & (
        (_first_response_runs() & Q(first_response_due__lt=now))
        | (_routing_runs() & Q(routing_due__lt=today))
        | (_follow_up_runs() & Q(follow_up_due__lt=today))
    )


def due_soon_q(now: datetime.datetime, limit: datetime.date) -> Q:
    """Open cases with a running clock not yet past, due by ``limit``."""
    today = timezone.localdate(now)
    return Q(state__in=OPEN) & (
        (
            _first_response_runs()
            & Q(first_response_due__gte=now)
            & Q(first_response_due__lt=_start_of(limit + datetime.timedelta(days=1)))
        )
        | (_routing_runs() & Q(routing_due__gte=today, routing_due__lte=limit))
        | (_follow_up_runs() & Q(follow_up_due__gte=today, follow_up_due__lte=limit))
    )


def unrouted_q() -> Q:
    """Cases waiting for the coordinator (LAPOR!'s "belum diverifikasi /
    belum didisposisi")."""
    return Q(state__in=PRE_ROUTE)


def awaiting_opd_q(now: datetime.datetime, limit: datetime.date) -> Q:
    """Cases with an OPD that wait for it: routed and not taken up yet, or
    whose follow-up (or first response) is due soon or overdue."""
    return Q(state=State.ROUTED) | (
        Q(state__in=WITH_OPD)
        & (
            Q(follow_up_due__lte=limit)
            | (_first_response_runs() & Q(first_response_due__lt=now))
        )
    )


def opd_waiting_q(now: datetime.datetime) -> Q:
    """What waits for an OPD's admin (the work queue and the staff bar):
    cases routed to it and not taken up, and its overdue ones. No calendar
    is read: the bar counts in one query."""
    return Q(state=State.ROUTED) | (Q(state__in=WITH_OPD) & overdue_q(now))


# --- The queue ----------------------------------------------------------------


@dataclass(frozen=True)
class ClockRow:
    """One deadline of a case as the pages show it."""

    key: str
    label: Any
    due: datetime.date | datetime.datetime
    met_at: datetime.datetime | None
    overdue: bool
    due_soon: bool

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, datetime.datetime)


def case_clocks(
    case: Case, now: datetime.datetime, calendar: WorkingCalendar | None = None
) -> list[ClockRow]:
    """The deadlines of ``case`` with their flags; a clock of a closed case
    that was never met is shown without a flag."""
    is_open = case.state in OPEN_STATES
    rows: list[ClockRow] = []

    def add(key: str, due: Any, met_at: datetime.datetime | None) -> None:
        if due is None:
            return
        if met_at is None and not is_open:
            overdue, soon = False, False
        else:
            overdue, soon = clocks.flags(due, met_at, now, calendar)
        rows.append(ClockRow(key, CLOCK_LABELS[key], due, met_at, overdue, soon))

    add("first_response", case.first_response_due, case.first_response_at)
    routed = case.state not in PRE_ROUTE
    add(
        "routing",
        case.routing_due,
        (case.routed_at or case.closed_at) if routed else None,
    )
    follow_up_runs = case.state in WITH_OPD or (
        case.state in PRE_ROUTE and case.routed_at is not None
    )
    add(
        "follow_up",
        case.follow_up_due,
        None if follow_up_runs else (case.answered_at or case.closed_at),
    )
    if case.auto_close_on is not None and case.state in {
        State.ANSWERED,
        State.AUTO_CLOSED,
    }:
        # Information, not an alarm: the daily job closes it.
        rows.append(
            ClockRow(
                "auto_close",
                CLOCK_LABELS["auto_close"],
                case.auto_close_on,
                case.closed_at,
                False,
                False,
            )
        )
    return rows


@dataclass
class QueueRow:
    """A line of the queue: the case, its title as this user may read it,
    and its clocks."""

    case: Case
    title: str
    clocks: list[ClockRow]

    @property
    def overdue(self) -> bool:
        return any(clock.overdue for clock in self.clocks)

    @property
    def due_soon(self) -> bool:
        return any(clock.due_soon for clock in self.clocks)


def queue_queryset(user: User) -> QuerySet[Case]:
    """The cases ``user`` may see, with what a queue row shows."""
    return (
        perms.cases_visible_to(user)
        .select_related("opd", "suggested_opd")
        .order_by("-received_at", "-pk")
    )


def shown_text(user: User, case: Case, text: str) -> str:
    """A case's text with phone numbers and NIKs masked, unless ``user``
    handles the case (``can_see_case_personal_data``)."""
    if perms.can_see_case_personal_data(user, case):
        return text
    return redact(text)


def queue_rows(
    user: User, cases: Iterable[Case], now: datetime.datetime
) -> list[QueueRow]:
    """The rows of one page of the queue: one calendar for all the clocks."""
    calendar = calendar_for(timezone.localdate(now))
    return [
        QueueRow(
            case, shown_text(user, case, case.title), case_clocks(case, now, calendar)
        )
        for case in cases
    ]


def queue_counts(user: User, now: datetime.datetime) -> dict[str, int]:
    """The tabs' counts of the user's cases, in one query."""
    limit = soon_limit(timezone.localdate(now))
    open_q = Q(state__in=OPEN)
    return perms.cases_visible_to(user).aggregate(
        unrouted=Count("pk", filter=unrouted_q()),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=overdue_q(now)),
        due_soon=Count("pk", filter=due_soon_q(now, limit)),
    )


# --- One case -------------------------------------------------------------------


def case_for(user: User, pk: int) -> Case | None:
    """The case ``pk`` if ``user`` may see it, with what its page reads."""
    return (
        perms.cases_visible_to(user)
        .select_related(
            "opd",
            "suggested_opd",
            "contact",
            "duplicate_of",
            "kecamatan",
            "whatsapp_line",
        )
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("sent_by").order_by(
                    "sent_at", "id"
                ),
            ),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor", "opd").order_by(
                    "at", "id"
                ),
            ),
            "files",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class MessageRow:
    """A message of the conversation as this user may read it."""

    message: Message
    text: str
    author: str
    from_citizen: bool
    is_note: bool


def conversation(user: User, case: Case) -> list[MessageRow]:
    """The case's messages in the order they were sent; the citizen's name
    hidden when they asked for it, personal data masked for non-handlers."""
    name_shown = perms.can_see_citizen_name(user, case)
    rows = []
    for message in case.messages.all():
        citizen = message.direction == Message.Direction.IN
        author = message.author_name
        if citizen and not name_shown:
            author = str(_("Citizen (anonymous)"))
        rows.append(
            MessageRow(
                message=message,
                text=shown_text(user, case, message.text),
                author=author,
                from_citizen=citizen,
                is_note=message.reply_kind == Message.ReplyKind.NOTE,
            )
        )
    return rows


@dataclass(frozen=True)
class WindowRow:
    """A reply kind the platform still accepts, and until when."""

    label: Any
    until: datetime.datetime | None


def open_windows(case: Case, now: datetime.datetime | None = None) -> list[WindowRow]:
    """Which replies the case's platform accepts now and for how long (the
    rule: ``aspirations.windows``, read through ``services.open_windows``)."""
    if case.state not in OPEN_STATES:
        return []
    return [
        WindowRow(WINDOW_LABELS.get(window.kind, window.kind), window.until)
        for window in services.open_windows(case, now)
    ]


def cluster(user: User, case: Case) -> list[Case]:
    """The other cases of the same matter that ``user`` may see, the lead first."""
    lead_id = case.duplicate_of_id or case.pk
    return list(
        perms.cases_visible_to(user)
        .filter(Q(pk=lead_id) | Q(duplicate_of_id=lead_id))
        .exclude(pk=case.pk)
        .select_related("opd")
        .order_by("received_at", "pk")
    )


def canned_for(user: User, case: Case) -> QuerySet[CannedResponse]:
    """The ready answers offered on ``case``: the regency-wide ones and its
    OPD's."""
    offered = Q(opd__isnull=True)
    if case.opd_id:
        offered |= Q(opd_id=case.opd_id)
    return perms.canned_responses_visible_to(user).filter(offered).order_by("title")


def topic_choices() -> list[tuple[str, str]]:
    """The triage's topics (code, name)."""
    return [(topic.code, topic.name) for topic in TOPICS]


def topic_name(code: str) -> str:
    """A topic's name for the pages, its code when the triage does not know it."""
    return dict(topic_choices()).get(code, code)


# --- Canned responses -------------------------------------------------------------


def canned_list(user: User) -> QuerySet[CannedResponse]:
    """The ready answers the canned page lists for ``user``."""
    return (
        perms.canned_responses_visible_to(user)
        .select_related("opd")
        .order_by("opd__name", "title")
    )


# --- Digest and queues ------------------------------------------------------------


def opd_digest(opd: Opd, now: datetime.datetime) -> dict[str, list[Case]]:
    """An OPD's open cases for its admin's digest: new (routed, not yet
    answered), due soon and overdue."""
    limit = soon_limit(timezone.localdate(now))
    cases = Case.objects.filter(opd=opd, state__in=OPEN).order_by("received_at", "pk")
    return {
        "new": list(cases.filter(state=State.ROUTED)),
        "due_soon": list(cases.filter(due_soon_q(now, limit)).exclude(overdue_q(now))),
        "overdue": list(cases.filter(overdue_q(now))),
    }


def coordinator_digest(now: datetime.datetime) -> dict[str, Any]:
    """The coordinator's digest: the cases to verify or route, and the
    overdue cases per OPD."""
    unrouted = list(Case.objects.filter(unrouted_q()).order_by("received_at", "pk"))
    per_opd = list(
        Opd.objects.filter(
            aspiration_cases__in=Case.objects.filter(overdue_q(now)).exclude(
                opd__isnull=True
            )
        )
        .annotate(overdue=Count("aspiration_cases", distinct=True))
        .order_by("-overdue", "name")
    )
    return {"unrouted": unrouted, "overdue_per_opd": per_opd}


def manual_accounts(user: User) -> QuerySet:
    """Accounts whose comments ``user`` may copy in by hand: TikTok's (no
    comment API) and any account the portal does not reach."""
    accounts = SocialAccount.objects.filter(
        platform__in=services.MANUAL_CHANNEL_OF, is_active=True
    ).filter(Q(platform="tiktok") | Q(connection="manual"))
    if not perms.can_coordinate_aspirations(user):
        accounts = accounts.filter(opd_id=getattr(user, "opd_id", None) or 0)
    return accounts.select_related("opd").order_by("opd__short_name", "platform")
