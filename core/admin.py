"""Admin plumbing shared by the apps."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the apps' services write (runs, scores, metric values):
    the admin shows them, and a form would skip the service's checks."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
