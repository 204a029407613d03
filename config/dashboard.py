"""Reads of an OPD admin's dashboard: its latest evaluation score and the
actions that would raise it, its social-media accounts, its periodic PPID
items due for an update, its requests due for an answer and its aspiration
inbox this month.

The page runs a fixed number of queries, however many accounts, items or
requests the OPD has: each part is one or two queries over the OPD.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery, Window

from aspirations.stats import selectors as aspiration_stats
from evaluations import selectors as evaluation_selectors
from evaluations import services as evaluation_services
from evaluations.models import ItemScore, MonthlyReport, OpdScore
from opds import permissions as perms
from opds.models import Opd, User
from ppid.catalogue.models import InformationItem, berkala_update_due_q
from ppid.requests import services as request_services
from ppid.requests.models import Deadline, InformationRequest
from socialposts import targets
from socialposts.accounts import selectors as social_selectors
from socialposts.accounts.models import SocialAccount

Status = MonthlyReport.Status
# Rows listed per part; the count says how many there are in all.
LISTED = 10


@dataclass
class Evaluation:
    """The OPD's latest score the OPDs have seen (open for reply or final),
    last month's to compare, and what to do about it."""

    opd_score: OpdScore
    previous: Decimal | None
    actions: list[evaluation_selectors.Action]
    # Set while the month is open and its deadline has not passed.
    reply_deadline: datetime.date | None

    @property
    def report(self) -> MonthlyReport:
        return self.opd_score.report

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.opd_score.score - self.previous


@dataclass
class AccountRow:
    """An account with its token health, staleness and house-rule figures."""

    account: SocialAccount
    health: str
    stale: bool
    rules: social_selectors.HouseRules


@dataclass
class DueItem:
    item: InformationItem
    due: datetime.date
    overdue: bool


@dataclass
class DueRequest:
    info_request: InformationRequest
    overdue: bool
    # The earliest deadline still running: the legal one or the Perbup's.
    deadline: Deadline | None = None


@dataclass
class OpdDashboard:
    """Everything the OPD admin's dashboard shows of its own OPD."""

    opd: Opd
    evaluation: Evaluation | None
    accounts: list[AccountRow]
    items_due: list[DueItem]
    items_due_total: int
    # Of items_due_total: the navbar's badge counts them.
    items_overdue_total: int
    requests_due: list[DueRequest]
    requests_due_total: int
    posts_per_week_target: Decimal = field(default=Decimal(0))
    aspirations: aspiration_stats.InboxSummary | None = None


def latest_evaluation(user: User, opd: Opd) -> Evaluation | None:
    """The OPD's latest visible score, never a draft: two queries."""
    seen = perms.evaluation_scores_visible_to(
        user,
        OpdScore.objects.filter(
            opd=opd, report__status__in=[Status.REPLY, Status.FINAL]
        ),
    ).order_by("-report__month", "-report__version")
    # The latest score comes with its items, in one query.
    item_scores = list(
        ItemScore.objects.filter(opd_score_id=Subquery(seen.values("pk")[:1]))
        .select_related("item__indicator", "opd_score__report", "opd_score__opd")
        # The actions weigh fulfilments: the evidence (JSON lists of
        # links, the bulk of a built version's rows) is not shown here.
        .defer("evidence", "detail", "comment")
        .order_by("item__indicator__position", "item__position", "item__code")
    )
    if item_scores:
        latest = item_scores[0].opd_score
    else:
        latest = seen.select_related("report", "opd").first()
    if latest is None:
        return None
    report = latest.report
    previous = (
        seen.filter(report__month=evaluation_services.previous_month(report.month))
        .values_list("score", flat=True)
        .first()
    )
    today = evaluation_services.today()
    replying = (
        report.status == Status.REPLY
        and report.reply_deadline is not None
        and today <= report.reply_deadline
        and perms.can_reply_to_evaluation(user, opd)
    )
    return Evaluation(
        opd_score=latest,
        previous=previous,
        actions=evaluation_selectors.actions(item_scores),
        reply_deadline=report.reply_deadline if replying else None,
    )


def social_accounts(user: User, opd: Opd) -> list[AccountRow]:
    """The OPD's active accounts with their figures: three queries."""
    accounts = (
        perms.social_accounts_visible_to(user)
        .filter(opd=opd, is_active=True)
        .order_by("platform", "handle")
    )
    return [
        AccountRow(
            account=account,
            health=account.token_health(),
            stale=account.is_stale(),
            rules=rules,
        )
        for account, rules in social_selectors.with_house_rules(accounts)
    ]


def _items_due(user: User, opd: Opd, today: datetime.date) -> QuerySet:
    return (
        perms.items_visible_to(user)
        .filter(opd=opd)
        .berkala_needing_update(today)
        .order_by("last_updated_at", "pk")
    )


def _overdue_q(today: datetime.date) -> Q:
    """Among the periodic items needing an update, those due by yesterday:
    ``berkala_due_by(yesterday)``'s date condition, to count them on the
    same rows."""
    return berkala_update_due_q(today - datetime.timedelta(days=1))


def items_due_counted(user: User, opd: Opd) -> tuple[list[DueItem], int, int]:
    """Periodic items overdue or falling due soon, the oldest first, how
    many there are and how many of them are overdue (the navbar's badge):
    one query, one pass over the OPD's items (the counts are window
    aggregates over every row before the limit)."""
    today = request_services.today()
    found = list(
        _items_due(user, opd, today)
        # What the queue shows (title, due date): every due row passes the
        # window aggregates, the long texts would go with it.
        .only("opd_id", "title", "category", "last_updated_at")
        .annotate(
            due_total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=_overdue_q(today))),
        )[:LISTED]
    )
    total = found[0].due_total if found else 0
    overdue = found[0].overdue_total if found else 0
    rows = []
    for item in found:
        due = item.next_update_due
        rows.append(DueItem(item=item, due=due, overdue=due < today))
    return rows, total, overdue


def items_due(user: User, opd: Opd) -> tuple[list[DueItem], int]:
    """Periodic items overdue or falling due soon, the oldest first, and
    how many there are: one query."""
    rows, total, _overdue = items_due_counted(user, opd)
    return rows, total


def _requests_due(user: User, opd: Opd, soon: datetime.date) -> QuerySet:
    return (
        perms.requests_visible_to(user)
        .filter(opd=opd)
        .needing_attention(soon)
        .order_by("answer_due_on", "pk")
    )


def requests_due(
    user: User, opd: Opd, soon: datetime.date | None = None
) -> tuple[list[DueRequest], int]:
    """Open requests due within the warning window (by ``soon``, the
    register's limit unless given) or overdue, the most urgent first, and
    how many there are: one query."""
    today = request_services.today()
    soon = soon or request_services.due_soon_limit(today)
    found = list(_requests_due(user, opd, soon)[: LISTED + 1])
    total = len(found)
    if total > LISTED:
        total = _requests_due(user, opd, soon).count()
    rows = []
    for due in found[:LISTED]:
        pending = due.pending_deadlines
        rows.append(
            DueRequest(
                info_request=due,
                overdue=any(d.due < today for d in pending),
                deadline=pending[0] if pending else None,
            )
        )
    return rows, total


def opd_table(user: User) -> QuerySet[Opd]:
    """The OPDs ``user`` works on, in registry order, each with its active
    admin accounts (its PPID Pelaksana on the portal): two queries."""
    admins = User.objects.filter(role=User.Role.OPD_ADMIN, is_active=True).order_by(
        "first_name", "last_name", "username"
    )
    return (
        perms.opds_visible_to(user, Opd.objects.current().select_related("parent"))
        .in_registry_order()
        .prefetch_related(Prefetch("admins", queryset=admins, to_attr="ppid_admins"))
    )


def opd_dashboard(
    user: User, opd: Opd, soon: datetime.date | None = None
) -> OpdDashboard:
    """The OPD admin's dashboard of ``opd``; ``soon`` is the requests'
    warning limit when the caller has it already."""
    items, items_total, items_overdue = items_due_counted(user, opd)
    requests, requests_total = requests_due(user, opd, soon)
    return OpdDashboard(
        opd=opd,
        items_overdue_total=items_overdue,
        evaluation=latest_evaluation(user, opd),
        accounts=social_accounts(user, opd),
        items_due=items,
        items_due_total=items_total,
        requests_due=requests,
        requests_due_total=requests_total,
        posts_per_week_target=targets.POSTS_PER_WEEK,
        aspirations=aspiration_stats.inbox_summary(opd=opd),
    )


def regency_inbox(user: User) -> aspiration_stats.InboxSummary | None:
    """The whole regency's inbox this month, for the coordinator (Dinkominfo);
    None for anyone else."""
    if not perms.can_coordinate_aspirations(user):
        return None
    return aspiration_stats.inbox_summary()
