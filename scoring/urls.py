"""Scoring pages (docs/api.md): /rankings/, /scoring/policies/, /scoring/runs/."""

from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("rankings/", views.RankingView.as_view(), name="rankings"),
    path("rankings/snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("scoring/runs/", views.RunListView.as_view(), name="run-list"),
    path("scoring/runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("scoring/runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("scoring/policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("scoring/policies/new/", views.PolicyCreateView.as_view(), name="policy-create"),
    path("scoring/policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy-detail"),
    path("scoring/policies/<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy-edit"),
    path("scoring/policies/<int:pk>/approve/", views.PolicyStepView.as_view(step="approve"), name="policy-approve"),
    path("scoring/policies/<int:pk>/activate/", views.PolicyStepView.as_view(step="activate"), name="policy-activate"),
]
