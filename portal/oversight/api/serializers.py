"""The JSON shape of a report: the same figures, tables and charts the page shows."""

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


# A field named `label` is declared like any other: DRF's metaclass moves it into `_declared_fields`, leaving
# Field.label alone, which the stubs cannot see.
class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.JSONField(allow_null=True, help_text="null means no data, never zero")
    note = serializers.CharField(allow_blank=True)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # as FigureSerializer's
    numeric = serializers.BooleanField()


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    columns = ColumnSerializer(many=True)
    rows = serializers.SerializerMethodField()
    truncated = serializers.SerializerMethodField(help_text="true when more rows are in the CSV export")
    message = serializers.SerializerMethodField(help_text="'No data for this period.' when there are no rows")

    def get_rows(self, table) -> list[dict]:
        rows, _truncated = table.preview()
        return [{column.key: _json_value(row.get(column.key)) for column in table.columns} for row in rows]

    def get_truncated(self, table) -> bool:
        return table.preview()[1]

    def get_message(self, table) -> str | None:
        return None if table.preview()[0] else table.empty_message


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    datasets = serializers.JSONField()


@extend_schema_field(
    {
        "type": "object",
        "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}},
        "required": ["from", "to"],
    }
)
class PeriodField(serializers.Field):
    """The period as the query string wrote it: {"from": date, "to": date}, both ends included."""

    def to_representation(self, period):
        return period.as_dict()


class ReportSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    period = PeriodField()
    figures = FigureSerializer(many=True)
    tables = TableSerializer(many=True)
    charts = serializers.SerializerMethodField()
    notes = serializers.ListField(child=serializers.CharField())

    def get_charts(self, report) -> list[dict]:
        # many=True makes a ListSerializer, whose data is a list; the stubs type it as the single serializer's
        return ChartSerializer([chart for chart in report.charts if chart.has_data], many=True).data  # type: ignore[return-value]
