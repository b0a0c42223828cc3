from django.urls import path

from .views import ReportAPIView

urlpatterns = [
    path("reports/<str:name>/", ReportAPIView.as_view(), name="api-report"),
]
