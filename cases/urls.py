"""Case pages (CONTRACT.md section 4: /cases/ and /cases/<id>/), included from offenders/urls.py."""

from django.urls import path

from . import case_views

urlpatterns = [
    path("cases/", case_views.CaseListView.as_view(), name="case-list"),
    path("cases/new/", case_views.CaseOpenView.as_view(), name="case-open"),
    path("cases/<int:pk>/", case_views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/edit/", case_views.CaseEditView.as_view(), name="case-edit"),
    path("cases/<int:pk>/transition/", case_views.CaseTransitionPage.as_view(), name="case-transition"),
    path("cases/<int:pk>/notes/", case_views.CaseNotePage.as_view(), name="case-note-add"),
    path("cases/<int:pk>/actions/", case_views.CaseActionAddPage.as_view(), name="case-action-add"),
    path(
        "cases/<int:pk>/actions/<int:action_id>/",
        case_views.CaseActionUpdatePage.as_view(),
        name="case-action-update",
    ),
]
