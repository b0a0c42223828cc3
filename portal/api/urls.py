"""The API under /api/v1/: each app contributes its routes from its api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("offenders.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("portal.audit.api.urls")),
    path("", include("portal.oversight.api.urls")),
    path("", include("portal.accounts.api.urls")),
]
