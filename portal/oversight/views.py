"""Oversight pages: thin views that parse the period, build one report and render or stream it."""

import datetime
from decimal import Decimal

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.views import View
from django.views.generic import TemplateView

from portal import formats
from portal.accounts.guards import CapabilityRequiredMixin
from portal.audit.selectors import audit_export_rows
from portal.audit.services import audit_log_exported
from portal.audit.views import audit_log_filter, filters_used

from .exports import csv_response, report_filename, report_rows
from .filters import PeriodForm, period_from
from .selectors import REPORT_TITLES, REPORTS, report_build
from .selectors.transparency import transparency_facts
from .services import report_access_record


class OversightIndexView(CapabilityRequiredMixin, TemplateView):
    """The list of reports, each with what it answers."""

    capability = "reports.view"
    template_name = "oversight/index.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reports": REPORT_TITLES}


def _display(value):
    """A cell as a page shows it: no data is a dash, never a zero."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return formats.number(value, places=2)
    if isinstance(value, datetime.datetime):
        return formats.moment(value)
    if isinstance(value, datetime.date):
        return formats.day(value)
    return value


def _table_context(table) -> dict:
    rows, truncated = table.preview()
    cells = [[(_display(row.get(column.key)), column.numeric) for column in table.columns] for row in rows]
    return {"table": table, "rows": cells, "truncated": truncated}


class ReportView(CapabilityRequiredMixin, View):
    """One report as a page (`?from=&to=`), or as CSV (`&format=csv`, optionally `&table=KEY`)."""

    capability = "reports.view"
    report_name = ""

    def get(self, request):
        if self.report_name not in REPORTS:
            raise Http404("That report is not available yet.")
        form = PeriodForm(request.GET or None)
        period, errors = period_from(request.GET)
        if period is None:
            context = {"form": form, "report_name": self.report_name, "title": REPORT_TITLES[self.report_name]}
            return render(request, "oversight/report.html", context, status=400)
        report = report_build(self.report_name, user=request.user, period=period)
        table_key = request.GET.get("table") or None
        if request.GET.get("format") == "csv":
            if table_key and report.table(table_key) is None:
                return HttpResponseBadRequest("Unknown table for this report.", content_type="text/plain")
            report_access_record(name=report.name, period=period, exported=True, table=table_key)
            return csv_response(report_rows(report, table_key=table_key), filename=report_filename(report, table_key))
        report_access_record(name=report.name, period=period, exported=False)
        context = {
            "form": form,
            "report": report,
            "report_name": report.name,
            "title": report.title,
            "tables": [_table_context(table) for table in report.tables],
            "charts": [chart for chart in report.charts if chart.has_data],
            "csv_query": _csv_query(period),
        }
        return render(request, "oversight/report.html", context)


def _csv_query(period) -> str:
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}&format=csv"


class TransparencyView(CapabilityRequiredMixin, TemplateView):
    """The algorithmic transparency record, written from the live configuration, never by hand."""

    capability = "reports.view"
    template_name = "oversight/transparency.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "facts": transparency_facts()}


class AuditExportView(CapabilityRequiredMixin, View):
    """/oversight/audit/export/: the audit page's filtered events as CSV (references, personal values
    redacted as on the page), streamed; the export itself is recorded with its filters."""

    capability = "audit.view"

    def get(self, request):
        params = request.GET.copy()
        params.pop("page", None)
        filterset = audit_log_filter(params, user=request.user)
        if not filterset.is_valid():
            return HttpResponseBadRequest("Those filters are not valid.", content_type="text/plain")
        audit_log_exported(filters=filters_used(params))
        events = filterset.qs.order_by("sequence")
        return csv_response(audit_export_rows(events=events), filename="audit-log.csv")
