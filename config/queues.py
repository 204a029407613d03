"""The staff's work queues on /dasbor/ and the counts beside the staff
navbar's links.

Each role gets what waits for it: PPID Utama the items to review, the
requests to route and those due, the orders after granted objections, the
objections due and the exclusions whose end needs a decision; the Atasan
PPID the objections to answer; Dinkominfo the months to build, open or
finalise, the contests to decide and the OPDs whose social data is stale;
an OPD admin its own requests, orders, periodic items, drafts and accounts.

Nothing here sets a deadline: the flags are the apps' own
(``InformationRequestQuerySet.needing_attention``, ``ObjectionQuerySet``,
``exclusions_needing_decision``, ``SocialAccount.is_stale``,
``final_through``); who sees what is ``opds.permissions``'. Each queue is
one or two queries, whatever its length; the navbar's counts are one query
per role (two for Dinkominfo and an OPD admin), made once per request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aspirations.inbox import selectors as case_selectors
from aspirations.inbox import services as case_services
from aspirations.inbox.models import Case
from config import staff_cache
from core.months import first_of, previous_month
from core.redaction import redact
from evaluations import services as evaluation_services
from evaluations.models import Contest, MonthlyReport, OpdScore
from opds import permissions as perms
from opds.models import Opd, User
from ppid.catalogue import selectors as catalogue_selectors
from ppid.catalogue.models import InformationItem
from ppid.requests import services as request_services
from ppid.requests.models import InformationRequest, Objection
from socialposts.accounts import selectors as social_selectors
from socialposts.accounts.models import STALE_AFTER, Platform, SocialAccount

# The first rows of a queue; its count says how many there are in all.
SHOWN = 5
# How far back the months to build are looked for: the chain of months
# after the last final one, at most a year.
MONTHS_BACK = 12

ReportStatus = MonthlyReport.Status


@dataclass
class Row:
    """One piece of work: what it is, where it is done, and its deadline."""

    text: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    overdue: bool = False


@dataclass
class Queue:
    """A kind of work waiting for the user, with its first rows."""

    key: str
    title: str | Promise
    rows: list[Row]
    total: int
    # The page that lists them all, when there are more than shown.
    more_url: str = ""
    empty: str | Promise = ""
    # Counts read with the queue's rows, for the navbar.
    also: dict[str, int] | None = None

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _first(queryset: QuerySet, shown: int = SHOWN) -> tuple[list[Any], int]:
    """The first ``shown`` rows and the count: one query unless there are
    more rows than shown."""
    found = list(queryset[: shown + 1])
    total = len(found)
    if total > shown:
        total = queryset.count()
    return found[:shown], total


def _today() -> datetime.date:
    return request_services.today()


# --- PPID: items, requests, objections, exclusions ---------------------------------


def items_to_review(user: User) -> Queue:
    """Items OPDs submitted for publication, the longest waiting first."""
    found, total = _first(
        perms.items_visible_to(user)
        .filter(status=InformationItem.Status.SUBMITTED)
        .select_related("opd")
        .order_by("submitted_at", "pk")
    )
    rows = [
        Row(
            text=item.title,
            url=item.get_absolute_url(),
            detail="{} · {}".format(
                item.opd.short_name,
                _("submitted on %(day)s")
                % {"day": date_format(timezone.localdate(item.submitted_at), "j M Y")}
                if item.submitted_at
                else item.get_category_display(),
            ),
        )
        for item in found
    ]
    return Queue(
        "review",
        _("Items to review"),
        rows,
        total,
        more_url="{}?status={}".format(
            reverse("ppid:staff-items"), InformationItem.Status.SUBMITTED
        ),
        empty=_("No item waits for review."),
    )


def _request_row(info_request: InformationRequest, today: datetime.date) -> Row:
    pending = info_request.pending_deadlines
    deadline = pending[0] if pending else None
    detail = [info_request.opd.short_name if info_request.opd_id else ""]
    if deadline is not None:
        detail.append(str(deadline.label))
    return Row(
        text=info_request.registration_number,
        url=info_request.get_absolute_url(),
        detail=" · ".join(part for part in detail if part),
        due=deadline.due if deadline else None,
        overdue=any(d.due < today for d in pending),
    )


def requests_to_route(user: User) -> Queue:
    """Open requests no OPD holds yet, the oldest first."""
    today = _today()
    found, total = _first(
        perms.requests_visible_to(user)
        .open()
        .filter(opd__isnull=True)
        .order_by("received_on", "pk")
    )
    return Queue(
        "route",
        _("Requests to route"),
        [_request_row(r, today) for r in found],
        total,
        more_url=reverse("ppid:request-register"),
        empty=_("Every request has its agency."),
    )


def requests_due(user: User, soon: datetime.date) -> Queue:
    """Open requests due by ``soon`` or overdue, the most urgent first (the
    register's "due" filter)."""
    today = _today()
    found, total = _first(
        perms.requests_visible_to(user)
        .needing_attention(soon)
        .select_related("opd")
        .order_by("answer_due_on", "pk")
    )
    return Queue(
        "requests",
        _("Requests due"),
        [_request_row(r, today) for r in found],
        total,
        more_url="{}?attention=true".format(reverse("ppid:request-register")),
        empty=_("No request is due within two working days."),
    )


def _agency(objection: Objection) -> str:
    agency = objection.agency
    return agency.short_name if agency is not None else ""


def _objection_queue(
    user: User,
    due: QuerySet[Objection],
    due_field: str,
    detail: Callable[[Objection], str],
    **queue: Any,
) -> Queue:
    """The first objections of ``due`` by their date in ``due_field``."""
    today = _today()
    found, total = _first(
        perms.objections_visible_to(user, due)
        .select_related("request__opd", "opd")
        .order_by(due_field, "pk")
    )
    rows = [
        Row(
            text=objection.objection_number,
            url=objection.get_absolute_url(),
            detail="{} · {}".format(_agency(objection), detail(objection)),
            due=getattr(objection, due_field),
            overdue=getattr(objection, due_field) < today,
        )
        for objection in found
    ]
    return Queue(rows=rows, total=total, **queue)


def orders_due(user: User, soon: datetime.date) -> Queue:
    """Granted objections whose order the PPID must carry out, due by
    ``soon`` or overdue."""
    return _objection_queue(
        user,
        Objection.objects.order_needing_attention(soon),
        "order_due_on",
        lambda objection: _("order to carry out"),
        key="orders",
        title=_("Objection orders to carry out"),
        more_url=reverse("ppid:objection-register"),
        empty=_("No order after a granted objection is due."),
    )


def objections_due(user: User, soon: datetime.date) -> Queue:
    """Objections awaiting the Atasan PPID's answer, due by ``soon`` or
    overdue."""
    return _objection_queue(
        user,
        Objection.objects.answer_needing_attention(soon),
        "due_on",
        lambda objection: objection.get_reason_display(),
        key="objections",
        title=_("Objections due"),
        more_url="{}?status={}".format(
            reverse("ppid:objection-register"), Objection.Status.FILED
        ),
        empty=_("No objection is due within two working days."),
    )


def exclusions_to_decide(user: User) -> Queue:
    """Exclusions whose end (or review) needs PPID Utama's decision."""
    endings = (
        catalogue_selectors.exclusions_needing_decision()
        if perms.can_publish_ppid_items(user)
        else []
    )
    rows = [
        Row(
            text=ending.decision.item.title,
            url=ending.decision.item.get_absolute_url(),
            detail="{} · {}".format(
                ending.decision.item.opd.short_name, _("decide by")
            ),
            due=ending.mark,
            overdue=ending.is_late,
        )
        for ending in endings[:SHOWN]
    ]
    return Queue(
        "exclusions",
        _("Exclusions to decide"),
        rows,
        len(endings),
        more_url="{}#opening-heading".format(reverse("ppid:staff-items")),
        empty=_("No exclusion ends soon."),
    )


# --- Dinkominfo: months, contests, social data ---------------------------------------


def data_complete_on(month: datetime.date) -> datetime.date:
    """The first day on which every platform's figures of ``month`` are
    final (``final_through``): the month can be built then."""
    end = MonthlyReport(month=month).month_end
    day = end
    while not all(
        social_selectors.final_through(p, day) >= end for p in Platform.values
    ):
        day += datetime.timedelta(days=1)
    return day


def _next_month(month: datetime.date) -> datetime.date:
    return first_of(month + datetime.timedelta(days=32))


def months_to_act_on(user: User, also: dict[str, QuerySet] | None = None) -> Queue:
    """Ended months whose figures are final and that are not built, built
    before their figures were final, waiting to be opened for reply, or
    ready to be finalised: one query. The counts of ``also`` ride along on
    it (the navbar's), into the queue's ``also`` (None without a report)."""
    if not perms.can_review_evaluations(user):
        return Queue("months", _("Months to build"), [], 0)
    today = evaluation_services.today()
    last_ended = previous_month(today)
    oldest = last_ended
    for _step in range(MONTHS_BACK - 1):
        oldest = previous_month(oldest)
    latest: dict[datetime.date, MonthlyReport] = {}
    also = also or {}
    reports = list(
        MonthlyReport.objects.filter(month__gte=oldest, month__lte=last_ended)
        .annotate(
            waiting=Exists(OpdScore.objects.filter(report=OuterRef("pk"), reply="")),
            pending=Exists(
                Contest.objects.filter(
                    item_score__opd_score__report=OuterRef("pk"),
                    status=Contest.Status.PENDING,
                )
            ),
            **{name: _count(queryset) for name, queryset in also.items()},
        )
        .order_by("-month", "-version")
    )
    counted = {name: getattr(reports[0], name) for name in also} if reports else None
    for report in reports:
        latest.setdefault(report.month, report)
    finals = [
        month
        for month, report in latest.items()
        if report.status == ReportStatus.FINAL and not report.is_preview
    ]
    start = _next_month(max(finals)) if finals else last_ended
    months = set()
    month = start
    while month <= last_ended:
        months.add(month)
        month = _next_month(month)
    # A month left open for reply or in draft, older than the chain.
    months.update(
        m
        for m, report in latest.items()
        if report.status != ReportStatus.FINAL and not report.is_preview
    )
    index = reverse("evaluations:index")
    rows = []
    for month in sorted(months):
        row = _month_row(month, latest.get(month), today, index)
        if row is not None:
            rows.append(row)
    return Queue(
        "months",
        _("Months to build"),
        rows[:SHOWN],
        len(rows),
        more_url=index,
        empty=_("Every ended month is built."),
        also=counted,
    )


def _month_row(
    month: datetime.date,
    report: MonthlyReport | None,
    today: datetime.date,
    index: str,
) -> Row | None:
    complete = data_complete_on(month)
    if today < complete:
        return None  # its figures are still changing: nothing to do yet
    label = date_format(month, "F Y")
    if report is None or report.is_preview:
        return Row(label, index, _("figures final: build the month"))
    url = "{}?versi={}".format(
        reverse("evaluations:report", kwargs={"month": month}), report.version
    )
    if report.status == ReportStatus.DRAFT:
        if timezone.localdate(report.computed_at) < complete:
            return Row(label, index, _("built before its figures were final"))
        return Row(label, url, _("draft: review and open for reply"))
    if report.status == ReportStatus.REPLY:
        if report.pending:
            return None  # the contests queue holds it
        if report.waiting and report.reply_deadline and today <= report.reply_deadline:
            return None  # the OPDs may still reply
        return Row(label, url, _("replies closed: finalise"))
    return None


def contests_to_decide(user: User) -> Queue:
    """The OPDs' contests of months open for reply, the oldest first."""
    if not perms.can_review_evaluations(user):
        return Queue("contests", _("Contests to decide"), [], 0)
    found, total = _first(
        Contest.objects.filter(
            status=Contest.Status.PENDING,
            item_score__opd_score__report__status=ReportStatus.REPLY,
            item_score__opd_score__in=perms.evaluation_scores_visible_to(user),
        )
        .select_related(
            "item_score__item",
            "item_score__opd_score__opd",
            "item_score__opd_score__report",
        )
        .order_by("filed_at", "pk")
    )
    rows = []
    for contest in found:
        score = contest.item_score.opd_score
        report = score.report
        rows.append(
            Row(
                text="{} · {}".format(
                    score.opd.short_name, contest.item_score.item.name
                ),
                url="{}?versi={}".format(
                    reverse("evaluations:report", kwargs={"month": report.month}),
                    report.version,
                ),
                detail=date_format(report.month, "F Y"),
            )
        )
    return Queue(
        "contests",
        _("Contests to decide"),
        rows,
        total,
        more_url=reverse("evaluations:index"),
        empty=_("No contest waits for a decision."),
    )


def stale_q(now: datetime.datetime) -> Q:
    """``SocialAccount.is_stale`` as a condition, for active accounts."""
    return Q(is_active=True, connection=SocialAccount.Connection.API) & (
        Q(last_success_at__isnull=True) | Q(last_success_at__lt=now - STALE_AFTER)
    )


def stale_social_data(user: User) -> Queue:
    """OPDs with API accounts whose last successful pull is old, the
    longest silent first: two queries."""
    now = timezone.now()
    per_opd = list(
        perms.social_accounts_visible_to(user)
        .filter(stale_q(now))
        .order_by()
        .values("opd")
        .annotate(
            accounts=Count("pk"),
            never=Count("pk", filter=Q(last_success_at__isnull=True)),
            oldest=Min("last_success_at"),
        )
    )
    # Never pulled first, then the oldest pull.
    per_opd.sort(
        key=lambda r: (not r["never"], r["oldest"] or now, r["opd"]),
    )
    shown = per_opd[:SHOWN]
    opds = Opd.objects.in_bulk([r["opd"] for r in shown])
    accounts_url = reverse("socialposts:accounts")
    rows = []
    for found in shown:
        opd = opds[found["opd"]]
        if found["never"]:
            last = _("never pulled")
        else:
            last = _("last pull %(day)s") % {
                "day": date_format(timezone.localtime(found["oldest"]), "j M Y")
            }
        rows.append(
            Row(
                text=opd.name,
                url="{}?opd={}".format(accounts_url, opd.slug),
                detail="{} · {}".format(
                    ngettext(
                        "%(count)s stale account",
                        "%(count)s stale accounts",
                        found["accounts"],
                    )
                    % {"count": found["accounts"]},
                    last,
                ),
            )
        )
    return Queue(
        "social",
        _("OPDs with stale social data"),
        rows,
        len(per_opd),
        more_url=accounts_url,
        empty=_("Every connected account was pulled in the last two days."),
    )


# --- An OPD admin's own work ----------------------------------------------------------


def drafts(user: User, opd: Opd) -> Queue:
    """The OPD's drafts not yet submitted (or sent back), the oldest first."""
    found, total = _first(
        perms.items_visible_to(user)
        .filter(opd=opd, status=InformationItem.Status.DRAFT)
        .order_by("last_updated_at", "pk")
    )
    rows = [
        Row(
            text=item.title,
            url=reverse("ppid:item-edit", kwargs={"pk": item.pk}),
            detail=item.get_category_display(),
        )
        for item in found
    ]
    return Queue(
        "drafts",
        _("Drafts to finish"),
        rows,
        total,
        more_url="{}?status={}".format(
            reverse("ppid:staff-items"), InformationItem.Status.DRAFT
        ),
        empty=_("No draft is waiting."),
    )


def from_board(board: Any) -> list[Queue]:
    """The OPD admin's board (config.dashboard) as queues: its requests,
    periodic items and accounts are already read there."""
    requests = [
        Row(
            text=row.info_request.registration_number,
            url=row.info_request.get_absolute_url(),
            detail=str(row.deadline.label) if row.deadline else "",
            due=row.deadline.due if row.deadline else None,
            overdue=row.overdue,
        )
        for row in board.requests_due
    ]
    items = [
        Row(
            text=row.item.title,
            url=reverse("ppid:item-edit", kwargs={"pk": row.item.pk}),
            due=row.due,
            overdue=row.overdue,
        )
        for row in board.items_due
    ]
    accounts = [
        Row(
            text=str(row.account),
            # The accounts page shows each account's token and last pull,
            # with the button to connect it again.
            url="{}?opd={}&platform={}".format(
                reverse("socialposts:accounts"),
                board.opd.slug,
                row.account.platform,
            ),
            detail=(
                str(SocialAccount.TokenHealth(row.health).label)
                if row.health != SocialAccount.TokenHealth.OK
                else _("not pulled for two days")
            ),
            overdue=row.health
            in (SocialAccount.TokenHealth.EXPIRED, SocialAccount.TokenHealth.REVOKED),
        )
        for row in board.accounts
        if row.stale or row.health != SocialAccount.TokenHealth.OK
    ]
    return [
        Queue(
            "requests",
            _("Requests to answer"),
            requests,
            board.requests_due_total,
            more_url="{}?attention=true".format(reverse("ppid:request-register")),
            empty=_("No request is due within two working days."),
        ),
        Queue(
            "items",
            _("Periodic information to update"),
            items,
            board.items_due_total,
            more_url="{}?category=berkala&status=published".format(
                reverse("ppid:staff-items")
            ),
            empty=_("No periodic item falls due soon."),
        ),
        Queue(
            "accounts",
            _("Accounts to fix"),
            accounts,
            len(accounts),
            empty=_("Every account is connected and up to date."),
        ),
    ]


# --- The aspiration inbox -------------------------------------------------------------


def _with_overdue(cases: QuerySet[Case], now: datetime.datetime) -> QuerySet[Case]:
    """``cases`` marked overdue when any of their running clocks is
    (``case_selectors.overdue_q``), in the same query."""
    return cases.annotate(
        is_overdue=ExpressionWrapper(
            case_selectors.overdue_q(now), output_field=BooleanField()
        )
    )


def _case_row(case: Case, due: Any) -> Row:
    overdue = bool(case.is_overdue)
    if overdue and case.first_response_at is None and case.first_response_due:
        first = timezone.localdate(case.first_response_due)
        # Late on the first response while the day's deadline is still ahead.
        due = min(due, first) if due else first
    # A title may quote a phone number or a NIK: the dashboard never shows one.
    title = redact(case.title)
    return Row(
        text=case.number,
        url=reverse("aspirations:case", kwargs={"pk": case.pk}),
        detail=title if len(title) <= 60 else title[:59] + "…",
        due=due,
        overdue=overdue,
    )


def cases_to_route(user: User) -> Queue:
    """The coordinator's cases to verify and route (disposisi), the most
    urgent first."""
    now = case_services.now()
    found, total = _first(
        _with_overdue(perms.cases_visible_to(user), now)
        .filter(case_selectors.unrouted_q())
        .order_by("routing_due", "received_at", "pk")
    )
    return Queue(
        "cases",
        _("Aspirations to verify and route"),
        [_case_row(case, case.routing_due) for case in found],
        total,
        more_url="{}?view=unrouted".format(reverse("aspirations:queue")),
        empty=_("Every aspiration is routed to its OPD."),
    )


def cases_waiting(user: User, opd: Opd) -> Queue:
    """The OPD's cases routed to it and not taken up, and its overdue ones."""
    now = case_services.now()
    found, total = _first(
        _with_overdue(perms.cases_visible_to(user), now)
        .filter(opd=opd)
        .filter(case_selectors.opd_waiting_q(now))
        .order_by("follow_up_due", "received_at", "pk")
    )
    return Queue(
        "cases",
        _("Aspirations to answer"),
        [_case_row(case, case.follow_up_due) for case in found],
        total,
        more_url="{}?view=open".format(reverse("aspirations:queue")),
        empty=_("No aspiration waits for your OPD."),
    )


# --- Per role ------------------------------------------------------------------------


@dataclass
class WorkQueues:
    """The queues of the user's role(s), in the order they are shown."""

    queues: list[Queue] = field(default_factory=list)

    def __iter__(self):
        return iter(self.queues)

    @property
    def total(self) -> int:
        return sum(queue.total for queue in self.queues)


def queues_for(
    user: User, board: Any = None, soon: datetime.date | None = None
) -> WorkQueues:
    """Every queue of ``user``'s role; an OPD admin's own work from its
    ``board``. ``soon`` is the requests' warning limit
    (``due_soon_limit``), when the caller has it already."""
    # None for a role that handles neither requests nor objections.
    soon = soon or due_soon_limit(user) or _today()
    queues: list[Queue] = []
    if board is not None:
        requests, items, accounts = from_board(board)
        queues += [
            requests,
            orders_due(user, soon),
            items,
            drafts(user, board.opd),
            accounts,
            cases_waiting(user, board.opd),
        ]
        return WorkQueues(queues)
    if perms.can_route_requests(user):
        queues += [
            items_to_review(user),
            requests_to_route(user),
            requests_due(user, soon),
            orders_due(user, soon),
        ]
    if perms.can_route_requests(user) or perms.can_decide_objections(user):
        queues.append(objections_due(user, soon))
    if perms.can_publish_ppid_items(user):
        queues.append(exclusions_to_decide(user))
    if perms.can_review_evaluations(user):
        queues += [
            months_to_act_on(user),
            contests_to_decide(user),
            stale_social_data(user),
        ]
    if perms.can_coordinate_aspirations(user):
        queues.append(cases_to_route(user))
    return WorkQueues(queues)


# --- The navbar's counts ------------------------------------------------------------


@dataclass
class NavCount:
    """A badge: how many pieces of work wait behind a link, and whether
    any is overdue."""

    total: int = 0
    overdue: int = 0

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class NavCounts:
    """The badges of the staff navbar's links."""

    items: NavCount = field(default_factory=NavCount)
    requests: NavCount = field(default_factory=NavCount)
    objections: NavCount = field(default_factory=NavCount)
    evaluation: NavCount = field(default_factory=NavCount)
    social: NavCount = field(default_factory=NavCount)
    cases: NavCount = field(default_factory=NavCount)

    @property
    def total(self) -> int:
        return sum(
            c.total
            for c in (
                self.items,
                self.requests,
                self.objections,
                self.evaluation,
                self.social,
                self.cases,
            )
        )


def _count(queryset: QuerySet) -> Coalesce:
    """``queryset``'s row count as a subquery of another query."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1, output_field=IntegerField()))
        .values("_one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _counts_query(user: User, **counts: QuerySet) -> dict[str, int]:
    """Many counts in one query: each a subquery beside the user's row."""
    if not counts:
        return {}
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(**{name: _count(qs) for name, qs in counts.items()})
        .values(*counts)
        .first()
    )
    return row or dict.fromkeys(counts, 0)


def nav_counts(
    user: User,
    soon: datetime.date | None = None,
    accounts: list[SocialAccount] | None = None,
    items: tuple[int, int] | None = None,
) -> NavCounts:
    """The navbar's badges for ``user``: the same selections as the queues,
    counted in one query (two for Dinkominfo and an OPD admin, unless its
    ``accounts`` were read already). An OPD admin's periodic items due and
    overdue come as ``items`` when its dashboard has counted them."""
    counts = NavCounts()
    if not perms.is_staff_user(user):
        return counts
    today = _today()
    yesterday = today - datetime.timedelta(days=1)
    requests = perms.requests_visible_to(user)
    objections = perms.objections_visible_to(user)
    # An unsaved stand-in: the rule compares ids, and the OPD's row is
    # not needed for a count.
    own_opd = Opd(pk=user.opd_id) if user.opd_id else None
    if own_opd is not None and not perms.is_opd_admin_of(user, own_opd):
        own_opd = None
    wanted: dict[str, QuerySet] = {}
    handles_requests = perms.can_route_requests(user) or own_opd is not None
    if handles_requests or perms.can_decide_objections(user):
        # The warning limit reads the calendar: only for those it concerns.
        soon = soon or request_services.due_soon_limit(today)
    if handles_requests:
        # Whoever handles requests and carries out the orders.
        wanted["requests"] = requests.needing_attention(soon)
        wanted["requests_overdue"] = requests.needing_attention(yesterday)
        wanted["orders"] = objections.order_needing_attention(soon)
        wanted["orders_overdue"] = objections.order_overdue(today)
    if perms.can_route_requests(user):
        wanted["review"] = perms.items_visible_to(user).filter(
            status=InformationItem.Status.SUBMITTED
        )
        # A request to route is counted once, even when it is also due.
        wanted["requests"] = wanted["requests"] | requests.open().filter(
            opd__isnull=True
        )
    if perms.can_route_requests(user) or perms.can_decide_objections(user):
        wanted["objections"] = objections.answer_needing_attention(soon)
        wanted["objections_overdue"] = objections.answer_overdue(today)
    if own_opd is not None and items is None:
        own_items = perms.items_visible_to(user).filter(opd=own_opd)
        wanted["items"] = own_items.berkala_needing_update(today)
        wanted["items_overdue"] = own_items.berkala_due_by(yesterday)
    now = case_services.now()
    cases = perms.cases_visible_to(user)
    case_counts: dict[str, QuerySet] = {}
    if perms.can_coordinate_aspirations(user):
        unrouted = cases.filter(case_selectors.unrouted_q())
        case_counts["cases"] = unrouted
        case_counts["cases_overdue"] = unrouted.filter(case_selectors.overdue_q(now))
    elif own_opd is not None:
        waiting = cases.filter(opd=own_opd).filter(case_selectors.opd_waiting_q(now))
        case_counts["cases"] = waiting
        case_counts["cases_overdue"] = waiting.filter(case_selectors.overdue_q(now))
    reviewer: dict[str, QuerySet] = {}
    if perms.can_review_evaluations(user):
        # The coordinator's cases ride along too.
        reviewer.update(case_counts)
    else:
        wanted.update(case_counts)
    if perms.can_review_evaluations(user):
        # OPDs, as in the queue, not accounts.
        reviewer["social"] = Opd.objects.filter(
            pk__in=perms.social_accounts_visible_to(user)
            .filter(stale_q(timezone.now()))
            .values("opd_id")
        )
        reviewer["contests"] = Contest.objects.filter(
            status=Contest.Status.PENDING,
            item_score__opd_score__report__status=ReportStatus.REPLY,
            item_score__opd_score__in=perms.evaluation_scores_visible_to(user),
        )
        # Counted beside the months' reports: one query for the team.
        months = months_to_act_on(user, also=reviewer)
        if months.also is None:  # no report yet to count beside
            wanted.update(reviewer)
    found = _counts_query(user, **wanted)
    if own_opd is not None and items is not None:
        found["items"], found["items_overdue"] = items
    get = found.get
    counts.requests = NavCount(get("requests", 0), get("requests_overdue", 0))
    counts.objections = NavCount(
        get("orders", 0) + get("objections", 0),
        get("orders_overdue", 0) + get("objections_overdue", 0),
    )
    counts.items = NavCount(get("review", 0) + get("items", 0), get("items_overdue", 0))
    if reviewer:
        found.update(months.also or {})
    counts.cases = NavCount(found.get("cases", 0), found.get("cases_overdue", 0))
    if reviewer:
        counts.evaluation = NavCount(months.total + get("contests", 0))
        counts.social = NavCount(get("social", 0))
    elif own_opd is not None:
        if accounts is None:
            accounts = list(
                perms.social_accounts_visible_to(user).filter(
                    opd=own_opd, is_active=True
                )
            )
        now = timezone.now()
        broken = [
            a
            for a in accounts
            if a.is_stale(now) or a.token_health(now) != SocialAccount.TokenHealth.OK
        ]
        counts.social = NavCount(
            len(broken),
            sum(
                1
                for a in broken
                if a.token_health(now)
                in (
                    SocialAccount.TokenHealth.EXPIRED,
                    SocialAccount.TokenHealth.REVOKED,
                )
            ),
        )
    return counts


REQUEST_ATTRIBUTE = "portal_nav_counts"


def nav_counts_for(request: HttpRequest, **known: Any) -> NavCounts:
    """``nav_counts`` of the request's user, made once per request; a page
    that has read some of it already passes it on (``known``)."""
    counts = getattr(request, REQUEST_ATTRIBUTE, None)
    if counts is None:
        # Kept per account until a write changes them (config/staff_cache.py).
        counts = staff_cache.get(request, "nav")
        if counts is None:
            counts = nav_counts(request.user, **known)
            staff_cache.store(request, "nav", counts)
        setattr(request, REQUEST_ATTRIBUTE, counts)
    return counts


def due_soon_limit(user: User) -> datetime.date | None:
    """The requests' warning limit as of today for whoever handles requests
    or objections, else None (it reads the calendar: a query spared)."""
    handles = (
        perms.can_route_requests(user)
        or perms.can_decide_objections(user)
        or (
            user.opd_id is not None and perms.is_opd_admin_of(user, Opd(pk=user.opd_id))
        )
    )
    return request_services.due_soon_limit(_today()) if handles else None
