"""What every app's Django admin shares (shared infrastructure, below every app: docs/decisions/0505)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only: no add, change or delete (those would skip the services and the audit log)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
