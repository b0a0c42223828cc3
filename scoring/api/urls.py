"""Scoring API routes under /api/v1/ (docs/api.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("rankings/current/", views.CurrentRankingView.as_view(), name="api-ranking-current"),
    path("rankings/snapshots/", views.SnapshotListView.as_view(), name="api-snapshot-list"),
    path("rankings/snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="api-snapshot-detail"),
    path("scoring/policies/", views.PolicyListView.as_view(), name="api-policy-list"),
    path("scoring/policies/<int:pk>/", views.PolicyDetailView.as_view(), name="api-policy-detail"),
    path("scoring/policies/<int:pk>/approve/", views.PolicyApproveView.as_view(), name="api-policy-approve"),
    path("scoring/policies/<int:pk>/preview/", views.PolicyPreviewView.as_view(), name="api-policy-preview"),
    path("scoring/policies/<int:pk>/activate/", views.PolicyActivateView.as_view(), name="api-policy-activate"),
    path("scoring/runs/", views.RunListView.as_view(), name="api-run-list"),
    path("scoring/runs/<int:pk>/", views.RunDetailView.as_view(), name="api-run-detail"),
]
