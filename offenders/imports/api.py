"""POST /api/v1/imports/offences/ (docs/api.md): the offences import for scripts.

201 with counts when every row loaded, 200 for a clean dry run, 400 with `errors` (line, column,
message) and nothing loaded otherwise, 413 over the size limit, 409 when the database refused the load,
500 (with the failed batch) when the portal itself failed mid-load. Admins only (`import.run`).
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission

from ..models import ImportBatch
from ..services.imports import offences_import
from .sources import Upload, import_size_limit

# A multipart body carries boundaries and part headers besides the file; allow for them before refusing.
MULTIPART_ALLOWANCE = 64 * 1024


class OffenceImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The offences CSV (UTF-8, header row; docs/imports.md).")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Check and count only.")


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Physical line in the file; the header is line 1.")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


def _result_fields(*, required: bool) -> dict[str, serializers.Field]:
    flags: dict[str, Any] = {"required": required}
    return {
        "batch": serializers.IntegerField(allow_null=True, **flags),
        "kind": serializers.CharField(**flags),
        "outcome": serializers.ChoiceField(choices=ImportBatch.Outcome.choices, **flags),
        "file_name": serializers.CharField(**flags),
        "file_sha256": serializers.CharField(allow_blank=True, **flags),
        "rows_read": serializers.IntegerField(**flags),
        "created": serializers.IntegerField(**flags),
        "updated": serializers.IntegerField(**flags),
        "unchanged": serializers.IntegerField(**flags),
        "skipped": serializers.IntegerField(**flags),
        "details": serializers.DictField(**flags),
        "error_count": serializers.IntegerField(**flags),
    }


ImportResultSerializer = type(
    "ImportResultSerializer",
    (serializers.Serializer,),
    {**_result_fields(required=True), "errors": ImportProblemSerializer(many=True)},
)
ImportRefusedSerializer = type(
    "ImportRefusedSerializer",
    (serializers.Serializer,),
    {**_result_fields(required=False), "detail": serializers.CharField(), "errors": ImportProblemSerializer(many=True)},
)


def _status_of(report) -> int:
    if report.too_large:
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if report.crashed:
        return status.HTTP_500_INTERNAL_SERVER_ERROR
    if report.loaded:
        return status.HTTP_201_CREATED
    if report.ok:
        return status.HTTP_200_OK
    return status.HTTP_409_CONFLICT if report.batch.outcome == "failed" else status.HTTP_400_BAD_REQUEST


class OffenceImportView(APIView):
    """Upload an offences CSV; the same service and report as `manage.py import_offences`."""

    permission_classes = [IsAuthenticated, capability_permission("import.run")]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import offences from a CSV",
        request={"multipart/form-data": OffenceImportUploadSerializer},
        responses={
            201: OpenApiResponse(ImportResultSerializer, description="Every row loaded."),
            200: OpenApiResponse(ImportResultSerializer, description="Dry run: the file would load."),
            400: OpenApiResponse(ImportRefusedSerializer, description="Problems found; nothing loaded."),
            403: OpenApiResponse(description="Only admins may import."),
            409: OpenApiResponse(ImportRefusedSerializer, description="The database refused the load; retry."),
            413: OpenApiResponse(ImportRefusedSerializer, description="The file is over the size limit."),
            500: OpenApiResponse(
                ImportRefusedSerializer, description="The portal failed mid-load; nothing loaded; the batch says so."
            ),
        },
    )
    def post(self, request):
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > import_size_limit() + MULTIPART_ALLOWANCE:
            # Refuse before Django reads (and spools) the body; the batch records the refusal all the same.
            unread = Upload(stream=None, name="(not read: over the size limit)", size=declared)
            return self._answer(offences_import(upload=unread, by=request.user))
        form = OffenceImportUploadSerializer(data=request.data)
        if not form.is_valid():
            errors = [{"line": None, "column": k, "message": " ".join(map(str, v))} for k, v in form.errors.items()]
            return Response({"detail": "Attach the CSV as the multipart field 'file'.", "errors": errors}, status=400)
        uploaded = form.validated_data["file"]
        upload = Upload(stream=uploaded.file, name=uploaded.name or "upload.csv", size=uploaded.size)
        return self._answer(offences_import(upload=upload, by=request.user, dry_run=form.validated_data["dry_run"]))

    @staticmethod
    def _answer(report) -> Response:
        body = report.as_dict()
        if not report.ok:
            first = report.problems.kept[0].as_text() if report.problems.kept else ""
            body["detail"] = f"Nothing was loaded: {report.problems.total} problem(s). The first: {first}"
        return Response(body, status=_status_of(report))
