"""The admin of the Profil PPID: PPID Utama's to keep, whatever Django model
permissions the account holds (opds.permissions.can_edit_ppid_profile)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opds.permissions import can_edit_ppid_profile
from ppid.profile import services
from ppid.profile.models import PpidProfile, StandardProcedure


def _cleaned_file(form: forms.ModelForm, name: str, allowed: frozenset[str]) -> object:
    value = form.cleaned_data.get(name)
    if isinstance(value, UploadedFile):
        try:
            return services.clean_profile_file(value, allowed=allowed)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
    return value


class PpidProfileForm(forms.ModelForm):
    class Meta:
        model = PpidProfile
        fields = [
            "decree_number",
            "decree_title",
            "decree_date",
            "decree_file",
            "structure",
            "structure_file",
            "vision",
            "mission",
            "service_notice",
            "service_notice_file",
            "address",
            "office_hours",
            "phone",
            "email",
            "whatsapp",
        ]

    def clean_decree_file(self) -> object:
        return _cleaned_file(self, "decree_file", services.DOCUMENT_TYPES)

    def clean_structure_file(self) -> object:
        return _cleaned_file(self, "structure_file", services.DOCUMENT_TYPES)

    def clean_service_notice_file(self) -> object:
        return _cleaned_file(self, "service_notice_file", services.DOCUMENT_TYPES)


class StandardProcedureForm(forms.ModelForm):
    class Meta:
        model = StandardProcedure
        fields = ["title", "description", "file", "position", "profile"]

    def clean_file(self) -> object:
        return _cleaned_file(self, "file", services.SOP_TYPES)


class ProfilePermissionMixin:
    """Open to PPID Utama (and superusers) only; nothing is deleted but SOPs."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_edit_ppid_profile(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_edit_ppid_profile(request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return can_edit_ppid_profile(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_edit_ppid_profile(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_edit_ppid_profile(request.user)


class StandardProcedureInline(ProfilePermissionMixin, admin.TabularInline):
    model = StandardProcedure
    form = StandardProcedureForm
    extra = 1
    fields = ["position", "title", "description", "file"]


@admin.register(PpidProfile)
class PpidProfileAdmin(ProfilePermissionMixin, admin.ModelAdmin):
    form = PpidProfileForm
    inlines = [StandardProcedureInline]
    list_display = ["__str__", "decree_number", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    search_fields = ["decree_number", "decree_title"]
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (
            _("Decree (SK PPID)"),
            {"fields": ["decree_number", "decree_title", "decree_date", "decree_file"]},
        ),
        (
            _("Structure, vision and mission"),
            {"fields": ["structure", "structure_file", "vision", "mission"]},
        ),
        (_("Service notice"), {"fields": ["service_notice", "service_notice_file"]}),
        (
            _("Contacts and office hours"),
            {"fields": ["address", "office_hours", "phone", "email", "whatsapp"]},
        ),
        (None, {"fields": ["updated_at", "updated_by"]}),
    ]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        # One profile: once it exists it is changed, never added again.
        return super().has_add_permission(request) and not (
            PpidProfile.objects.exists()
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.save_profile(profile=obj, by=request.user)


@admin.register(StandardProcedure)
class StandardProcedureAdmin(ProfilePermissionMixin, admin.ModelAdmin):
    form = StandardProcedureForm
    list_display = ["title", "position"]
    search_fields = ["title"]
    raw_id_fields = ["profile"]
