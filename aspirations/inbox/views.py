"""The inbox's staff pages: the queue, a case with its steps, and the ready
answers. Views load, check, call a service and redirect; who may do what
is ``opds.permissions``'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspirations import events
from aspirations.inbox import filters, selectors, services
from aspirations.inbox.forms import (
    CannedResponseForm,
    DuplicateForm,
    ManualCaseForm,
    NoteForm,
    PostponeForm,
    ReasonForm,
    ReplyForm,
    RouteForm,
    TriageForm,
)
from aspirations.inbox.models import OPEN_STATES, CannedResponse, Case, Message, State
from core import paging
from core.forms import add_service_errors
from opds import permissions as perms
from opds.models import User

# --- The queue ---------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> QueryDict:
    """The query as given; with no view chosen, the coordinator starts on
    the cases to verify and route, everyone else on the open cases."""
    data = request.GET.copy()
    if "view" not in data:
        data["view"] = (
            filters.UNROUTED
            if perms.can_coordinate_aspirations(request.user)
            else filters.OPEN
        )
    return data


@perms.staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The cases of the user's scope, filtered, with their clocks."""
    data = _queue_filters(request)
    filterset = filters.CaseFilter(
        data, queryset=selectors.queue_queryset(request.user)
    )
    page = paging.page(request, filterset.qs)
    now = services.now()
    query = data.copy()
    query.pop("page", None)
    query_string = query.urlencode()
    return render(
        request,
        "aspirations/inbox/queue.html",
        {
            "filterset": filterset,
            "page": page,
            "pagination": paging.pagination(
                page, paging.page_links(page), query_string
            ),
            "rows": selectors.queue_rows(request.user, page.object_list, now),
            "query": query_string,
            "counts": selectors.queue_counts(request.user, now),
            "view": data.get("view"),
            "is_coordinator": perms.can_coordinate_aspirations(request.user),
            "can_manage_canned": perms.can_coordinate_aspirations(request.user)
            or request.user.role == User.Role.OPD_ADMIN,
            "can_record": selectors.manual_accounts(request.user).exists(),
        },
    )


# --- One case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step of the case page: its form, who may take it, the service call
    and what the success message says."""

    form: type[forms.Form] | None
    allowed: Callable[[User, Case], bool]
    run: Callable[[Case, User, dict[str, Any]], Any]
    done: Callable[[Case, dict[str, Any]], str]


PRE_ROUTE = selectors.PRE_ROUTE
WITH_OPD = selectors.WITH_OPD


def _coordinates(states: frozenset | set) -> Callable[[User, Case], bool]:
    return lambda user, case: (
        perms.can_coordinate_aspirations(user) and case.state in states
    )


def _handles(states: frozenset | set) -> Callable[[User, Case], bool]:
    return lambda user, case: perms.can_handle_case(user, case) and case.state in states


def _reply_done(case: Case, data: dict[str, Any]) -> str:
    if data["reply_kind"] == Message.ReplyKind.NOTE:
        return _("The internal note was saved.")
    if case.channel == events.PORTAL:
        said = _("The reply was published on the citizen's tracking page.")
    else:
        said = _("The reply was queued for sending to the citizen.")
    if data.get("follow_up"):
        said += " " + _("It was recorded as the follow-up.")
    return said


def _follow_up_done(case: Case, data: dict[str, Any]) -> str:
    case.refresh_from_db(fields=["auto_close_on"])
    return _(
        "The follow-up was recorded: the case closes by itself on %(day)s"
        " unless the citizen replies."
    ) % {"day": date_format(case.auto_close_on, "j F Y")}


STEPS: dict[str, Step] = {
    "verify": Step(
        NoteForm,
        _coordinates({State.NEW, State.POSTPONED}),
        lambda c, u, d: services.verify(case=c, by=u, note=d["note"]),
        lambda c, d: _("The case was verified."),
    ),
    "postpone": Step(
        PostponeForm,
        _coordinates({State.NEW, State.VERIFIED}),
        lambda c, u, d: services.postpone(
            case=c, by=u, until=d["until"], reason=d["reason"]
        ),
        lambda c, d: _("The case was postponed."),
    ),
    "route": Step(
        RouteForm,
        _coordinates(PRE_ROUTE),
        lambda c, u, d: services.route(case=c, by=u, opd=d["opd"], note=d["note"]),
        lambda c, d: _("The case was routed to %(opd)s.") % {"opd": d["opd"].name},
    ),
    "not-ours": Step(
        ReasonForm,
        _handles(WITH_OPD),
        lambda c, u, d: services.not_ours(case=c, by=u, reason=d["reason"]),
        lambda c, d: _("The case was sent back to the coordinator to be routed again."),
    ),
    "take-up": Step(
        None,
        _handles({State.ROUTED}),
        lambda c, u, d: services.take_up(case=c, by=u),
        lambda c, d: _("You took up the case: it is in progress."),
    ),
    "reply": Step(
        ReplyForm,
        _handles(set(OPEN_STATES) - {State.POSTPONED}),
        lambda c, u, d: services.reply(case=c, by=u, **d),
        _reply_done,
    ),
    "follow-up": Step(
        NoteForm,
        _handles(WITH_OPD),
        lambda c, u, d: services.record_follow_up(case=c, by=u, note=d["note"]),
        _follow_up_done,
    ),
    "close": Step(
        NoteForm,
        _handles({State.ANSWERED}),
        lambda c, u, d: services.close(case=c, by=u, note=d["note"]),
        lambda c, d: _("The case was closed."),
    ),
    "archive": Step(
        ReasonForm,
        _coordinates(OPEN_STATES),
        lambda c, u, d: services.archive(case=c, by=u, reason=d["reason"]),
        lambda c, d: _("The case was archived."),
    ),
    "duplicate": Step(
        DuplicateForm,
        lambda user, case: perms.can_coordinate_aspirations(user),
        lambda c, u, d: services.mark_duplicate(case=c, of=d["duplicate_of"], by=u),
        lambda c, d: (
            _("The case was joined to the same matter as %(number)s.")
            % {"number": d["duplicate_of"].number}
        ),
    ),
    "triage": Step(
        TriageForm,
        lambda user, case: perms.can_handle_case(user, case),
        lambda c, u, d: services.correct_triage(
            case=c, by=u, kind=d["kind"], topic=d["topic"]
        ),
        lambda c, d: _("The triage was corrected."),
    ),
}


def _form(
    name: str, user: User, case: Case, data: Any = None, initial: dict | None = None
) -> forms.Form:
    form_class = STEPS[name].form
    kwargs: dict[str, Any] = {"prefix": name, "initial": initial}
    if form_class is ReplyForm:
        kwargs.update(case=case, user=user)
    if form_class is DuplicateForm:
        kwargs["user"] = user
    return form_class(data, **kwargs)


def _initial(name: str, case: Case, request: HttpRequest) -> dict[str, Any] | None:
    if name == "route":
        return {"opd": case.suggested_opd or case.opd}
    if name == "triage":
        return {"kind": case.kind, "topic": case.topic}
    if name == "reply" and request.GET.get("jawaban", "").isdigit():
        return {"canned": int(request.GET["jawaban"])}
    return None


def _case(request: HttpRequest, pk: int) -> Case:
    found = selectors.case_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _case_context(
    request: HttpRequest, case: Case, bound: forms.Form | None = None
) -> dict[str, Any]:
    user = request.user
    now = services.now()
    allowed = {name: step.allowed(user, case) for name, step in STEPS.items()}
    # Templates read the names with underscores ("not_ours").
    steps = {name.replace("-", "_"): ok for name, ok in allowed.items()}
    step_forms = {}
    for name, step in STEPS.items():
        if step.form is None or not allowed[name]:
            continue
        if bound is not None and bound.prefix == name:
            form = bound
        else:
            form = _form(name, user, case, initial=_initial(name, case, request))
        step_forms[name.replace("-", "_")] = form
    handler = perms.can_handle_case(user, case)
    return {
        "case": case,
        "conversation": selectors.conversation(user, case),
        "clocks": selectors.case_clocks(case, now),
        "windows": selectors.open_windows(case, now),
        "now": now,
        "cluster": selectors.cluster(user, case),
        "events": list(case.events.all()),
        "files": list(case.files.all()),
        "steps": steps,
        "forms": step_forms,
        "any_step": any(steps.values()),
        "canned": list(selectors.canned_for(user, case)) if steps["reply"] else [],
        "name_shown": perms.can_see_citizen_name(user, case),
        "personal_shown": perms.can_see_case_personal_data(user, case),
        "is_coordinator": perms.can_coordinate_aspirations(user),
        "can_convert": handler and case.state in OPEN_STATES,
        "can_hide": handler
        and case.personal_data_exposed
        and case.channel in (events.INSTAGRAM_COMMENT, events.FACEBOOK_COMMENT),
        "title": selectors.shown_text(user, case, case.title),
        "topic_name": selectors.topic_name(case.topic) if case.topic else "",
    }


@perms.staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: its conversation, clocks, triage, history and steps."""
    case = _case(request, pk)
    return render(request, "aspirations/inbox/case.html", _case_context(request, case))


@require_POST
@perms.staff_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of a case; a refusal shows the page again with its reason
    and changes nothing."""
    case = _case(request, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    if not perms.can_handle_case(request.user, case) and not (
        perms.can_coordinate_aspirations(request.user)
    ):
        raise PermissionDenied
    form = _form(action, request.user, case, request.POST) if step.form else None
    if form is not None and not form.is_valid():
        return _redisplay(request, case, form)
    data = dict(form.cleaned_data) if form is not None else {}
    if isinstance(form, ReplyForm):
        data = form.service_arguments()
    try:
        step.run(case, request.user, data)
    except ValidationError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("aspirations:case", pk=case.pk)
        add_service_errors(form, exc)
        return _redisplay(request, case, form)
    messages.success(request, step.done(case, data))
    return redirect("aspirations:case", pk=case.pk)


def _redisplay(request: HttpRequest, case: Case, form: forms.Form) -> HttpResponse:
    # Said above the page too, with the field's name: the step's form may
    # not be on the page any more (its state changed meanwhile).
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, "{}: {}".format(label, error) if label else error)
    fresh = selectors.case_for(request.user, case.pk)
    context = _case_context(request, fresh, bound=form)
    context["open_step"] = form.prefix.replace("-", "_")
    return render(request, "aspirations/inbox/case.html", context, status=400)


# --- Ready answers -------------------------------------------------------------------


def _own_canned_opd(user: User) -> Any:
    """Whose ready answers ``user`` writes: the coordinator the regency's
    (None), an OPD admin its OPD's; False for anyone else."""
    if perms.can_coordinate_aspirations(user):
        return None
    if user.role == User.Role.OPD_ADMIN and user.opd_id:
        return user.opd
    return False


@perms.staff_required
def canned(request: HttpRequest) -> HttpResponse:
    """The ready answers the user may read, and a form to add one."""
    opd = _own_canned_opd(request.user)
    may_add = opd is not False and perms.can_manage_canned_responses(request.user, opd)
    form = CannedResponseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_canned_response(
                    by=request.user, opd=opd, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The ready answer was added."))
                return redirect("aspirations:canned")
        status = 400
    answers = [
        (answer, perms.can_manage_canned_responses(request.user, answer.opd))
        for answer in selectors.canned_list(request.user)
    ]
    return render(
        request,
        "aspirations/inbox/canned.html",
        {"answers": answers, "form": form, "may_add": may_add, "own_opd": opd},
        status=status,
    )


def _managed_canned(request: HttpRequest, pk: int) -> CannedResponse:
    answer = get_object_or_404(
        perms.canned_responses_visible_to(request.user).select_related("opd"), pk=pk
    )
    if not perms.can_manage_canned_responses(request.user, answer.opd):
        raise PermissionDenied
    return answer


@perms.staff_required
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one ready answer."""
    answer = _managed_canned(request, pk)
    form = CannedResponseForm(
        request.POST or None,
        initial={
            "title": answer.title,
            "text": answer.text,
            "whatsapp_template": answer.whatsapp_template,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned_response(
                by=request.user, opd=answer.opd, canned=answer, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The ready answer was saved."))
            return redirect("aspirations:canned")
    return render(
        request,
        "aspirations/inbox/canned_form.html",
        {"answer": answer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@perms.staff_required
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one ready answer."""
    answer = _managed_canned(request, pk)
    services.delete_canned_response(by=request.user, canned=answer)
    messages.success(
        request,
        _("The ready answer “%(title)s” was removed.") % {"title": answer.title},
    )
    return redirect(reverse("aspirations:canned"))


@perms.staff_required
def record(request: HttpRequest) -> HttpResponse:
    """Copy in a comment read in a platform's own app (TikTok's above all)."""
    accounts = selectors.manual_accounts(request.user)
    # The coordinator always has the page (it says when no account needs
    # it); anyone else only for an account of their own.
    if not accounts.exists() and not perms.can_coordinate_aspirations(request.user):
        raise Http404
    form = ManualCaseForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.record_manual(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The comment is recorded as case %(number)s.")
                % {"number": case.number},
            )
            return redirect("aspirations:case", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "aspirations/inbox/record.html", {"form": form}, status=status
    )
