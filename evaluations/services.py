"""Writes of the monthly evaluation: build a month's draft from the
portal's data, score manual items, the OPDs' right of reply, finalise, and
reopen a final month as a new version. A month that has not ended is built
as a preview, which is never opened for reply, finalised or published.

Every write locks the report row, checks its state, and changes scores,
ranks and the report file's hash in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import runs, work
from core.months import first_of, previous_month
from evaluations import rules, selectors
from evaluations.models import (
    Contest,
    Framework,
    Item,
    ItemScore,
    MonthlyReport,
    OpdScore,
    ReportRun,
    band_for,
    last_day,
    rounded,
)
from evaluations.tasks import send_final_report_task
from opds import audit
from opds import permissions as perms
from opds.models import AuditEvent, Opd, User

Status = MonthlyReport.Status
CARRIED = "Dibawa dari penilaian bulan sebelumnya."


def today() -> datetime.date:
    """The day the services see as today (Asia/Jakarta); tests move it."""
    return timezone.localdate()


def precheck(month: datetime.date, *, reason: str = "") -> None:
    """The refusals a page can give before queueing: a month not begun, a
    final month without a reason. The run checks again (and more)."""
    if first_of(month) > first_of(today()):
        raise ValidationError(
            {"month": _("A month that has not begun cannot be scored.")}
        )
    latest = (
        MonthlyReport.objects.filter(month=first_of(month))
        .order_by("-version")
        .values_list("status", flat=True)
        .first()
    )
    if latest == MonthlyReport.Status.FINAL and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "This month's report is final: give the reason for a new version."
                )
            }
        )


def preview_day(month: datetime.date) -> datetime.date | None:
    """Today while ``month`` has not ended, else None: a month-to-date build
    is a preview, judged as of today (the Monev judges a period once it has
    ended, domain.md §4.3)."""
    day = today()
    return day if day <= last_day(month) else None


def _preview_refusal(report: MonthlyReport, message: str) -> str:
    """A month is final only after it ends: a preview (or a month that has
    not ended) is never opened for reply nor finalised, so never public.
    ``message`` filled in for such a report; empty for any other."""
    if not report.is_preview and today() > report.month_end:
        return ""
    return message % {
        "month": date_format(report.month, "F Y"),
        "day": date_format(report.as_of or today(), "j F Y"),
        "end": date_format(report.month_end, "j F Y"),
    }


def _refuse_preview(report: MonthlyReport, message: str) -> None:
    refusal = _preview_refusal(report, message)
    if refusal:
        raise ValidationError({"status": refusal})


def framework_for(month: datetime.date) -> Framework:
    """The year's framework, or the latest before it until a new one is
    entered."""
    framework = Framework.objects.filter(year__lte=month.year).order_by("-year").first()
    if framework is None:
        raise ValidationError(
            {
                "month": _("There is no evaluation framework for %(year)s.")
                % {"year": month.year}
            }
        )
    return framework


def build_report(
    month: datetime.date, *, by: User | None = None, reason: str = ""
) -> MonthlyReport:
    """Compute the month's draft from the portal's data, or compute it
    again; a final month gets a new version, which needs a reason. A month
    that has not ended is computed as a preview as of today."""
    month = first_of(month)
    if month > first_of(today()):
        raise ValidationError(
            {"month": _("A month that has not begun cannot be scored.")}
        )
    if by is not None and not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    framework = framework_for(month)
    as_of = preview_day(month)
    with transaction.atomic():
        latest = (
            MonthlyReport.objects.select_for_update()
            .filter(month=month)
            .order_by("-version")
            .first()
        )
        previous_hash = ""
        if latest is not None and latest.status == Status.REPLY:
            raise ValidationError(
                {
                    "month": _(
                        "The OPDs are replying to this month's report; it cannot be computed again now."
                    )
                }
            )
        if latest is not None and latest.status == Status.FINAL:
            if not reason.strip():
                raise ValidationError(
                    {
                        "reason": _(
                            "This month's report is final: give the reason for a new version."
                        )
                    }
                )
            manual = _manual_scores(latest)
            report = MonthlyReport.objects.create(
                month=month,
                version=latest.version + 1,
                framework=framework,
                reason=reason.strip(),
                as_of=as_of,
            )
        elif latest is not None:
            manual = _manual_scores(latest)
            previous_hash = latest.sha256
            latest.scores.all().delete()
            # Computed again after the month ended, a preview becomes the
            # month's draft; computed again within it, a newer preview.
            MonthlyReport.objects.filter(pk=latest.pk).update(
                computed_at=timezone.now(), framework=framework, as_of=as_of
            )
            report = MonthlyReport.objects.get(pk=latest.pk)
        else:
            manual = _carried_over(month)
            report = MonthlyReport.objects.create(
                month=month, framework=framework, as_of=as_of
            )
        opd_count, item_count = _compute(report, manual)
        # The scores are bulk written: no signal tells the staff's work.
        work.changed(regency=True)
        # Bulk writes send no signals: one event for the whole computation.
        audit.record(
            AuditEvent.Action.REPORT_BUILT,
            obj=report,
            actor=by,
            changes={"sha256": [previous_hash, report.sha256]},
            detail={
                "month": report.month.isoformat(),
                "version": report.version,
                "opd_scores": opd_count,
                "item_scores": item_count,
                "reason": reason.strip(),
                "preview_as_of": as_of.isoformat() if as_of else "",
            },
        )
    return report


def _manual_scores(
    report: MonthlyReport | Subquery,
) -> dict[tuple[int, str], ItemScore]:
    """A report's manual scores by (OPD, item code); ``report`` may be a
    subquery that picks it."""
    return {
        (s.opd_score.opd_id, s.item.code): s
        for s in ItemScore.objects.filter(
            opd_score__report=report,
            item__method=Item.Method.MANUAL,
            ratio__isnull=False,
        ).select_related("opd_score", "item")
    }


def _carried_over(month: datetime.date) -> dict[tuple[int, str], ItemScore]:
    """Manual items keep last month's final score until the team changes
    it: what a desk, an SK or a budget is rarely changes in a month."""
    last = (
        MonthlyReport.objects.filter(month=previous_month(month), status=Status.FINAL)
        .order_by("-version")
        .values("pk")[:1]
    )
    scores = _manual_scores(Subquery(last))
    for score in scores.values():
        score.comment = CARRIED
    return scores


def _compute(
    report: MonthlyReport, manual: dict[tuple[int, str], ItemScore]
) -> tuple[int, int]:
    """Score every OPD of the report; return how many OPD and item scores."""
    month = rules.Month(report.month, report.month_end, [], as_of=report.as_of)
    # The OPDs as the registry stood at the end of the month: a later
    # merger does not rewrite a past month.
    registry = list(
        Opd.objects.valid_on(report.month_end)
        .filter(is_active=True)
        .order_by("name", "pk")
        .only("pk", "name", "slug", *rules.PROFILE_FIELDS)
    )
    opds = [opd.pk for opd in registry]
    month.opd_ids = opds
    items = list(
        Item.objects.filter(indicator__framework=report.framework).select_related(
            "indicator"
        )
    )
    wanted = {i.rule for i in items if i.method == Item.Method.AUTOMATIC and i.rule}
    profiles = [
        {"pk": opd.pk, **{name: getattr(opd, name) for name in rules.PROFILE_FIELDS}}
        for opd in registry
    ]
    outcomes = rules.compute(month, wanted, {"opds": profiles})
    scores = OpdScore.objects.bulk_create(
        [
            OpdScore(report=report, opd=opd, score=Decimal(0), band="", rank=0)
            for opd in registry
        ]
    )
    by_opd = {s.opd_id: s for s in scores}
    rows = []
    for opd_id in opds:
        for item in items:
            if item.method == Item.Method.AUTOMATIC:
                outcome = outcomes.get(item.rule, {}).get(opd_id) or rules.Outcome(
                    None, ""
                )
                rows.append(
                    ItemScore(
                        opd_score=by_opd[opd_id],
                        item=item,
                        ratio=_four(outcome.ratio),
                        applies=outcome.ratio is not None,
                        detail=outcome.detail[:300],
                        evidence=outcome.evidence,
                    )
                )
            else:
                kept = manual.get((opd_id, item.code))
                rows.append(
                    ItemScore(
                        opd_score=by_opd[opd_id],
                        item=item,
                        ratio=kept.ratio if kept else None,
                        detail="" if kept else "Belum dinilai tim.",
                        evidence=kept.evidence if kept else [],
                        comment=kept.comment if kept else "",
                        scored_by_id=kept.scored_by_id if kept else None,
                        scored_at=kept.scored_at if kept else None,
                    )
                )
    ItemScore.objects.bulk_create(rows, batch_size=2000)
    _rescore(report, scores, rows)
    return len(scores), len(rows)


def _four(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def total(item_scores: list[ItemScore]) -> Decimal:
    """The score of 100: each indicator's weight times the weighted share
    of its items fulfilled. Items that do not apply weigh nothing; an
    indicator none of whose items applies leaves the others to fill the
    100. A manual item not yet scored counts as 0."""
    per_indicator: dict[int, list[ItemScore]] = defaultdict(list)
    weights: dict[int, Decimal] = {}
    for score in item_scores:
        if score.applies:
            per_indicator[score.item.indicator_id].append(score)
            weights[score.item.indicator_id] = score.item.indicator.weight
    earned = Decimal(0)
    possible = Decimal(0)
    for indicator_id, scores in per_indicator.items():
        weight_sum = sum((s.item.weight for s in scores), Decimal(0))
        if not weight_sum:
            continue
        share = (
            sum((s.item.weight * (s.ratio or 0) for s in scores), Decimal(0))
            / weight_sum
        )
        earned += weights[indicator_id] * share
        possible += weights[indicator_id]
    if not possible:
        return Decimal(0)
    return earned * 100 / possible


def _rescore(
    report: MonthlyReport,
    scores: list[OpdScore] | None = None,
    every: list[ItemScore] | None = None,
) -> None:
    """Scores, bands and ranks of every OPD of the report, from its item
    scores (read unless the caller has just written them); then the report
    file's hash."""
    if scores is None or every is None:
        scores = list(report.scores.select_related("opd"))
        every = list(
            ItemScore.objects.filter(opd_score__report=report).select_related(
                "item__indicator"
            )
        )
    items: dict[int, list[ItemScore]] = defaultdict(list)
    for item_score in every:
        items[item_score.opd_score_id].append(item_score)
    for score in scores:
        score.score = rounded(total(items[score.pk]))
        score.band = band_for(score.score)
    _rank(scores)
    OpdScore.objects.bulk_update(scores, ["score", "band", "rank"])
    report.sha256 = _fingerprint(report, scores, every)
    MonthlyReport.objects.filter(pk=report.pk).update(sha256=report.sha256)


def _rescore_opds(report: MonthlyReport, opd_score_ids: set[int]) -> None:
    """After a save that touched these OPDs only: their scores and bands
    from their own item scores, the ranks of every OPD from the stored
    scores, then the report's hash. Unlike ``_rescore`` it reads the other
    OPDs' items as plain rows for the hash, not as models with their
    evidence, and writes only the OPD scores that changed."""
    touched: dict[int, list[ItemScore]] = defaultdict(list)
    for item_score in (
        ItemScore.objects.filter(opd_score_id__in=opd_score_ids)
        .select_related("item__indicator")
        .only(
            "opd_score_id",
            "item",
            "ratio",
            "applies",
            "item__weight",
            "item__indicator",
            "item__indicator__weight",
        )
    ):
        touched[item_score.opd_score_id].append(item_score)
    scores = list(
        OpdScore.objects.filter(report=report)
        .select_related("opd")
        .only("score", "band", "rank", "report", "opd", "opd__name", "opd__slug")
    )
    before = {s.pk: (s.score, s.band, s.rank) for s in scores}
    for score in scores:
        if score.pk in opd_score_ids:
            score.score = rounded(total(touched[score.pk]))
            score.band = band_for(score.score)
    _rank(scores)
    changed = [s for s in scores if (s.score, s.band, s.rank) != before[s.pk]]
    if changed:
        OpdScore.objects.bulk_update(changed, ["score", "band", "rank"])
    report.sha256 = _fingerprint(report, scores, None)
    MonthlyReport.objects.filter(pk=report.pk).update(sha256=report.sha256)


def _rank(scores: list[OpdScore]) -> None:
    """Competition ranking: equal scores share a rank, the next one skips."""
    ordered = sorted(scores, key=lambda s: (-s.score, s.opd.name, s.opd_id))
    for position, score in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        score.rank = (
            previous.rank
            if previous is not None and previous.score == score.score
            else position
        )


def _fingerprint(
    report: MonthlyReport, scores: list[OpdScore], items: list[ItemScore] | None
) -> str:
    """The SHA-256 of the report's content: the same data gives the same
    hash, whenever and however often it is computed."""
    from evaluations.exports.common import report_bytes

    return hashlib.sha256(report_bytes(report, scores, items)).hexdigest()


def _locked(report: MonthlyReport) -> MonthlyReport:
    # Every write to a built report locks it first; its scores and replies
    # are written with update() and bulk, which send no signal: the staff's
    # work shown from them changes once this transaction commits.
    work.changed(regency=True)
    return MonthlyReport.objects.select_for_update().get(pk=report.pk)


def score_manual_item(
    item_score: ItemScore, *, by: User, ratio: Decimal, comment: str = ""
) -> ItemScore:
    """The team's score of a manual item, 0 to 1, with its reasons."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    if item_score.item.method != Item.Method.MANUAL:
        raise ValidationError(
            {"ratio": _("This item is computed from the portal's data.")}
        )
    score_opd_items(
        item_score.opd_score, by=by, scores={item_score.pk: (ratio, comment)}
    )
    item_score.refresh_from_db()
    return item_score


def score_opd_items(
    opd_score: OpdScore,
    *,
    by: User,
    scores: dict[int, tuple[Decimal, str]],
) -> int:
    """Manual scores of one OPD's items, ``item score id → (ratio 0 to 1,
    comment)``: all are written or none; then that OPD is scored again and
    the month ranked again. Returns how many were written."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    checked = {pk: (_checked_ratio(r), c.strip()) for pk, (r, c) in scores.items()}
    with transaction.atomic():
        report = _locked(opd_score.report)
        if report.status != Status.DRAFT:
            raise ValidationError(
                {"ratio": _("Manual items are scored while the report is a draft.")}
            )
        rows = list(
            ItemScore.objects.filter(opd_score=opd_score, pk__in=checked)
            .select_related("item")
            .only("opd_score", "item", "item__method", "ratio", "comment")
        )
        if len(rows) != len(checked) or any(
            row.item.method != Item.Method.MANUAL for row in rows
        ):
            raise ValidationError(
                {"ratio": _("This item is computed from the portal's data.")}
            )
        now = timezone.now()
        for row in rows:
            ratio, comment = checked[row.pk]
            _record_score(
                row,
                report,
                by,
                {"ratio": (row.ratio, ratio), "comment": (row.comment, comment)},
                opd_id=opd_score.opd_id,
            )
            row.ratio, row.comment = ratio, comment
            row.detail, row.scored_by, row.scored_at = "", by, now
        ItemScore.objects.bulk_update(
            rows, ["ratio", "comment", "detail", "scored_by", "scored_at"]
        )
        if rows:
            _rescore_opds(report, {opd_score.pk})
    return len(rows)


def _record_score(
    item_score: ItemScore,
    report: MonthlyReport,
    by: User,
    values: dict[str, tuple[object, object]],
    opd_id: int | None = None,
) -> None:
    """One audit event for a score written with ``update()`` (no signal)."""
    audit.record(
        AuditEvent.Action.UPDATED,
        obj=item_score,
        actor=by,
        changes=audit.diff(values),
        object_repr="{} / OPD #{} / item #{}".format(
            report,
            item_score.opd_score.opd_id if opd_id is None else opd_id,
            item_score.item_id,
        ),
    )


def score_manual_items(
    report: MonthlyReport,
    *,
    by: User,
    scores: dict[tuple[int, str], tuple[Decimal, str]],
) -> int:
    """Many manual scores at once, ``(opd id, item code) → (ratio,
    comment)``: all are written or none, then the OPDs concerned are scored
    again and the month ranked once."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    checked = {key: (_checked_ratio(r), c.strip()) for key, (r, c) in scores.items()}
    with transaction.atomic():
        report = _locked(report)
        if report.status != Status.DRAFT:
            raise ValidationError(
                {"ratio": _("Manual items are scored while the report is a draft.")}
            )
        rows = list(
            ItemScore.objects.filter(
                opd_score__report=report, item__method=Item.Method.MANUAL
            ).select_related("opd_score", "item")
        )
        now = timezone.now()
        changed = []
        changes = {}
        for row in rows:
            key = (row.opd_score.opd_id, row.item.code)
            if key in checked:
                for name, new in zip(("ratio", "comment"), checked[key], strict=True):
                    label = "OPD #{} / {}: {}".format(*key, name)
                    changes[label] = (getattr(row, name), new)
                row.ratio, row.comment = checked[key]
                row.detail, row.scored_by, row.scored_at = "", by, now
                changed.append(row)
        ItemScore.objects.bulk_update(
            changed, ["ratio", "comment", "detail", "scored_by", "scored_at"]
        )
        audit.record(
            AuditEvent.Action.UPDATED,
            obj=report,
            actor=by,
            changes=audit.diff(changes),
            detail={"manual_scores": len(changed)},
        )
        _rescore_opds(report, {row.opd_score_id for row in changed})
    return len(changed)


def _checked_ratio(value: Decimal | str | float) -> Decimal:
    try:
        ratio = Decimal(str(value))
    except ArithmeticError:
        ratio = Decimal(-1)
    if not (Decimal(0) <= ratio <= Decimal(1)):
        raise ValidationError({"ratio": _("Enter a fulfilment between 0 and 1.")})
    return ratio.quantize(Decimal("0.0001"))


def open_for_reply(
    report: MonthlyReport, *, by: User, deadline: datetime.date
) -> MonthlyReport:
    """Show the draft to the OPDs, who may agree or contest until the
    deadline Dinkominfo sets."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    if deadline <= today():
        raise ValidationError(
            {"deadline": _("The reply deadline must be after today.")}
        )
    with transaction.atomic():
        report = _locked(report)
        _refuse_preview(
            report,
            _(
                "This report is a preview of %(month)s as of %(day)s: a month "
                "is final only after it ends, so a preview is never opened for "
                "the OPDs' reply. Compute the month again after %(end)s."
            ),
        )
        if report.status != Status.DRAFT:
            raise ValidationError(
                {"deadline": _("Only a draft can be opened for reply.")}
            )
        report.status = Status.REPLY
        report.reply_deadline = deadline
        report.opened_for_reply_at = timezone.now()
        report.save(update_fields=["status", "reply_deadline", "opened_for_reply_at"])
    return report


def _replying(opd_score: OpdScore, by: User) -> MonthlyReport:
    if not perms.can_reply_to_evaluation(by, opd_score.opd):
        raise PermissionDenied(_("Only the OPD's own admin replies to its score."))
    report = _locked(opd_score.report)
    if report.status != Status.REPLY:
        raise ValidationError({"reply": _("This report is not open for reply.")})
    if today() > report.reply_deadline:
        raise ValidationError({"reply": _("The reply deadline has passed.")})
    return report


def agree(opd_score: OpdScore, *, by: User) -> OpdScore:
    """The OPD accepts its score as it stands."""
    with transaction.atomic():
        _replying(opd_score, by)
        if Contest.objects.filter(item_score__opd_score=opd_score).exists():
            raise ValidationError(
                {"reply": _("Your OPD has already contested an item of this report.")}
            )
        OpdScore.objects.filter(pk=opd_score.pk).update(
            reply="agree", replied_at=timezone.now(), replied_by=by
        )
        _record_reply(opd_score, by, "agree")
    opd_score.refresh_from_db()
    return opd_score


def contest(
    item_score: ItemScore, *, by: User, argument: str, evidence_url: str = ""
) -> Contest:
    """The OPD contests one item with its argument and evidence."""
    if not perms.can_reply_to_evaluation(by, item_score.opd_score.opd):
        raise PermissionDenied(_("Only the OPD's own admin replies to its score."))
    if not argument.strip():
        raise ValidationError({"argument": _("Say why the score is wrong.")})
    with transaction.atomic():
        opd_score = item_score.opd_score
        _replying(opd_score, by)
        if opd_score.reply == "agree":
            raise ValidationError(
                {"reply": _("Your OPD has already agreed with this report.")}
            )
        if Contest.objects.filter(item_score=item_score).exists():
            raise ValidationError(
                {"argument": _("This item has already been contested.")}
            )
        created = Contest.objects.create(
            item_score=item_score,
            argument=argument.strip(),
            evidence_url=evidence_url.strip(),
            filed_by=by,
        )
        OpdScore.objects.filter(pk=opd_score.pk).update(
            reply="contest", replied_at=timezone.now(), replied_by=by
        )
        _record_reply(opd_score, by, "contest")
    return created


def _record_reply(opd_score: OpdScore, by: User, reply: str) -> None:
    """One audit event for a reply written with ``update()`` (no signal)."""
    audit.record(
        AuditEvent.Action.UPDATED,
        obj=opd_score,
        actor=by,
        changes={"reply": [opd_score.reply, reply]},
        object_repr="{} / OPD #{}".format(opd_score.report, opd_score.opd_id),
    )


def decide_contest(
    contest_: Contest,
    *,
    by: User,
    accept: bool,
    response: str,
    ratio: Decimal | None = None,
) -> Contest:
    """The team's decision; an accepted contest changes the item's score."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    if not response.strip():
        raise ValidationError({"response": _("Give the reasons for the decision.")})
    new_ratio = _checked_ratio(ratio) if accept else None
    with transaction.atomic():
        report = _locked(contest_.item_score.opd_score.report)
        if report.status != Status.REPLY:
            raise ValidationError({"response": _("This report is not open for reply.")})
        current = Contest.objects.select_for_update().get(pk=contest_.pk)
        if current.status != Contest.Status.PENDING:
            raise ValidationError(
                {"response": _("This contest has already been decided.")}
            )
        current.status = Contest.Status.ACCEPTED if accept else Contest.Status.REJECTED
        current.response = response.strip()
        current.decided_by = by
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "response", "decided_by", "decided_at"])
        if accept:
            before = ItemScore.objects.values("ratio", "applies", "comment").get(
                pk=current.item_score_id
            )
            ItemScore.objects.filter(pk=current.item_score_id).update(
                ratio=new_ratio,
                applies=True,
                comment=response.strip(),
                scored_by=by,
                scored_at=timezone.now(),
            )
            _record_score(
                contest_.item_score,
                report,
                by,
                {
                    "ratio": (before["ratio"], new_ratio),
                    "applies": (before["applies"], True),
                    "comment": (before["comment"], response.strip()),
                },
            )
            _rescore(report)
    return current


def finalise_refusal(
    report: MonthlyReport, replies: selectors.Replies | None = None
) -> str:
    """Why the report cannot be finalised now, as one sentence for the
    page (which disables the button and shows it) and for the refusal;
    empty when it can be. ``replies``: ``selectors.replies`` if the caller
    has them."""
    preview = _preview_refusal(
        report,
        _(
            "This report is a preview of %(month)s as of %(day)s: a month "
            "is final only after it ends, so a preview is never finalised "
            "nor published. Compute the month again after %(end)s."
        ),
    )
    if preview:
        return preview
    if report.status != Status.REPLY:
        return _("Only a report open for reply can be finalised.")
    replies = replies or selectors.replies(report)
    if replies.replied < replies.total and today() <= report.reply_deadline:
        return _(
            "It can be finalised once every OPD has replied, or after the "
            "reply deadline, %(deadline)s."
        ) % {"deadline": date_format(report.reply_deadline, "j F Y")}
    if replies.pending_contests:
        return ngettext(
            "%(count)s contest is not decided yet: decide it first.",
            "%(count)s contests are not decided yet: decide them first.",
            replies.pending_contests,
        ) % {"count": replies.pending_contests}
    return ""


def replied_text(replies: selectors.Replies) -> str:
    """``x of N OPDs have replied.``: what finalising waits for."""
    return _("%(replied)s of %(total)s OPDs have replied.") % {
        "replied": replies.replied,
        "total": replies.total,
    }


def finalise(
    report: MonthlyReport, *, by: User, announce: bool = True
) -> MonthlyReport:
    """Lock the month once the reply deadline has passed (or every OPD has
    replied) and every contest is decided; then e-mail it (``announce``).
    A refusal is one sentence about the report, not about a field."""
    if not perms.can_review_evaluations(by):
        raise PermissionDenied(_("Only the Dinkominfo evaluation team scores OPDs."))
    with transaction.atomic():
        report = _locked(report)
        replies = selectors.replies(report)
        refusal = finalise_refusal(report, replies)
        if refusal:
            if report.status == Status.REPLY:
                refusal = "{} {}".format(replied_text(replies), refusal)
            raise ValidationError({NON_FIELD_ERRORS: [refusal]})
        report.status = Status.FINAL
        report.finalised_at = timezone.now()
        report.finalised_by = by
        report.save(update_fields=["status", "finalised_at", "finalised_by"])
    if announce:
        send_final_report_task.delay_on_commit(report.pk)
    return report


def build_run(run: ReportRun) -> runs.Outcome:
    """The executor of a report run (core.runs): build its month's draft."""
    report = build_report(run.month, by=run.requested_by, reason=run.reason)
    return runs.Outcome(
        ReportRun.Status.SUCCEEDED,
        rows=report.scores.count(),
        fields={"report": report, "opds": report.scores.count()},
    )
