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


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _superuser(user: AnyUser) -> bool:
    return _active(user) and user.is_superuser


def _role(user: AnyUser) -> str | None:
    return (user.role or None) if _active(user) else None


def is_staff_user(user: AnyUser) -> bool:
    """Whether the account has any portal role (the staff side of the portal)."""
    return _superuser(user) or _role(user) is not None


def is_opd_admin_of(user: AnyUser, opd: Opd) -> bool:
    """Whether the account is the OPD admin (PPID Pelaksana) of ``opd``."""
    return _role(user) == Role.OPD_ADMIN and user.opd_id == opd.pk


def can_view_opd_internals(user: AnyUser, opd: Opd) -> bool:
    """Staff pages of an OPD: kabupaten roles see all, an OPD admin its own."""
    return (
        _superuser(user) or _role(user) in KABUPATEN_ROLES or is_opd_admin_of(user, opd)
    )


def can_manage_opd_data(user: AnyUser, opd: Opd) -> bool:
    """The OPD's profile, PPID items and social-media accounts.

    Only that OPD's admin, and only while the OPD exists: a merged OPD is
    history and takes no new data.
    """
    return _superuser(user) or (is_opd_admin_of(user, opd) and opd.is_active)


def can_change_registry(user: AnyUser) -> bool:
    """Creating, merging and renaming OPDs changes the legal structure."""
    return _superuser(user)


def can_publish_ppid_items(user: AnyUser) -> bool:
    """PPID Utama reviews and publishes the PPID items of every OPD."""
    return _superuser(user) or _role(user) == Role.PPID_UTAMA


def can_route_requests(user: AnyUser) -> bool:
    """PPID Utama routes information requests to OPDs."""
    return can_publish_ppid_items(user)


def can_decide_objections(user: AnyUser) -> bool:
    """Objections (keberatan) are decided by the Atasan PPID."""
    return _superuser(user) or _role(user) == Role.ATASAN_PPID


def can_score_evaluations(user: AnyUser) -> bool:
    """Dinkominfo's evaluation team scores OPDs and builds the reports."""
    return _superuser(user) or _role(user) == Role.DINKOMINFO


def opds_visible_to(
    user: AnyUser, queryset: QuerySet[Opd] | None = None
) -> QuerySet[Opd]:
    """OPDs whose internal pages ``user`` may open (the dashboard's scope)."""
    queryset = Opd.objects.all() if queryset is None else queryset
    if _superuser(user) or _role(user) in KABUPATEN_ROLES:
        return queryset
    if _role(user) == Role.OPD_ADMIN:
        return queryset.filter(pk=user.opd_id)
    return queryset.none()


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
        if not can_manage_opd_data(request.user, self.get_opd()):
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
        return can_manage_opd_data(request.user, obj)
