"""The inbox's e-mails: the daily digest of each OPD admin and of the
coordinator, and the escalation to the head of the OPD when a clock runs
out (ASPIRATION_ESCALATE_ON_BREACH). Titles are masked: an e-mail leaves
the portal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations.inbox import selectors, services
from aspirations.inbox.models import Case, State
from core.redaction import redact
from opds import permissions as perms
from opds.models import User


def _url(case: Case) -> str:
    return settings.SITE_URL + reverse("aspirations:case", kwargs={"pk": case.pk})


def _line(case: Case) -> dict[str, str]:
    return {
        "number": case.number,
        "title": redact(case.title),
        "opd": case.opd.short_name if case.opd_id else "",
        "url": _url(case),
    }


def digest_recipients(now: datetime.datetime | None = None) -> list[int]:
    """OPD admins whose OPD has cases new, due soon or overdue, and the
    coordinators when a case waits to be routed or is overdue."""
    now = now or services.now()
    limit = selectors.soon_limit(timezone.localdate(now))
    waiting = Case.objects.filter(
        Q(state=State.ROUTED)
        | selectors.overdue_q(now)
        | selectors.due_soon_q(now, limit),
        state__in=selectors.OPEN,
        opd__isnull=False,
    )
    opd_ids = set(waiting.values_list("opd_id", flat=True))
    users = User.objects.filter(is_active=True).exclude(email="")
    found = list(
        users.filter(role=User.Role.OPD_ADMIN, opd_id__in=opd_ids).values_list(
            "pk", flat=True
        )
    )
    if Case.objects.filter(selectors.unrouted_q() | selectors.overdue_q(now)).exists():
        found += list(
            users.filter(role=User.Role.DINKOMINFO).values_list("pk", flat=True)
        )
    return found


def send_digest(*, user: User, now: datetime.datetime | None = None) -> int:
    """E-mail ``user`` the cases waiting for them; the number listed (0:
    nothing sent)."""
    if not user.email or not user.is_active:
        return 0
    now = now or services.now()
    context = {"user": user, "site_url": settings.SITE_URL}
    if perms.can_coordinate_aspirations(user):
        found = selectors.coordinator_digest(now)
        unrouted = [_line(case) for case in found["unrouted"]]
        per_opd = [(opd.short_name, opd.overdue) for opd in found["overdue_per_opd"]]
        count = len(unrouted) + sum(n for _name, n in per_opd)
        context.update(unrouted=unrouted, overdue_per_opd=per_opd)
        template = "aspirations/email/coordinator_digest.txt"
    elif user.role == User.Role.OPD_ADMIN and user.opd_id:
        found = selectors.opd_digest(user.opd, now)
        sections = {
            key: [_line(case) for case in cases] for key, cases in found.items()
        }
        count = len({case.pk for cases in found.values() for case in cases})
        context.update(sections, opd=user.opd)
        template = "aspirations/email/opd_digest.txt"
    else:
        return 0
    if not count:
        return 0
    send_mail(
        _("Aspiration inbox: %(count)s cases need attention") % {"count": count},
        render_to_string(template, context),
        None,
        [user.email],
    )
    return count


def escalation_candidates(now: datetime.datetime | None = None) -> list[int]:
    """Open cases with a clock run out that were never escalated."""
    now = now or services.now()
    return list(
        Case.objects.filter(selectors.overdue_q(now), escalated_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def escalation_recipients(case: Case) -> list[str]:
    """The OPD's own e-mail and its PPID contact's; the coordinators' for a
    case no OPD holds."""
    if case.opd_id:
        found = [case.opd.email, case.opd.ppid_contact_email]
    else:
        found = list(
            User.objects.filter(is_active=True, role=User.Role.DINKOMINFO)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    return list(dict.fromkeys(address for address in found if address))


def escalate(*, case_id: int, now: datetime.datetime | None = None) -> bool:
    """Escalate one breached case once: the step on its history and the
    e-mail to the head of the OPD. A failed e-mail undoes the step, so the
    next run tries again."""
    if not settings.ASPIRATION_ESCALATE_ON_BREACH:
        return False
    now = now or services.now()
    case = Case.objects.select_related("opd").get(pk=case_id)
    names = services.breached(case, now)
    if not names:
        return False
    recipients = escalation_recipients(case)
    with transaction.atomic():
        if not services.mark_escalated(case=case, names=names):
            return False
        if recipients:
            context = {
                "case": _line(case),
                "opd": case.opd,
                "clocks": [str(selectors.CLOCK_LABELS[name]) for name in names],
                "received_at": case.received_at,
            }
            send_mail(
                _("Aspiration %(number)s is overdue") % {"number": case.number},
                render_to_string("aspirations/email/escalation.txt", context),
                None,
                recipients,
            )
    return True
