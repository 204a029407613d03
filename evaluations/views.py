"""Staff pages of the monthly KIP-readiness evaluation: the months, the
kabupaten view of a month, an OPD's view, their files, and the reviewers'
and OPDs' workflow steps, each one call of a service.

Who may see what comes from opds.permissions: a report or score outside
the user's scope is a 404; a step the user may see but not take is a 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from evaluations import charts, pages, runs, selectors, services
from evaluations.exports import common, evidence, files, text
from evaluations.filters import OpdScoreFilterSet
from evaluations.forms import (
    BuildForm,
    ContestForm,
    DeadlineForm,
    DecisionForm,
    ManualScoresForm,
    MonthPickForm,
    percent_text,
)
from evaluations.models import Contest, ItemScore, MonthlyReport, OpdScore, ReportRun
from opds import permissions as perms

Status = MonthlyReport.Status
REPORT_FORMATS = files.REPORT_FORMATS
EVIDENCE_FORMATS = ("csv", "xlsx")


def _field_labels() -> dict[str, str]:
    """Names of the fields the services' errors are keyed by."""
    return {
        "month": _("Month"),
        "reason": _("Reason"),
        "deadline": _("Reply deadline"),
        "ratio": _("Fulfilment"),
        "percent": _("New fulfilment, %"),
        "comment": _("Comment"),
        "argument": _("Argument"),
        "evidence_url": _("Evidence link"),
        "decision": _("Decision"),
        "response": _("Response"),
        "reply": _("Reply"),
        "status": _("Status"),
    }


def _report_errors(
    request: HttpRequest, errors: dict[str, list[str]], form: Any = None
) -> None:
    """Each error as a message naming its field, as the form labels it."""
    labels = _field_labels()
    if form is not None:
        labels.update({name: str(f.label) for name, f in form.fields.items()})
    for field, messages_ in errors.items():
        for message in messages_:
            if field in labels:
                message = _("%(field)s: %(message)s") % {
                    "field": labels[field],
                    "message": message,
                }
            messages.error(request, message)


def _service_errors(request: HttpRequest, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        _report_errors(request, exc.message_dict)
    else:
        _report_errors(request, {"": exc.messages})


def _version(request: HttpRequest) -> int | None:
    raw = request.GET.get("versi")
    if not raw:
        return None
    # str.isdigit() also takes "²", which int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    return int(raw)


def _reports(
    request: HttpRequest, month: datetime.date
) -> tuple[MonthlyReport, list[int]]:
    """The month's report (``?versi=N`` or the latest) the user may see,
    and the versions the user may pick. Its callers are staff views."""
    wanted = _version(request)
    reports = selectors.month_versions(request.user, month)
    chosen = [r for r in reports if wanted is None or r.version == wanted]
    if not chosen:
        raise Http404
    return chosen[-1], [r.version for r in reports]


def _report(request: HttpRequest, month: datetime.date) -> MonthlyReport:
    return _reports(request, month)[0]


def _opd_score(request: HttpRequest, month: datetime.date, slug: str) -> OpdScore:
    """The OPD's score in the month's report, if the user may see it."""
    return _opd_scores(request, month, slug)[0]


def _opd_scores(
    request: HttpRequest, month: datetime.date, slug: str
) -> tuple[OpdScore, list[int]]:
    report, versions = _reports(request, month)
    opd_score = selectors.opd_score_for(request.user, report, slug)
    if opd_score is None:
        raise Http404
    return opd_score, versions


def _with_version(url: str, report: MonthlyReport) -> str:
    return "{}?versi={}".format(url, report.version)


def report_url(report: MonthlyReport) -> str:
    return _with_version(
        reverse("evaluations:report", kwargs={"month": report.month}), report
    )


def opd_url(opd_score: OpdScore) -> str:
    report = opd_score.report
    return _with_version(
        reverse(
            "evaluations:opd",
            kwargs={"month": report.month, "slug": opd_score.opd.slug},
        ),
        report,
    )


# --- Months ----------------------------------------------------------------------------


@perms.staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Every month the user may see, with its status and version."""
    can_review = perms.can_review_evaluations(request.user)
    last_month = services.previous_month(services.today())
    return render(
        request,
        "evaluations/months.html",
        {
            "months": selectors.months(request.user),
            "can_review": can_review,
            "can_view_kabupaten": perms.can_view_kabupaten_evaluation(request.user),
            "build_form": (
                BuildForm(initial={"month": "{:%Y-%m}".format(last_month)})
                if can_review
                else None
            ),
        },
    )


@require_POST
@perms.staff_required
def build(request: HttpRequest) -> HttpResponse:
    """Compute a month's draft, again, or as a new version of a final one."""
    if not perms.can_review_evaluations(request.user):
        raise PermissionDenied
    form = BuildForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors, form)
        return redirect("evaluations:index")
    month = form.cleaned_data["month"]
    reason = form.cleaned_data["reason"]
    try:
        services.precheck(month, reason=reason)
    except ValidationError as exc:
        _service_errors(request, exc)
        existing = selectors.report_for(request.user, month)
        return redirect(report_url(existing) if existing else "evaluations:index")
    # The computation runs in a worker; its page follows it.
    queued = runs.queue_run(
        month, trigger=ReportRun.Trigger.MANUAL, reason=reason, by=request.user
    )
    return redirect("evaluations:run", pk=queued.pk)


def _run(request: HttpRequest, pk: int) -> ReportRun:
    """A report run, for the reviewers only: to anyone else it is not there."""
    if not perms.can_review_evaluations(request.user):
        raise Http404
    return get_object_or_404(ReportRun.objects.select_related("report"), pk=pk)


def _run_text(run: ReportRun) -> str:
    """What the run page says of the run's state, in the user's language."""
    if run.status == ReportRun.Status.QUEUED:
        return _("Waiting for a worker to start computing %(month)s.") % {
            "month": "{:%Y-%m}".format(run.month)
        }
    if run.status == ReportRun.Status.RUNNING:
        return _("Computing the scores of every OPD for %(month)s…") % {
            "month": "{:%Y-%m}".format(run.month)
        }
    if run.status == ReportRun.Status.FAILED:
        # The sweep's own note, written when the worker was lost.
        if run.error == "worker lost":
            return _("The worker computing the month was lost. Start it again.")
        return run.error or _("The computation stopped without a message.")
    return _("%(month)s was computed: version %(version)s, %(count)s OPDs.") % {
        "month": "{:%Y-%m}".format(run.month),
        "version": run.report.version if run.report else "–",
        "count": run.opds,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """A month being computed: its state, polled by a static script (or
    refreshed without one); once it succeeded, the month's report."""
    found = _run(request, pk)
    if found.status == ReportRun.Status.SUCCEEDED and found.report is not None:
        messages.success(request, _run_text(found))
        return redirect(report_url(found.report))
    finished = found.status in (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED)
    return _no_store(
        render(
            request,
            "evaluations/run.html",
            {"run": found, "finished": finished, "text": _run_text(found)},
        )
    )


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's state for the page's script."""
    found = _run(request, pk)
    finished = found.status in (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED)
    succeeded = found.status == ReportRun.Status.SUCCEEDED and found.report is not None
    return _no_store(
        JsonResponse(
            {
                "status": found.status,
                "status_label": found.get_status_display(),
                "phase": found.status,
                "finished": finished,
                "message": _run_text(found),
                "report_url": report_url(found.report) if succeeded else "",
            }
        )
    )


# --- The kabupaten view ---------------------------------------------------------------


@perms.staff_required
def report(request: HttpRequest, month: datetime.date) -> HttpResponse:
    """Ranking, bands, heatmap, movers and stale data of a month; the
    reviewers' steps for its state."""
    user = request.user
    today = services.today()
    # What the page reads is kept until a write changes it (pages.MonthPage);
    # an OPD admin is sent to its own OPD's page first.
    page = figures = None
    if perms.can_view_kabupaten_evaluation(user):
        page = pages.cached_month(request, month, today)
        figures = pages.figures_of(page) if page is not None else None
    if page is None or figures is None:
        made = _month_page(request, month, today)
        if isinstance(made, HttpResponse):
            return made
        page, figures = made, made.figures
        page.head = render_to_string(
            pages.HEAD_TEMPLATE, _month_context(request, month, today, page)
        )
        pages.keep_month(request, month, today, page)
    context = _month_context(request, month, today, page)
    context["head"] = mark_safe(page.head)  # nosec B308 B703 # rendered by the template engine
    context["figures"] = mark_safe(figures)  # nosec B308 B703 # rendered by the template engine
    return render(request, "evaluations/report.html", context)


def _month_page(
    request: HttpRequest, month: datetime.date, today: datetime.date
) -> pages.MonthPage | HttpResponse:
    """What the page of ``month`` shows from the database, or where the
    user is sent instead."""
    user = request.user
    # One read of every visible report: this month's versions, the month
    # picker and the trend's months.
    visible = selectors.visible_reports(user)
    wanted = _version(request)
    in_month = [r for r in visible if r.month == month]
    chosen = [r for r in in_month if wanted is None or r.version == wanted]
    if not chosen:
        raise Http404
    found, versions = chosen[-1], [r.version for r in in_month]
    if not perms.can_view_kabupaten_evaluation(user):
        # An OPD admin sees its own OPD only: its page is the month for it.
        own = (
            selectors.opd_score_for(user, found, user.opd.slug) if user.opd_id else None
        )
        if own is None:
            raise Http404
        return redirect(opd_url(own))
    shown_months = sorted({r.month for r in visible}, reverse=True)
    picker = MonthPickForm(request.GET, months=shown_months)
    if "month" in request.GET and picker.is_valid():
        picked = picker.cleaned_data["month"]
        if picked != month:
            # The month picker keeps the kind filter, not the version.
            url = reverse("evaluations:report", kwargs={"month": picked})
            kind = request.GET.get("kind")
            return redirect(url + ("?" + urlencode({"kind": kind}) if kind else ""))
    scope = selectors.scores_in_scope(user, found)
    filterset = OpdScoreFilterSet(request.GET or None, queryset=scope)
    trend = selectors.average_trend(
        found,
        visible,
        OpdScoreFilterSet(
            request.GET or None, queryset=perms.evaluation_scores_visible_to(user)
        ).qs,
    )
    kind = filterset.form["kind"].value()

    def render_figures(known: selectors.Known) -> str:
        view = selectors.kabupaten(found, filterset.qs, known)
        return render_to_string(
            pages.FIGURES_TEMPLATE,
            {
                "report": found,
                "view": view,
                "kind": kind,
                "largest_band": max([row.count for row in view.distribution] + [1]),
                "trend": trend,
                "trend_points": selectors.trend_points(trend),
                "bands_chart": charts.dumps(charts.band_chart(view.distribution)),
                "average_chart": charts.dumps(charts.average_chart(trend)),
            },
        )

    # The ranking, bands, heatmap, movers and stale data: rendered once per
    # report content and filter (evaluations.pages).
    figures_key, figures = pages.figures_with_key(
        found,
        selectors.comparison_among(found, visible),
        filterset.qs,
        trend,
        str(kind or ""),
        render_figures,
    )
    page = pages.MonthPage(
        report=found,
        versions=versions,
        months=shown_months,
        figures=str(figures),
        figures_key=figures_key,
    )
    if found.status == Status.REPLY:
        page.contests = selectors.contests_of(found, scope)
        for contest in page.contests:
            contest.percent_now = percent_text(contest.item_score.ratio)
        if perms.can_review_evaluations(user):
            # The button is disabled, with its reason beside it, when
            # finalising would be refused.
            page.replies = selectors.replies(found)
            page.finalise_refusal = services.finalise_refusal(found, page.replies)
    return page


def _month_context(
    request: HttpRequest,
    month: datetime.date,
    today: datetime.date,
    page: pages.MonthPage,
) -> dict[str, Any]:
    """The page of ``month`` from what it read, with its forms."""
    found = page.report
    can_review = perms.can_review_evaluations(request.user)
    context: dict[str, Any] = {
        "report": found,
        "versions": page.versions,
        "can_review": can_review,
        "today": today,
    }
    if not page.head:
        # The pickers, for the top of the page (kept rendered with the
        # page's data); the scores were filtered where the page was read.
        context["filterset"] = OpdScoreFilterSet(
            request.GET or None, queryset=OpdScore.objects.none()
        )
        context["month_form"] = MonthPickForm(
            initial={"month": "{:%Y-%m}".format(month)}, months=page.months
        )
    # A preview is never opened for reply: no form offers it.
    if can_review and found.status == Status.DRAFT and not found.is_preview:
        context["deadline_form"] = DeadlineForm(
            initial={"deadline": today + datetime.timedelta(days=7)}
        )
    if found.status == Status.REPLY:
        context["contests"] = page.contests
        context["decision_form"] = DecisionForm() if can_review else None
        if can_review:
            context["replies"] = page.replies
            context["finalise_refusal"] = page.finalise_refusal
    return context


@perms.staff_required
def report_file(request: HttpRequest, month: datetime.date, fmt: str) -> HttpResponse:
    """The kabupaten report as PDF or XLSX."""
    found = _report(request, month)
    if fmt not in REPORT_FORMATS:
        raise Http404
    if not perms.can_view_kabupaten_evaluation(request.user):
        raise PermissionDenied
    return files.kabupaten_file(found, fmt)


@perms.staff_required
def whatsapp(request: HttpRequest, month: datetime.date) -> HttpResponse:
    """The kabupaten's summary as text to copy into WhatsApp."""
    found = _report(request, month)
    if not perms.can_view_kabupaten_evaluation(request.user):
        raise PermissionDenied
    return render(
        request,
        "evaluations/whatsapp.html",
        {
            "report": found,
            "text": text.whatsapp_summary(found),
            "back": report_url(found),
            "subject": _("Purbalingga Regency"),
        },
    )


@require_POST
@perms.staff_required
def open_reply(request: HttpRequest, month: datetime.date) -> HttpResponse:
    """Show the draft to the OPDs until the deadline."""
    found = _report(request, month)
    if not perms.can_review_evaluations(request.user):
        raise PermissionDenied
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors, form)
        return redirect(report_url(found))
    try:
        services.open_for_reply(
            found, by=request.user, deadline=form.cleaned_data["deadline"]
        )
    except ValidationError as exc:
        _service_errors(request, exc)
    else:
        messages.success(request, _("The report is open for the OPDs' reply."))
    return redirect(report_url(found))


@require_POST
@perms.staff_required
def finalise(request: HttpRequest, month: datetime.date) -> HttpResponse:
    """Lock the month."""
    found = _report(request, month)
    if not perms.can_review_evaluations(request.user):
        raise PermissionDenied
    try:
        services.finalise(found, by=request.user)
    except ValidationError as exc:
        _service_errors(request, exc)
    else:
        messages.success(request, _("The report is final."))
    return redirect(report_url(found))


@require_POST
@perms.staff_required
def decide(request: HttpRequest, month: datetime.date, pk: int) -> HttpResponse:
    """Accept a contest with a new fulfilment, or reject it; with reasons."""
    found = _report(request, month)
    contest = (
        Contest.objects.filter(
            item_score__opd_score__report=found,
            item_score__opd_score__in=selectors.scores_in_scope(request.user, found),
        )
        .select_related("item_score__opd_score__report")
        .filter(pk=pk)
        .first()
    )
    if contest is None:
        raise Http404
    if not perms.can_review_evaluations(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors, form)
        return redirect(report_url(found))
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.decide_contest(
            contest,
            by=request.user,
            accept=accept,
            response=form.cleaned_data["response"],
            ratio=form.cleaned_data["percent"] if accept else None,
        )
    except ValidationError as exc:
        _service_errors(request, exc)
    else:
        messages.success(
            request,
            _("The contest was accepted and the score changed.")
            if accept
            else _("The contest was rejected."),
        )
    return redirect(report_url(found))


# --- One OPD ---------------------------------------------------------------------------


@perms.staff_required
def opd(request: HttpRequest, month: datetime.date, slug: str) -> HttpResponse:
    """An OPD's month: score, breakdown, trend, actions and every item;
    the team's manual scores in a draft, the OPD's reply while open."""
    opd_score, versions = _opd_scores(request, month, slug)
    return _opd_page(request, opd_score, versions)


def _opd_page(
    request: HttpRequest,
    opd_score: OpdScore,
    versions: list[int],
    score_form: ManualScoresForm | None = None,
) -> HttpResponse:
    """The OPD's page; ``score_form`` is a refused scoring form to show
    again with its errors and what was typed."""
    found = opd_score.report
    user = request.user
    view = selectors.opd_view(opd_score)
    today = services.today()
    replying = (
        found.status == Status.REPLY
        and found.reply_deadline is not None
        and today <= found.reply_deadline
        and perms.can_reply_to_evaluation(user, opd_score.opd)
    )
    scoring = found.status == Status.DRAFT and perms.can_review_evaluations(user)
    if scoring and score_form is None:
        score_form = ManualScoresForm(
            item_scores=[s for s in view.items if s.item.method == "manual"]
        )
    return render(
        request,
        "evaluations/opd.html",
        {
            "report": found,
            "opd_score": opd_score,
            "opd": opd_score.opd,
            "view": view,
            "trend_points": selectors.trend_points(view.trend),
            "indicator_chart": charts.dumps(charts.indicator_chart(view.indicators)),
            "trend_chart": charts.dumps(charts.trend_chart(view.trend)),
            "versions": versions,
            "total": found.scores.count(),
            "can_view_kabupaten": perms.can_view_kabupaten_evaluation(user),
            "scoring": scoring,
            "can_agree": replying and opd_score.reply == "",
            "can_contest": replying and opd_score.reply != "agree",
            "deadline_passed": found.status == Status.REPLY
            and found.reply_deadline is not None
            and today > found.reply_deadline,
            "score_form": score_form if scoring else None,
            "contest_form": ContestForm() if replying else None,
        },
        # A refused scoring form comes back as the other refused forms do.
        status=400 if score_form is not None and score_form.is_bound else 200,
    )


@perms.staff_required
def opd_file(
    request: HttpRequest, month: datetime.date, slug: str, fmt: str
) -> HttpResponse:
    """The OPD's report as PDF or XLSX."""
    opd_score = _opd_score(request, month, slug)
    if fmt not in REPORT_FORMATS:
        raise Http404
    return files.opd_file(opd_score, fmt)


@perms.staff_required
def opd_evidence(
    request: HttpRequest, month: datetime.date, slug: str, fmt: str
) -> HttpResponse:
    """Every evidence link per item, for one indicator (``?indikator=``)
    or all."""
    opd_score = _opd_score(request, month, slug)
    if fmt not in EVIDENCE_FORMATS:
        raise Http404
    indicator = request.GET.get("indikator", "")
    suffix = "bukti-{}".format(indicator) if indicator else "bukti"
    return files.response(
        evidence.evidence_pack(opd_score, fmt, indicator),
        fmt,
        common.file_name(opd_score.report, fmt, opd_score.opd, suffix),
    )


@perms.staff_required
def opd_whatsapp(request: HttpRequest, month: datetime.date, slug: str) -> HttpResponse:
    """The OPD's summary as text to copy into WhatsApp."""
    opd_score = _opd_score(request, month, slug)
    return render(
        request,
        "evaluations/whatsapp.html",
        {
            "report": opd_score.report,
            "text": text.opd_whatsapp_summary(opd_score),
            "back": opd_url(opd_score),
            "subject": opd_score.opd.name,
        },
    )


def _item_score(opd_score: OpdScore, pk: int) -> ItemScore:
    item_score = (
        ItemScore.objects.filter(opd_score=opd_score, pk=pk)
        .select_related("item", "opd_score__report", "opd_score__opd")
        .first()
    )
    if item_score is None:
        raise Http404
    return item_score


@require_POST
@perms.staff_required
def score_opd(request: HttpRequest, month: datetime.date, slug: str) -> HttpResponse:
    """The team's scores of every manual item of an OPD, from one form: all
    are saved or, when one value is wrong, none, and the form comes back
    with every error and what was typed."""
    opd_score, versions = _opd_scores(request, month, slug)
    if not perms.can_review_evaluations(request.user):
        raise PermissionDenied
    if opd_score.report.status != Status.DRAFT:
        # Opened for reply since the page was shown: no form to come back to.
        messages.error(
            request, _("Manual items are scored while the report is a draft.")
        )
        return redirect(opd_url(opd_score))
    form = ManualScoresForm(
        request.POST, item_scores=selectors.manual_item_scores(opd_score)
    )
    if form.is_valid():
        changed = form.changed_scores()
        try:
            services.score_opd_items(opd_score, by=request.user, scores=changed)
        except ValidationError as exc:
            _service_errors(request, exc)
            return redirect(opd_url(opd_score))
        if changed:
            messages.success(
                request,
                ngettext(
                    "%(count)s score of %(opd)s was saved.",
                    "%(count)s scores of %(opd)s were saved.",
                    len(changed),
                )
                % {"count": len(changed), "opd": opd_score.opd.name},
            )
        else:
            messages.info(request, _("No score was changed."))
        return redirect(opd_url(opd_score) + "#nilai-manual")
    messages.error(request, _("Nothing was saved: correct the scores marked below."))
    return _opd_page(request, opd_score, versions, score_form=form)


@require_POST
@perms.staff_required
def agree(request: HttpRequest, month: datetime.date, slug: str) -> HttpResponse:
    """The OPD accepts its score."""
    opd_score = _opd_score(request, month, slug)
    if not perms.can_reply_to_evaluation(request.user, opd_score.opd):
        raise PermissionDenied
    try:
        services.agree(opd_score, by=request.user)
    except ValidationError as exc:
        _service_errors(request, exc)
    else:
        messages.success(request, _("Your OPD agrees with its score."))
    return redirect(opd_url(opd_score))


@require_POST
@perms.staff_required
def contest_item(
    request: HttpRequest, month: datetime.date, slug: str, pk: int
) -> HttpResponse:
    """The OPD contests one item with its argument and evidence."""
    opd_score = _opd_score(request, month, slug)
    item_score = _item_score(opd_score, pk)
    if not perms.can_reply_to_evaluation(request.user, opd_score.opd):
        raise PermissionDenied
    form = ContestForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form.errors, form)
        return redirect(opd_url(opd_score))
    try:
        services.contest(
            item_score,
            by=request.user,
            argument=form.cleaned_data["argument"],
            evidence_url=form.cleaned_data["evidence_url"],
        )
    except ValidationError as exc:
        _service_errors(request, exc)
    else:
        messages.success(
            request,
            _("Your objection to %(item)s was sent to the Dinkominfo team.")
            % {"item": item_score.item.name},
        )
    return redirect(opd_url(opd_score))
