"""Offender and offence routes under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..imports.api import OffenceImportView
from . import orders
from .incidents import IncidentImportView, IncidentViewSet
from .records import OffenderReviewView, ReviewQueueView, SubjectAccessView
from .views import OffenceViewSet, OffenderViewSet

router = SimpleRouter()
router.register("offenders", OffenderViewSet, basename="offender")
router.register("offences", OffenceViewSet, basename="offence")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    path("imports/offences/", OffenceImportView.as_view(), name="import-offences"),
    path("reviews/", ReviewQueueView.as_view(), name="review-list"),
    path("offenders/<int:pk>/review/", OffenderReviewView.as_view(), name="offender-review"),
    path("offenders/<int:pk>/subject-access/", SubjectAccessView.as_view(), name="offender-subject-access"),
    path("orders/", orders.OrderList.as_view(), name="api-order-list"),
    path("orders/<int:order_id>/", orders.OrderDetail.as_view(), name="api-order-detail"),
    path("orders/<int:order_id>/breaches/", orders.OrderBreachCreate.as_view(), name="api-order-breaches"),
    path("imports/incidents/", IncidentImportView.as_view(), name="import-incidents"),
    path("", include(router.urls)),
]
