"""`reports/<name>/`: a report as JSON, or as a streamed CSV with `?format=csv` (docs/api.md)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.api.renderers import CSVRenderer

from ..exports import csv_response, report_filename, report_rows
from ..filters import period_from
from ..selectors import REPORTS, report_build
from ..selectors.base import Period
from ..selectors.evaluation import DEFAULT_HORIZON_DAYS, tasking_evaluation
from ..services import report_access_record
from .serializers import ReportSerializer


class ReportAPIView(APIView):
    """One accountability report for a period; supervisors, admins and oversight only."""

    permission_classes = [IsAuthenticated, capability_permission("reports.view")]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            OpenApiParameter(
                "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(set(REPORTS) - {"evaluation"})
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: a year before `to`)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
            OpenApiParameter("table", OpenApiTypes.STR, description="CSV of this table only"),
        ],
        responses={
            200: ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            400: OpenApiResponse(description="bad period or table"),
            404: OpenApiResponse(),
        },
    )
    def get(self, request, name: str):
        if name not in REPORTS:
            raise NotFound("No such report.")
        period, errors = period_from(request.query_params)
        if period is None:
            raise ValidationError(
                {("non_field_errors" if key == "__all__" else key): value for key, value in errors.items()}
            )
        report = report_build(name, user=request.user, period=period)
        if request.accepted_renderer.format == "csv":
            table_key = request.query_params.get("table") or None
            if table_key and report.table(table_key) is None:
                raise ValidationError({"table": [f"Unknown table; one of {', '.join(t.key for t in report.tables)}."]})
            report_access_record(name=name, period=period, exported=True, table=table_key)
            return csv_response(report_rows(report, table_key=table_key), filename=report_filename(report, table_key))
        report_access_record(name=name, period=period, exported=False)
        return Response(ReportSerializer(report).data)


class EvaluationAPIView(APIView):
    """`reports/evaluation/`: does tasking reduce harm? `{horizon_days, cohorts, estimates, warnings}` (JSON),
    or the estimates as CSV with `?format=csv`. `?horizon=DAYS` (30-730, default 180)."""

    permission_classes = [IsAuthenticated, capability_permission("reports.view")]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="reports_evaluation_retrieve",
        parameters=[
            OpenApiParameter("horizon", OpenApiTypes.INT, description="days before and after (default 180)"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 400: OpenApiResponse(description="bad horizon")},
    )
    def get(self, request):
        raw = request.query_params.get("horizon") or str(DEFAULT_HORIZON_DAYS)
        if not raw.isdigit() or not 30 <= int(raw) <= 730:
            raise ValidationError({"horizon": ["A whole number of days from 30 to 730."]})
        answer = tasking_evaluation(user=request.user, horizon_days=int(raw))
        period = Period.default()
        if request.accepted_renderer.format == "csv":
            report_access_record(name="evaluation", period=period, exported=True, table="estimates")
            columns = ["method", "outcome", "effect", "ci_low", "ci_high", "n_treated", "n_comparison"]
            rows = [columns, *([row[key] for key in columns] for row in answer["estimates"])]
            return csv_response(rows, filename=f"evaluation-{answer['horizon_days']}-days.csv")
        report_access_record(name="evaluation", period=period, exported=False)
        return Response(answer)
