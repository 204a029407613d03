"""Django admin for the catalogue, its decisions and the calendar."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin as BaseReadOnlyAdmin
from core.forms import URL_FORMFIELD_OVERRIDES
from ppid.calendar.models import CalendarOverride
from ppid.catalogue.cache import bump_catalogue_version
from ppid.catalogue.models import (
    ExclusionDecision,
    InformationFile,
    InformationItem,
    ItemChange,
    Subtype,
)
from ppid.catalogue.search import refresh_search_vectors
from ppid.requests.models import (
    Dispute,
    InformationRequest,
    Objection,
    RegisterCounter,
    RequestEvent,
    RequestFile,
)
from ppid.requests.tasks import recompute_request_deadlines_task


class CatalogueAdminMixin:
    """Changes made in the admin also make cached public pages stale."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        bump_catalogue_version()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        bump_catalogue_version()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        bump_catalogue_version()


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason", "source"]
    list_filter = ["is_working_day"]
    search_fields = ["reason", "source"]
    date_hierarchy = "date"

    # A changed working day moves the deadlines of open requests.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        recompute_request_deadlines_task.delay_on_commit()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        recompute_request_deadlines_task.delay_on_commit()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        recompute_request_deadlines_task.delay_on_commit()


@admin.register(Subtype)
class SubtypeAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ["name", "category", "code", "position", "is_required", "is_active"]
    list_filter = ["category", "is_required", "is_active"]
    list_editable = ["position", "is_required", "is_active"]
    search_fields = ["name", "code"]


class InformationFileInline(admin.TabularInline):
    model = InformationFile
    extra = 0
    fields = ["original_name", "content_type", "size", "is_redacted_version"]
    readonly_fields = ["original_name", "content_type", "size"]
    show_change_link = True


class ItemChangeInline(admin.TabularInline):
    model = ItemChange
    extra = 0
    fields = ["at", "action", "actor", "changes", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # The change log is written by the services only.
        return False


@admin.register(InformationItem)
class InformationItemAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    formfield_overrides = URL_FORMFIELD_OVERRIDES
    list_display = ["title", "opd", "category", "status", "year", "published_at"]
    list_filter = ["category", "status", "year", "opd__kind"]
    list_select_related = ["opd", "subtype"]
    search_fields = ["title", "opd__name", "opd__short_name"]
    autocomplete_fields = ["opd"]
    raw_id_fields = ["subtype"]
    date_hierarchy = "published_at"
    readonly_fields = ["submitted_at", "published_at", "withdrawn_at", "created_at"]
    inlines = [InformationFileInline, ItemChangeInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Search reads the stored vector, which the services usually keep.
        refresh_search_vectors(InformationItem.objects.filter(pk=obj.pk))


@admin.register(InformationFile)
class InformationFileAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "item", "content_type", "size", "uploaded_at"]
    list_select_related = ["item"]
    search_fields = ["original_name", "item__title"]
    raw_id_fields = ["item", "uploaded_by"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(ItemChange)
class ItemChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "item", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["item", "actor"]
    search_fields = ["item__title", "actor__username"]
    raw_id_fields = ["item", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExclusionDecision)
class ExclusionDecisionAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = [
        "item",
        "ground",
        "scope",
        "period_start",
        "period_end",
        "opened_at",
    ]
    list_filter = ["ground", "scope"]
    list_select_related = ["item"]
    search_fields = ["item__title", "legal_basis"]
    raw_id_fields = ["item", "opened_by"]


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    """Requests are written by ppid.requests.services only: numbering, clocks,
    encryption and the event log would be bypassed by an admin form, and
    the register keeps every request."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ["at", "action", "actor", "note", "is_public"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "registration_number",
        "full_name",
        "opd",
        "status",
        "received_on",
        "answer_due_on",
        "decision",
    ]
    list_filter = ["status", "decision", "channel", "requester_type"]
    list_select_related = ["opd"]
    search_fields = ["registration_number", "full_name"]
    date_hierarchy = "received_on"
    # Personal data stays with whoever handles the request (UU 27/2022).
    exclude = ["nik_encrypted", "tracking_code_hash", "phone", "email", "address"]
    inlines = [RequestEventInline]


@admin.register(RequestFile)
class RequestFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "request", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "request__registration_number"]
    exclude = ["file"]


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "action", "actor", "at", "is_public"]
    list_filter = ["action", "is_public"]
    search_fields = ["request__registration_number", "note"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = [
        "objection_number",
        "request",
        "opd",
        "reason",
        "status",
        "filed_on",
        "due_on",
        "order_due_on",
        "order_done_on",
    ]
    list_filter = ["status", "reason", "decision"]
    list_select_related = ["request", "opd"]
    search_fields = ["objection_number", "request__registration_number"]
    # A ground-b objector's identity stays with the PPID (UU 27/2022).
    exclude = ["tracking_code_hash", "phone", "email", "address"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["objection", "filed_on", "filing_deadline", "ki_register_number"]
    search_fields = ["objection__objection_number", "ki_register_number"]


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin):
    list_display = ["register", "year", "last"]
    search_fields = ["register"]
