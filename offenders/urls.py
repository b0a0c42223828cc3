"""Offender pages (docs/api.md): search, profile and the record-keeping forms."""

from django.urls import path

from . import views

app_name = "offenders"

urlpatterns = [
    path("offenders/", views.OffenderSearchView.as_view(), name="offender-list"),
    path("offenders/new/", views.OffenderCreateView.as_view(), name="offender-create"),
    path("offenders/<int:pk>/", views.OffenderProfileView.as_view(), name="offender-detail"),
    path("offenders/<int:pk>/edit/", views.OffenderEditView.as_view(), name="offender-edit"),
    path("offenders/<int:pk>/restricted/", views.OffenderRestrictedView.as_view(), name="offender-restricted"),
    path("reviews/", views.ReviewQueueView.as_view(), name="review-list"),
    path("offenders/<int:pk>/review/", views.OffenderReviewView.as_view(), name="offender-review"),
    path("offenders/<int:pk>/subject-access/", views.SubjectAccessPageView.as_view(), name="offender-subject-access"),
    path("offenders/<int:pk>/offences/new/", views.OffenceCreateView.as_view(), name="offence-create"),
    path("offences/<int:pk>/edit/", views.OffenceEditView.as_view(), name="offence-edit"),
    path("offences/<int:pk>/delete/", views.OffenceDeleteView.as_view(), name="offence-delete"),
]
