"""How views ask the permission mechanism: a mixin for pages, a permission class for the API.

Both are the early 403, before a request is parsed. The write services check again and decide
(docs/decisions/0506): a view never holds a rule of its own.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission

from .permissions import CAPABILITIES, NEEDS_RESTRICTED_GRANT, can, role_allows
from .roles import user_role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PLURAL = {"officer": "officers", "supervisor": "supervisors", "admin": "admins", "oversight": "oversight staff"}
RECORD_REFUSAL = "This record is not open to you: for example a case whose team you are not on."


class PageRefused(PermissionDenied):
    """A page's refusal written for the person: the 403 page shows why (and it is audited)."""

    shown_to_user = True


def capability_refusal(user, capability: str) -> str:
    """Why a role may not use a capability, in a sentence for the refusal page."""
    roles = sorted(role.value for role in CAPABILITIES.get(capability, ()))
    who = " and ".join(PLURAL.get(name, name) for name in roles) or "nobody"
    grant = " with restricted access" if capability in NEEDS_RESTRICTED_GRANT else ""
    role = user_role(user)
    return f"This is for {who}{grant} only; you are signed in as {role.value if role else 'a user with no role'}."


class CapabilityRequiredMixin(LoginRequiredMixin):
    """A page that needs `capability` (and `write_capability`, when set, to POST); refusals raise
    PermissionDenied (a 403 page, audited). The same pair as `capability_permission` on the API."""

    capability: str = ""
    write_capability: str = ""
    request: HttpRequest

    def required_capability(self) -> str:
        unsafe = self.request.method not in SAFE_METHODS
        return self.write_capability if unsafe and self.write_capability else self.capability

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not role_allows(request.user, self.required_capability()):
            raise PageRefused(capability_refusal(request.user, self.required_capability()))
        return super().dispatch(request, *args, **kwargs)

    def check_object(self, obj) -> None:
        """The early 403 for one record (DRF's check_object_permissions, for pages): before a form is read."""
        capability = self.required_capability()
        if not can(self.request.user, capability, obj):
            raise PageRefused(RECORD_REFUSAL)


def capability_permission(read: str, write: str | None = None) -> type[BasePermission]:
    """A DRF permission class: `read` for safe methods, `write` (default: `read`) for the others,
    and the same capability for object-level checks."""

    class HasCapability(BasePermission):
        def _capability(self, request) -> str:
            return read if request.method in SAFE_METHODS else (write or read)

        def has_permission(self, request, view) -> bool:
            return role_allows(request.user, self._capability(request))

        def has_object_permission(self, request, view, obj) -> bool:
            return can(request.user, self._capability(request), obj)

    HasCapability.__name__ = f"Has_{read.replace('.', '_')}"
    return HasCapability
