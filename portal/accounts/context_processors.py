"""Puts the user's role into every template, so navigation shows only what the role may use."""

from django.conf import settings

from .permissions import capabilities_of
from .roles import user_role


def role(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "user_role": user_role(user),
        "capabilities": capabilities_of(user),
    }
