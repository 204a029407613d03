"""Django admin for the OPD registry and users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from opds.forms import URL_FORMFIELD_OVERRIDES
from opds.models import Opd, User
from opds.permissions import can_change_registry
from opds.services import CONTACT_FIELDS, PPID_CONTACT_FIELDS


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the apps' services write (runs, scores, metric values):
    the admin shows them, and a form would skip the service's checks."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
