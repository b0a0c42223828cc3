"""API endpoints for offenders and offences: parse, check the capability, call one service or selector."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from portal.accounts.guards import capability_permission

from .. import selectors
from ..filters import OffenceFilter, OffenderFilter
from ..services.access import list_view_record, offender_view_record
from ..services.offences import offence_create, offence_delete, offence_update
from ..services.offenders import offender_create, offender_update
from .serializers import (
    OffenceSerializer,
    OffenceWriteSerializer,
    OffenderDetailSerializer,
    OffenderSerializer,
    OffenderWriteSerializer,
)

PURPOSE_HEADER = OpenApiParameter(
    name="X-Access-Purpose",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    enum=list(settings.PORTAL_ACCESS_PURPOSES),
    description="Why you are opening this record; recorded in the audit log.",
)


def access_purpose(request) -> str:
    """The purpose the caller gave for opening a profile (docs/access-and-audit.md); 400 without a valid one."""
    purpose = request.headers.get("X-Access-Purpose", "").strip()
    if purpose not in settings.PORTAL_ACCESS_PURPOSES:
        allowed = ", ".join(settings.PORTAL_ACCESS_PURPOSES)
        raise ParseError(f"Send the header X-Access-Purpose with one of: {allowed}.")
    return purpose


class OffendersApiMixin:
    """Detail lookups through the user's restricted queryset (hidden: 403, audited; missing: 404); lists audited."""

    capability_prefix = ""

    def get_visible_object(self, pk):
        record = selectors.record_get_or_refuse(
            user=self.request.user, pk=pk, capability=f"{self.capability_prefix}.view"
        )
        self.check_object_permissions(self.request, record)
        return record

    def list(self, request, *args, **kwargs):
        """A list of personal data is audited, with the filters used (docs/access-and-audit.md)."""
        list_view_record(subject=self.capability_prefix, query=request.GET.dict())
        return super().list(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="Search offenders", responses=OffenderSerializer(many=True)),
    create=extend_schema(request=OffenderWriteSerializer, responses={201: OffenderSerializer}),
    partial_update=extend_schema(
        request=OffenderWriteSerializer, responses=OffenderSerializer, parameters=[PURPOSE_HEADER]
    ),
)
class OffenderViewSet(
    OffendersApiMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Offenders: officers and supervisors read and write; restricted records need the grant."""

    permission_classes = [capability_permission("offender.view", "offender.edit")]
    capability_prefix = "offender"
    serializer_class = OffenderSerializer
    filterset_class = OffenderFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.offender_list(user=self.request.user)

    @extend_schema(
        parameters=[PURPOSE_HEADER],
        responses={200: OffenderDetailSerializer, 400: OpenApiResponse(description="Missing or unknown purpose")},
    )
    def retrieve(self, request, pk=None):
        offender = self.get_visible_object(pk)  # first: a hidden record is refused (audited), purpose or not
        purpose = access_purpose(request)
        offender_view_record(offender=offender, purpose=purpose)
        profile = selectors.offender_profile(user=request.user, offender=offender, panels=False)
        offender.timeline = profile.offences
        context = {**self.get_serializer_context(), "score_summary": profile.score_summary}
        return Response(OffenderDetailSerializer(offender, context=context).data)

    def create(self, request, *args, **kwargs):
        incoming = OffenderWriteSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        restricted = data.pop("restricted", False)
        offender = offender_create(data=data, restricted=restricted, by=request.user)
        return Response(OffenderSerializer(offender).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        offender = self.get_visible_object(pk)
        access_purpose(request)  # the detail answers with the profile: the same purpose rule as GET
        incoming = OffenderWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        restricted = data.pop("restricted", None)
        offender = offender_update(offender=offender, data=data, restricted=restricted, by=request.user)
        return Response(OffenderSerializer(offender).data)


@extend_schema_view(
    list=extend_schema(summary="List offences", responses=OffenceSerializer(many=True)),
    retrieve=extend_schema(responses=OffenceSerializer),
    create=extend_schema(request=OffenceWriteSerializer, responses={201: OffenceSerializer}),
    partial_update=extend_schema(request=OffenceWriteSerializer, responses=OffenceSerializer),
    destroy=extend_schema(responses={204: None}),
)
class OffenceViewSet(
    OffendersApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Offences: each write is audited and re-scores its offender once committed."""

    permission_classes = [capability_permission("offence.view", "offence.edit")]
    capability_prefix = "offence"
    serializer_class = OffenceSerializer
    filterset_class = OffenceFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.offence_list(user=self.request.user)

    def retrieve(self, request, pk=None):
        return Response(OffenceSerializer(self.get_visible_object(pk)).data)

    def create(self, request, *args, **kwargs):
        incoming = OffenceWriteSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        offence = offence_create(data=incoming.validated_data, by=request.user)
        return Response(OffenceSerializer(offence).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        offence = self.get_visible_object(pk)
        incoming = OffenceWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        offence = offence_update(offence=offence, data=incoming.validated_data, by=request.user)
        return Response(OffenceSerializer(offence).data)

    def destroy(self, request, pk=None):
        offence_delete(offence=self.get_visible_object(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
