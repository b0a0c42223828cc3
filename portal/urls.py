"""Top-level URLs: each app brings its own pages and its own API routes (docs/api.md)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views

handler400 = "portal.api.exceptions.bad_request"  # JSON under /api/; 413 for an oversized body
handler403 = "portal.views.permission_denied"
handler404 = "portal.api.exceptions.not_found"  # JSON under /api/, the 404 page elsewhere

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/", include("portal.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("offenders.urls")),
    path("", include("cases.urls")),
    path("", include("scoring.urls")),
    path("oversight/", include("portal.oversight.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
