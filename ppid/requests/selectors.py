"""Reads of the request register: the staff list, its export, the yearly
statistics and the report built from them."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds import permissions as perms
from opds.models import Opd
from opds.permissions import requests_visible_to
from ppid.calendar.workdays import WorkingCalendar
from ppid.catalogue.models import InformationItem
from ppid.requests.filters import ObjectionFilterSet, RequestFilterSet
from ppid.requests.models import (
    Dispute,
    InformationRequest,
    Objection,
    RequestFile,
    Tariff,
)

Decision = InformationRequest.Decision
Status = InformationRequest.Status


def register_queryset(user: Any) -> QuerySet[InformationRequest]:
    """The requests ``user`` may see, with what a register row shows."""
    from ppid.requests.services import today

    return (
        requests_visible_to(user)
        .select_related("opd")
        .annotate(
            objection_count=Count("objections"),
            # Orders after a granted objection not acted on by their deadline.
            orders_missed=Count(
                "objections",
                filter=Q(
                    objections__order_due_on__lt=today(),
                    objections__order_done_on__isnull=True,
                ),
            ),
        )
        .order_by("-received_on", "-id")
    )


def register_filter(*, user: Any, filters: Mapping[str, Any]) -> RequestFilterSet:
    return RequestFilterSet(filters, queryset=register_queryset(user))


def tariffs_for(user: Any) -> list[tuple[Opd, Tariff | None]]:
    """The active OPDs of ``user``'s scope with their tariff (None: free)."""
    opds = perms.opds_visible_to(user, Opd.objects.active()).order_by("name")
    tariffs = {t.opd_id: t for t in Tariff.objects.filter(opd__in=opds)}
    return [(opd, tariffs.get(opd.pk)) for opd in opds]


def fee_figures(year: int, opd: Opd | None = None) -> dict[str, int]:
    """What the year's requests (by date of receipt, as the report counts
    them) were charged and paid, in rupiah (UU Pasal 22(7)g)."""
    queryset = InformationRequest.objects.filter(received_on__year=year, cost__gt=0)
    if opd is not None:
        queryset = queryset.filter(opd=opd)
    paid = Q(paid_on__isnull=False)
    totals = queryset.aggregate(
        charged=Sum("cost", default=0),
        paid=Sum("cost", filter=paid, default=0),
        count=Count("pk"),
        paid_count=Count("pk", filter=paid),
    )
    return {key: int(value) for key, value in totals.items()}


def request_detail(user: Any, number: str) -> InformationRequest | None:
    from ppid.requests.services import request_by_number

    found = request_by_number(number)
    if found is None or not requests_visible_to(user).filter(pk=found.pk).exists():
        return None
    return (
        InformationRequest.objects.select_related("opd", "excluded_item", "answered_by")
        .prefetch_related("events__actor", "files", "objections")
        .get(pk=found.pk)
    )


# --- Objections ------------------------------------------------------------------


def objection_register_queryset(user: Any) -> QuerySet[Objection]:
    """The objections ``user`` may see, with what a register row shows."""
    return (
        perms.objections_visible_to(user)
        .select_related("request__opd", "opd", "answered_by", "dispute")
        .order_by("-filed_on", "-id")
    )


def objection_register_filter(
    *, user: Any, filters: Mapping[str, Any]
) -> ObjectionFilterSet:
    return ObjectionFilterSet(filters, queryset=objection_register_queryset(user))


def objection_detail(user: Any, number: str) -> Objection | None:
    """The objection with this number, if ``user`` may see it."""
    from ppid.requests.services import canonical_objection_number

    if "\x00" in (number or ""):
        return None
    return (
        objection_register_queryset(user)
        .select_related("answered_by", "order_done_by")
        .filter(objection_number=canonical_objection_number(number))
        .first()
    )


def objection_files(objection: Objection) -> QuerySet[RequestFile]:
    """The files of the PPID's new answer after a granted objection."""
    if objection.request_id is None or objection.order_done_on is None:
        return RequestFile.objects.none()
    return objection.request.files.filter(kind=RequestFile.Kind.OBJECTION_ANSWER)


# --- Statistics ------------------------------------------------------------------


def parse_year(value: Any) -> int:
    """A year the register could hold, else the current one."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def opd_from(slug: Any) -> Opd | None:
    """The OPD of a ``?opd=`` filter; an unknown slug filters nothing."""
    return Opd.objects.filter(slug=slug).first() if slug else None


def _figures(rows: list[dict], calendar: WorkingCalendar, today: datetime.date) -> dict:
    decisions = Counter(row["decision"] for row in rows if row["decision"])
    answered = [row for row in rows if row["answered_on"]]
    # ``answered_on`` is the date of the written notice: a paper letter's
    # own date when staff entered it later (``answer_request``).
    on_time = sum(1 for row in answered if row["answered_on"] <= row["answer_due_on"])
    # Unanswered requests past their deadline are late too, unless their
    # clock waits for the requester (PPID_CLOCK_PAUSES_WHILE_INCOMPLETE).
    late = (len(answered) - on_time) + sum(
        1
        for row in rows
        if not row["answered_on"]
        and row["answer_due_on"] < today
        and not (row["clock_paused"] and row["status"] == Status.INCOMPLETE)
    )
    days = [
        calendar.count_between(
            row["deemed_received_on"] or row["received_on"], row["answered_on"]
        )
        for row in answered
    ]
    return {
        "total": len(rows),
        "granted_full": decisions[Decision.GRANTED_FULL],
        "granted_partial": decisions[Decision.GRANTED_PARTIAL],
        "refused": decisions[Decision.REFUSED_EXCLUDED]
        + decisions[Decision.INCOMPLETE_REQUEST],
        "refused_excluded": decisions[Decision.REFUSED_EXCLUDED],
        "refused_incomplete": decisions[Decision.INCOMPLETE_REQUEST],
        "not_controlled": decisions[Decision.NOT_CONTROLLED],
        "not_documented": decisions[Decision.NOT_DOCUMENTED],
        "pending": len(rows) - len(answered),
        "on_time": on_time,
        "late": late,
        "median_working_days": statistics.median(days) if days else None,
        "objections": sum(row["objection_total"] for row in rows),
        "refusal_grounds": dict(
            sorted(
                Counter(
                    row["exclusion_ground"] for row in rows if row["exclusion_ground"]
                ).items()
            )
        ),
    }


def _about_opd(opd: Opd, prefix: str = "") -> Q:
    """Objections about ``opd``: its requests', and those filed against it
    on ground b with no request (UU Pasal 35(1)b), as the objection register
    scopes them (``opds.permissions.objections_visible_to``)."""
    return Q(**{prefix + "request__opd": opd}) | Q(
        **{prefix + "request__isnull": True, prefix + "opd": opd}
    )


def objection_figures(year: int, opd: Opd | None = None) -> dict:
    """The objections filed in ``year`` and what became of them so far, for
    the yearly report (UU Pasal 35-36; Perki 1/2021 Pasal 56). One query."""
    queryset = Objection.objects.filter(filed_on__year=year)
    if opd is not None:
        queryset = queryset.filter(_about_opd(opd))
    rows = list(
        queryset.values("reason", "status", "decision", "due_on", "answered_on")
    )
    today = timezone.localdate()
    answered = [row for row in rows if row["answered_on"]]
    on_time = sum(1 for row in answered if row["answered_on"] <= row["due_on"])
    statuses = Counter(row["status"] for row in rows)
    decisions = Counter(row["decision"] for row in rows if row["decision"])
    grounds = Counter(row["reason"] for row in rows)
    return {
        "total": len(rows),
        "by_ground": {ground: grounds[ground] for ground in Objection.Reason.values},
        "answered": len(answered),
        "upheld": decisions[Objection.Decision.UPHELD],
        "overturned": decisions[Objection.Decision.OVERTURNED],
        "answered_on_time": on_time,
        # Unanswered objections past their 30 working days are late too.
        "late": (len(answered) - on_time)
        + sum(1 for row in rows if not row["answered_on"] and row["due_on"] < today),
        "pending": statuses[Objection.Status.FILED],
        "accepted": statuses[Objection.Status.ACCEPTED],
        "disputed": statuses[Objection.Status.DISPUTED],
    }


def dispute_figures(year: int, opd: Opd | None = None) -> dict:
    """The disputes taken to the Komisi Informasi in ``year`` and their
    results so far: mediation, adjudication, court (UU Pasal 38-48; Perki
    1/2021 Pasal 56). One query."""
    queryset = Dispute.objects.filter(filed_on__year=year)
    if opd is not None:
        queryset = queryset.filter(_about_opd(opd, "objection__"))
    rows = list(
        queryset.values(
            "mediation_result", "adjudication_result", "court_filed_on", "court_result"
        )
    )
    mediation = Counter(row["mediation_result"] for row in rows)
    adjudication = Counter(row["adjudication_result"] for row in rows)
    court = [row for row in rows if row["court_filed_on"]]
    court_results = Counter(row["court_result"] for row in court)
    settled = mediation[Dispute.Mediation.AGREED] + sum(
        count for result, count in adjudication.items() if result
    )
    return {
        "total": len(rows),
        "pending": len(rows) - settled,
        "mediation_agreed": mediation[Dispute.Mediation.AGREED],
        "mediation_failed": mediation[Dispute.Mediation.FAILED],
        "adjudication_granted": adjudication[Dispute.Adjudication.GRANTED],
        "adjudication_granted_partial": adjudication[
            Dispute.Adjudication.GRANTED_PARTIAL
        ],
        "adjudication_rejected": adjudication[Dispute.Adjudication.REJECTED],
        "adjudication_dismissed": adjudication[Dispute.Adjudication.DISMISSED],
        "court_cases": len(court),
        "court_pending": court_results[""],
        "court_upheld": court_results[Dispute.CourtResult.UPHELD],
        "court_overturned": court_results[Dispute.CourtResult.OVERTURNED],
    }


def request_statistics(year: int, opd: Opd | None = None) -> dict:
    """The figures of the year's requests (by date of receipt), in all and per
    OPD, with the objections and disputes filed that year and the fees its
    requests were charged.

    Five queries whatever the number of OPDs: the year's rows, the OPD
    names, the objections and the disputes.
    """
    queryset = InformationRequest.objects.filter(received_on__year=year)
    if opd is not None:
        queryset = queryset.filter(opd=opd)
    rows = list(
        queryset.annotate(objection_total=Count("objections")).values(
            "opd_id",
            "decision",
            "received_on",
            "deemed_received_on",
            "status",
            "clock_paused",
            "answered_on",
            "answer_due_on",
            "exclusion_ground",
            "objection_total",
        )
    )
    today = timezone.localdate()
    calendar = WorkingCalendar(
        datetime.date(year, 1, 1), datetime.date(year + 1, 3, 31)
    )
    by_opd: dict[int | None, list[dict]] = defaultdict(list)
    for row in rows:
        by_opd[row["opd_id"]].append(row)
    opds = {
        pk: (slug, name)
        for pk, slug, name in Opd.objects.filter(
            pk__in=[k for k in by_opd if k]
        ).values_list("pk", "slug", "name")
    }
    per_opd = []
    for opd_id, opd_rows in by_opd.items():
        slug, name = opds.get(opd_id, (None, str(_("Not yet routed"))))
        entry = {
            "opd": slug,
            "name": name,
            **_figures(opd_rows, calendar, today),
        }
        per_opd.append(entry)
    per_opd.sort(key=lambda e: (-e["total"], e["name"]))
    return {
        "year": year,
        **_figures(rows, calendar, today),
        "by_opd": per_opd,
        "objection_outcomes": objection_figures(year, opd),
        "disputes": dispute_figures(year, opd),
        "fees": fee_figures(year, opd),
    }


def years_with_requests() -> list[int]:
    years = InformationRequest.objects.dates("received_on", "year", order="DESC")
    return [d.year for d in years] or [timezone.localdate().year]


def citable_exclusions(user: Any) -> Any:
    """Published DIK entries in force that ``user`` may cite in a refusal."""
    items = InformationItem.objects.excluded_in_force().select_related("opd")
    return perms.exclusions_citable_by(user, items).order_by("opd__name", "title")
