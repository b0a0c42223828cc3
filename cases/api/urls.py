"""Case routes under /api/v1/: cases, their stage moves, plan actions and notes."""

from django.urls import path

from . import meeting_views, views

urlpatterns = [
    path("cases/", views.CaseListCreate.as_view(), name="api-case-list"),
    path("cases/<int:case_id>/", views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:case_id>/transition/", views.CaseTransitionView.as_view(), name="api-case-transition"),
    path("cases/<int:case_id>/actions/", views.CaseActionList.as_view(), name="api-case-actions"),
    path(
        "cases/<int:case_id>/actions/<int:action_id>/",
        views.CaseActionDetail.as_view(),
        name="api-case-action-detail",
    ),
    path("cases/<int:case_id>/notes/", views.CaseNoteList.as_view(), name="api-case-notes"),
    path("meetings/", meeting_views.MeetingListCreate.as_view(), name="api-meeting-list"),
    path("meetings/<int:meeting_id>/", meeting_views.MeetingDetail.as_view(), name="api-meeting-detail"),
    path("meetings/<int:meeting_id>/items/", meeting_views.MeetingItemList.as_view(), name="api-meeting-items"),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/decision/",
        meeting_views.MeetingItemDecision.as_view(),
        name="api-meeting-decision",
    ),
    path("meetings/<int:meeting_id>/close/", meeting_views.MeetingCloseView.as_view(), name="api-meeting-close"),
    path("cases/<int:case_id>/victims/", views.CaseVictimList.as_view(), name="api-case-victims"),
    path(
        "cases/<int:case_id>/victims/<int:victim_id>/safety-checks/",
        views.CaseSafetyCheckCreate.as_view(),
        name="api-case-safety-checks",
    ),
    path("cases/<int:case_id>/clares-law/", views.CaseClaresLawList.as_view(), name="api-case-clares-law"),
]
