"""Django admin for the OPD registry, users and the audit log."""

import csv
import json
from collections.abc import Iterator

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.forms import URL_FORMFIELD_OVERRIDES
from opds import audit
from opds.models import AuditEvent, Opd, User
from opds.permissions import can_change_registry
from opds.services import CONTACT_FIELDS, PPID_CONTACT_FIELDS, opd_changed


class RegistryAdminMixin:
    """The registry and accounts are the superuser's, whatever Django
    model permissions a staff account has been given."""

    def has_add_permission(self, request, *args) -> bool:
        return can_change_registry(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_change_registry(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_change_registry(request.user)


@admin.register(Opd)
class OpdAdmin(RegistryAdminMixin, admin.ModelAdmin):
    formfield_overrides = URL_FORMFIELD_OVERRIDES
    list_display = ["name", "short_name", "kind", "parent", "is_active", "valid_to"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent", "predecessors"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent"]}),
        (_("Contacts"), {"fields": CONTACT_FIELDS}),
        (_("PPID Pelaksana"), {"fields": PPID_CONTACT_FIELDS}),
        (
            _("Validity"),
            {"fields": ["is_active", "valid_from", "valid_to", "predecessors"]},
        ),
    ]

    # Cached public pages show OPDs: those naming this one go stale.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        opd_changed(obj)

    def delete_model(self, request, obj) -> None:
        opd_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            opd_changed(obj)
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(RegistryAdminMixin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "opd", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    list_select_related = ["opd"]
    search_fields = ["username", "first_name", "last_name", "email", "opd__name"]
    autocomplete_fields = ["opd"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Portal role"), {"fields": ["role", "opd"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Portal role"), {"fields": ["role", "opd"]}),
    ]


# Columns of the CSV export: stable names for whatever reads the file.
AUDIT_COLUMNS = [
    "id",
    "at",
    "action",
    "actor_id",
    "actor_username",
    "ip",
    "source",
    "source_name",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "detail",
]
# A cell starting with one of these is a formula to a spreadsheet; failed
# log-ins put attacker-chosen text in the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _audit_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _audit_rows(queryset) -> Iterator[list[str]]:
    yield AUDIT_COLUMNS
    for event in queryset.iterator(chunk_size=2000):
        row = []
        for column in AUDIT_COLUMNS:
            value = getattr(event, column)
            if column == "at":
                value = timezone.localtime(value).isoformat()
            row.append(_audit_cell(value))
        yield row


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log, for superusers only: read, filter, export; never edit."""

    change_list_template = "admin/opds/auditevent/change_list.html"
    list_display = [
        "at",
        "action",
        "actor_username",
        "ip",
        "object_type",
        "object_id",
        "object_repr",
        "source_name",
    ]
    list_filter = ["action", "at", "source", "actor", "object_type"]
    search_fields = ["actor_username", "ip", "object_id", "object_repr"]
    date_hierarchy = "at"
    # A count of millions of rows on every page costs more than it tells.
    show_full_result_count = False
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv),
            name="opds_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_csv(self, request: HttpRequest):
        """The changelist's events, with its filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect("?e=1")
        queryset = changelist.get_queryset(request)
        audit.record(
            AuditEvent.Action.EXPORTED, detail={"query": request.GET.urlencode()}
        )
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _audit_rows(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        filename = "audit-{:%Y%m%d-%H%M}.csv".format(timezone.localtime())
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        response["Cache-Control"] = "no-store"
        return response
