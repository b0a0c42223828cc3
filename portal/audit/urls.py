"""The audit page; included from portal/oversight/urls.py so it sits at /oversight/audit/."""

from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
]
