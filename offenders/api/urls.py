"""Offender and offence routes under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..imports.api import OffenceImportView
from .views import OffenceViewSet, OffenderViewSet

router = SimpleRouter()
router.register("offenders", OffenderViewSet, basename="offender")
router.register("offences", OffenceViewSet, basename="offence")

urlpatterns = [
    path("imports/offences/", OffenceImportView.as_view(), name="import-offences"),
    path("", include(router.urls)),
]
