"""Partner organisation routes under /api/v1/ (admins only)."""

from django.urls import path

from . import views

urlpatterns = [
    path("organisations/", views.OrganisationList.as_view(), name="api-organisation-list"),
    path("sharing-agreements/", views.SharingAgreementList.as_view(), name="api-agreement-list"),
    path("sharing-agreements/<int:agreement_id>/", views.SharingAgreementDetail.as_view(), name="api-agreement-detail"),
]
