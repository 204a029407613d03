"""The inbox's figures: per OPD and month for the public statistics page and
the staff dashboard, and the deadlines the monthly evaluation judges.

A month's figures are about the cases received in it (local time,
Asia/Jakarta): how many were routed, followed up, answered on time, closed,
converted or referred, and how many are overdue now. They are counts in
SQL, grouped by OPD in one query; the median first response is taken in
Python over one list of (received, first response) pairs, measured in
office time (``aspirations.inbox.clocks.office_time_between``). No figure
carries a name, a number, a text or anything else of the citizen.

The clocks judged are SP4N-LAPOR!'s follow-up (5 working days after
routing, ``follow_up_due``) and the first response of the Matur Mas Bupati
SOP (1×24 jam in office time, ``first_response_due``), as stored on each
case when it arrived or was routed (shared/docs/aspirations.md §1).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations.inbox import clocks, services
from aspirations.inbox.models import OPEN_STATES, Case, CaseEvent, Channel, State
from aspirations.inbox.selectors import overdue_q
from core.months import first_of
from opds.models import Opd
from ppid.calendar.workdays import WorkingCalendar

# Where a case stands for the clocks (as ``services.breached`` reads them).
BEFORE_ROUTING = (State.NEW, State.POSTPONED, State.VERIFIED)
CLOSED = (State.CLOSED, State.AUTO_CLOSED)
# A case that left the inbox for another register without a follow-up: the
# PPID request has its own clock (judged by the evaluation's requests
# items), LAPOR! its own, and an archived case (spam, a test) none.
LEFT_WITHOUT_FOLLOW_UP = (State.CONVERTED_PPID, State.REFERRED_LAPOR, State.ARCHIVED)
FIRST_RESPONSE = "first_response"
FOLLOW_UP = "follow_up"


def _open() -> Q:
    return Q(state__in=sorted(OPEN_STATES))


def _converted() -> Q:
    return Q(state=State.CONVERTED_PPID) | Q(ppid_request__isnull=False)


def _referred() -> Q:
    return Q(state=State.REFERRED_LAPOR) | ~Q(lapor_tracking_id="")


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass
class OpdFigures:
    """One row of a month's figures: the cases received that month and
    routed to one OPD, or (``opd_id`` None) not routed yet, or the regency's
    total. Numbers only."""

    opd_id: int | None
    name: str
    short_name: str = ""
    slug: str = ""
    received: int = 0
    routed: int = 0
    routed_on_time: int = 0
    # Followed up (tindak lanjut), and within the 5 working days.
    answered: int = 0
    answered_on_time: int = 0
    # Routed, not followed up, and past the follow-up clock while still open.
    follow_up_missed: int = 0
    # Held to the 1×24-hour first response (social media and WhatsApp).
    first_response_clocked: int = 0
    first_response_judged: int = 0
    first_response_on_time: int = 0
    first_responded: int = 0
    median_first_response: datetime.timedelta | None = None
    closed: int = 0
    converted_ppid: int = 0
    referred_lapor: int = 0
    archived: int = 0
    open: int = 0
    overdue: int = 0
    is_total: bool = False

    @property
    def is_unrouted(self) -> bool:
        return self.opd_id is None and not self.is_total

    @property
    def answered_on_time_share(self) -> Decimal | None:
        """Followed up on time, of the follow-ups settled (done, or missed)."""
        return _share(self.answered_on_time, self.answered + self.follow_up_missed)

    @property
    def first_response_on_time_share(self) -> Decimal | None:
        """First responses in time, of those due by now or given."""
        return _share(self.first_response_on_time, self.first_response_judged)

    @property
    def median_first_response_hours(self) -> Decimal | None:
        """The median first response in office hours, one decimal."""
        if self.median_first_response is None:
            return None
        hours = Decimal(self.median_first_response.total_seconds()) / 3600
        return hours.quantize(Decimal("0.1"))


COUNTED = (
    "received",
    "routed",
    "routed_on_time",
    "answered",
    "answered_on_time",
    "follow_up_missed",
    "first_response_clocked",
    "first_response_judged",
    "first_response_on_time",
    "first_responded",
    "closed",
    "converted_ppid",
    "referred_lapor",
    "archived",
    "open",
    "overdue",
)


def _bounds(month_start: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first instant and the first instant after it, local time."""
    start = first_of(month_start)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time())),
        timezone.make_aware(datetime.datetime.combine(following, datetime.time())),
    )


def _month_cases(month_start: datetime.date) -> QuerySet[Case]:
    start, end = _bounds(month_start)
    return Case.objects.filter(received_at__gte=start, received_at__lt=end)


def _counts(now: datetime.datetime) -> dict[str, Count]:
    today = timezone.localdate(now)
    # A clock is settled once met, or once it has run out on an open case:
    # a case that left the inbox unanswered (converted, referred, archived)
    # is judged elsewhere or not at all.
    first_judged = Q(first_response_due__isnull=False) & (
        Q(first_response_at__isnull=False) | (_open() & Q(first_response_due__lt=now))
    )
    missed = (
        _open()
        & Q(answered_at__isnull=True, follow_up_due__lt=today)
        & ~Q(state__in=BEFORE_ROUTING)
    )
    return {
        "received": Count("pk"),
        "routed": Count("pk", filter=Q(routed_at__isnull=False)),
        "routed_on_time": Count("pk", filter=Q(routed_at__date__lte=F("routing_due"))),
        "answered": Count("pk", filter=Q(answered_at__isnull=False)),
        "answered_on_time": Count(
            "pk", filter=Q(answered_at__date__lte=F("follow_up_due"))
        ),
        "follow_up_missed": Count("pk", filter=missed),
        "first_response_clocked": Count(
            "pk", filter=Q(first_response_due__isnull=False)
        ),
        "first_response_judged": Count("pk", filter=first_judged),
        "first_response_on_time": Count(
            "pk", filter=Q(first_response_at__lte=F("first_response_due"))
        ),
        "first_responded": Count("pk", filter=Q(first_response_at__isnull=False)),
        "closed": Count("pk", filter=Q(state__in=CLOSED)),
        "converted_ppid": Count("pk", filter=_converted()),
        "referred_lapor": Count("pk", filter=_referred()),
        "archived": Count("pk", filter=Q(state=State.ARCHIVED)),
        "open": Count("pk", filter=_open()),
        "overdue": Count("pk", filter=overdue_q(now)),
    }


def _median(spans: list[datetime.timedelta]) -> datetime.timedelta | None:
    return statistics.median(spans) if spans else None


def _first_responses(
    cases: QuerySet[Case],
) -> dict[int | None, list[datetime.timedelta]]:
    """Per OPD (None: not routed), the office time each case waited for its
    first response: one query, one calendar."""
    rows = list(
        cases.filter(first_response_at__isnull=False)
        .order_by()
        .values_list("opd_id", "received_at", "first_response_at")
    )
    found: dict[int | None, list[datetime.timedelta]] = defaultdict(list)
    if not rows:
        return found
    calendar = WorkingCalendar(
        min(timezone.localdate(r[1]) for r in rows),
        max(timezone.localdate(r[2]) for r in rows),
    )
    for opd_id, received, responded in rows:
        found[opd_id].append(clocks.office_time_between(received, responded, calendar))
    return found


def _figures(
    month_start: datetime.date,
    opds: Iterable[Opd] | None,
    now: datetime.datetime,
) -> tuple[list[OpdFigures], list[datetime.timedelta]]:
    """The rows of ``monthly_figures`` and every first response's wait."""
    cases = _month_cases(month_start)
    chosen = list(opds) if opds is not None else None
    if chosen is not None:
        cases = cases.filter(opd__in=chosen)
    grouped = {
        row["opd_id"]: row
        for row in cases.values("opd_id", "opd__name", "opd__short_name", "opd__slug")
        .annotate(**_counts(now))
        .order_by()
    }
    waits = _first_responses(cases)
    rows: list[OpdFigures] = []

    def row_for(
        opd_id: int | None, name: str, short_name: str = "", slug: str = ""
    ) -> OpdFigures:
        counted = grouped.get(opd_id, {})
        return OpdFigures(
            opd_id=opd_id,
            name=name,
            short_name=short_name,
            slug=slug,
            median_first_response=_median(waits.get(opd_id, [])),
            **{key: counted.get(key, 0) for key in COUNTED},
        )

    if chosen is not None:
        for opd in chosen:
            rows.append(row_for(opd.pk, opd.name, opd.short_name, opd.slug))
    else:
        routed = sorted(
            (row for key, row in grouped.items() if key is not None),
            key=lambda r: (r["opd__name"], r["opd_id"]),
        )
        for row in routed:
            rows.append(
                row_for(
                    row["opd_id"],
                    row["opd__name"],
                    row["opd__short_name"],
                    row["opd__slug"],
                )
            )
        rows.append(row_for(None, _("Not yet routed to an OPD")))
    every_wait = [wait for spans in waits.values() for wait in spans]
    return rows, every_wait


def monthly_figures(
    month_start: datetime.date,
    *,
    opds: Iterable[Opd] | None = None,
    now: datetime.datetime | None = None,
) -> list[OpdFigures]:
    """The figures of the cases received in ``month_start``'s month, per OPD
    they are routed to (by name), then a row of those not routed yet (at the
    regency level, by the coordinator). With ``opds``, a row for each of
    them (zeros when it had no case) and no row for the unrouted. Two
    queries, and the calendar's when there are first responses; "overdue"
    is as of ``now``."""
    rows, _waits = _figures(month_start, opds, now or services.now())
    return rows


def total_of(rows: list[OpdFigures], waits: list[datetime.timedelta]) -> OpdFigures:
    """The regency's row: the sums of every row, the median of every wait."""
    total = OpdFigures(
        opd_id=None,
        name=_("Purbalingga Regency"),
        is_total=True,
        median_first_response=_median(waits),
    )
    for key in COUNTED:
        setattr(total, key, sum(getattr(row, key) for row in rows))
    return total


@dataclass
class Tally:
    """One line of a breakdown: what, and how many cases."""

    code: str
    label: str
    count: int


@dataclass
class MonthStatistics:
    """Everything the public statistics page shows of one month."""

    month: datetime.date
    rows: list[OpdFigures]
    total: OpdFigures
    by_channel: list[Tally] = field(default_factory=list)
    by_topic: list[Tally] = field(default_factory=list)


def topic_label(code: str) -> str:
    """A topic's Indonesian name from the triage's list; the code itself
    for a topic the list lacks."""
    if not code:
        return _("No topic yet")
    try:
        # The triage's list of topics lands with the triage; until then
        # (and for a code it does not know) the code is shown.
        from aspirations.triage.topics import topic_name
    except ImportError:
        return code
    return topic_name(code)


def month_statistics(
    month_start: datetime.date, *, now: datetime.datetime | None = None
) -> MonthStatistics:
    """The month's figures per OPD, the unrouted and the regency's total,
    and the regency's cases per channel and per topic: three queries and
    one for the calendar."""
    month = first_of(month_start)
    rows, waits = _figures(month, None, now or services.now())
    channels: dict[str, int] = defaultdict(int)
    topics: dict[str, int] = defaultdict(int)
    # One grouped count serves both breakdowns.
    for channel, topic, n in (
        _month_cases(month)
        .order_by()
        .values_list("channel", "topic")
        .annotate(n=Count("pk"))
        .values_list("channel", "topic", "n")
    ):
        channels[channel] += n
        topics[topic] += n
    return MonthStatistics(
        month=month,
        rows=rows,
        total=total_of(rows, waits),
        by_channel=[
            Tally(code, str(label), channels.get(code, 0))
            for code, label in Channel.choices
        ],
        by_topic=[
            Tally(code, topic_label(code), n)
            for code, n in sorted(topics.items(), key=lambda t: (-t[1], t[0]))
        ],
    )


def months_with_cases(today: datetime.date | None = None) -> list[datetime.date]:
    """Every month from the first case's to this one, the latest first: one
    query."""
    today = today or timezone.localdate()
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    month = first_of(today)
    start = first_of(timezone.localdate(first)) if first else month
    months = []
    while month >= start:
        months.append(month)
        month = first_of(month - datetime.timedelta(days=1))
    return months


# --- The staff dashboard ---------------------------------------------------------


@dataclass
class InboxSummary:
    """What the dashboard shows of an OPD's inbox, or of the regency's:
    open and overdue cases now, and this month's figures."""

    open: int
    overdue: int
    unrouted: int
    month: OpdFigures


def inbox_summary(
    *, opd: Opd | None = None, now: datetime.datetime | None = None
) -> InboxSummary:
    """An OPD's inbox (or, without ``opd``, the regency's): its open and
    overdue cases whatever month they came in, and this month's figures.
    One query; one more and the calendar's when this month has first
    responses to take the median of."""
    now = now or services.now()
    cases = Case.objects.all() if opd is None else Case.objects.filter(opd=opd)
    month = timezone.localdate(now).replace(day=1)
    start, end = _bounds(month)
    this_month = Q(received_at__gte=start, received_at__lt=end)
    # This month's counts and the open cases of every month, in one pass.
    monthly = {
        key: Count(
            "pk", filter=this_month & count.filter if count.filter else this_month
        )
        for key, count in _counts(now).items()
    }
    counts = cases.aggregate(
        now_open=Count("pk", filter=_open()),
        now_overdue=Count("pk", filter=overdue_q(now)),
        now_unrouted=Count("pk", filter=_open() & Q(opd__isnull=True)),
        **monthly,
    )
    waits: list[datetime.timedelta] = []
    if counts["first_responded"]:
        waits = [
            wait
            for spans in _first_responses(cases.filter(this_month)).values()
            for wait in spans
        ]
    if opd is None:
        figures = OpdFigures(opd_id=None, name=_("Purbalingga Regency"), is_total=True)
    else:
        figures = OpdFigures(
            opd_id=opd.pk, name=opd.name, short_name=opd.short_name, slug=opd.slug
        )
    for key in COUNTED:
        setattr(figures, key, counts[key])
    figures.median_first_response = _median(waits)
    return InboxSummary(
        open=counts["now_open"],
        overdue=counts["now_overdue"],
        unrouted=counts["now_unrouted"],
        month=figures,
    )


# --- The monthly evaluation --------------------------------------------------------


@dataclass(frozen=True)
class CaseDeadline:
    """One clock of a case falling to an evaluated month: met in it, or
    passed unmet by its end (as the evaluation's ``rules.Deadline``)."""

    case_id: int
    number: str
    opd_id: int
    clock: str
    due: datetime.date | datetime.datetime
    # None when not met by the day the month is judged on.
    met_at: datetime.datetime | None

    @property
    def on_time(self) -> bool:
        if self.met_at is None:
            return False
        if isinstance(self.due, datetime.datetime):
            return self.met_at <= self.due
        return timezone.localdate(self.met_at) <= self.due


def case_url(pk: int) -> str:
    """The staff page of a case; empty while the case pages are not routed."""
    try:
        return reverse("aspirations:case", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _day_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def responsiveness(
    *,
    opd_ids: list[int],
    start: datetime.date,
    judged_on: datetime.date,
    deadlines_passed_by: datetime.date,
) -> dict[int, list[CaseDeadline]]:
    """Per OPD, the follow-up and first-response deadlines of its cases that
    fall to the month from ``start`` judged on ``judged_on``: those met in
    it, then those passed by ``deadlines_passed_by`` and still unmet on
    ``judged_on`` (an unmet one counts again every month it stays unmet,
    as the evaluation counts requests). The data as it stood: a clock met
    after ``judged_on`` is unmet for the month. One query (and the
    calendar's when a case was sent back), no clock read.

    An OPD answers for the time it held the case: a first response counts
    against it only if the case was routed to it before the response was
    due (before that the coordinator held it), and a case re-routed to it
    after another OPD sent it back ("bukan wewenang") keeps LAPOR!'s
    original clock for the citizen but is judged here on a follow-up
    counted from its own routing. A case that left the inbox (closed,
    converted, referred, archived) before the month was judged and without
    meeting a clock is not judged on it."""
    begins = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    ends = _day_after(judged_on)
    passed = _day_after(deadlines_passed_by)
    still_open = _open() | Q(closed_at__gte=ends)
    # Both filters are wide enough for a re-routed case, whose own clocks
    # start later than the stored ones; Python narrows them below.
    first_met = Q(first_response_at__gte=begins, first_response_at__lt=ends)
    first_unmet = (
        Q(first_response_due__lt=passed)
        & (Q(first_response_at__isnull=True) | Q(first_response_at__gte=ends))
        & still_open
    )
    first = Q(
        first_response_due__isnull=False, routed_at__lte=F("first_response_due")
    ) & (first_met | first_unmet)
    follow_met = Q(answered_at__gte=begins, answered_at__lt=ends)
    follow_unmet = (
        Q(follow_up_due__lte=deadlines_passed_by)
        & (Q(answered_at__isnull=True) | Q(answered_at__gte=ends))
        & still_open
    )
    follow = Q(follow_up_due__isnull=False) & (follow_met | follow_unmet)
    steps = CaseEvent.objects.filter(case_id=OuterRef("pk"))
    rows = list(
        Case.objects.filter(first | follow, opd_id__in=opd_ids)
        .annotate(
            sent_back=Exists(steps.filter(action=CaseEvent.Action.NOT_OURS)),
            last_routed=Subquery(
                steps.filter(action=CaseEvent.Action.ROUTED)
                .order_by("-at", "-pk")
                .values("at")[:1]
            ),
        )
        .order_by()
        .values_list(
            "pk",
            "number",
            "opd_id",
            "routed_at",
            "first_response_due",
            "first_response_at",
            "follow_up_due",
            "answered_at",
            "state",
            "closed_at",
            "sent_back",
            "last_routed",
        )
    )
    rerouted = [row[11] for row in rows if row[10] and row[11] is not None]
    calendar = (
        WorkingCalendar(
            timezone.localdate(min(rerouted)),
            max(deadlines_passed_by, timezone.localdate(max(rerouted))),
        )
        if rerouted
        else None
    )
    found: dict[int, list[CaseDeadline]] = defaultdict(list)
    for (
        pk,
        number,
        opd_id,
        routed_at,
        first_due,
        first_at,
        follow_due,
        answered_at,
        state,
        closed_at,
        sent_back,
        last_routed,
    ) in rows:
        held_from = routed_at
        if sent_back and last_routed is not None and calendar is not None:
            held_from = last_routed
            if follow_due is not None:
                follow_due = max(
                    follow_due, clocks.follow_up_due(last_routed, calendar)
                )
        open_then = state in OPEN_STATES or (
            closed_at is not None and closed_at >= ends
        )
        if first_due is not None and held_from is not None and held_from <= first_due:
            met = first_at if first_at is not None and first_at < ends else None
            if (met is not None and met >= begins) or (
                met is None and first_due < passed and open_then
            ):
                found[opd_id].append(
                    CaseDeadline(pk, number, opd_id, FIRST_RESPONSE, first_due, met)
                )
        if follow_due is not None:
            met = (
                answered_at if answered_at is not None and answered_at < ends else None
            )
            if (met is not None and met >= begins) or (
                met is None and follow_due <= deadlines_passed_by and open_then
            ):
                found[opd_id].append(
                    CaseDeadline(pk, number, opd_id, FOLLOW_UP, follow_due, met)
                )
    for deadlines in found.values():
        deadlines.sort(key=lambda d: (d.met_at is None, d.clock, d.case_id))
    return dict(found)
