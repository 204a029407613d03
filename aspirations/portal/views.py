"""The citizen's pages: the aspiration form, the receipt shown once, and
tracking with the case number and the tracking code (asked once per
browser session, like the PPID's requests)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from aspirations.inbox.models import Case, Kind
from aspirations.portal import services, tracking
from aspirations.portal.forms import (
    VILLAGE_LIST_ID,
    AspirationForm,
    ReplyForm,
    TrackingForm,
    villages_of,
)
from core.forms import add_service_errors
from opds.models import Opd
from ppid.requests.throttles import RequestSubmissionThrottle, RequestTrackingThrottle

# Error reports (mail_admins, the DEBUG page) must not show these.
PERSONAL_FIELDS = ("name", "phone", "email", "tracking_code")
SESSION_NEW = "aspiration_new_case"
SESSION_TRACKED = "aspiration_tracked_cases"


class AspirationSubmissionThrottle(RequestSubmissionThrottle):
    """The aspiration form and replies, per IP address; its own count, so a
    citizen who asked for information can still complain."""

    scope = "aspiration_submission"

    def get_rate(self) -> str:
        return "{}/hour".format(settings.ASPIRATION_SUBMISSIONS_PER_HOUR)


class AspirationTrackingThrottle(RequestTrackingThrottle):
    """Guessing tracking codes costs time."""

    scope = "aspiration_tracking"


def _throttled(request: HttpRequest, throttle: Any) -> bool:
    return not throttle.allow_request(request, None)


@sensitive_post_parameters(*PERSONAL_FIELDS)
def submit(request: HttpRequest) -> HttpResponse:
    """Send an aspiration, complaint or question to the regency's OPDs."""
    status = 200
    if request.method == "POST":
        form = AspirationForm(request.POST, request.FILES, session=request.session)
        if _throttled(request, AspirationSubmissionThrottle()):
            form.add_error(
                None, _("Too many messages from your address; try again in an hour.")
            )
            status = 429
        elif form.is_valid():
            try:
                case, code = services.submit_aspiration(
                    data=form.service_data(), files=form.cleaned_data.get("files")
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form.release_held_files()
                request.session[SESSION_NEW] = [case.pk, code]
                _remember(request, case)
                return redirect("aspirations:submitted")
        if status == 200:
            status = 400
        if status != 429:
            # A refused flood keeps nothing on the disk.
            form.keep_uploads()
    else:
        kind = request.GET.get("jenis", "")
        form = AspirationForm(
            initial={"kind": kind} if kind in services.FORM_KINDS else None
        )
    context = {
        "form": form,
        "villages": villages_of(form.chosen_kecamatan()),
        "village_list_id": VILLAGE_LIST_ID,
        "routing_days": settings.ASPIRATION_ROUTING_WORKING_DAYS,
    }
    return render(request, "aspirations/portal/form.html", context, status=status)


@require_GET
def villages(request: HttpRequest) -> HttpResponse:
    """The kelurahan of a kecamatan, as the options of the village list."""
    value = request.GET.get("kecamatan", "")
    kecamatan = None
    if value.isdigit() and len(value) < 12:
        kecamatan = (
            Opd.objects.active().filter(pk=value, kind=Opd.Kind.KECAMATAN).first()
        )
    return render(
        request,
        "aspirations/portal/_villages.html",
        {"villages": villages_of(kecamatan)},
    )


def submitted(request: HttpRequest) -> HttpResponse:
    """The case number, the tracking code (shown once) and what happens next."""
    new = request.session.pop(SESSION_NEW, None)
    if not new:
        return redirect("aspirations:track")
    case = Case.objects.select_related("kecamatan").get(pk=new[0])
    response = render(
        request,
        "aspirations/portal/submitted.html",
        {
            "case": case,
            "code": new[1],
            "url_key": services.url_key(case),
            "next_steps": services.next_steps(case),
            "information_request": case.kind == Kind.INFORMATION_REQUEST,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _remember(request: HttpRequest, case: Case) -> None:
    # The session, not the URL, carries the proof: codes never reach logs.
    tracked = set(request.session.get(SESSION_TRACKED, []))
    tracked.add(case.pk)
    request.session[SESSION_TRACKED] = sorted(tracked)[-20:]


def _tracked_or_none(request: HttpRequest, number: str) -> Case | None:
    case = services.case_by_number(number)
    if case is None or case.pk not in request.session.get(SESSION_TRACKED, []):
        return None
    return case


def _ask_for_code(request: HttpRequest, number: str) -> HttpResponse:
    """The tracking form with the number filled in: what a bookmarked link
    shows in a browser that has not given the code. The same page for any
    number, so it tells nothing about the case."""
    if "\x00" in number:
        raise Http404
    shown = services.canonical_number(number)[:40]
    form = TrackingForm(initial={"number": shown})
    form.fields["tracking_code"].widget.attrs["autofocus"] = True
    response = render(
        request,
        "aspirations/portal/track.html",
        {"form": form, "asked_number": shown},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@sensitive_post_parameters(*PERSONAL_FIELDS)
def track(request: HttpRequest) -> HttpResponse:
    """Find a case by its number and tracking code."""
    form = TrackingForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" and request.GET.get("nomor"):
        return _ask_for_code(request, request.GET["nomor"])
    status = 200
    if request.method == "POST":
        status = 400
        if _throttled(request, AspirationTrackingThrottle()):
            form.add_error(None, _("Too many attempts; try again in an hour."))
            status = 429
        elif form.is_valid():
            found = services.find_by_code(
                form.cleaned_data["number"], form.cleaned_data["tracking_code"]
            )
            if found is not None:
                _remember(request, found)
                return redirect(
                    "aspirations:track-case", number=services.url_key(found)
                )
            form.add_error(
                "tracking_code",
                _("No aspiration matches this case number and tracking code."),
            )
    return render(
        request, "aspirations/portal/track.html", {"form": form}, status=status
    )


def track_case(request: HttpRequest, number: str) -> HttpResponse:
    """What the citizen sees: the steps, the replies, what happens next,
    and a form to write again. Without the code in this session: the
    tracking form."""
    case = _tracked_or_none(request, number)
    if case is None:
        if request.method == "POST":
            raise Http404
        return _ask_for_code(request, number)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        status = 400
        if _throttled(request, AspirationSubmissionThrottle()):
            form.add_error(None, _("Too many attempts; try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                services.citizen_reply(case=case, text=form.cleaned_data["text"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect("aspirations:track-case", number=services.url_key(case))
    context = {
        "case": case,
        "url_key": services.url_key(case),
        "steps": tracking.case_steps(case),
        "conversation": tracking.visible_messages(case),
        "files": case.files.all(),
        "next_steps": services.next_steps(case),
        "form": form if case.is_open else None,
    }
    response = render(request, "aspirations/portal/status.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
