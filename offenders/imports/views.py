"""The admin's import pages: upload -> preview (every problem, or the counts of what will change) -> confirm.

Thin views: they parse the form, call the import service (which decides who may import), and render
its report. They sit inside the Django admin (ImportBatchAdmin.get_urls), which already demands an admin
with a verified TOTP and refuses anyone without the import capability before a page is read.
The harm-index upload page beside them is the scoring app's (added through offenders.hooks).
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ..models import ImportBatch
from ..services.imports import offences_import_confirm, offences_import_preview
from .forms import OffencesUploadForm


def import_page(request, admin_context: dict, template: str, **context):
    """One of the import pages (templates/admin/imports/), inside the admin's page furniture."""
    return TemplateResponse(request, f"admin/imports/{template}", {**admin_context, **context})


def offences_upload(request, *, admin_context: dict):
    """GET: the form. POST: keep a copy, dry-run it, and show the preview."""
    form = OffencesUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return import_page(request, admin_context, "offences_upload.html", form=form, title="Import offences (CSV)")
    report = offences_import_preview(uploaded=form.cleaned_data["file"], by=request.user)
    return import_page(request, admin_context, "offences_preview.html", report=report, title="Check the offences file")


def offences_confirm(request, batch_id: int, *, admin_context: dict):
    """Load the file the preview checked (the kept copy, verified by its SHA-256). The address opened
    in a browser (GET) goes back to the upload form: loading happens only on the preview's button."""
    if request.method == "GET":
        return redirect("admin:offenders_importbatch_upload_offences")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        report = offences_import_confirm(batch_id=batch_id, by=request.user)
    except ImportBatch.DoesNotExist:
        raise Http404("No such checked file of yours.") from None
    if report is None:
        messages.error(request, "That checked file is no longer waiting (already loaded, or too old). Upload it again.")
        return redirect("admin:offenders_importbatch_upload_offences")
    return import_page(request, admin_context, "offences_result.html", report=report, title="Import result")
