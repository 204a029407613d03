"""PPID Utama's pages of the yearly service report: the years and their
state, the written parts, publication. The report's files are served with
the request statistics (``ppid.requests.views.yearly_report``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from opds import permissions as perms
from ppid.reports import selectors, services
from ppid.reports.forms import YearlyReportForm
from ppid.reports.models import YearlyReport


def _editor(request: HttpRequest) -> None:
    if not perms.can_edit_yearly_report(request.user):
        raise PermissionDenied


def _year(year: int) -> int:
    if not 2000 <= year <= selectors.today().year:
        raise Http404
    return year


@perms.staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Each year's report: published, in preparation or late."""
    _editor(request)
    return render(
        request,
        "ppid/reports/index.html",
        {"reports": selectors.reports_overview()},
    )


def _edit_page(
    request: HttpRequest, year: int, form: YearlyReportForm, status: int = 200
) -> HttpResponse:
    report = YearlyReport.objects.filter(year=year).first()
    return render(
        request,
        "ppid/reports/edit.html",
        {
            "year": year,
            "form": form,
            "report": report,
            "state": selectors.report_status(year, report),
        },
        status=status,
    )


@perms.staff_required
def edit(request: HttpRequest, year: int) -> HttpResponse:
    """The parts of the report PPID Utama writes (Perki 1/2021 Pasal 56)."""
    _editor(request)
    year = _year(year)
    if request.method == "POST":
        form = YearlyReportForm(request.POST)
        if form.is_valid():
            try:
                services.save_yearly_report(
                    year=year, by=request.user, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report was saved."))
                return redirect("ppid:yearly-report-edit", year=year)
        return _edit_page(request, year, form, status=400)
    report = YearlyReport.objects.filter(year=year).first()
    return _edit_page(request, year, YearlyReportForm(instance=report))


@require_POST
@perms.staff_required
def publish(request: HttpRequest, year: int) -> HttpResponse:
    """Publish the report; what is missing is shown on the form."""
    _editor(request)
    year = _year(year)
    try:
        services.publish_yearly_report(year=year, by=request.user)
    except ValidationError as exc:
        # A bound form, so that the missing parts show their errors.
        report = YearlyReport.objects.filter(year=year).first()
        saved = (
            model_to_dict(report, fields=YearlyReport.MANUAL_FIELDS) if report else {}
        )
        form = YearlyReportForm({k: "" if v is None else v for k, v in saved.items()})
        form.is_valid()
        add_service_errors(form, exc)
        return _edit_page(request, year, form, status=400)
    messages.success(request, _("The report is published."))
    return redirect("ppid:yearly-report-edit", year=year)
