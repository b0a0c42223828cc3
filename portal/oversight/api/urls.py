from django.urls import path

from .views import EvaluationAPIView, ReportAPIView

urlpatterns = [
    path("reports/evaluation/", EvaluationAPIView.as_view(), name="api-report-evaluation"),
    path("reports/<str:name>/", ReportAPIView.as_view(), name="api-report"),
]
