"""Project-wide views: the home page, the staff dashboard that composes the
apps, the health probe and error pages."""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from config import dashboard, queues, staff_cache
from opds.models import Opd
from opds.permissions import (
    StaffRequiredMixin,
    can_edit_yearly_report,
    can_view_social_overview,
    is_opd_admin_of,
)
from ppid.catalogue.cache import cached_for_visitors, depends_on
from ppid.reports import selectors as report_selectors

logger = logging.getLogger(__name__)


# Every visitor sees the same page: served from the cache like the catalogue's
# (the OPD count changes with the registry, a few times a year).
@cached_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for citizens, OPD admins and Dinkominfo alike."""
    depends_on(request, scopes=["opds"])  # visitors' cache: the OPD count
    return render(request, "home.html", {"opd_count": Opd.objects.current().count()})


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return "error"
    return "ok"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )
    try:
        client.ping()
    except redis.RedisError:
        logger.exception("Health check: the broker is unreachable")
        return "error"
    finally:
        client.close()
    return "ok"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and broker answer, 503 when either does not."""
    status = {"database": _database_status(), "broker": _broker_status()}
    healthy = "error" not in status.values()
    return JsonResponse(status, status=200 if healthy else 503)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a malformed multipart body,
    too many fields): JSON for API clients, as for every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get JSON, everyone else the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """API clients get JSON; the HTML page needs no template context."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    # No request context: whatever failed may be what the context needs.
    return HttpResponseServerError(loader.get_template("500.html").render())


class DashboardView(StaffRequiredMixin, TemplateView):
    """The staff home: the work waiting for this account's role, first;
    for an OPD admin its OPD's score and social media; for the kabupaten
    roles every OPD with its PPID Pelaksana."""

    template_name = "dashboard.html"
    body_template = "_dashboard_body.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # An unsaved stand-in: the rule compares ids; the OPD's row is read
        # only when the body is made.
        context["has_board"] = bool(user.opd_id) and is_opd_admin_of(
            user, Opd(pk=user.opd_id)
        )
        # The work blocks and the navbar's counts, in one round trip; made
        # again only when a write changed them (config/staff_cache.py).
        body = staff_cache.fetch(self.request, "dashboard", "nav").get("dashboard")
        if body is None:
            body = render_to_string(
                self.body_template, self.work_context(context), request=self.request
            )
            staff_cache.store(self.request, "dashboard", body)
        context["dashboard_body"] = mark_safe(body)  # nosec B308 B703 # rendered by the template engine
        return context

    def work_context(self, context: dict[str, Any]) -> dict[str, Any]:
        """What the body shows: the queues, the OPD admin's board, the
        kabupaten's OPDs, inbox and yearly report."""
        context = dict(context)
        user = self.request.user
        own_opd = context["own_opd"] = user.opd if user.opd_id else None
        # The requests' warning limit reads the calendar: once per page.
        soon = queues.due_soon_limit(user)
        board = None
        if context["has_board"]:
            board = context["board"] = dashboard.opd_dashboard(user, own_opd, soon)
            # The navbar's badges reuse the accounts the board has read.
            queues.nav_counts_for(
                self.request,
                soon=soon,
                accounts=[row.account for row in board.accounts],
                items=(board.items_due_total, board.items_overdue_total),
            )
        else:
            queues.nav_counts_for(self.request, soon=soon)
        # Shown to the kabupaten roles; an OPD admin's page is its own OPD
        # (a queryset: read only where the page shows it).
        context["opds"] = dashboard.opd_table(user)
        context["queues"] = queues.queues_for(user, board, soon)
        context["social_overview"] = can_view_social_overview(user)
        if board is None:
            # An OPD admin sees its own inbox on its board.
            context["regency_inbox"] = dashboard.regency_inbox(user)
        if can_edit_yearly_report(user):
            # Last year's service report, flagged once it is late.
            context["yearly_report"] = report_selectors.report_status(
                report_selectors.today().year - 1
            )
        return context
