"""Non-crime domestic incidents under /api/v1/ (docs/api.md): `incidents/` and `imports/incidents/`.
Serializers shape, the incident services decide (offenders/services/incidents.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from portal.accounts.guards import capability_permission
from portal.accounts.permissions import restrict

from .. import rules
from ..imports.api import ImportRefusedSerializer, ImportResultSerializer, OffenceImportView
from ..imports.sources import Upload
from ..models import DomesticIncident, IncidentKind, Offender
from ..services.access import list_view_record
from ..services.incidents import incident_record, incidents_import


class IncidentSerializer(serializers.ModelSerializer):
    victim_ref = serializers.CharField(source="victim.victim_ref", read_only=True)

    class Meta:
        model = DomesticIncident
        fields = ["id", "incident_ref", "offender", "victim_ref", "occurred_on", "kind", "separation", "created_at"]


class IncidentWriteSerializer(serializers.Serializer):
    """POST and PATCH body; the values are checked by the incident service (all problems at once)."""

    incident_ref = serializers.CharField(required=False, validators=[rules.CRIME_REF.validator()])
    offender = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    victim_ref = serializers.CharField(required=False, validators=[rules.VICTIM_REF.validator()])
    occurred_on = serializers.CharField(required=False, max_length=10, help_text="YYYY-MM-DD, not in the future")
    kind = serializers.ChoiceField(choices=IncidentKind.choices, required=False)
    separation = serializers.BooleanField(required=False)


def _visible_incidents(user):
    offenders = restrict(Offender.objects.all(), user, "offender.view")
    return restrict(DomesticIncident.objects.select_related("victim"), user, "offence.view").filter(
        offender__in=offenders
    )


@extend_schema_view(
    create=extend_schema(request=IncidentWriteSerializer, responses={201: IncidentSerializer}),
    partial_update=extend_schema(request=IncidentWriteSerializer, responses=IncidentSerializer),
)
class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Non-crime incidents: each write is audited and re-scores its offender once committed."""

    permission_classes = [capability_permission("offence.view", "offence.edit")]
    serializer_class = IncidentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _visible_incidents(self.request.user).order_by("-occurred_on", "-id")

    def list(self, request, *args, **kwargs):
        list_view_record(subject="incident", query=request.GET.dict())
        return super().list(request, *args, **kwargs)

    def _visible(self, pk) -> DomesticIncident:
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise Http404
        return get_object_or_404(self.get_queryset(), pk=int(pk))

    def retrieve(self, request, pk=None):
        return Response(IncidentSerializer(self._visible(pk)).data)

    def _write(self, request, base: dict):
        incoming = IncidentWriteSerializer(data=request.data, partial=bool(base))
        incoming.is_valid(raise_exception=True)
        data = {**base, **incoming.validated_data}
        if "offender" in incoming.validated_data:
            offenders = restrict(Offender.objects.all(), request.user, "offender.edit")
            data["offender"] = offenders.filter(pk=data["offender"]).first()
        return incident_record(data=data, by=request.user)

    def create(self, request, *args, **kwargs):
        incident = self._write(request, {})
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        incident = self._visible(pk)
        base = {"incident_ref": incident.incident_ref, "offender": incident.offender, "kind": incident.kind,
                "victim_ref": incident.victim.victim_ref, "occurred_on": incident.occurred_on,
                "separation": incident.separation}  # fmt: skip
        return Response(IncidentSerializer(self._write(request, base)).data)


class IncidentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The incidents CSV (docs/imports.md).")


class IncidentImportView(OffenceImportView):
    """Upload a non-crime incidents CSV (docs/imports.md): all or nothing, line-numbered problems."""

    @extend_schema(
        summary="Import non-crime domestic incidents from a CSV",
        request={"multipart/form-data": IncidentUploadSerializer},
        responses={
            201: OpenApiResponse(ImportResultSerializer, description="Every row loaded."),
            400: OpenApiResponse(ImportRefusedSerializer, description="Problems found; nothing loaded."),
            403: OpenApiResponse(description="Only admins may import."),
            409: OpenApiResponse(ImportRefusedSerializer, description="The database refused the load; retry."),
            413: OpenApiResponse(ImportRefusedSerializer, description="The file is over the size limit."),
            500: OpenApiResponse(ImportRefusedSerializer, description="The portal failed mid-load; nothing loaded."),
        },
    )
    def post(self, request):
        uploaded = request.FILES.get("file")
        if uploaded is None:
            problem = {"line": None, "column": "file", "message": "No file was sent."}
            return Response({"detail": "Attach the CSV as the field 'file'.", "errors": [problem]}, status=400)
        upload = Upload(stream=uploaded.file, name=uploaded.name or "incidents.csv", size=uploaded.size or 0)
        return self._answer(incidents_import(upload=upload, by=request.user))
