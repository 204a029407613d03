"""Reads of the monthly evaluation for its pages and report files: the
ranking, the band distribution, the OPD × indicator heatmap, the trend,
the biggest movers, what is stale or overdue, and the actions that would
raise an OPD's score most.

Every read takes a fixed number of queries, however many OPDs the month
has: rows are read once per report and grouped in Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.months import previous_month
from evaluations.models import (
    Band,
    Contest,
    Indicator,
    Item,
    ItemScore,
    MonthlyReport,
    OpdScore,
)
from opds import permissions as perms

Status = MonthlyReport.Status
# Months before the one shown on an OPD's trend.
TREND_MONTHS = 6
MOVERS = 5
ACTIONS = 5
# The automatic items that say an OPD's data is stale or overdue.
CHANNEL_RULE = "social_channel_health"
BERKALA_RULE = "berkala_freshness"
# rules.social_accounts counts an account's data as fresh for 7 days.
FRESH_DAYS = 6
HUNDRED = Decimal(100)


# --- Months and reports --------------------------------------------------------


@dataclass
class MonthRow:
    """A month of the index: its latest version the user may see."""

    month: datetime.date
    report: MonthlyReport
    versions: int
    own_score: OpdScore | None = None


def months(user) -> list[MonthRow]:
    """Every month with a report visible to ``user``, newest first; an OPD
    admin also gets its own OPD's score of each month."""
    reports = perms.evaluation_reports_visible_to(user).order_by("-month", "-version")
    rows: dict[datetime.date, MonthRow] = {}
    for report in reports:
        if report.month in rows:
            rows[report.month].versions += 1
        else:
            rows[report.month] = MonthRow(report.month, report, 1)
    if rows and getattr(user, "opd_id", None):
        shown = [row.report.pk for row in rows.values()]
        own = perms.evaluation_scores_visible_to(
            user, OpdScore.objects.filter(report_id__in=shown, opd_id=user.opd_id)
        )
        by_report = {score.report_id: score for score in own}
        for row in rows.values():
            row.own_score = by_report.get(row.report.pk)
    return list(rows.values())


def report_for(
    user, month: datetime.date, version: int | None = None
) -> MonthlyReport | None:
    """The month's report ``user`` may see: the latest version unless one
    is asked for."""
    reports = perms.evaluation_reports_visible_to(
        user, MonthlyReport.objects.select_related("framework")
    ).filter(month=month)
    if version is not None:
        reports = reports.filter(version=version)
    return reports.order_by("-version").first()


def month_versions(user, month: datetime.date) -> list[MonthlyReport]:
    """The month's versions ``user`` may see, oldest first: one query
    gives the page both the version shown and the others to pick."""
    return list(
        perms.evaluation_reports_visible_to(
            user, MonthlyReport.objects.select_related("framework")
        )
        .filter(month=month)
        .order_by("version")
    )


def comparison_report(month: datetime.date) -> MonthlyReport | None:
    """What a month is compared with: the previous month's latest version
    the OPDs have seen (open for reply or final), never a draft."""
    return (
        MonthlyReport.objects.filter(
            month=previous_month(month), status__in=[Status.REPLY, Status.FINAL]
        )
        .order_by("-version")
        .first()
    )


def comparison_among(
    report: MonthlyReport, reports: Iterable[MonthlyReport]
) -> MonthlyReport | None:
    """``comparison_report`` picked from ``reports`` already read (every
    staff user sees every report open for reply or final): no query."""
    before = previous_month(report.month)
    seen = [
        r
        for r in reports
        if r.month == before and r.status in (Status.REPLY, Status.FINAL)
    ]
    return max(seen, key=lambda r: r.version, default=None)


def scores_in_scope(user, report: MonthlyReport) -> QuerySet[OpdScore]:
    """The report's OPD scores ``user`` may see."""
    return perms.evaluation_scores_visible_to(
        user, OpdScore.objects.filter(report=report)
    )


@dataclass(frozen=True)
class Replies:
    """What finalising a month waits for: the OPDs that replied (agreed
    or contested) of the report's OPDs, and the contests not decided."""

    replied: int
    total: int
    pending_contests: int


def replies(report: MonthlyReport) -> Replies:
    """The report's replies and undecided contests, in one query."""
    counts = OpdScore.objects.filter(report=report).aggregate(
        replied=Count("pk", filter=~Q(reply=""), distinct=True),
        total=Count("pk", distinct=True),
        pending=Count(
            "items__contest",
            filter=Q(items__contest__status=Contest.Status.PENDING),
            distinct=True,
        ),
    )
    return Replies(counts["replied"], counts["total"], counts["pending"])


def opd_score_for(user, report: MonthlyReport, slug: str) -> OpdScore | None:
    """One OPD's score in the report, if ``user`` may see it."""
    return (
        scores_in_scope(user, report)
        .select_related("opd", "report__framework", "replied_by")
        .filter(opd__slug=slug)
        .first()
    )


# --- Shares per indicator, as services.total computes them -----------------------


@dataclass
class _Weighed:
    """The applying items of one indicator of one OPD."""

    weight_sum: Decimal = Decimal(0)
    earned: Decimal = Decimal(0)

    @property
    def share(self) -> Decimal | None:
        return self.earned / self.weight_sum if self.weight_sum else None


def _possible(weights: dict[int, Decimal], shares: dict[int, _Weighed]) -> Decimal:
    """The indicator weights that count: those with an applying item."""
    return sum((weights[pk] for pk, w in shares.items() if w.weight_sum), Decimal(0))


def indicator_shares(
    rows: Iterable[tuple[int, int, Decimal, Decimal | None, bool]],
) -> dict[int, dict[int, _Weighed]]:
    """(OPD score, indicator, item weight, ratio, applies) rows grouped into
    each indicator's weighted fulfilment; an unscored manual item is 0."""
    shares: dict[int, dict[int, _Weighed]] = defaultdict(lambda: defaultdict(_Weighed))
    for opd_score_id, indicator_id, weight, ratio, applies in rows:
        if not applies:
            continue
        entry = shares[opd_score_id][indicator_id]
        entry.weight_sum += weight
        entry.earned += weight * (ratio or 0)
    return shares


@dataclass
class HeatCell:
    indicator: Indicator
    share: Decimal | None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else int(round(self.share * 100))

    @property
    def level(self) -> str:
        """A colour step for the page's CSS: 0 (none) to 4 (full), or na."""
        if self.share is None:
            return "na"
        return str(min(4, int(self.share * 5)))


@dataclass
class HeatRow:
    opd_score: OpdScore
    cells: list[HeatCell]


def indicators_of(report: MonthlyReport) -> list[Indicator]:
    """The report's indicators, in the heatmap's order. One query."""
    return list(
        Indicator.objects.filter(framework_id=report.framework_id).order_by(
            "position", "code"
        )
    )


def heatmap(
    report: MonthlyReport,
    scores: list[OpdScore],
    indicators: list[Indicator] | None = None,
) -> tuple[list[Indicator], list[HeatRow]]:
    """Each OPD's share fulfilled per indicator, in the ranking's order;
    ``indicators`` (``indicators_of``) when the caller has read them."""
    if indicators is None:
        indicators = indicators_of(report)
    rows = ItemScore.objects.filter(
        opd_score_id__in=[s.pk for s in scores]
    ).values_list(
        "opd_score_id", "item__indicator_id", "item__weight", "ratio", "applies"
    )
    shares = indicator_shares(rows)
    return indicators, [
        HeatRow(
            score,
            [
                HeatCell(
                    indicator,
                    shares.get(score.pk, {}).get(indicator.pk, _Weighed()).share,
                )
                for indicator in indicators
            ],
        )
        for score in scores
    ]


# --- The kabupaten report --------------------------------------------------------


@dataclass
class RankRow:
    """An OPD in the ranking, with last month's score to compare."""

    opd_score: OpdScore
    previous: Decimal | None = None
    pending_contests: int = 0

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.opd_score.score - self.previous


@dataclass
class BandCount:
    band: str
    label: str
    count: int
    percent: int


def band_distribution(scores: Iterable[OpdScore]) -> list[BandCount]:
    """How many OPDs are in each band, every band listed, best first."""
    scores = list(scores)
    counts = defaultdict(int)
    for score in scores:
        counts[score.band] += 1
    total = len(scores) or 1
    return [
        BandCount(
            band,
            str(label),
            counts[band],
            int(round(Decimal(counts[band]) * 100 / total)),
        )
        for band, label in Band.choices
    ]


def movers(rows: list[RankRow], limit: int = MOVERS) -> list[RankRow]:
    """The largest changes from last month, up or down."""
    moved = [row for row in rows if row.change]
    moved.sort(key=lambda r: (-abs(r.change), r.opd_score.opd.name, r.opd_score.pk))
    return moved[:limit]


@dataclass
class Attention:
    """An OPD whose social-media data is stale or whose periodic
    information is overdue, with the accounts and items concerned."""

    opd_score: OpdScore
    channel: ItemScore | None = None
    berkala: ItemScore | None = None
    stale_accounts: list[dict] = field(default_factory=list)
    overdue_items: list[dict] = field(default_factory=list)


def attention(report: MonthlyReport, scores: list[OpdScore]) -> list[Attention]:
    """OPDs with channel health or berkala freshness below 1, in the
    ranking's order."""
    found: dict[int, Attention] = {}
    by_pk = {s.pk: s for s in scores}
    fresh_since = str(report.judged_on - datetime.timedelta(days=FRESH_DAYS))
    weak = (
        ItemScore.objects.filter(
            opd_score_id__in=list(by_pk),
            item__rule__in=[CHANNEL_RULE, BERKALA_RULE],
            applies=True,
            ratio__lt=1,
        )
        .select_related("item")
        .order_by("pk")
    )
    for item_score in weak:
        entry = found.setdefault(
            item_score.opd_score_id, Attention(by_pk[item_score.opd_score_id])
        )
        evidence = item_score.evidence or []
        if item_score.item.rule == CHANNEL_RULE:
            entry.channel = item_score
            # ISO dates compare as text; no date means no data at all.
            entry.stale_accounts = [
                e
                for e in evidence
                if e.get("kind") == "account"
                and (not e.get("last_data") or e["last_data"] < fresh_since)
            ]
        else:
            entry.berkala = item_score
            entry.overdue_items = [e for e in evidence if e.get("state") == "overdue"]
    return [found[s.pk] for s in scores if s.pk in found]


@dataclass
class KabupatenView:
    """Everything the kabupaten page and files show of one report."""

    report: MonthlyReport
    compared_with: MonthlyReport | None
    rows: list[RankRow]
    distribution: list[BandCount]
    indicators: list[Indicator]
    heat: list[HeatRow]
    movers: list[RankRow]
    attention: list[Attention]

    @property
    def average(self) -> Decimal | None:
        if not self.rows:
            return None
        total = sum((r.opd_score.score for r in self.rows), Decimal(0))
        return (total / len(self.rows)).quantize(Decimal("0.01"))


@dataclass
class Known:
    """What a page has read of a report already, so that ``kabupaten``
    does not read it again."""

    compared_with: MonthlyReport | None
    indicators: list[Indicator]
    # Contests awaiting a decision per OPD score (``ranking_state``).
    pending: dict[int, int]


@dataclass
class Ranking:
    """The kabupaten report's ranked rows and the month they are compared
    with."""

    compared_with: MonthlyReport | None
    rows: list[RankRow]


def ranking(
    report: MonthlyReport, scores: QuerySet[OpdScore], known: Known | None = None
) -> Ranking:
    """The ranked OPD scores among ``scores``, each with last month's score
    and its contests awaiting a decision. Four queries, two with
    ``known``."""
    ranked = list(
        scores.filter(report=report)
        .select_related("opd")
        .order_by("rank", "opd__name", "opd_id")
    )
    compared_with = known.compared_with if known else comparison_report(report.month)
    previous: dict[int, Decimal] = {}
    if compared_with is not None:
        previous = dict(
            OpdScore.objects.filter(
                report=compared_with, opd_id__in=[s.opd_id for s in ranked]
            ).values_list("opd_id", "score")
        )
    pending: dict[int, int] = defaultdict(int)
    if known is not None:
        pending.update(known.pending)
    else:
        for opd_score_id in Contest.objects.filter(
            item_score__opd_score__report=report, status=Contest.Status.PENDING
        ).values_list("item_score__opd_score_id", flat=True):
            pending[opd_score_id] += 1
    rows = [RankRow(s, previous.get(s.opd_id), pending[s.pk]) for s in ranked]
    return Ranking(compared_with, rows)


def ranking_state(report: MonthlyReport, scores: QuerySet[OpdScore]) -> list[tuple]:
    """What the ranking shows of each OPD among ``scores``, as plain rows
    in its order: score id, OPD id, slug, name, short name, score, band,
    rank, reply and contests awaiting a decision. One query, for the
    pages that render the rest from the cache (evaluations.pages)."""
    pending = (
        Contest.objects.filter(
            item_score__opd_score=OuterRef("pk"), status=Contest.Status.PENDING
        )
        .order_by()
        .values("item_score__opd_score")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        scores.filter(report=report)
        .annotate(pending=Coalesce(Subquery(pending), 0))
        .order_by("rank", "opd__name", "opd_id")
        .values_list(
            "pk",
            "opd_id",
            "opd__slug",
            "opd__name",
            "opd__short_name",
            "score",
            "band",
            "rank",
            "reply",
            "pending",
        )
    )


def kabupaten(
    report: MonthlyReport, scores: QuerySet[OpdScore], known: Known | None = None
) -> KabupatenView:
    """The kabupaten report over ``scores`` (the report's scores a user
    may see, or all of them for the files); what the caller has read of
    it already comes as ``known``."""
    ranked_view = ranking(report, scores, known)
    rows = ranked_view.rows
    ranked = [row.opd_score for row in rows]
    indicators, heat = heatmap(report, ranked, known.indicators if known else None)
    return KabupatenView(
        report=report,
        compared_with=ranked_view.compared_with,
        rows=rows,
        distribution=band_distribution(ranked),
        indicators=indicators,
        heat=heat,
        movers=movers(rows),
        attention=attention(report, ranked),
    )


def contests_of(report: MonthlyReport, scores: QuerySet[OpdScore]) -> list[Contest]:
    """The report's contests within ``scores``, those awaiting a decision
    first."""
    found = Contest.objects.filter(
        item_score__opd_score__report=report, item_score__opd_score__in=scores
    ).select_related("item_score__item", "item_score__opd_score__opd", "filed_by")
    return sorted(
        found,
        key=lambda c: (c.status != Contest.Status.PENDING, c.filed_at, c.pk),
    )


# --- One OPD -------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """An indicator of one OPD: its share fulfilled, the points it brings
    to the score out of the points it can bring, and its items."""

    indicator: Indicator
    share: Decimal | None
    points: Decimal
    possible: Decimal
    items: list[ItemScore]

    @property
    def percent(self) -> int | None:
        return None if self.share is None else int(round(self.share * 100))


@dataclass
class Action:
    """An item that would raise the score by ``gain`` points at ratio 1."""

    item_score: ItemScore
    gain: Decimal

    @property
    def item(self) -> Item:
        return self.item_score.item


@dataclass
class TrendPoint:
    month: datetime.date
    score: Decimal
    band: str
    version: int
    status: str


@dataclass
class OpdView:
    """Everything an OPD's page and files show of one OPD score."""

    opd_score: OpdScore
    indicators: list[IndicatorRow]
    actions: list[Action]
    trend: list[TrendPoint]

    @property
    def items(self) -> list[ItemScore]:
        return [i for row in self.indicators for i in row.items]


def _item_scores(opd_score: OpdScore) -> list[ItemScore]:
    return list(
        ItemScore.objects.filter(opd_score=opd_score)
        .select_related("item__indicator", "contest", "scored_by")
        .order_by("item__indicator__position", "item__position", "item__code")
    )


def manual_item_scores(opd_score: OpdScore) -> list[ItemScore]:
    """The OPD's manual items, in the page's order, for the scoring form."""
    return list(
        ItemScore.objects.filter(opd_score=opd_score, item__method=Item.Method.MANUAL)
        .select_related("item__indicator")
        .defer("evidence")
        .order_by("item__indicator__position", "item__position", "item__code")
    )


def breakdown(item_scores: list[ItemScore]) -> list[IndicatorRow]:
    """Per indicator: the share fulfilled and its points of the score,
    renormalised over the indicators that apply, as services.total does."""
    indicators: dict[int, Indicator] = {}
    grouped: dict[int, list[ItemScore]] = defaultdict(list)
    for item_score in item_scores:
        indicator = item_score.item.indicator
        indicators[indicator.pk] = indicator
        grouped[indicator.pk].append(item_score)
    shares = indicator_shares(
        (0, s.item.indicator_id, s.item.weight, s.ratio, s.applies) for s in item_scores
    ).get(0, {})
    weights = {pk: i.weight for pk, i in indicators.items()}
    possible = _possible(weights, shares)
    rows = []
    for pk, indicator in indicators.items():
        share = shares[pk].share if pk in shares else None
        scale = HUNDRED / possible if possible else Decimal(0)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                share=share,
                points=(indicator.weight * (share or 0) * scale).quantize(
                    Decimal("0.01")
                ),
                possible=(
                    (indicator.weight * scale).quantize(Decimal("0.01"))
                    if share is not None
                    else Decimal(0)
                ),
                items=grouped[pk],
            )
        )
    return rows


def actions(item_scores: list[ItemScore], limit: int = ACTIONS) -> list[Action]:
    """The items that would raise the score most if fulfilled: indicator
    weight × item weight ÷ the indicator's applying item weights ×
    (1 − ratio), renormalised like services.total; largest gain first."""
    weights: dict[int, Decimal] = {}
    for s in item_scores:
        weights[s.item.indicator_id] = s.item.indicator.weight
    shares = indicator_shares(
        (0, s.item.indicator_id, s.item.weight, s.ratio, s.applies) for s in item_scores
    ).get(0, {})
    possible = _possible(weights, shares)
    if not possible:
        return []
    found = []
    for s in item_scores:
        entry = shares.get(s.item.indicator_id)
        if not s.applies or entry is None or not entry.weight_sum:
            continue
        missing = Decimal(1) - (s.ratio or Decimal(0))
        gain = (
            (s.item.indicator.weight * s.item.weight / entry.weight_sum * missing)
            * HUNDRED
            / possible
        )
        if gain > 0:
            found.append(Action(s, gain.quantize(Decimal("0.01"))))
    found.sort(
        key=lambda a: (
            -a.gain,
            a.item.indicator.position,
            a.item.position,
            a.item.code,
        )
    )
    return found[:limit]


def trend(opd_score: OpdScore, months: int = TREND_MONTHS) -> list[TrendPoint]:
    """The OPD's score over the previous months (each month's latest
    version the OPDs have seen), then the score shown."""
    report = opd_score.report
    start = report.month
    for _ in range(months):
        start = previous_month(start)
    rows = (
        OpdScore.objects.filter(
            opd_id=opd_score.opd_id,
            report__month__gte=start,
            report__month__lt=report.month,
            report__status__in=[Status.REPLY, Status.FINAL],
        )
        .order_by("report__month", "-report__version")
        .values_list(
            "report__month", "score", "band", "report__version", "report__status"
        )
    )
    points: dict[datetime.date, TrendPoint] = {}
    for month, score, band, version, status in rows:
        points.setdefault(month, TrendPoint(month, score, band, version, status))
    return [
        *points.values(),
        TrendPoint(
            report.month,
            opd_score.score,
            opd_score.band,
            report.version,
            report.status,
        ),
    ]


def trend_points(points: list[TrendPoint], width: int = 300, height: int = 80) -> str:
    """SVG polyline points of a trend on a fixed 0–100 scale."""
    if len(points) < 2:
        return ""
    step = width / (len(points) - 1)
    return " ".join(
        "{:.1f},{:.1f}".format(
            i * step, height - float(p.score) / 100 * (height - 4) - 2
        )
        for i, p in enumerate(points)
    )


def opd_view(opd_score: OpdScore) -> OpdView:
    """The OPD's report: breakdown, the five best actions and the trend."""
    item_scores = _item_scores(opd_score)
    return OpdView(
        opd_score=opd_score,
        indicators=breakdown(item_scores),
        actions=actions(item_scores),
        trend=trend(opd_score),
    )


# --- The kabupaten's average over the months -------------------------------------


@dataclass
class AveragePoint:
    """The average score of the OPDs shown in one month's report."""

    month: datetime.date
    average: Decimal
    opds: int
    version: int
    status: str

    @property
    def score(self) -> Decimal:
        """The average, under the name trend_points() reads."""
        return self.average


def visible_reports(user) -> list[MonthlyReport]:
    """Every report ``user`` may see, every version, oldest first: one
    query gives the kabupaten page its versions, its month picker and the
    months of its trend."""
    return list(
        perms.evaluation_reports_visible_to(
            user, MonthlyReport.objects.select_related("framework")
        ).order_by("month", "version")
    )


def average_trend(
    report: MonthlyReport,
    reports: Iterable[MonthlyReport],
    scores: QuerySet[OpdScore],
    months: int = TREND_MONTHS,
) -> list[AveragePoint]:
    """The average of ``scores`` (the OPD scores a user may see, filtered
    as the page is) in each of the previous months, on each month's latest
    version among ``reports`` (those the user may see); then ``report``'s
    own. One query."""
    start = report.month
    for _ in range(months):
        start = previous_month(start)
    latest: dict[datetime.date, int] = {}
    for candidate in sorted(reports, key=lambda r: (r.month, r.version)):
        if start <= candidate.month < report.month:
            latest[candidate.month] = candidate.pk
    rows = (
        scores.filter(report_id__in=[*latest.values(), report.pk])
        .values("report__month", "report__version", "report__status")
        .annotate(total=Sum("score"), opds=Count("pk"))
        .order_by("report__month")
    )
    return [
        AveragePoint(
            month=row["report__month"],
            average=(Decimal(row["total"]) / row["opds"]).quantize(Decimal("0.01")),
            opds=row["opds"],
            version=row["report__version"],
            status=row["report__status"],
        )
        for row in rows
    ]


# --- The public transparency page -------------------------------------------------


def public_months() -> list[MonthlyReport]:
    """Each final month's latest final version, newest first. One query."""
    latest: dict[datetime.date, MonthlyReport] = {}
    for report in perms.public_evaluation_reports().order_by("-month", "-version"):
        latest.setdefault(report.month, report)
    return list(latest.values())


@dataclass
class PublicRow:
    """An OPD in the public table: its published figures and nothing of
    the review (no reply, contest, evidence or comment)."""

    opd_name: str
    opd_slug: str
    score: Decimal
    band: str
    rank: int
    previous: Decimal | None = None

    @property
    def band_label(self) -> str:
        return str(Band(self.band).label)

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class PublicTable:
    report: MonthlyReport
    compared_with: MonthlyReport | None
    rows: list[PublicRow]


def public_table(report: MonthlyReport, finals: list[MonthlyReport]) -> PublicTable:
    """A final month's ranking, compared with the previous final month
    among ``finals`` (``public_months()``). One query."""
    compared_with = max(
        (r for r in finals if r.month < report.month),
        key=lambda r: r.month,
        default=None,
    )
    shown = [report.pk] + ([compared_with.pk] if compared_with else [])
    found = list(
        OpdScore.objects.filter(report_id__in=shown)
        .order_by("rank", "opd__name", "opd_id")
        .values_list(
            "report_id", "opd_id", "opd__name", "opd__slug", "score", "band", "rank"
        )
    )
    previous = {row[1]: row[4] for row in found if row[0] != report.pk}
    rows = [
        PublicRow(name, slug, score, band, rank, previous.get(opd_id))
        for report_id, opd_id, name, slug, score, band, rank in found
        if report_id == report.pk
    ]
    return PublicTable(report, compared_with, rows)
