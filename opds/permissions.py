"""Every permission rule of the portal, in one place.

Views, API viewsets, the admin and services ask these predicates; none of
them checks a role on its own. Anonymous visitors are citizens: they see
what is public and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import AccessMixin
from django.db.models import QuerySet
from rest_framework import permissions

from opds.models import Opd, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser

Role = User.Role

# Roles that work across every OPD and may read any OPD's internal data.
KABUPATEN_ROLES = frozenset({Role.DINKOMINFO, Role.PPID_UTAMA, Role.ATASAN_PPID})


def _role(user: AnyUser) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return user.role or None


def is_staff_user(user: AnyUser) -> bool:
    """Whether the account has any portal role (the staff side of the portal)."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or _role(user) is not None
    )


def is_opd_admin_of(user: AnyUser, opd: Opd) -> bool:
    """Whether the account is the OPD admin (PPID Pelaksana) of ``opd``."""
    return _role(user) == Role.OPD_ADMIN and user.opd_id == opd.pk


def can_view_opd_internals(user: AnyUser, opd: Opd) -> bool:
    """Staff pages of an OPD: kabupaten roles see all, an OPD admin its own."""
    if not is_staff_user(user):
        return False
    return (
        user.is_superuser
        or _role(user) in KABUPATEN_ROLES
        or is_opd_admin_of(user, opd)
    )


def can_change_opd_profile(user: AnyUser, opd: Opd) -> bool:
    """Contacts, head and PPID Pelaksana details: that OPD's admin only."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or is_opd_admin_of(user, opd)


def can_manage_opd_data(user: AnyUser, opd: Opd) -> bool:
    """Filing PPID items and keeping social-media accounts of ``opd``."""
    return can_change_opd_profile(user, opd) and opd.is_active


def can_change_registry(user: AnyUser) -> bool:
    """Creating, merging and renaming OPDs changes the legal structure."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_publish_ppid_items(user: AnyUser) -> bool:
    """PPID Utama reviews and publishes the PPID items of every OPD."""
    return bool(user.is_authenticated and user.is_superuser) or (
        _role(user) == Role.PPID_UTAMA
    )


def can_route_requests(user: AnyUser) -> bool:
    """PPID Utama routes information requests to OPDs."""
    return can_publish_ppid_items(user)


def can_decide_objections(user: AnyUser) -> bool:
    """Objections (keberatan) are decided by the Atasan PPID."""
    return bool(user.is_authenticated and user.is_superuser) or (
        _role(user) == Role.ATASAN_PPID
    )


def can_score_evaluations(user: AnyUser) -> bool:
    """Dinkominfo's evaluation team scores OPDs and builds the reports."""
    return bool(user.is_authenticated and user.is_superuser) or (
        _role(user) == Role.DINKOMINFO
    )


def opds_visible_to(
    user: AnyUser, queryset: QuerySet[Opd] | None = None
) -> QuerySet[Opd]:
    """OPDs whose internal pages ``user`` may open (the dashboard's scope)."""
    queryset = Opd.objects.all() if queryset is None else queryset
    if not is_staff_user(user):
        return queryset.none()
    if user.is_superuser or _role(user) in KABUPATEN_ROLES:
        return queryset
    return queryset.filter(pk=user.opd_id)


class StaffRequiredMixin(AccessMixin):
    """Class-based views for any portal role; others go to the login page."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_staff_user(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class OpdProfileEditorRequiredMixin(AccessMixin):
    """Views that change an OPD's profile; the view provides ``get_opd()``.

    Visitors are sent to log in; a logged-in account without the right gets
    403, since the OPD itself is public.
    """

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not can_change_opd_profile(request.user, self.get_opd()):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_opd(self) -> Opd:  # pragma: no cover - views override it
        raise NotImplementedError


class IsOpdAdminOrReadOnly(permissions.BasePermission):
    """API: anyone may read; only the OPD's admin (or a superuser) may write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Opd) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_change_opd_profile(request.user, obj)
