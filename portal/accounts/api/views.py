"""Partner organisations and information-sharing agreements under /api/v1/ (admins only; docs/partners.md).
Each write goes through one service, which checks the caller and audits the change."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..guards import capability_permission
from ..models import Organisation, SharingAgreement
from ..services import organisation_create, sharing_agreement_create, sharing_agreement_update
from .serializers import (
    OrganisationSerializer,
    SharingAgreementCreateSerializer,
    SharingAgreementSerializer,
    SharingAgreementUpdateSerializer,
)


class OrganisationList(generics.ListAPIView):
    """GET partner organisations; POST {"name"} records one."""

    permission_classes = [capability_permission("partners.manage")]
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.order_by("name")
    filter_backends: list = []

    @extend_schema(request=OrganisationSerializer, responses={201: OrganisationSerializer})
    def post(self, request):
        incoming = OrganisationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = organisation_create(name=incoming.validated_data["name"], by=request.user)
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class SharingAgreementList(generics.ListAPIView):
    """GET agreements; POST {"organisation": id or name, "purpose", "legal_basis", "starts_on", "ends_on"}."""

    permission_classes = [capability_permission("partners.manage")]
    serializer_class = SharingAgreementSerializer
    queryset = SharingAgreement.objects.select_related("organisation")
    filter_backends: list = []

    @extend_schema(request=SharingAgreementCreateSerializer, responses={201: SharingAgreementSerializer})
    def post(self, request):
        incoming = SharingAgreementCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        agreement = sharing_agreement_create(**incoming.validated_data, by=request.user)
        return Response(SharingAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class SharingAgreementDetail(APIView):
    """GET one agreement; PATCH its fields (`ends_on` to end it)."""

    permission_classes = [capability_permission("partners.manage")]

    def _agreement(self, agreement_id) -> SharingAgreement:
        return get_object_or_404(SharingAgreement.objects.select_related("organisation"), pk=agreement_id)

    @extend_schema(responses={200: SharingAgreementSerializer})
    def get(self, request, agreement_id):
        return Response(SharingAgreementSerializer(self._agreement(agreement_id)).data)

    @extend_schema(request=SharingAgreementUpdateSerializer, responses={200: SharingAgreementSerializer})
    def patch(self, request, agreement_id):
        agreement = self._agreement(agreement_id)
        incoming = SharingAgreementUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        agreement = sharing_agreement_update(agreement=agreement, by=request.user, **incoming.validated_data)
        return Response(SharingAgreementSerializer(agreement).data)
