"""The grounds of an objection (UU 14/2008 Pasal 35(1)) and what each needs
before it can be filed: the one place that says so (domain.md §3.6, §8).

Grounds a and c-g hang on a request and are filed within the 30 working
days of Pasal 36(1) (``services.objection_window``); ground b (periodic
information not provided) needs no request and is filed against the OPD
that should have published it. Each precondition is judged as of the day
the objection was filed, so a paper objection recorded later is judged on
its own date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opds.models import Opd
from ppid.requests.models import InformationRequest, Objection

Decision = InformationRequest.Decision
Reason = Objection.Reason


def request_has_cost_set(info_request: InformationRequest) -> bool:
    """Ground f's precondition: the written notice charged something (the
    cost fixed at the OPD's tariff, UU Pasal 22(7)g; ppid/requests/fees.py)."""
    return info_request.has_cost


def _date(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


def _answered_by(info_request: InformationRequest, day: datetime.date) -> bool:
    return info_request.answered_on is not None and info_request.answered_on <= day


# Each check returns why the ground does not fit the request on ``day``, or
# None when it does.
Check = Callable[[InformationRequest, datetime.date], str | None]


def _refused_on_exclusion(
    info_request: InformationRequest, day: datetime.date
) -> str | None:
    # UU Pasal 35(1)a: a refusal on a Pasal 17 ground. A grant in part
    # refuses the blacked-out parts on such a ground (Pasal 22(7)e), so it
    # counts too.
    if _answered_by(info_request, day) and info_request.decision in (
        Decision.REFUSED_EXCLUDED,
        Decision.GRANTED_PARTIAL,
    ):
        return None
    return _(
        "Ground a is for a request refused, in whole or in part, as excluded "
        "information (Pasal 17); this request was not refused on that ground."
    )


def _not_answered(info_request: InformationRequest, day: datetime.date) -> str | None:
    # UU Pasal 35(1)c: no answer, once the deadline in force has passed.
    if _answered_by(info_request, day):
        return _(
            "Ground c is for a request with no answer; this one was answered on "
            "%(date)s."
        ) % {"date": _date(info_request.answered_on)}
    if info_request.answer_due_on >= day:
        return _(
            "Ground c can be filed once the answer deadline (%(date)s) has passed."
        ) % {"date": _date(info_request.answer_due_on)}
    return None


def _answered(info_request: InformationRequest, day: datetime.date) -> str | None:
    # UU Pasal 35(1)d: the answer was not what was asked for.
    if _answered_by(info_request, day):
        return None
    return _("Ground d is about a written answer; this request has none yet.")


def _answered_or_overdue(
    info_request: InformationRequest, day: datetime.date
) -> str | None:
    # UU Pasal 35(1)e: the request was not fulfilled, by an answer that does
    # not give the information or by none at all once the deadline passed.
    if _answered_by(info_request, day) or info_request.answer_due_on < day:
        return None
    return _(
        "Ground e can be filed once the request is answered or its deadline "
        "(%(date)s) has passed."
    ) % {"date": _date(info_request.answer_due_on)}


def _charged(info_request: InformationRequest, day: datetime.date) -> str | None:
    # UU Pasal 35(1)f: an unreasonable fee; there must be a fee.
    if request_has_cost_set(info_request):
        return None
    return _("Ground f is about a fee; no fee was set on this request.")


def _answered_late(info_request: InformationRequest, day: datetime.date) -> str | None:
    # UU Pasal 35(1)g: the information came later than Pasal 22 allows.
    if not _answered_by(info_request, day):
        return _(
            "Ground g is for an answer given late; this request has no answer "
            "yet (object on ground c once its deadline has passed)."
        )
    if info_request.answered_on <= info_request.answer_due_on:
        return _(
            "Ground g is for an answer given late; this one came on time "
            "(due %(date)s)."
        ) % {"date": _date(info_request.answer_due_on)}
    return None


@dataclass(frozen=True)
class Ground:
    """One ground of Pasal 35(1): its article and what it needs."""

    article: str
    needs_request: bool
    check: Check | None = None


GROUNDS: dict[str, Ground] = {
    Reason.A: Ground("UU 14/2008 Pasal 35(1)a", True, _refused_on_exclusion),
    # Needs no request (domain.md §3.6): the OPD should have published it.
    Reason.B: Ground("UU 14/2008 Pasal 35(1)b", False),
    Reason.C: Ground("UU 14/2008 Pasal 35(1)c", True, _not_answered),
    Reason.D: Ground("UU 14/2008 Pasal 35(1)d", True, _answered),
    Reason.E: Ground("UU 14/2008 Pasal 35(1)e", True, _answered_or_overdue),
    Reason.F: Ground("UU 14/2008 Pasal 35(1)f", True, _charged),
    Reason.G: Ground("UU 14/2008 Pasal 35(1)g", True, _answered_late),
}
REQUEST_GROUNDS = [letter for letter, g in GROUNDS.items() if g.needs_request]
OPD_GROUNDS = [letter for letter, g in GROUNDS.items() if not g.needs_request]


def open_grounds(info_request: InformationRequest, day: datetime.date) -> list[str]:
    """The request grounds that fit ``info_request`` on ``day``: the
    requester is offered only those, not one the service would refuse."""
    return [
        letter
        for letter in REQUEST_GROUNDS
        if GROUNDS[letter].check is None
        or GROUNDS[letter].check(info_request, day) is None
    ]


def check_ground(
    *,
    reason: str,
    info_request: InformationRequest | None,
    opd: Any,
    day: datetime.date,
) -> None:
    """Raise a ``ValidationError`` naming the field when ``reason`` cannot be
    filed: on no request, on this request, or against this agency."""
    ground = GROUNDS.get(reason)
    if ground is None:
        raise ValidationError(
            {"reason": _("Choose a ground from a to g (UU 14/2008 Pasal 35).")},
            code="invalid",
        )
    if not ground.needs_request:
        if info_request is not None:
            raise ValidationError(
                {
                    "reason": _(
                        "Ground b needs no request: file it against the agency on "
                        "the objection page."
                    )
                },
                code="no_request",
            )
        if not (isinstance(opd, Opd) and opd.is_active):
            raise ValidationError(
                {
                    "opd": _(
                        "Choose the agency that did not provide the periodic "
                        "information."
                    )
                },
                code="required",
            )
        return
    if info_request is None:
        raise ValidationError(
            {
                "request": _(
                    "Ground %(ground)s is about a request: give its registration "
                    "number."
                )
                % {"ground": reason}
            },
            code="required",
        )
    problem = ground.check(info_request, day) if ground.check else None
    if problem:
        raise ValidationError({"reason": problem}, code="precondition")
