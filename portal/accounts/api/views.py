"""Partner organisations and information-sharing agreements under /api/v1/ (admins only; docs/partners.md).
Each write goes through one service, which checks the caller and audits the change."""

from django.db.models import Model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
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


class _PartnersListCreate(generics.ListAPIView):
    """GET the list; POST checks the body with `create_serializer_class`, records it through `create` (one
    service, which checks the caller and audits) and answers 201 with the new record as listed."""

    permission_classes = [capability_permission("partners.manage")]
    filter_backends: list = []
    create_serializer_class: type[serializers.Serializer]

    def create(self, fields: dict, *, by) -> Model:
        raise NotImplementedError

    def post(self, request):
        incoming = self.create_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        created = self.create(incoming.validated_data, by=request.user)
        return Response(self.get_serializer_class()(created).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(request=OrganisationSerializer, responses={201: OrganisationSerializer}))
class OrganisationList(_PartnersListCreate):
    """GET partner organisations; POST {"name"} records one."""

    serializer_class = OrganisationSerializer
    create_serializer_class = OrganisationSerializer
    queryset = Organisation.objects.order_by("name")

    def create(self, fields: dict, *, by) -> Organisation:
        return organisation_create(name=fields["name"], by=by)


@extend_schema_view(
    post=extend_schema(request=SharingAgreementCreateSerializer, responses={201: SharingAgreementSerializer})
)
class SharingAgreementList(_PartnersListCreate):
    """GET agreements; POST {"organisation": id or name, "purpose", "legal_basis", "starts_on", "ends_on"}."""

    serializer_class = SharingAgreementSerializer
    create_serializer_class = SharingAgreementCreateSerializer
    queryset = SharingAgreement.objects.select_related("organisation")

    def create(self, fields: dict, *, by) -> SharingAgreement:
        return sharing_agreement_create(**fields, by=by)


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
