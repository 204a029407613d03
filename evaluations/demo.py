"""Demo evaluations: the six full months before the current one, computed
from the demo's catalogue, requests and social media through the real
services and taken through the whole workflow (manual scores, replies, a
contest decided, final), and a preview of the current month so far, which
is never opened for reply nor finalised (a month is final only after it
ends)."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from evaluations import services
from evaluations.models import Item, ItemScore, MonthlyReport
from opds.models import User

MONTHS = 6
LEVELS = [Decimal("0.5"), Decimal("0.75"), Decimal("1"), Decimal("1")]


def _level(*parts: object) -> Decimal:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return LEVELS[digest[0] % len(LEVELS)]


def seed_evaluations() -> int:
    """Create the demo months unless some exist; return reports created."""
    if MonthlyReport.objects.exists():
        return 0
    team = User.objects.filter(role=User.Role.DINKOMINFO, is_active=True).first()
    if team is None:
        return 0
    today = services.today()
    month = services.first_of(today)
    months = []
    for _ in range(MONTHS):
        month = services.previous_month(month)
        months.append(month)
    created = 0
    for month in reversed(months):
        # Every one of them has ended: each is built as a draft, not a preview.
        report = services.build_report(month, by=team)
        created += 1
        _score_manual(report, team)
        services.open_for_reply(
            report, by=team, deadline=today + datetime.timedelta(days=5)
        )
        _reply(report)
        _decide_contests(report, team)
        # Past months: nobody is e-mailed about them again.
        services.finalise(report, by=team, announce=False)
    # The current month so far, a preview: its manual scores carried over
    # from the last; it waits for the month's end to be computed again.
    services.build_report(services.first_of(today), by=team)
    return created + 1


def _score_manual(report: MonthlyReport, team: User) -> None:
    scores = {}
    for opd_id, code in ItemScore.objects.filter(
        opd_score__report=report, item__method=Item.Method.MANUAL
    ).values_list("opd_score__opd_id", "item__code"):
        # A little better each month, as training pays off.
        level = _level(opd_id, code, report.month.month // 3)
        scores[opd_id, code] = (level, "Diperiksa saat kunjungan tim.")
    services.score_manual_items(report, by=team, scores=scores)


def _reply(report: MonthlyReport) -> None:
    """Most OPDs agree; the first one contests its DIP completeness."""
    admins = {
        u.opd_id: u
        for u in User.objects.filter(role=User.Role.OPD_ADMIN, is_active=True)
        .exclude(opd=None)
        .order_by("pk")
    }
    scores = list(report.scores.select_related("opd").order_by("opd__slug"))
    for position, score in enumerate(scores):
        admin = admins.get(score.opd_id)
        if admin is None:
            continue
        if position == 0:
            contested = score.items.get(item__code="dip_lengkap")
            services.contest(
                contested,
                by=admin,
                argument="Profil dan laporan keuangan sudah terbit di situs OPD.",
                evidence_url="https://{}.purbalinggakab.go.id/ppid".format(
                    score.opd.slug
                ),
            )
        else:
            services.agree(score, by=admin)


def _decide_contests(report: MonthlyReport, team: User) -> None:
    for score in report.scores.all():
        for item_score in score.items.filter(contest__isnull=False):
            services.decide_contest(
                item_score.contest,
                by=team,
                accept=False,
                response="Informasi belum terbit di portal PPID.",
            )
