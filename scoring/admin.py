"""Django admin for scoring: read-only views; changes go through the services (four eyes, audit).

Also the harm-index upload page, shown beside the import batches (offenders' ImportBatch admin adds it
through offenders.hooks, registered in apps.py): a workbook becomes a new draft policy.
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed

from offenders.imports.sources import Upload
from offenders.imports.views import import_page
from portal.admin import ReadOnlyAdmin

from .forms import HarmIndexUploadForm
from .models import HarmEntry, OffenderScore, RankingSnapshot, ScoringPolicy, ScoringRun
from .services.harm_index import harm_index_import


class HarmEntryInline(admin.TabularInline):
    model = HarmEntry
    fields = readonly_fields = ("code", "title", "days", "provenance")
    extra = 0
    can_delete = False


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "name", "status", "is_illustrative", "author_username", "approved_by_username"]
    list_filter = ["status", "is_illustrative"]
    inlines = [HarmEntryInline]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "reason", "policy", "started_by_username", "queued_at", "finished_at"]
    list_filter = ["status"]


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["id", "published_at", "policy", "entry_count", "as_of"]


@admin.register(OffenderScore)
class OffenderScoreAdmin(ReadOnlyAdmin):
    list_display = ["offender_id", "score", "eligible", "offence_count", "computed_at"]
    list_filter = ["eligible"]


def harm_index_upload(request, *, admin_context: dict):
    """GET: the form. POST: the workbook becomes a new draft policy (or nothing) and the result shows."""
    form = HarmIndexUploadForm(request.POST or None, request.FILES or None)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST" or not form.is_valid():
        return import_page(request, admin_context, "harm_upload.html", form=form, title="Import a harm index (xlsx)")
    uploaded = form.cleaned_data["file"]
    report = harm_index_import(
        upload=Upload(uploaded.file, uploaded.name, uploaded.size), name=form.cleaned_data["name"], by=request.user
    )
    return import_page(request, admin_context, "harm_result.html", report=report, title="Harm-index import result")
