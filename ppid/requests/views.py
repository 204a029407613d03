"""Pages of information requests: the public form, tracking and objections,
the staff registers of requests and objections with their actions, the
OPDs' fees, the statistics and the yearly report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import paging
from core.forms import add_service_errors
from opds import permissions as perms
from opds.models import Opd
from ppid.reports import selectors as report_selectors
from ppid.requests import exports as request_exports
from ppid.requests import fees, personal_data, receipt, tracking
from ppid.requests import selectors as request_selectors
from ppid.requests import services as rs
from ppid.requests.forms import (
    AnswerForm,
    ComplyForm,
    DisputeResultForm,
    HandoverForm,
    InformationRequestForm,
    ObjectionAnswerForm,
    ObjectionForm,
    OpdObjectionForm,
    PaymentForm,
    ReasonForm,
    RouteForm,
    TariffForm,
    TrackingForm,
)
from ppid.requests.models import Dispute, InformationRequest, Objection, RequestFile
from ppid.requests.throttles import RequestSubmissionThrottle, RequestTrackingThrottle

# Error reports (mail_admins, the DEBUG page) must not show these.
PERSONAL_FIELDS = ("nik", "phone", "email", "address", "tracking_code")
SESSION_NEW = "ppid_new_request"
SESSION_TRACKED = "ppid_tracked_requests"
SESSION_NEW_OBJECTION = "ppid_new_objection"
SESSION_TRACKED_OBJECTIONS = "ppid_tracked_objections"


def _throttled(request: HttpRequest, throttle: Any) -> bool:
    return not throttle.allow_request(request, None)


# --- Public ---------------------------------------------------------------------


@sensitive_post_parameters(*PERSONAL_FIELDS)
def request_form(request: HttpRequest) -> HttpResponse:
    """Ask for information: the rights, the steps and the form."""
    status = 200
    if request.method == "POST":
        form = InformationRequestForm(
            request.POST, request.FILES, session=request.session
        )
        if _throttled(request, RequestSubmissionThrottle()):
            form.add_error(
                None,
                _("Too many requests from your address; try again in an hour."),
            )
            status = 429
        elif form.is_valid():
            try:
                created, code = rs.submit_request(
                    data=form.request_data(),
                    identity_scan=form.cleaned_data.get("identity_scan"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form.release_held_files()
                request.session[SESSION_NEW] = [created.pk, code]
                _remember(request, created)
                return redirect("ppid:request-sent")
        if status == 200:
            status = 400
        if status != 429:
            # A refused flood keeps nothing: the throttle bounds what an
            # address can leave on the disk.
            form.keep_uploads()
    else:
        # A search that found nothing links here with what was looked for.
        asked = request.GET.get("informasi", "").strip()[:1000]
        form = InformationRequestForm(
            initial={"requested_information": asked} if asked else None
        )
    context = {"form": form, "receipt_rule": rs.receipt_rule()}
    return render(request, "ppid/requests/form.html", context, status=status)


def request_sent(request: HttpRequest) -> HttpResponse:
    """The registration number and the tracking code, shown once."""
    new = request.session.pop(SESSION_NEW, None)
    if not new:
        return redirect("ppid:request-track")
    created = InformationRequest.objects.get(pk=new[0])
    return render(
        request, "ppid/requests/sent.html", {"request_obj": created, "code": new[1]}
    )


def _remember(request: HttpRequest, found: InformationRequest) -> None:
    # The session, not the URL, carries the proof: codes never reach logs.
    tracked = set(request.session.get(SESSION_TRACKED, []))
    tracked.add(found.pk)
    request.session[SESSION_TRACKED] = sorted(tracked)[-20:]


def _tracked_or_none(request: HttpRequest, number: str) -> InformationRequest | None:
    found = rs.request_by_number(number)
    if found is None or found.pk not in request.session.get(SESSION_TRACKED, []):
        return None
    return found


def _tracked(request: HttpRequest, number: str) -> InformationRequest:
    found = _tracked_or_none(request, number)
    if found is None:
        raise Http404
    return found


def _number_shown(number: str) -> str:
    if rs.is_objection_number(number):
        return rs.canonical_objection_number(number)
    return rs.canonical_request_number(number)


def _ask_for_code(request: HttpRequest, number: str) -> HttpResponse:
    """The tracking form with ``number`` filled in: what a bookmarked or
    e-mailed link shows in a browser that has not given the code. The same
    page for any number, so it tells nothing about the request."""
    if "\x00" in number:
        raise Http404  # not a number anyone was given
    form = TrackingForm(initial={"registration_number": _number_shown(number)[:40]})
    form.fields["tracking_code"].widget.attrs["autofocus"] = True
    response = render(
        request,
        "ppid/requests/track.html",
        {"form": form, "asked_number": form.initial["registration_number"]},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@sensitive_post_parameters(*PERSONAL_FIELDS)
def request_track(request: HttpRequest) -> HttpResponse:
    """Find a request by its registration number and tracking code."""
    # Bound on every POST: an empty one must still get the form's errors.
    form = TrackingForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" and request.GET.get("nomor"):
        return _ask_for_code(request, request.GET["nomor"])
    status = 200
    if request.method == "POST":
        status = 400
        if _throttled(request, RequestTrackingThrottle()):
            form.add_error(None, _("Too many attempts; try again in an hour."))
            status = 429
        elif form.is_valid():
            number = form.cleaned_data["registration_number"]
            code = form.cleaned_data["tracking_code"]
            if rs.is_objection_number(number):
                # An objection on ground b has no request: it is its own entry.
                objection = rs.find_objection_by_code(number, code)
                if objection is not None:
                    _remember_objection(request, objection)
                    return redirect("ppid:objection-status", number=objection.url_key)
            found = rs.find_by_code(number, code)
            if found is not None:
                _remember(request, found)
                return redirect("ppid:request-status", number=found.url_key)
            form.add_error(
                "tracking_code",
                _("No request matches this registration number and tracking code."),
            )
    return render(request, "ppid/requests/track.html", {"form": form}, status=status)


def request_status(request: HttpRequest, number: str) -> HttpResponse:
    """What the requester sees: status, steps, what happens next, answer,
    objections. Without the code in this session: the tracking form."""
    found = _tracked_or_none(request, number)
    if found is None:
        if request.method == "POST":
            raise Http404
        return _ask_for_code(request, number)
    objections = list(found.objections.select_related("dispute"))
    open_now = tracking.objection_grounds(found, objections)
    form = ObjectionForm(grounds=open_now)
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, grounds=open_now)
        status = 400
        if _throttled(request, RequestSubmissionThrottle()):
            form.add_error(None, _("Too many attempts; try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                rs.file_objection(
                    info_request=found,
                    reason=form.cleaned_data["reason"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your objection was filed."))
                return redirect("ppid:request-status", number=found.url_key)
    context = {
        "request_obj": found,
        "events": found.events.filter(is_public=True),
        "answer_files": found.files.filter(kind=RequestFile.Kind.ANSWER),
        "objection_files": found.files.filter(kind=RequestFile.Kind.OBJECTION_ANSWER),
        "objections": [(o, tracking.objection_steps(o)) for o in objections],
        "objection_window": tracking.objection_form_window(found, objections),
        "steps": tracking.request_steps(found),
        "next_steps": tracking.next_steps(found, objections),
        "form": form,
        "today": rs.today(),
    }
    response = render(request, "ppid/requests/status.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def request_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The bukti permohonan as PDF, for the requester who proved the code."""
    found = _tracked(request, number)
    track_url = request.build_absolute_uri(
        reverse("ppid:request-status", args=[found.url_key])
    )
    response = HttpResponse(
        receipt.receipt_pdf(found, track_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        'inline; filename="bukti-permohonan-{}.pdf"'.format(found.url_key.lower())
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def objection_response(
    request: HttpRequest, number: str, objection_id: int
) -> HttpResponse:
    """The requester accepts the Atasan's answer or goes to the Komisi Informasi."""
    found = _tracked(request, number)
    if _throttled(request, RequestSubmissionThrottle()):
        message = _("Too many attempts; try again in an hour.")
        return render(request, "429.html", {"message": message}, status=429)
    objection = found.objections.filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    try:
        rs.respond_to_objection_answer(
            objection=objection, accept=request.POST.get("accept") == "1"
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your response was recorded."))
    return redirect("ppid:request-status", number=found.url_key)


def requester_file(request: HttpRequest, number: str, file_id: int) -> FileResponse:
    """An answer's file, for the requester who proved the tracking code."""
    found = _tracked(request, number)
    record = found.files.filter(
        pk=file_id,
        kind__in=[RequestFile.Kind.ANSWER, RequestFile.Kind.OBJECTION_ANSWER],
    ).first()
    if record is None:
        raise Http404
    return _serve(record)


def _serve(record: RequestFile) -> FileResponse:
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@sensitive_post_parameters(*PERSONAL_FIELDS)
def objection_form(request: HttpRequest) -> HttpResponse:
    """Object to an agency that did not provide periodic information (UU
    Pasal 35(1)b): no request needed. Other grounds are filed from the
    request's own page."""
    status = 200
    if request.method == "POST":
        form = OpdObjectionForm(request.POST)
        status = 400
        if _throttled(request, RequestSubmissionThrottle()):
            form.add_error(None, _("Too many attempts; try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                objection = rs.file_objection(**form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[SESSION_NEW_OBJECTION] = [
                    objection.pk,
                    objection.tracking_code,
                ]
                _remember_objection(request, objection)
                return redirect("ppid:objection-sent")
    else:
        form = OpdObjectionForm()
    return render(
        request, "ppid/requests/objection_form.html", {"form": form}, status=status
    )


def objection_sent(request: HttpRequest) -> HttpResponse:
    """The objection number and the tracking code, shown once."""
    new = request.session.pop(SESSION_NEW_OBJECTION, None)
    if not new:
        return redirect("ppid:request-track")
    objection = Objection.objects.select_related("opd").get(pk=new[0])
    return render(
        request,
        "ppid/requests/objection_sent.html",
        {"objection": objection, "code": new[1]},
    )


def _remember_objection(request: HttpRequest, objection: Objection) -> None:
    tracked = set(request.session.get(SESSION_TRACKED_OBJECTIONS, []))
    tracked.add(objection.pk)
    request.session[SESSION_TRACKED_OBJECTIONS] = sorted(tracked)[-20:]


def objection_status(request: HttpRequest, number: str) -> HttpResponse:
    """What the objector of a ground-b objection sees: the Atasan's answer,
    the PPID's new answer, and the response to the answer."""
    objection = Objection.objects.filter(
        objection_number=rs.canonical_objection_number(number), request__isnull=True
    ).first()
    tracked = request.session.get(SESSION_TRACKED_OBJECTIONS, [])
    if objection is None or objection.pk not in tracked:
        if request.method == "POST":
            raise Http404
        return _ask_for_code(request, number)
    if request.method == "POST":
        if _throttled(request, RequestSubmissionThrottle()):
            message = _("Too many attempts; try again in an hour.")
            return render(request, "429.html", {"message": message}, status=429)
        try:
            rs.respond_to_objection_answer(
                objection=objection, accept=request.POST.get("accept") == "1"
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your response was recorded."))
        return redirect("ppid:objection-status", number=objection.url_key)
    return render(
        request,
        "ppid/requests/objection_status.html",
        {"objection": objection, "today": rs.today()},
    )


def statistics_page(request: HttpRequest) -> HttpResponse:
    """Public figures of the request register, per year and per OPD."""
    years = request_selectors.years_with_requests()
    year = request_selectors.parse_year(request.GET.get("tahun") or years[0])
    opd = request_selectors.opd_from(request.GET.get("opd"))
    figures = request_selectors.request_statistics(year, opd)
    largest = max([row["total"] for row in figures["by_opd"]] or [1])
    return render(
        request,
        "ppid/requests/statistics.html",
        {
            "figures": figures,
            "summary": request_exports.summary_lines(figures),
            "objection_lines": request_exports.objection_lines(figures),
            "dispute_lines": request_exports.dispute_lines(figures),
            "report_state": report_selectors.report_status(year),
            "years": years,
            "year": year,
            "opd": opd,
            "opds": Opd.objects.active().order_by("name").only("slug", "name"),
            "largest": largest,
        },
    )


def yearly_report(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    """The Laporan Layanan Informasi Publik of a year (UU Pasal 12; Perki
    1/2021 Pasal 56). Its written parts are public once published;
    ``?draf=1`` shows PPID Utama the draft."""
    if request_selectors.parse_year(year) != int(year):
        raise Http404
    drafts = bool(request.GET.get("draf")) and perms.can_edit_yearly_report(
        request.user
    )
    figures = request_selectors.request_statistics(int(year))
    body, content_type = request_exports.yearly_report(
        figures,
        fmt,
        contents=report_selectors.report_contents(int(year), drafts=drafts),
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        'attachment; filename="laporan-layanan-informasi-publik-{}{}.{}"'.format(
            year, "-draf" if drafts else "", fmt
        )
    )
    if drafts:
        response["Cache-Control"] = "private, no-store"
    return response


# --- Staff ------------------------------------------------------------------------


@perms.staff_required
def register(request: HttpRequest) -> HttpResponse:
    """The request register (buku register permohonan) of the user's scope."""
    filterset = request_selectors.register_filter(
        user=request.user, filters=request.GET
    )
    page = paging.page(request, filterset.qs)
    return render(
        request,
        "ppid/requests/register.html",
        {
            "filterset": filterset,
            "page": page,
            "query": paging.query_without_page(request),
            "can_record": perms.can_record_requests(request.user),
            "soon": rs.due_soon_limit(),
            "today": rs.today(),
        },
    )


@perms.staff_required
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The register as CSV or XLSX, never with a NIK; the requester's
    address and contact only on the rows the user handles, logged."""
    filterset = request_selectors.register_filter(
        user=request.user, filters=request.GET
    )
    rows = list(filterset.qs)
    body, content_type = request_exports.register(rows, fmt, request.user)
    personal_data.audit_contact_export(
        request.user, request_exports.contact_rows_shown(rows, request.user)
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        'attachment; filename="register-permohonan.{}"'.format(fmt)
    )
    return response


@perms.staff_required
def objection_register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The objection register as CSV or XLSX."""
    filterset = request_selectors.objection_register_filter(
        user=request.user, filters=request.GET
    )
    body, content_type = request_exports.objection_register(filterset.qs, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        'attachment; filename="register-keberatan.{}"'.format(fmt)
    )
    return response


@perms.staff_required
def tariffs(request: HttpRequest) -> HttpResponse:
    """The fees of the OPDs of the user's scope (UU Pasal 22(7)g)."""
    rows = [
        (opd, tariff, perms.can_set_tariff(request.user, opd))
        for opd, tariff in request_selectors.tariffs_for(request.user)
    ]
    return render(request, "ppid/requests/tariffs.html", {"rows": rows})


@perms.staff_required
def tariff_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Set an OPD's fees for copies and delivery."""
    opd = perms.opds_visible_to(request.user).filter(slug=slug).first()
    if opd is None:
        raise Http404
    if not perms.can_set_tariff(request.user, opd):
        raise PermissionDenied
    tariff = fees.tariff_of(opd)
    status = 200
    if request.method == "POST":
        form = TariffForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                rs.set_tariff(opd=opd, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The tariff was saved."))
                return redirect("ppid:tariffs")
    else:
        form = TariffForm(tariff=tariff)
    return render(
        request,
        "ppid/requests/tariff_form.html",
        {"form": form, "opd": opd, "tariff": tariff},
        status=status,
    )


@sensitive_post_parameters(*PERSONAL_FIELDS)
@login_required
def record_request(request: HttpRequest) -> HttpResponse:
    """Record a request received on paper, by e-mail, by telephone or in person."""
    if not perms.can_record_requests(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = InformationRequestForm(
            request.POST, request.FILES, staff=True, session=request.session
        )
        status = 400
        if form.is_valid():
            try:
                created, code = rs.submit_request(
                    data=form.request_data(),
                    identity_scan=form.cleaned_data.get("identity_scan"),
                    by=request.user,
                    channel=form.cleaned_data["channel"],
                    received_on=form.cleaned_data["received_on"],
                    received_time=form.cleaned_data.get("received_time"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form.release_held_files()
                messages.success(
                    request,
                    _(
                        "Recorded as %(number)s. Give the requester the tracking code %(code)s."
                    )
                    % {"number": created.registration_number, "code": code},
                )
                return redirect(created)
        form.keep_uploads()
    else:
        form = InformationRequestForm(staff=True, initial={"received_on": rs.today()})
    return render(request, "ppid/requests/record.html", {"form": form}, status=status)


def _staff_request(request: HttpRequest, number: str) -> InformationRequest:
    found = request_selectors.request_detail(request.user, number)
    if found is None:
        raise Http404
    return found


@perms.staff_required
def staff_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A request with its timeline, the NIK for its handler, and the actions."""
    found = _staff_request(request, number)
    return render(request, "ppid/requests/detail.html", _detail_context(request, found))


def _detail_context(
    request: HttpRequest, found: InformationRequest, **forms: Any
) -> dict[str, Any]:
    user = request.user
    can_process = perms.can_process_request(user, found)
    handler = perms.can_view_full_nik(user, found)
    return {
        "request_obj": found,
        "nik": rs.full_nik(found, user),
        "is_handler": handler,
        "can_process": can_process and found.is_open,
        "can_close": can_process
        and found.status == InformationRequest.Status.ANSWERED
        and rs.close_refusal(found) is None,
        "can_route": perms.can_route_requests(user) and found.is_open,
        "can_extend": can_process and found.is_open and not found.was_extended,
        "can_record_objection": perms.can_record_objection(user, found),
        "can_answer_objections": perms.can_decide_objections(user),
        "files": [
            f
            for f in found.files.all()
            if f.kind != RequestFile.Kind.IDENTITY or handler
        ],
        "route_form": forms.get("route_form") or RouteForm(initial={"opd": found.opd}),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "answer_form": forms.get("answer_form")
        or AnswerForm(user=user, tariff=fees.tariff_of(found.opd)),
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"paid_on": rs.today()}),
        "handover_form": forms.get("handover_form")
        or HandoverForm(initial={"delivered_on": rs.today()}),
        "can_pay": can_process and found.has_cost and found.paid_on is None,
        "can_hand_over": can_process
        and found.gives_information
        and found.delivered_on is None,
        "objection_form": forms.get("objection_form")
        or ObjectionForm(
            staff=True, initial={"filed_on": rs.today(), "channel": "surat"}
        ),
        "objection_answer_form": forms.get("objection_answer_form")
        or ObjectionAnswerForm(),
        "disputes": _disputes(
            user,
            Dispute.objects.filter(objection__request=found),
            forms.get("dispute_form"),
        ),
        "comply_form": forms.get("comply_form") or ComplyForm(),
        "can_comply": can_process,
        "soon": rs.due_soon_limit(),
        "today": rs.today(),
    }


STEPS = {
    "register": (None, lambda r, u, d: rs.register_request(info_request=r, by=u)),
    "complete": (None, lambda r, u, d: rs.mark_complete(info_request=r, by=u)),
    "close": (None, lambda r, u, d: rs.close_request(info_request=r, by=u)),
    "incomplete": (
        ReasonForm,
        lambda r, u, d: rs.mark_incomplete(info_request=r, by=u, reason=d["reason"]),
    ),
    "extend": (
        ReasonForm,
        lambda r, u, d: rs.extend_request(info_request=r, by=u, reason=d["reason"]),
    ),
    "route": (
        RouteForm,
        lambda r, u, d: rs.route_request(info_request=r, by=u, opd=d["opd"]),
    ),
    "answer": (
        AnswerForm,
        lambda r, u, d: rs.answer_request(info_request=r, by=u, **d),
    ),
    "pay": (
        PaymentForm,
        lambda r, u, d: rs.record_payment(info_request=r, by=u, **d),
    ),
    "handover": (
        HandoverForm,
        lambda r, u, d: rs.record_handover(info_request=r, by=u, **d),
    ),
}
FORM_NAMES = {
    ReasonForm: "reason_form",
    RouteForm: "route_form",
    AnswerForm: "answer_form",
    PaymentForm: "payment_form",
    HandoverForm: "handover_form",
}


@require_POST
@perms.staff_required
def staff_action(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """One step of the lifecycle; a refusal shows the page again with its reason."""
    found = _staff_request(request, number)
    if step not in STEPS:
        raise Http404
    # Refused before the form is read: its errors are for those who may act.
    allowed = (
        perms.can_route_requests(request.user)
        if step == "route"
        else perms.can_process_request(request.user, found)
    )
    if not allowed:
        raise PermissionDenied
    form_class, run = STEPS[step]
    extra = (
        {"user": request.user, "tariff": fees.tariff_of(found.opd)}
        if form_class is AnswerForm
        else {}
    )
    form = form_class(request.POST, request.FILES, **extra) if form_class else None
    if form is not None and not form.is_valid():
        return _redisplay(request, found, form)
    try:
        run(found, request.user, dict(form.cleaned_data) if form else {})
    except ValidationError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(found)
        add_service_errors(form, exc)
        return _redisplay(request, found, form)
    messages.success(request, _done(step, found))
    return redirect(found)


def _done(step: str, found: InformationRequest) -> str:
    """What the step did, said so; "Selesai" is also the closed status."""
    if step == "route":
        found.refresh_from_db(fields=["opd"])
        return _("The request was passed to %(opd)s.") % {"opd": found.opd}
    return {
        "register": _("The request was entered in the register."),
        "complete": _("The request is complete: the time to answer runs."),
        "close": _("The request was closed."),
        "incomplete": _("The requester was told what is missing."),
        "extend": _("The time to answer was extended."),
        "answer": _("The answer was sent to the requester."),
        "pay": _("The payment was recorded."),
        "handover": _("The handover of the information was recorded."),
    }[step]


def _redisplay(
    request: HttpRequest, found: InformationRequest, form: Any
) -> HttpResponse:
    context = _detail_context(request, found, **{FORM_NAMES[type(form)]: form})
    return render(request, "ppid/requests/detail.html", context, status=400)


@require_POST
@login_required
def staff_objection(request: HttpRequest, number: str) -> HttpResponse:
    """Record an objection that arrived on paper."""
    found = _staff_request(request, number)
    if not perms.can_record_objection(request.user, found):
        raise PermissionDenied
    form = ObjectionForm(request.POST, staff=True)
    if form.is_valid():
        try:
            rs.file_objection(info_request=found, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The objection was recorded."))
            return redirect(found)
    context = _detail_context(request, found, objection_form=form)
    return render(request, "ppid/requests/detail.html", context, status=400)


@require_POST
@login_required
def staff_objection_answer(
    request: HttpRequest, number: str, objection_id: int
) -> HttpResponse:
    """The Atasan PPID answers an objection."""
    found = _staff_request(request, number)
    objection = Objection.objects.filter(pk=objection_id, request=found).first()
    if objection is None:
        raise Http404
    form = _answer_objection(request, objection)
    if form is None:
        return redirect(found)
    context = _detail_context(request, found, objection_answer_form=form)
    return render(request, "ppid/requests/detail.html", context, status=400)


def _answer_objection(
    request: HttpRequest, objection: Objection
) -> ObjectionAnswerForm | None:
    """The Atasan PPID's answer sent for ``objection``: the form with its
    errors, or None once answered."""
    if not perms.can_answer_objection(request.user, objection):
        raise PermissionDenied
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            rs.answer_objection(
                objection=objection, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The objection was answered."))
            return None
    return form


def _disputes(
    user: Any, disputes: QuerySet[Dispute], bound: DisputeResultForm | None
) -> list[tuple[Dispute, DisputeResultForm | None]]:
    """The disputes of a request or an objection, each with its result form
    for those who may record it (``bound``: the form just sent, with its
    errors)."""
    disputes = disputes.select_related("objection__request__opd", "objection__opd")
    return [
        (
            dispute,
            (bound if bound is not None and bound.instance.pk == dispute.pk else None)
            or (
                DisputeResultForm(instance=dispute)
                if perms.can_record_dispute_result(user, dispute)
                else None
            ),
        )
        for dispute in disputes.order_by("filed_on", "pk")
    ]


@perms.staff_required
def objection_register(request: HttpRequest) -> HttpResponse:
    """The objection register of the user's scope, with the orders missed."""
    filterset = request_selectors.objection_register_filter(
        user=request.user, filters=request.GET
    )
    page = paging.page(request, filterset.qs)
    return render(
        request,
        "ppid/requests/objection_register.html",
        {
            "filterset": filterset,
            "page": page,
            "query": paging.query_without_page(request),
            "can_record": perms.can_record_paper_objections(request.user),
            "today": rs.today(),
        },
    )


@sensitive_post_parameters(*PERSONAL_FIELDS)
@login_required
def objection_record(request: HttpRequest) -> HttpResponse:
    """Record a ground-b objection received on paper (no request)."""
    if not perms.can_record_paper_objections(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = OpdObjectionForm(request.POST, staff=True)
        status = 400
        if form.is_valid():
            try:
                objection = rs.file_objection(by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Recorded as %(number)s. Give the objector the tracking code %(code)s."
                    )
                    % {
                        "number": objection.objection_number,
                        "code": objection.tracking_code,
                    },
                )
                return redirect(objection)
    else:
        form = OpdObjectionForm(
            staff=True, initial={"filed_on": rs.today(), "opd": request.user.opd}
        )
    return render(
        request, "ppid/requests/objection_record.html", {"form": form}, status=status
    )


def _staff_objection(request: HttpRequest, number: str) -> Objection:
    found = request_selectors.objection_detail(request.user, number)
    if found is None:
        raise Http404
    return found


@perms.staff_required
def objection_staff_detail(request: HttpRequest, number: str) -> HttpResponse:
    """An objection: the ground, the Atasan's answer, the order and its deadline."""
    objection = _staff_objection(request, number)
    return render(
        request,
        "ppid/requests/objection_detail.html",
        _objection_context(request, objection),
    )


def _objection_context(
    request: HttpRequest, objection: Objection, **forms: Any
) -> dict[str, Any]:
    user = request.user
    return {
        "objection": objection,
        "files": request_selectors.objection_files(objection),
        "can_answer": perms.can_answer_objection(user, objection)
        and objection.status == Objection.Status.FILED,
        "can_comply": perms.can_comply_with_order(user, objection)
        and objection.order_pending,
        "answer_form": forms.get("answer_form") or ObjectionAnswerForm(),
        "comply_form": forms.get("comply_form")
        or ComplyForm(files_allowed=objection.request_id is not None),
        "disputes": _disputes(
            user, Dispute.objects.filter(objection=objection), forms.get("dispute_form")
        ),
        "today": rs.today(),
    }


@require_POST
@login_required
def staff_dispute_result(
    request: HttpRequest, number: str, objection_id: int
) -> HttpResponse:
    """Record what the Komisi Informasi and the court decided on a dispute."""
    found = _staff_request(request, number)
    form = _record_dispute_result(
        request,
        Dispute.objects.filter(objection_id=objection_id, objection__request=found),
    )
    if form is None:
        return redirect(found)
    context = _detail_context(request, found, dispute_form=form)
    return render(request, "ppid/requests/detail.html", context, status=400)


@require_POST
@login_required
def objection_dispute_result(request: HttpRequest, number: str) -> HttpResponse:
    """The same from the objection's page: the only page of a ground-b
    objection, which has no request."""
    objection = _staff_objection(request, number)
    form = _record_dispute_result(request, Dispute.objects.filter(objection=objection))
    if form is None:
        return redirect(objection)
    context = _objection_context(request, objection, dispute_form=form)
    return render(request, "ppid/requests/objection_detail.html", context, status=400)


def _record_dispute_result(
    request: HttpRequest, disputes: QuerySet[Dispute]
) -> DisputeResultForm | None:
    """Record the result sent for the one dispute of ``disputes``; the form
    with its errors, or None once recorded."""
    dispute = disputes.select_related(
        "objection__request__opd", "objection__opd"
    ).first()
    if dispute is None:
        raise Http404
    if not perms.can_record_dispute_result(request.user, dispute):
        raise PermissionDenied
    form = DisputeResultForm(request.POST, instance=dispute)
    if form.is_valid():
        try:
            rs.record_dispute_result(
                dispute=dispute, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The result of the dispute was recorded."))
            return None
    return form


@require_POST
@login_required
def objection_staff_answer(request: HttpRequest, number: str) -> HttpResponse:
    """The Atasan PPID answers an objection (also one with no request)."""
    objection = _staff_objection(request, number)
    form = _answer_objection(request, objection)
    if form is None:
        return redirect(objection)
    context = _objection_context(request, objection, answer_form=form)
    return render(request, "ppid/requests/objection_detail.html", context, status=400)


@require_POST
@login_required
def objection_comply(request: HttpRequest, number: str) -> HttpResponse:
    """The PPID records its new answer after the Atasan granted the objection."""
    objection = _staff_objection(request, number)
    if not perms.can_comply_with_order(request.user, objection):
        raise PermissionDenied
    form = ComplyForm(
        request.POST, request.FILES, files_allowed=objection.request_id is not None
    )
    if form.is_valid():
        try:
            rs.comply_with_objection(
                objection=objection, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The new answer was recorded."))
            return redirect(objection.request or objection)
    context = _objection_context(request, objection, comply_form=form)
    return render(request, "ppid/requests/objection_detail.html", context, status=400)


@login_required
def staff_file(request: HttpRequest, number: str, file_id: int) -> FileResponse:
    """A request's file; identity scans only for whoever handles the request."""
    found = _staff_request(request, number)
    record = found.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    if record.kind == RequestFile.Kind.IDENTITY and not perms.can_view_identity_scan(
        request.user, found
    ):
        raise Http404
    return _serve(record)
