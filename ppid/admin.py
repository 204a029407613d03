"""Django admin for the catalogue, its decisions, the calendar and its rules."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin as BaseReadOnlyAdmin
from core.forms import URL_FORMFIELD_OVERRIDES
from opds import audit
from opds.models import AuditEvent
from ppid.calendar.models import (
    CalendarHoliday,
    CalendarOverride,
    CalendarYear,
    CutiBersamaRule,
)
from ppid.calendar.workdays import refresh_snapshot
from ppid.catalogue import cache
from ppid.catalogue.models import (
    ExclusionDecision,
    InformationFile,
    InformationItem,
    ItemChange,
    SearchTerm,
    Subtype,
)
from ppid.catalogue.search import refresh_search_vectors
from ppid.profile import admin as profile_admin  # noqa: F401  (registers the Profil PPID)
from ppid.reports.models import YearlyReport
from ppid.requests.models import (
    Dispute,
    InformationRequest,
    LocalDeadlineRule,
    Objection,
    RegisterCounter,
    RequestEvent,
    RequestFile,
    Tariff,
)
from ppid.requests.tasks import recompute_request_deadlines_task


class CatalogueAdminMixin:
    """Changes made in the admin also make cached public pages stale: those
    showing the item (of a file or decision), or every page for a sub-type."""

    def _changed(self, obj, form=None) -> None:
        if isinstance(obj, Subtype):
            # Sub-types are named in every list's filters and on item pages.
            cache.everything_changed()
            return
        item = obj if isinstance(obj, InformationItem) else obj.item
        # The admin may change any field, status, OPD and category included:
        # every list it was or is in goes stale, as it was before.
        initial = form.initial if form is not None else {}
        cache.item_changed(
            item,
            listed=True,
            opd_ids=[initial["opd"]] if initial.get("opd") else [],
            categories=[initial["category"]] if initial.get("category") else [],
        )
        # A file or decision moved to another item leaves its old one too.
        moved_from = initial.get("item")
        if moved_from and moved_from != item.pk:
            old = InformationItem.objects.filter(pk=moved_from).first()
            if old is not None:
                cache.item_changed(old, listed=True)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._changed(obj, form)

    def delete_model(self, request, obj) -> None:
        self._changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self._changed(obj)
        super().delete_queryset(request, queryset)


class RecomputesDeadlinesMixin:
    """A changed working day or rule moves the deadlines of open requests,
    on purpose and recorded on each request; answered ones keep theirs."""

    # After the row and its inlines (a year's days) are saved.
    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        recompute_request_deadlines_task.delay_on_commit()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        recompute_request_deadlines_task.delay_on_commit()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        recompute_request_deadlines_task.delay_on_commit()


class CalendarHolidayInline(admin.TabularInline):
    model = CalendarHoliday
    extra = 0
    fields = ["date", "name", "kind", "is_estimate"]


@admin.register(CalendarYear)
class CalendarYearAdmin(RecomputesDeadlinesMixin, admin.ModelAdmin):
    """Each year's holidays as counted; editable for a decree the package
    does not know yet, refreshed from the package only on purpose."""

    list_display = ["year", "source", "taken_at", "estimated_days"]
    search_fields = ["source"]
    readonly_fields = ["taken_at"]
    inlines = [CalendarHolidayInline]
    actions = ["refresh_from_package"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("days")

    @admin.display(description=_("estimated days"))
    def estimated_days(self, obj: CalendarYear) -> int:
        return sum(1 for day in obj.days.all() if day.is_estimate)

    @admin.action(
        description=_(
            "Take again from the installed holidays package and recompute "
            "the open requests"
        )
    )
    def refresh_from_package(self, request, queryset) -> None:
        for record in queryset.order_by("year"):
            changed = refresh_snapshot(record.year)
            audit.record(
                AuditEvent.Action.UPDATED,
                obj=record,
                actor=request.user,
                request=request,
                detail={"refreshed_from": "holidays package", "days_changed": changed},
            )
            self.message_user(
                request,
                ngettext(
                    "%(year)s: %(count)s day changed.",
                    "%(year)s: %(count)s days changed.",
                    changed,
                )
                % {"year": record.year, "count": changed},
                messages.SUCCESS,
            )
        recompute_request_deadlines_task.delay_on_commit()


@admin.register(CalendarHoliday)
class CalendarHolidayAdmin(RecomputesDeadlinesMixin, admin.ModelAdmin):
    list_display = ["date", "name", "kind", "is_estimate", "calendar_year"]
    list_filter = ["kind", "is_estimate"]
    list_select_related = ["calendar_year"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(CutiBersamaRule)
class CutiBersamaRuleAdmin(RecomputesDeadlinesMixin, admin.ModelAdmin):
    list_display = ["effective_from", "counts_as_working_day", "source"]
    list_filter = ["counts_as_working_day"]
    search_fields = ["source", "note"]


@admin.register(LocalDeadlineRule)
class LocalDeadlineRuleAdmin(RecomputesDeadlinesMixin, admin.ModelAdmin):
    list_display = ["effective_from", "completeness_days", "answer_days", "source"]
    search_fields = ["source", "note"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RecomputesDeadlinesMixin, admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason", "source"]
    list_filter = ["is_working_day"]
    search_fields = ["reason", "source"]
    date_hierarchy = "date"


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
    list_display = [
        "objection",
        "filed_on",
        "filing_deadline",
        "ki_register_number",
        "mediation_result",
        "adjudication_result",
        "court_filed_on",
        "court_result",
    ]
    list_filter = ["mediation_result", "adjudication_result", "court_result"]
    search_fields = ["objection__objection_number", "ki_register_number"]


@admin.register(YearlyReport)
class YearlyReportAdmin(ReadOnlyAdmin):
    """Written and published on the staff pages (ppid.reports.views)."""

    list_display = ["year", "published_on", "updated_at", "last_reminded_on"]
    search_fields = ["year"]


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin):
    list_display = ["register", "year", "last"]
    search_fields = ["register"]


@admin.register(Tariff)
class TariffAdmin(ReadOnlyAdmin):
    """Tariffs are set on the staff page (ppid.requests.services.set_tariff),
    which checks the amounts and asks how to pay."""

    list_display = [
        "opd",
        "copy_per_page",
        "media_per_item",
        "postage",
        "updated_at",
        "updated_by",
    ]
    list_select_related = ["opd", "updated_by"]
    search_fields = ["opd__name", "opd__short_name"]


@admin.register(SearchTerm)
class SearchTermAdmin(ReadOnlyAdmin):
    """The vocabulary of "Maksud Anda": kept by the search index, not by hand."""

    list_display = ["term", "frequency"]
    search_fields = ["term"]
    ordering = ["term"]
