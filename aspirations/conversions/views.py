"""Staff pages that take a case out of the inbox: to an information
request, or to SP4N-LAPOR! (copied by hand until its API is open to us)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from aspirations.conversions import lapor
from aspirations.conversions import services as conversions
from aspirations.conversions.forms import (
    CaseRequestForm,
    LaporStatusForm,
    ReferLaporForm,
)
from aspirations.inbox.models import Case, State
from core.forms import add_service_errors
from opds import permissions as perms

PERSONAL_FIELDS = ("nik", "phone", "email", "address")


def _case(request: HttpRequest, pk: int) -> Case:
    """A case the user may convert: 404 outside their scope, 403 if they
    may see it but not handle it."""
    case = (
        perms.cases_visible_to(request.user, Case.objects.select_related("opd"))
        .filter(pk=pk)
        .select_related("contact", "kecamatan", "ppid_request")
        .first()
    )
    if case is None:
        raise Http404
    if not perms.can_convert_case(request.user, case):
        raise PermissionDenied
    return case


@sensitive_post_parameters(*PERSONAL_FIELDS)
@perms.staff_required
def convert_ppid(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a case as an information request, prefilled from the case."""
    case = _case(request, pk)
    status = 200
    if request.method == "POST":
        form = CaseRequestForm(request.POST, request.FILES, session=request.session)
        status = 400
        if form.is_valid():
            try:
                done = conversions.convert_to_request(
                    case=case,
                    by=request.user,
                    data=form.request_data(),
                    identity_scan=form.cleaned_data.get("identity_scan"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form.release_held_files()
                messages.success(request, _told(done))
                return redirect(done.request)
        form.keep_uploads()
    else:
        form = CaseRequestForm(initial=conversions.request_initial(case, request.user))
    return render(
        request,
        "aspirations/conversions/convert_ppid.html",
        {
            "case": case,
            "form": form,
            "received": timezone.localtime(case.received_at),
            "open": case.state in conversions.CONVERTIBLE,
        },
        status=status,
    )


def _told(done: conversions.Conversion) -> str:
    number = done.request.registration_number
    if done.told == conversions.TOLD_PRIVATELY:
        return _(
            "Registered as %(number)s; the citizen was sent the number and the "
            "tracking code %(code)s privately."
        ) % {"number": number, "code": done.code}
    if done.told == conversions.TOLD_PUBLICLY:
        return _(
            "Registered as %(number)s; the public reply gives the number only. "
            "Give the citizen the tracking code %(code)s privately."
        ) % {"number": number, "code": done.code}
    return _(
        "Registered as %(number)s; the citizen could not be told through the "
        "channel. Give them the number and the tracking code %(code)s."
    ) % {"number": number, "code": done.code}


@perms.staff_required
def refer_lapor(request: HttpRequest, pk: int) -> HttpResponse:
    """The report prefilled for LAPOR!, its tracking ID once entered there,
    and later the status LAPOR! shows."""
    case = _case(request, pk)
    client = lapor.get_client()
    report = lapor.report_for(case)
    referred = case.state == State.REFERRED_LAPOR
    refer_form = ReferLaporForm()
    status_form = LaporStatusForm(
        initial={"status": case.lapor_status or client.status(case.lapor_tracking_id)}
        if referred
        else None
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if referred:
                status_form = LaporStatusForm(request.POST)
                if status_form.is_valid():
                    conversions.update_lapor_status(
                        case=case,
                        by=request.user,
                        status=status_form.cleaned_data["status"],
                    )
                    messages.success(request, _("The LAPOR! status was recorded."))
                    return redirect("aspirations:refer-lapor", pk=case.pk)
            else:
                refer_form = ReferLaporForm(request.POST)
                if refer_form.is_valid():
                    tracking_id = refer_form.cleaned_data[
                        "tracking_id"
                    ] or client.submit(report)
                    conversions.refer_to_lapor(
                        case=case, by=request.user, tracking_id=tracking_id or ""
                    )
                    messages.success(
                        request, _("The case was referred to SP4N-LAPOR!.")
                    )
                    return redirect("aspirations:refer-lapor", pk=case.pk)
        except ValidationError as exc:
            add_service_errors(status_form if referred else refer_form, exc)
    return render(
        request,
        "aspirations/conversions/refer_lapor.html",
        {
            "case": case,
            "report": report,
            "referred": referred,
            "open": case.is_open,
            "refer_form": refer_form,
            "status_form": status_form,
        },
        status=status,
    )
