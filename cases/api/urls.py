"""Case routes under /api/v1/ (CONTRACT.md section 4), included from offenders/api/urls.py."""

from django.urls import path

from . import case_views

urlpatterns = [
    path("cases/", case_views.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/<int:case_id>/", case_views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:case_id>/transition/", case_views.CaseTransitionView.as_view(), name="api-case-transition"),
    path("cases/<int:case_id>/actions/", case_views.CaseActionList.as_view(), name="api-case-actions"),
    path(
        "cases/<int:case_id>/actions/<int:action_id>/",
        case_views.CaseActionDetail.as_view(),
        name="api-case-action-detail",
    ),
    path("cases/<int:case_id>/notes/", case_views.CaseNoteList.as_view(), name="api-case-notes"),
]
