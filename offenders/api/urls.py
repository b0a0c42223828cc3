"""Offender and offence routes under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..imports.api import OffenceImportView
from .incidents import IncidentImportView, IncidentViewSet
from .views import OffenceViewSet, OffenderViewSet

router = SimpleRouter()
router.register("offenders", OffenderViewSet, basename="offender")
router.register("offences", OffenceViewSet, basename="offence")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    path("imports/offences/", OffenceImportView.as_view(), name="import-offences"),
    path("imports/incidents/", IncidentImportView.as_view(), name="import-incidents"),
    path("", include(router.urls)),
]
