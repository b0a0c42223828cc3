"""Oversight pages under /oversight/: the index, one page per report, the transparency record.

No app namespace: names carry an `oversight-` prefix instead, so a route added by another app here
(the audit log) reverses by its own plain name.
"""

from django.urls import include, path

from . import views

REPORT_PAGES = ("outcomes", "disproportionality", "access", "governance", "data-quality", "evaluation")

urlpatterns = [
    path("", views.OversightIndexView.as_view(), name="oversight-index"),
    path("transparency/", views.TransparencyView.as_view(), name="oversight-transparency"),
    *[
        path(f"{name}/", views.ReportView.as_view(report_name=name), name=f"oversight-report-{name}")
        for name in REPORT_PAGES
    ],
    path("audit/export/", views.AuditExportView.as_view(), name="audit-export"),
    path("", include("portal.audit.urls")),  # /oversight/audit/ (access-and-audit work)
]
