"""What the citizen's tracking page shows: where the case stands (the step
bar) and which messages they may read. The dates come from the case and its
clocks (``aspirations.inbox.clocks``); nothing here sets a deadline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations.inbox.models import Case, Message, State

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"


@dataclass(frozen=True)
class Step:
    """One step of the bar, as templates/ppid/requests/_steps.html draws it."""

    label: str
    state: str
    date: datetime.date | None = None
    due: datetime.date | None = None
    note: str = ""


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# Where each state stands on the bar: received, verified, routed, followed
# up, closed (LAPOR!'s stages).
_REACHED = {
    State.NEW: 0,
    State.POSTPONED: 0,
    State.VERIFIED: 1,
    State.ROUTED: 2,
    State.IN_PROGRESS: 2,
    State.ANSWERED: 3,
    State.CLOSED: 4,
    State.AUTO_CLOSED: 4,
}
_LEFT_THE_INBOX = {
    State.REFERRED_LAPOR: lambda: _("Referred to SP4N-LAPOR!"),
    State.CONVERTED_PPID: lambda: _("Registered as an information request"),
    State.ARCHIVED: lambda: _("Filed away"),
}


def case_steps(case: Case) -> list[Step]:
    """Received → Verified → Sent to the OPD → Followed up → Closed."""
    if case.state in _LEFT_THE_INBOX:
        return [
            Step(_("Received"), DONE, date=_day(case.received_at)),
            Step(_LEFT_THE_INBOX[case.state](), DONE, date=_day(case.closed_at)),
        ]
    reached = _REACHED.get(case.state, 0)
    routed_note = case.opd.name if case.opd_id and reached >= 2 else ""
    postponed = _("set aside for now") if case.state == State.POSTPONED else ""
    rows = [
        (_("Received"), _day(case.received_at), None, postponed),
        (_("Verified"), _day(case.verified_at), case.routing_due, ""),
        (_("Sent to the OPD"), _day(case.routed_at), case.routing_due, routed_note),
        (_("Followed up"), _day(case.answered_at), case.follow_up_due, ""),
        (_("Closed"), _day(case.closed_at), case.auto_close_on, ""),
    ]
    steps = []
    for index, (label, date, due, note) in enumerate(rows):
        if index <= reached:
            steps.append(Step(label, DONE, date=date, note=note))
        elif index == reached + 1:
            steps.append(Step(label, CURRENT, due=due, note=note))
        else:
            steps.append(Step(label, UPCOMING))
    return steps


def visible_messages(case: Case) -> QuerySet[Message]:
    """The conversation as the citizen sees it: their own messages and the
    replies that left the portal; never the staff's internal notes."""
    return case.messages.exclude(reply_kind=Message.ReplyKind.NOTE).exclude(
        direction=Message.Direction.OUT, delivery=Message.Delivery.FAILED
    )
