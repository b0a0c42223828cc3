"""Case pages: /cases/, /cases/<id>/ and the forms posted from the case page."""

from django.urls import path

from . import meeting_pages, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/new/", views.CaseOpenView.as_view(), name="case-open"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case-edit"),
    path("cases/<int:pk>/transition/", views.CaseTransitionPage.as_view(), name="case-transition"),
    path("cases/<int:pk>/notes/", views.CaseNotePage.as_view(), name="case-note-add"),
    path("cases/<int:pk>/actions/", views.CaseActionAddPage.as_view(), name="case-action-add"),
    path(
        "cases/<int:pk>/actions/<int:action_id>/",
        views.CaseActionUpdatePage.as_view(),
        name="case-action-update",
    ),
    path("my-work/", views.MyWorkView.as_view(), name="my-work"),
    path("meetings/", meeting_pages.MeetingListPage.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", meeting_pages.MeetingDetailPage.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/items/", meeting_pages.MeetingReferralPage.as_view(), name="meeting-referral"),
    path(
        "meetings/<int:pk>/items/<int:item_id>/decision/",
        meeting_pages.MeetingDecisionPage.as_view(),
        name="meeting-decision",
    ),
    path("meetings/<int:pk>/close/", meeting_pages.MeetingClosePage.as_view(), name="meeting-close"),
    path("meetings/<int:pk>/minutes/", meeting_pages.MeetingMinutesPage.as_view(), name="meeting-minutes"),
    path("cases/<int:pk>/safety-checks/", views.CaseSafetyCheckPage.as_view(), name="case-safety-check"),
    path("cases/<int:pk>/clares-law/", views.CaseClaresLawPage.as_view(), name="case-clares-law"),
    path("cases/<int:pk>/orders/", views.CaseOrderPage.as_view(), name="case-order-add"),
]
