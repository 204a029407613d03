"""What the requester's tracking page shows: where the request stands (the
step bar), what happens next and by when, and whether an objection may be
filed now. The dates come from the clocks in ``ppid.requests.services``;
nothing here sets a deadline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ppid.requests import grounds
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection, RequestEvent

Status = InformationRequest.Status
Action = RequestEvent.Action

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
# The first steps that show someone at the PPID took the request up.
PROCESSING_ACTIONS = (
    Action.REGISTERED,
    Action.ROUTED,
    Action.INCOMPLETE,
    Action.COMPLETED,
    Action.EXTENDED,
)


@dataclass(frozen=True)
class Step:
    """One step of the bar: done (with its date), the current one, or one
    to come (with the date it is due by, when there is one)."""

    label: str
    state: str
    date: datetime.date | None = None
    due: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class NextStep:
    """One thing that happens next, and the day it happens by."""

    text: str
    date: datetime.date | None = None
    objection_link: bool = False


def _processing_started(info_request: InformationRequest) -> datetime.date | None:
    events = [e for e in info_request.events.all() if e.action in PROCESSING_ACTIONS]
    if events:
        return timezone.localdate(min(e.at for e in events))
    if info_request.status != Status.SUBMITTED:
        # Recorded by staff straight into the register: taken up on receipt.
        return info_request.received_on
    return None


def request_steps(info_request: InformationRequest) -> list[Step]:
    """Diterima → Diproses → Dijawab (or Selesai once closed)."""
    answered = info_request.status in (Status.ANSWERED, Status.CLOSED)
    started = _processing_started(info_request)
    if answered:
        processing = Step(_("In process"), DONE, date=started)
    elif info_request.status == Status.INCOMPLETE:
        processing = Step(
            _("In process"),
            CURRENT,
            date=started,
            note=_("waiting for your request to be completed"),
        )
    else:
        processing = Step(
            _("In process"),
            CURRENT,
            date=started,
            note=""
            if started
            else _("the PPID checks that it is complete by %(date)s")
            % {"date": _long(info_request.completeness_due_on)},
        )
    if info_request.status == Status.CLOSED:
        last = Step(
            _("Closed"),
            DONE,
            date=info_request.closed_on or info_request.answered_on,
            note=_("answered on %(date)s") % {"date": _long(info_request.answered_on)}
            if info_request.answered_on
            else "",
        )
    elif answered:
        last = Step(_("Answered"), DONE, date=info_request.answered_on)
    else:
        last = Step(
            _("Answered"),
            UPCOMING,
            due=None if info_request.is_paused else info_request.answer_due_on,
        )
    return [
        Step(_("Received"), DONE, date=info_request.received_on),
        processing,
        last,
    ]


def objection_steps(objection: Objection) -> list[Step]:
    """Keberatan diajukan → dijawab Atasan PPID → (the PPID acts on a
    granted one) → accepted or taken to the Komisi Informasi."""
    filed = objection.status == Objection.Status.FILED
    steps = [
        Step(_("Objection filed"), DONE, date=objection.filed_on),
        Step(
            _("Objection answered"),
            CURRENT if filed else DONE,
            date=objection.answered_on,
            due=objection.due_on if filed else None,
        ),
    ]
    if objection.order_due_on:
        steps.append(
            Step(
                _("PPID acts on the decision"),
                DONE if objection.order_done_on else CURRENT,
                date=objection.order_done_on,
                due=None if objection.order_done_on else objection.order_due_on,
            )
        )
    if objection.status == Objection.Status.DISPUTED:
        dispute = getattr(objection, "dispute", None)
        steps.append(
            Step(
                _("Taken to the Komisi Informasi"),
                DONE,
                date=dispute.filed_on if dispute else objection.responded_on,
            )
        )
    elif objection.status == Objection.Status.ACCEPTED:
        steps.append(Step(_("Answer accepted"), DONE, date=objection.responded_on))
    return steps


def objection_grounds(
    info_request: InformationRequest, objections: list[Objection]
) -> list[str]:
    """The grounds the requester may object on today: none while an
    objection awaits its answer; else those that fit the request, less the
    ones already used (the rules of ``services.file_objection``)."""
    if any(o.status == Objection.Status.FILED for o in objections):
        return []
    used = {o.reason for o in objections}
    return [
        letter
        for letter in grounds.open_grounds(info_request, rs.today())
        if letter not in used
    ]


def objection_form_window(
    info_request: InformationRequest, objections: list[Objection]
) -> tuple[datetime.date, datetime.date] | None:
    """The days an objection may be filed, when the form is to be offered
    today: the 30 working days of UU Pasal 36(1) are running and a ground is
    still open (after an answered objection, another ground may be used)."""
    if not objection_grounds(info_request, objections):
        return None
    window = rs.objection_window(info_request)
    if window is None or not window[0] <= rs.today() <= window[1]:
        return None
    return window


def next_steps(
    info_request: InformationRequest, objections: list[Objection]
) -> list[NextStep]:
    """What happens next, each with the day it happens by."""
    today = rs.today()
    steps: list[NextStep] = []
    status = info_request.status
    if status in InformationRequest.UNCHECKED_STATUSES:
        steps.append(
            NextStep(
                _("The PPID checks that your request is complete."),
                info_request.completeness_due_on,
            )
        )
    if status == Status.INCOMPLETE:
        steps.append(
            NextStep(
                _("Complete your request: %(missing)s")
                % {"missing": info_request.incomplete_reason}
            )
        )
        if info_request.is_paused:
            steps.append(
                NextStep(
                    _(
                        "The deadline for the answer is paused until your "
                        "request is complete."
                    )
                )
            )
    if info_request.is_open and not info_request.is_paused:
        if info_request.answer_due_on >= today:
            steps.append(
                NextStep(
                    _("You receive the written answer by this date at the latest.")
                    if not info_request.was_extended
                    else _(
                        "You receive the written answer by this date at the "
                        "latest (the deadline was extended once, by 7 working "
                        "days)."
                    ),
                    info_request.answer_due_on,
                )
            )
        else:
            steps.append(
                NextStep(
                    _("The deadline for the written answer passed on this date."),
                    info_request.answer_due_on,
                )
            )
    for objection in objections:
        steps.extend(_objection_next(objection, today))
    window = objection_form_window(info_request, objections)
    if window is not None:
        steps.append(
            NextStep(
                _(
                    "Not satisfied with the answer, or no answer in time? You "
                    "may object to the Atasan PPID until this date."
                ),
                window[1],
                objection_link=True,
            )
        )
    elif not objections and not info_request.is_open:
        ended = rs.objection_window(info_request)
        if ended is not None and ended[1] < today:
            steps.append(
                NextStep(_("The period to object ended on this date."), ended[1])
            )
    if not steps and status == Status.CLOSED:
        steps.append(NextStep(_("The request is closed; nothing more is due.")))
    return steps


def _objection_next(objection: Objection, today: datetime.date) -> list[NextStep]:
    steps = []
    if objection.status == Objection.Status.FILED:
        if objection.due_on >= today:
            steps.append(
                NextStep(
                    _("The Atasan PPID answers your objection by this date."),
                    objection.due_on,
                )
            )
        window = rs.dispute_window(objection)
        if window is not None and window[1] >= today:
            steps.append(
                NextStep(
                    _(
                        "The Atasan PPID did not answer in time: you may take "
                        "the matter to the Komisi Informasi until this date."
                    ),
                    window[1],
                )
            )
    elif objection.status == Objection.Status.ANSWERED:
        window = rs.dispute_window(objection)
        if window is not None and window[1] >= today:
            steps.append(
                NextStep(
                    _(
                        "Accept the answer, or take the matter to the Komisi "
                        "Informasi until this date."
                    ),
                    window[1],
                )
            )
    if objection.order_pending:
        steps.append(
            NextStep(
                _("The PPID must act on the Atasan PPID's decision by this date."),
                objection.order_due_on,
            )
        )
    return steps


def _long(day: datetime.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else ""
