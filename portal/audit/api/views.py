"""audit/events/ (filtered, paginated) and audit/verify/; both audited, admin and oversight only."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.audit.filters import AuditEventFilter
from portal.audit.selectors import audit_events_visible
from portal.audit.services import audit_log_read
from portal.audit.verify import audit_chain_verify_recorded

from .serializers import AuditEventSerializer, ChainReportSerializer

AuditPermission = capability_permission("audit.view")


class AuditEventListView(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    permission_classes = [AuditPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_events_visible(user=self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_log_read(filters=request.query_params.dict(), page=request.query_params.get("page"))
        return response


class AuditVerifyView(APIView):
    permission_classes = [AuditPermission]

    @extend_schema(responses=ChainReportSerializer)
    def get(self, request):
        report = audit_chain_verify_recorded()
        return Response(ChainReportSerializer(report.as_api()).data)
