"""The automatic items: each rule scores every OPD of a month at once.

Rules read the state of the portal's data as it stood at the end of the
month (an item counts if it was published by then and not yet withdrawn),
never the clock, so rebuilding a month from the same data gives the same
scores. Queries are per rule family, not per OPD: the cost of a month does
not grow with the number of OPDs (docs/quality-targets.md P6).

A rule returns an ``Outcome`` per OPD: a fulfilment ratio between 0 and 1
(``None`` when the item does not apply, e.g. no request was answered or
fell overdue that month), a one-line account in Indonesian, and the
evidence: links to the items, posts and requests it was computed from.

The figures a rule scores against (posts a week, hours for serta merta,
the median-day steps, …) are not constants here: they are the month's
framework's ``Target`` rows (evaluations/models.py), so a month rebuilt
after a change of code is scored against the targets of its own year.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.urls import reverse
from django.utils import timezone

from aspirations.stats import selectors as aspiration_stats
from evaluations.models import Target
from ppid.calendar import workdays
from ppid.catalogue.models import (
    Category,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    Subtype,
)
from ppid.requests.models import InformationRequest, Objection
from socialposts import targets
from socialposts.accounts.models import AccountMetricDaily, Post, SocialAccount

# Evidence entries kept per OPD and item: enough to prove the score and to
# act on it, not the whole catalogue.
EVIDENCE_CAP = 20
NEVER = datetime.date(1900, 1, 1)


@dataclass
class Outcome:
    """One OPD's result for one item."""

    ratio: Decimal | None
    detail: str
    evidence: list[dict] = field(default_factory=list)


@dataclass
class Month:
    """The month scored, and its bounds in local time. ``as_of`` is a
    preview's day: a month not ended yet is judged on that day, not on an
    end it has not reached (the Monev judges a period once it has ended,
    domain.md §4.3; a month-to-date build is only a preview)."""

    start: datetime.date
    end: datetime.date
    opd_ids: list[int]
    as_of: datetime.date | None = None

    @property
    def judged_on(self) -> datetime.date:
        """The day the checks judged at the month's end look from."""
        return min(self.as_of, self.end) if self.as_of else self.end

    @property
    def deadlines_passed_by(self) -> datetime.date:
        """The last day whose deadlines had passed when the month is judged:
        its end, or in a preview the day before the preview's day (a
        deadline falling on that day can still be met on it)."""
        if self.as_of and self.as_of <= self.end:
            return self.as_of - datetime.timedelta(days=1)
        return self.end

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.start, datetime.time())
        )

    @property
    def end_at(self) -> datetime.datetime:
        """The first instant after the month."""
        following = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(
            datetime.datetime.combine(following, datetime.time())
        )

    @property
    def weeks(self) -> Decimal:
        """The weeks elapsed: the whole month, or a preview's month so far."""
        return Decimal((self.judged_on - self.start).days + 1) / 7


Results = dict[int, Outcome]
RULES: dict[str, Callable[[Month, dict], Results]] = {}


def rule(*names: str) -> Callable:
    """Register a function that computes several rules from one reading."""

    def register(function: Callable) -> Callable:
        for name in names:
            RULES[name] = function
        return function

    return register


def compute(
    month: Month, rules: set[str], cache: dict | None = None
) -> dict[str, Results]:
    """Every requested rule for every OPD of the month; a family of rules
    sharing one reading is read once. ``cache`` may hold readings the
    caller made already (``opds``: the registry rows)."""
    done: dict[str, Results] = {}
    cache = {} if cache is None else cache
    for name in sorted(rules):
        if name not in done:
            done.update(RULES[name](month, cache))
    return {name: done[name] for name in rules}


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal:
    return min(Decimal(1), Decimal(part) / Decimal(whole)) if whole else Decimal(0)


def month_targets(month: Month, cache: dict) -> dict[str, Decimal]:
    """Every target of the month's framework, read once per month.

    The month's framework is the latest whose year is not after the
    month's (as ``services.framework_for``); a target that framework lacks
    is taken from the latest earlier framework that has it, so a new year
    copied in the admin without its targets keeps the previous year's."""
    if "targets" in cache:
        return cache["targets"]
    found: dict[str, Decimal] = {}
    rows = (
        Target.objects.filter(framework__year__lte=month.start.year)
        .order_by("code", "-framework__year")
        .values_list("code", "value")
    )
    for code, value in rows:
        found.setdefault(code, value)
    missing = sorted(set(Target.Code.values) - set(found))
    if missing:
        raise ImproperlyConfigured(
            "No evaluation framework up to {} has the targets {}.".format(
                month.start.year, ", ".join(missing)
            )
        )
    cache["targets"] = found
    return found


def _plain(value: Decimal) -> str:
    """A target as people write it: 24, not 24.0000."""
    return format(value.normalize(), "f")


def _item_link(pk: int, title: str, **extra: Any) -> dict:
    return {
        "kind": "item",
        "id": pk,
        "label": title[:200],
        "url": reverse("ppid:item-detail", kwargs={"pk": pk}),
        **extra,
    }


# --- Jenis informasi: the catalogue as it stood at the end of the month ------


def _standing(month: Month) -> Q:
    """Published by the end of the month and not withdrawn by then."""
    return Q(published_at__lt=month.end_at) & (
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=month.end_at)
    )


@rule("dip_completeness")
def dip_completeness(month: Month, cache: dict) -> dict[str, Results]:
    required = list(
        Subtype.objects.filter(
            is_active=True,
            is_required=True,
            category__in=[Category.BERKALA, Category.SETIAP_SAAT],
        )
        .order_by("category", "position", "code")
        .values_list("pk", "name")
    )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        InformationItem.objects.filter(
            _standing(month),
            opd_id__in=month.opd_ids,
            subtype_id__in=[pk for pk, _ in required],
        )
        .values("opd_id", "subtype_id")
        .annotate(first=Min("pk"))
        .order_by()
    )
    for row in rows:
        found[row["opd_id"]][row["subtype_id"]] = row["first"]
    results: Results = {}
    for opd_id in month.opd_ids:
        have = found.get(opd_id, {})
        # The sub-type names what is proven; the link leads to one item.
        evidence = [
            _item_link(have[pk], name, subtype=name)
            for pk, name in required
            if pk in have
        ][:EVIDENCE_CAP]
        evidence += [
            {"kind": "missing", "label": name}
            for pk, name in required
            if pk not in have
        ][:EVIDENCE_CAP]
        results[opd_id] = Outcome(
            ratio(len(have), len(required)) if required else None,
            "{} dari {} subjenis wajib terbit".format(len(have), len(required)),
            evidence,
        )
    return {"dip_completeness": results}


@rule("berkala_freshness", "dik_decisions", "serta_merta_speed", "items_with_files")
def catalogue_state(month: Month, cache: dict) -> dict[str, Results]:
    """Four items from one grouped count and one capped evidence list."""
    from dateutil.relativedelta import relativedelta

    stale_before = timezone.make_aware(
        datetime.datetime.combine(
            month.judged_on - relativedelta(months=settings.PPID_BERKALA_UPDATE_MONTHS),
            datetime.time(),
        )
    )
    # UU 14/2008 Pasal 10(1): without delay; the hours are the year's target.
    serta_hours = month_targets(month, cache)[Target.Code.SERTA_MERTA_HOURS]
    fast = datetime.timedelta(hours=float(serta_hours))
    standing = InformationItem.objects.filter(
        _standing(month), opd_id__in=month.opd_ids
    )
    # IN (subquery), not EXISTS: PostgreSQL hashes the subquery once, where
    # a correlated EXISTS is priced per item and tips the plan into JIT
    # compilation that costs more than the query (bench/evaluations.py).
    decided_ids = ExclusionDecision.objects.filter(decided_on__lte=month.end).values(
        "item_id"
    )
    filed_ids = InformationFile.objects.filter(uploaded_at__lt=month.end_at).values(
        "item_id"
    )
    overdue = Q(category=Category.BERKALA, last_updated_at__lt=stale_before)
    announced = Q(
        category=Category.SERTA_MERTA,
        published_at__gte=month.start_at,
        event_occurred_at__isnull=False,
    )
    on_time = announced & Q(published_at__lte=F("event_occurred_at") + fast)
    flagged = standing.annotate(
        decided=Case(
            When(pk__in=decided_ids, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        filed=Case(
            When(pk__in=filed_ids, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    counts = {
        row["opd_id"]: row
        for row in flagged.values("opd_id")
        .annotate(
            berkala=Count("pk", filter=Q(category=Category.BERKALA)),
            overdue=Count("pk", filter=overdue),
            dik=Count("pk", filter=Q(category=Category.DIKECUALIKAN)),
            dik_decided=Count(
                "pk", filter=Q(category=Category.DIKECUALIKAN, pk__in=decided_ids)
            ),
            serta=Count("pk", filter=announced),
            serta_fast=Count("pk", filter=on_time),
            public=Count("pk", filter=~Q(category=Category.DIKECUALIKAN)),
            public_filed=Count(
                "pk",
                filter=~Q(category=Category.DIKECUALIKAN) & Q(pk__in=filed_ids),
            ),
        )
        .order_by()
    }
    # What to show: overdue periodic items, undecided DIK entries, this
    # month's immediate items, public items without a document.
    problems = (
        flagged.filter(
            overdue
            | (Q(category=Category.DIKECUALIKAN) & ~Q(pk__in=decided_ids))
            | announced
            | (~Q(category=Category.DIKECUALIKAN) & ~Q(pk__in=filed_ids))
        )
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("opd_id"), F("category")],
                order_by=[F("pk").asc()],
            )
        )
        .filter(row__lte=EVIDENCE_CAP)
        .values_list(
            "pk",
            "opd_id",
            "title",
            "category",
            "last_updated_at",
            "decided",
            "filed",
            "published_at",
            "event_occurred_at",
        )
    )
    evidence: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for (
        pk,
        opd_id,
        title,
        category,
        updated,
        has_decision,
        has_file,
        published,
        event,
    ) in problems:
        if category == Category.BERKALA and updated and updated < stale_before:
            evidence[opd_id, "berkala_freshness"].append(
                _item_link(pk, title, state="overdue")
            )
        if category == Category.DIKECUALIKAN and not has_decision:
            evidence[opd_id, "dik_decisions"].append(
                _item_link(pk, title, state="no_decision")
            )
        if category == Category.SERTA_MERTA and event and published >= month.start_at:
            hours = round((published - event).total_seconds() / 3600, 1)
            evidence[opd_id, "serta_merta_speed"].append(
                _item_link(pk, title, hours=hours)
            )
        if category != Category.DIKECUALIKAN and not has_file:
            evidence[opd_id, "items_with_files"].append(
                _item_link(pk, title, state="no_file")
            )
    results: dict[str, Results] = defaultdict(dict)
    for opd_id in month.opd_ids:
        c = counts.get(opd_id, defaultdict(int))

        def outcome(
            name: str, part: int, whole: int, text: str, opd_id: int = opd_id
        ) -> None:
            results[name][opd_id] = Outcome(
                ratio(part, whole) if whole else None,
                text,
                evidence.get((opd_id, name), [])[:EVIDENCE_CAP],
            )

        fresh = c["berkala"] - c["overdue"]
        outcome(
            "berkala_freshness",
            fresh,
            c["berkala"],
            "{} dari {} informasi berkala mutakhir".format(fresh, c["berkala"]),
        )
        outcome(
            "dik_decisions",
            c["dik_decided"],
            c["dik"],
            "{} dari {} informasi dikecualikan memiliki penetapan".format(
                c["dik_decided"], c["dik"]
            ),
        )
        outcome(
            "serta_merta_speed",
            c["serta_fast"],
            c["serta"],
            "{} dari {} informasi serta merta diumumkan dalam {} jam".format(
                c["serta_fast"], c["serta"], _plain(serta_hours)
            ),
        )
        outcome(
            "items_with_files",
            c["public_filed"],
            c["public"],
            "{} dari {} informasi terbit berdokumen".format(
                c["public_filed"], c["public"]
            ),
        )
    return dict(results)


# --- Pelayanan informasi -------------------------------------------------------
#
# These items judge legal deadlines, each described by a ``Clock``. A
# deadline falls to a month when it was met in the month, or when it had
# passed by the month's end without being met (the data as it stood then:
# met after the month counts as unmet for it). An unmet deadline counts in
# the month it passed AND in every later month while it is still unmet at
# that month's end, as late and shown apart as unanswered: ignoring a
# request costs the OPD every month it is ignored, where answering late
# costs once, in the month of the answer. So an OPD that answers late
# always does better over the months than one that never answers, and in
# any one month it does no worse (issue 17). An OPD with no deadline
# falling to the month keeps the item "not applicable".


@dataclass(frozen=True)
class Clock:
    """A legal deadline of one register: where its OPD, numbers and dates
    are found, and how an unmet one is labelled."""

    model: type[Model]
    kind: str
    opd: str
    number: str
    # The staff page the evidence links to, and the number in its URL.
    url_name: str
    link: str
    # The day the clock counts from; the first of these that is set.
    started: tuple[str, ...]
    due: str
    done: str
    unmet_label: str
    only: Q = field(default_factory=Q)
    # Where set, the day after which nobody can meet the deadline any more:
    # an unmet deadline weighs on the month that day falls in, not after.
    ends: str | None = None


# UU 14/2008 Pasal 22(7)-(8): the written answer within 10 working days of
# receipt, 7 more once extended in writing. ``answer_due_on`` is the
# deadline in force (``compute_deadlines`` in ppid/requests/services.py):
# the extended one once extended. An extension is only given before the
# first deadline, so one recorded after a month's end cannot change
# whether that month's deadline had passed.
REQUEST_ANSWER = Clock(
    model=InformationRequest,
    kind="request",
    opd="opd_id",
    number="registration_number",
    url_name="ppid:request-staff-detail",
    link="registration_number",
    # A request received outside working days or office hours counts from
    # the next working day (PPID_RECEIPT_OUTSIDE_HOURS, ppid/requests/
    # services.py clock_start); older rows from the day of receipt.
    started=("deemed_received_on", "received_on"),
    due="answer_due_on",
    done="answered_on",
    unmet_label="belum dijawab",
    # With PPID_CLOCK_PAUSES_WHILE_INCOMPLETE the clock of a request the
    # requester is still completing stands still (domain.md §8), as in the
    # register (``InformationRequestQuerySet.needing_attention``); once
    # complete, ``compute_deadlines`` adds the days it stood.
    only=~Q(status=InformationRequest.Status.INCOMPLETE, clock_paused=True),
)
# UU 14/2008 Pasal 36(2): the Atasan PPID answers an objection within 30
# working days of receiving it (``Objection.due_on``). ``opd`` is the
# objection's own OPD, so an objection on ground b (Pasal 35(1)b, no
# request) weighs on the OPD it is about.
OBJECTION_ANSWER = Clock(
    model=Objection,
    kind="objection",
    opd="opd_id",
    number="objection_number",
    url_name="ppid:objection-staff-detail",
    link="objection_number",
    started=("filed_on",),
    due="due_on",
    done="answered_on",
    unmet_label="belum dijawab atasan PPID",
    # Once the objector takes the silence to the Komisi Informasi (UU Pasal
    # 37(1)) the Atasan PPID can no longer answer: the ignored objection
    # costs the month of the dispute and those before it, not every month
    # after, while the dispute runs out of the OPD's hands.
    ends="dispute__filed_on",
)
# After the Atasan PPID grants an objection the PPID must act on the
# decision by ``order_due_on`` (PPID_OBJECTION_ORDER_WORKING_DAYS: the law
# sets no such deadline, domain.md §8); an order not carried out, or carried
# out late, costs the OPD like an objection answered late.
OBJECTION_ORDER = Clock(
    model=Objection,
    kind="order",
    opd="opd_id",
    number="objection_number",
    url_name="ppid:objection-staff-detail",
    link="objection_number",
    started=("answered_on",),
    due="order_due_on",
    done="order_done_on",
    unmet_label="putusan atasan PPID belum dilaksanakan",
    only=Q(order_due_on__isnull=False),
)
# Every deadline the objections item judges.
OBJECTION_CLOCKS = (OBJECTION_ANSWER, OBJECTION_ORDER)
CLOCKS = (REQUEST_ANSWER, *OBJECTION_CLOCKS)


@dataclass
class Deadline:
    """One deadline falling to the month: met in it, or passed unmet."""

    clock: Clock
    pk: int
    opd_id: int
    number: str
    link: str
    started: datetime.date
    due: datetime.date
    # None when not met by the month's end.
    done: datetime.date | None

    @property
    def on_time(self) -> bool:
        return self.done is not None and self.done <= self.due

    def evidence(self, **extra: Any) -> dict:
        """The link to the request it belongs to; an unmet deadline says
        so in its label, which the pages and the evidence pack show."""
        entry = {
            "kind": self.clock.kind,
            "id": self.pk,
            "label": self.number,
            "url": reverse(
                self.clock.url_name,
                kwargs={"number": self.link.replace("/", "-")},
            ),
            "on_time": self.on_time,
        }
        if self.done is None:
            entry["label"] = "{} ({})".format(self.number, self.clock.unmet_label)
            entry["state"] = "unanswered"
            entry["due_on"] = self.due.isoformat()
        return {**entry, **extra}


def _cases(month: Month, cache: dict, clock: Clock) -> dict[int, list[Deadline]]:
    """Per OPD, the deadlines of ``clock`` falling to the month: those met
    in it by the day met, then those passed unmet by their due date.

    Every clock is read in one query (a UNION), once per month: a clock
    added to ``CLOCKS`` costs no query more (docs/quality-targets.md P6)."""
    if "deadlines" not in cache:
        parts = []
        for index, each in enumerate(CLOCKS):
            done, due = each.done, each.due
            # A preview judges as of its day: what was met by then, and the
            # deadlines that had passed by then (``Month.judged_on``).
            judged = month.judged_on
            met = Q(**{done + "__gte": month.start, done + "__lte": judged})
            unmet = Q(**{due + "__lte": month.deadlines_passed_by}) & (
                Q(**{done + "__isnull": True}) | Q(**{done + "__gt": judged})
            )
            if each.ends:
                unmet &= Q(**{each.ends + "__isnull": True}) | Q(
                    **{each.ends + "__gte": month.start}
                )
            parts.append(
                each.model.objects.filter(
                    each.only, met | unmet, **{each.opd + "__in": month.opd_ids}
                )
                .annotate(
                    clock=Value(index),
                    clock_started=(
                        Coalesce(*each.started)
                        if len(each.started) > 1
                        else F(each.started[0])
                    ),
                )
                .values_list(
                    "clock",
                    "pk",
                    each.opd,
                    each.number,
                    each.link,
                    "clock_started",
                    due,
                    done,
                )
                .order_by()
            )
        rows = parts[0].union(*parts[1:], all=True)
        found: dict[Clock, dict[int, list[Deadline]]] = {
            each: defaultdict(list) for each in CLOCKS
        }
        cases = [
            Deadline(
                CLOCKS[row[0]],
                *row[1:7],
                row[7] if row[7] and row[7] <= month.judged_on else None,
            )
            for row in rows
        ]
        cases.sort(key=lambda c: (c.done is None, c.done or c.due, c.pk))
        for case in cases:
            found[case.clock][case.opd_id].append(case)
        cache["deadlines"] = found
    return cache["deadlines"][clock]


def _shown(cases: list[Deadline], entries: list[dict]) -> list[dict]:
    """The evidence kept: the unmet deadlines first, apart, then the met."""
    unmet = [e for c, e in zip(cases, entries, strict=True) if c.done is None]
    met = [e for c, e in zip(cases, entries, strict=True) if c.done is not None]
    return unmet[:EVIDENCE_CAP] + met[:EVIDENCE_CAP]


def _unmet_note(count: int, what: str) -> str:
    return (
        "; {} {} belum dijawab melewati batas waktu".format(count, what)
        if count
        else ""
    )


@rule("requests_on_time", "requests_median_days")
def requests_served(month: Month, cache: dict) -> dict[str, Results]:
    goals = month_targets(month, cache)
    per_opd = _cases(month, cache, REQUEST_ANSWER)
    # One calendar over every request of the month: its holidays and
    # overrides are read once, not once per request.
    calendar = workdays.WorkingCalendar(
        min(
            (c.started for cases in per_opd.values() for c in cases),
            default=month.start,
        ),
        month.end,
    )
    on_time: Results = {}
    median: Results = {}
    for opd_id in month.opd_ids:
        cases = per_opd.get(opd_id, [])
        unmet = sum(1 for c in cases if c.done is None)
        timely = sum(1 for c in cases if c.on_time)
        # Working days to the answer; for an unanswered request, those
        # elapsed by the month's end (a preview's day).
        entries = [
            c.evidence(
                working_days=calendar.count_between(
                    c.started, c.done or month.judged_on
                )
            )
            for c in cases
        ]
        evidence = _shown(cases, entries)
        on_time[opd_id] = Outcome(
            ratio(timely, len(cases)) if cases else None,
            "{} dari {} permohonan dijawab tepat waktu".format(timely, len(cases))
            + _unmet_note(unmet, "permohonan"),
            evidence,
        )
        if not cases:
            median[opd_id] = Outcome(
                None, "tidak ada permohonan dijawab atau lewat batas waktu bulan ini"
            )
            continue
        # An unanswered request is the worst case, longer than any answer:
        # it can only lengthen the median, and once half the requests are
        # unanswered the median is infinite and earns nothing.
        days = statistics.median(
            math.inf if c.done is None else e["working_days"]
            for c, e in zip(cases, entries, strict=True)
        )
        if math.isinf(days):
            detail = "median terlama: {} permohonan belum dijawab".format(unmet)
        else:
            detail = "median {} hari kerja".format(days)
            if unmet:
                detail += "; {} permohonan belum dijawab dihitung terlama".format(unmet)
        median[opd_id] = Outcome(_median_ratio(days, goals), detail, evidence)
    return {"requests_on_time": on_time, "requests_median_days": median}


# The share of the marks a median earns up to each of the year's steps;
# beyond the last, nothing.
MEDIAN_STEPS = (
    (Target.Code.MEDIAN_DAYS_FULL, Decimal(1)),
    (Target.Code.MEDIAN_DAYS_THREE_QUARTERS, Decimal("0.75")),
    (Target.Code.MEDIAN_DAYS_HALF, Decimal("0.5")),
)


def _median_ratio(days: float, goals: dict[str, Decimal]) -> Decimal:
    """In 2026: 5 working days or less is full marks, the law's 10 (UU
    Pasal 22(7)) three quarters, 10 + 7 extended (Pasal 22(8)) half; an
    infinite median (unanswered requests) earns nothing."""
    for code, share in MEDIAN_STEPS:
        if days <= goals[code]:
            return share
    return Decimal(0)


@rule("objections_on_time")
def objections(month: Month, cache: dict) -> dict[str, Results]:
    per_opd: dict[int, list[Deadline]] = defaultdict(list)
    for clock in OBJECTION_CLOCKS:
        for opd_id, cases in _cases(month, cache, clock).items():
            per_opd[opd_id] += cases
    results: Results = {}
    for opd_id in month.opd_ids:
        cases = per_opd.get(opd_id, [])
        timely = sum(1 for c in cases if c.on_time)
        answers = [c for c in cases if c.clock is OBJECTION_ANSWER]
        orders = [c for c in cases if c.clock is OBJECTION_ORDER]
        detail = "{} dari {} keberatan dijawab tepat waktu".format(
            sum(1 for c in answers if c.on_time), len(answers)
        ) + _unmet_note(sum(1 for c in answers if c.done is None), "keberatan")
        if orders:
            missed = sum(1 for c in orders if c.done is None)
            detail += (
                "; {} dari {} putusan atasan PPID dilaksanakan tepat waktu".format(
                    sum(1 for c in orders if c.on_time), len(orders)
                )
                + (
                    "; {} belum dilaksanakan melewati batas waktu".format(missed)
                    if missed
                    else ""
                )
            )
        results[opd_id] = Outcome(
            ratio(timely, len(cases)) if cases else None,
            detail,
            _shown(cases, [c.evidence() for c in cases]),
        )
    return {"objections_on_time": results}


# --- Pelayanan: the aspiration inbox ------------------------------------------------
#
# KemenPANRB evaluates SP4N-LAPOR! by the share of reports followed up
# (shared/docs/aspirations.md §1); LAPOR! gives the OPD 5 working days after
# routing, and Purbalingga's Matur Mas Bupati SOP a first response within
# 1×24 jam on social media and WhatsApp. Both clocks are stored on each case
# (aspirations.inbox.clocks); they fall to a month as the requests' do: met
# in it, or passed unmet by its end and counted again while unmet.


@rule("aspiration_responsiveness")
def aspiration_responsiveness(month: Month, cache: dict) -> dict[str, Results]:
    per_opd = aspiration_stats.responsiveness(
        opd_ids=month.opd_ids,
        start=month.start,
        judged_on=month.judged_on,
        deadlines_passed_by=month.deadlines_passed_by,
    )
    results: Results = {}
    for opd_id in month.opd_ids:
        deadlines = per_opd.get(opd_id, [])
        if not deadlines:
            # No case of the OPD had a clock met or run out this month: the
            # item does not apply (an OPD nobody wrote to is not unresponsive).
            results[opd_id] = Outcome(
                None, "tidak ada aspirasi yang jatuh tempo bulan ini"
            )
            continue
        follow = [d for d in deadlines if d.clock == aspiration_stats.FOLLOW_UP]
        first = [d for d in deadlines if d.clock == aspiration_stats.FIRST_RESPONSE]
        timely = sum(1 for d in deadlines if d.on_time)
        unmet = len({d.case_id for d in deadlines if d.met_at is None})
        detail = (
            "{} dari {} tindak lanjut tepat waktu; "
            "{} dari {} tanggapan awal dalam 1 × 24 jam"
        ).format(
            sum(1 for d in follow if d.on_time),
            len(follow),
            sum(1 for d in first if d.on_time),
            len(first),
        )
        if unmet:
            detail += "; {} aspirasi belum ditanggapi melewati batas waktu".format(
                unmet
            )
        entries = [_case_evidence(d) for d in deadlines]
        results[opd_id] = Outcome(
            ratio(timely, len(deadlines)),
            detail,
            [e for e in entries if e.get("state")][:EVIDENCE_CAP]
            + [e for e in entries if not e.get("state")][:EVIDENCE_CAP],
        )
    return {"aspiration_responsiveness": results}


def _case_evidence(deadline: aspiration_stats.CaseDeadline) -> dict:
    """The case by its number only: no citizen, no text."""
    what = (
        "tindak lanjut"
        if deadline.clock == aspiration_stats.FOLLOW_UP
        else "tanggapan awal"
    )
    entry = {
        "kind": "case",
        "id": deadline.case_id,
        "label": "{} ({})".format(deadline.number, what),
        "url": aspiration_stats.case_url(deadline.case_id),
        "clock": deadline.clock,
        "on_time": deadline.on_time,
    }
    if deadline.met_at is None:
        entry["label"] = "{} ({} belum ada)".format(deadline.number, what)
        entry["state"] = "unanswered"
        entry["due_on"] = (
            timezone.localtime(deadline.due).isoformat()
            if isinstance(deadline.due, datetime.datetime)
            else deadline.due.isoformat()
        )
    return entry


# --- Kualitas informasi ------------------------------------------------------------

PROFILE_FIELDS = (
    "website",
    "email",
    "phone",
    "address",
    "head_name",
    "ppid_contact_name",
    "ppid_contact_email",
)


@rule("opd_profile")
def opd_profile(month: Month, cache: dict) -> dict[str, Results]:
    from opds.models import Opd

    results: Results = {}
    rows = cache.get("opds") or Opd.objects.filter(pk__in=month.opd_ids).values(
        "pk", *PROFILE_FIELDS
    )
    for row in rows:
        filled = [name for name in PROFILE_FIELDS if row[name]]
        results[row["pk"]] = Outcome(
            ratio(len(filled), len(PROFILE_FIELDS)),
            "{} dari {} isian profil terisi".format(len(filled), len(PROFILE_FIELDS)),
            [
                {"kind": "missing", "label": name}
                for name in PROFILE_FIELDS
                if not row[name]
            ],
        )
    return {"opd_profile": results}


# --- Digitalisasi: social media ----------------------------------------------------


def _accounts(month: Month, cache: dict) -> list[dict]:
    """Every active account of the month's OPDs with what the social rules
    need, in one query."""
    if "accounts" in cache:
        return cache["accounts"]
    metric = AccountMetricDaily.objects.filter(account_id=OuterRef("pk"))

    def latest_followers(on: datetime.date) -> Subquery:
        return Subquery(
            metric.filter(metric_id="followers", date__lte=on)
            .order_by("-date")
            .values("value")[:1]
        )

    interactions = (
        metric.filter(
            metric_id="interactions", date__gte=month.start, date__lte=month.end
        )
        .values("account_id")
        .annotate(total=Sum("value"))
        .values("total")
    )
    posted = Post.objects.filter(
        account_id=OuterRef("pk"),
        published_at__gte=month.start_at,
        published_at__lt=month.end_at,
    )
    rows = list(
        SocialAccount.objects.filter(opd_id__in=month.opd_ids, is_active=True)
        .annotate(
            followers_end=latest_followers(month.end),
            followers_start=latest_followers(month.start - datetime.timedelta(days=1)),
            interactions=Subquery(interactions),
            # The latest day per metric follows the (account, metric, date)
            # key; one sort over all of an account's rows would read them all.
            last_data=Greatest(
                *(
                    Coalesce(
                        Subquery(
                            metric.filter(metric_id=code, date__lte=month.end)
                            .order_by("-date")
                            .values("date")[:1]
                        ),
                        Value(NEVER),
                        output_field=DateField(),
                    )
                    for code in targets.ACCOUNT_METRICS
                )
            ),
            posted=Exists(posted),
        )
        .order_by("opd_id", "platform", "pk")
        .values(
            "pk",
            "opd_id",
            "platform",
            "handle",
            "connection",
            "token_revoked_at",
            "followers_end",
            "followers_start",
            "interactions",
            "last_data",
            "posted",
        )
    )
    for row in rows:
        if row["last_data"] == NEVER:
            row["last_data"] = None
    cache["accounts"] = rows
    return rows


def _account_link(row: dict, **extra: Any) -> dict:
    return {
        "kind": "account",
        "id": row["pk"],
        "label": "{} @{}".format(row["platform"], row["handle"]),
        "url": reverse("socialposts:account-detail", kwargs={"pk": row["pk"]}),
        **extra,
    }


@rule("social_active_accounts", "social_channel_health")
def social_accounts(month: Month, cache: dict) -> dict[str, Results]:
    per_opd: dict[int, list[dict]] = defaultdict(list)
    for row in _accounts(month, cache):
        per_opd[row["opd_id"]].append(row)
    fresh_since = month.judged_on - datetime.timedelta(days=6)
    active: Results = {}
    health: Results = {}
    for opd_id in month.opd_ids:
        rows = per_opd.get(opd_id, [])
        posting = [r for r in rows if r["posted"]]
        healthy = [
            r
            for r in rows
            if r["last_data"] is not None
            and r["last_data"] >= fresh_since
            and not (r["connection"] == "api" and r["token_revoked_at"])
        ]
        none = "belum ada akun media sosial" if not rows else ""
        active[opd_id] = Outcome(
            ratio(len(posting), len(rows)),
            none
            or "{} dari {} akun mengunggah bulan ini".format(len(posting), len(rows)),
            [_account_link(r, posted=r["posted"]) for r in rows],
        )
        health[opd_id] = Outcome(
            ratio(len(healthy), len(rows)),
            none
            or "{} dari {} akun dengan data 7 hari terakhir".format(
                len(healthy), len(rows)
            ),
            [_account_link(r, last_data=str(r["last_data"] or "")) for r in rows],
        )
    return {"social_active_accounts": active, "social_channel_health": health}


@rule("social_engagement_band", "social_follower_growth")
def social_audience(month: Month, cache: dict) -> dict[str, Results]:
    followers: dict[int, float] = defaultdict(float)
    before: dict[int, float] = defaultdict(float)
    interactions: dict[int, float] = defaultdict(float)
    for row in _accounts(month, cache):
        opd_id = row["opd_id"]
        if row["followers_end"] is not None:
            followers[opd_id] += row["followers_end"]
            interactions[opd_id] += row["interactions"] or 0
        if row["followers_end"] is not None and row["followers_start"] is not None:
            before[opd_id] += row["followers_start"]
    rates = {
        opd_id: Decimal(str(interactions[opd_id])) / Decimal(str(total))
        for opd_id, total in followers.items()
        if total
    }
    goals = month_targets(month, cache)
    floors = [goals[code] for code in FOLLOWER_BANDS]
    bands: dict[int, list[int]] = defaultdict(list)
    for opd_id in rates:
        bands[_follower_band(followers[opd_id], floors)].append(opd_id)
    engagement: Results = {}
    growth: Results = {}
    for opd_id in month.opd_ids:
        if opd_id not in rates:
            engagement[opd_id] = Outcome(None, "belum ada data pengikut")
        else:
            band = _follower_band(followers[opd_id], floors)
            peers = [rates[p] for p in bands[band]]
            engagement[opd_id] = Outcome(
                _percentile(rates[opd_id], peers),
                "keterlibatan {:.2%} dari {:,.0f} pengikut; {} OPD sekelas".format(
                    float(rates[opd_id]), followers[opd_id], len(peers)
                ).replace(",", "."),
            )
        if before.get(opd_id):
            change = (
                Decimal(str(followers[opd_id])) - Decimal(str(before[opd_id]))
            ) / Decimal(str(before[opd_id]))
            growth[opd_id] = Outcome(
                ratio(max(change, Decimal(0)), goals[Target.Code.FOLLOWER_GROWTH]),
                "pengikut {:+.2%} bulan ini".format(float(change)),
            )
        else:
            growth[opd_id] = Outcome(None, "belum ada data pengikut awal bulan")
    return {"social_engagement_band": engagement, "social_follower_growth": growth}


# Engagement is compared only among OPDs of a similar audience: the floors
# of the second, third and fourth follower bands.
FOLLOWER_BANDS = (
    Target.Code.FOLLOWER_BAND_1,
    Target.Code.FOLLOWER_BAND_2,
    Target.Code.FOLLOWER_BAND_3,
)


def _follower_band(followers: float, floors: list[Decimal]) -> int:
    return sum(1 for floor in floors if followers >= floor)


def _percentile(value: Decimal, peers: list[Decimal]) -> Decimal:
    """Where ``value`` stands among its peers, 0 (lowest) to 1 (highest);
    ties share the middle of their places."""
    if len(peers) == 1:
        return Decimal(1) if value > 0 else Decimal(0)
    below = sum(1 for p in peers if p < value)
    equal = sum(1 for p in peers if p == value)
    place = Decimal(below) + Decimal(equal - 1) / 2
    return (place / (len(peers) - 1)).quantize(Decimal("0.0001"))


@rule(
    "social_posting_rate",
    "social_content_mix",
    "social_video_length",
    "social_ppid_announcements",
)
def social_posts(month: Month, cache: dict) -> dict[str, Results]:
    posts = Post.objects.filter(
        account__opd_id__in=month.opd_ids,
        account__is_active=True,
        published_at__gte=month.start_at,
        published_at__lt=month.end_at,
    )
    # Dinkominfo's house rules as the year's framework holds them, not as
    # socialposts/targets.py holds them today (the account pages' reading).
    goals = month_targets(month, cache)
    video = Q(content_type__in=targets.VIDEO_TYPES)
    limit = int(goals[Target.Code.VIDEO_MAX_SECONDS])
    counts = {
        row["account__opd_id"]: row
        for row in posts.values("account__opd_id")
        .annotate(
            total=Count("pk"),
            visual=Count("pk", filter=Q(content_type__in=targets.VISUAL_TYPES)),
            videos=Count("pk", filter=video & Q(duration_seconds__isnull=False)),
            short=Count("pk", filter=video & Q(duration_seconds__lte=limit)),
            ppid=Count("pk", filter=Q(information_item__isnull=False)),
            last=Max("published_at"),
        )
        .order_by()
    }
    sample = (
        posts.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("account__opd_id")],
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(row__lte=EVIDENCE_CAP)
        .values_list(
            "pk",
            "account__opd_id",
            "account_id",
            "permalink",
            "published_at",
            "content_type",
            "duration_seconds",
            "information_item_id",
        )
    )
    evidence: dict[int, list[dict]] = defaultdict(list)
    for pk, opd_id, account_id, link, published, kind, duration, item_id in sample:
        evidence[opd_id].append(
            {
                "kind": "post",
                "id": pk,
                "label": "{:%Y-%m-%d} {}".format(timezone.localtime(published), kind),
                "url": link
                or reverse("socialposts:account-detail", kwargs={"pk": account_id}),
                "content_type": kind,
                "duration": duration,
                "ppid_item": item_id,
            }
        )
    results: dict[str, Results] = defaultdict(dict)
    for opd_id in month.opd_ids:
        c = counts.get(opd_id, defaultdict(int))
        shown = evidence.get(opd_id, [])
        per_week = Decimal(c["total"]) / month.weeks
        results["social_posting_rate"][opd_id] = Outcome(
            ratio(per_week, goals[Target.Code.POSTS_PER_WEEK]),
            "{} unggahan, {:.1f} per minggu".format(c["total"], float(per_week)),
            shown,
        )
        if c["total"]:
            visual = Decimal(c["visual"]) / c["total"]
            results["social_content_mix"][opd_id] = Outcome(
                ratio(visual, goals[Target.Code.VISUAL_SHARE]),
                "{:.0%} infografis dan video".format(float(visual)),
                [e for e in shown if e["content_type"] in targets.VISUAL_TYPES],
            )
            announced = Decimal(c["ppid"]) / c["total"]
            results["social_ppid_announcements"][opd_id] = Outcome(
                ratio(announced, goals[Target.Code.PPID_SHARE]),
                "{} dari {} unggahan mengumumkan informasi PPID".format(
                    c["ppid"], c["total"]
                ),
                [e for e in shown if e["ppid_item"]],
            )
        else:
            for name in ("social_content_mix", "social_ppid_announcements"):
                results[name][opd_id] = Outcome(None, "tidak ada unggahan bulan ini")
        results["social_video_length"][opd_id] = Outcome(
            ratio(c["short"], c["videos"]) if c["videos"] else None,
            "{} dari {} video paling lama {} detik".format(
                c["short"], c["videos"], limit
            ),
            [e for e in shown if e["content_type"] in targets.VIDEO_TYPES],
        )
    return dict(results)
