"""How views ask the permission mechanism: a mixin for pages, a permission class for the API."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .permissions import can, role_allows


class CapabilityRequiredMixin(LoginRequiredMixin):
    """A page that needs `capability`; refusals raise PermissionDenied (a 403 page, audited)."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not role_allows(request.user, self.capability):
            raise PermissionDenied(f"needs {self.capability}")
        return super().dispatch(request, *args, **kwargs)


def capability_permission(read: str, write: str | None = None) -> type[BasePermission]:
    """A DRF permission class: `read` for safe methods, `write` (default: `read`) for the others,
    and the same capability for object-level checks."""

    class HasCapability(BasePermission):
        def _capability(self, request) -> str:
            return read if request.method in ("GET", "HEAD", "OPTIONS") else (write or read)

        def has_permission(self, request, view) -> bool:
            return role_allows(request.user, self._capability(request))

        def has_object_permission(self, request, view, obj) -> bool:
            return can(request.user, self._capability(request), obj)

    HasCapability.__name__ = f"Has_{read.replace('.', '_')}"
    return HasCapability
