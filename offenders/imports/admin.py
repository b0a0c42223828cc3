"""ImportBatch in the Django admin: the record of every import, and the upload pages beside it."""

from functools import partial

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.accounts.permissions import role_allows

from .. import hooks
from ..models import ImportBatch
from ..services.imports import import_batches_fail_abandoned
from . import views

BATCH_FIELDS = (
    "kind", "outcome", "file_name", "file_sha256", "file_bytes", "started_by_username", "started_at",
    "finished_at", "rows_read", "rows_created", "rows_updated", "rows_unchanged", "rows_skipped",
    "error_count", "details", "errors",
)  # fmt: skip


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: batches are a record. Imports start from the upload pages (object tools on the list)."""

    list_display = (
        "started_at", "kind", "file_name", "outcome", "rows_read", "rows_created", "rows_updated",
        "rows_unchanged", "error_count", "first_problem", "started_by_username",
    )  # fmt: skip
    list_filter = ("kind", "outcome")
    search_fields = ("file_name", "file_sha256", "started_by_username")
    readonly_fields = BATCH_FIELDS
    fields = BATCH_FIELDS
    change_list_template = "admin/imports/importbatch_change_list.html"

    def changelist_view(self, request, extra_context=None):
        """Batches whose import process died are shown as what they are: failed (audited when marked)."""
        if self.has_view_permission(request):
            import_batches_fail_abandoned()
        return super().changelist_view(request, extra_context)

    @admin.display(description="reason")
    def first_problem(self, batch: ImportBatch) -> str:
        """Why a batch did not load: its first problem (all of them are on the batch's own page)."""
        return batch.errors[0]["message"] if batch.errors else ""

    def has_module_permission(self, request):
        return role_allows(request.user, "import.run")

    def has_view_permission(self, request, obj=None):
        return role_allows(request.user, "import.run")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        pages = [
            ("upload-offences/", views.offences_upload, "upload_offences"),
            ("<int:batch_id>/confirm/", views.offences_confirm, "confirm_offences"),
            *((page.route, page.view, page.name) for page in hooks.import_pages()),  # the harm index (scoring)
        ]
        return [
            path(route, self.admin_site.admin_view(self._guarded(view)), name=f"offenders_importbatch_{name}")
            for route, view, name in pages
        ] + super().get_urls()

    def _guarded(self, view):
        """Admin context for the templates, and the early 403 before anything is read (the import services
        decide: they check the capability again, whoever calls them)."""

        def guarded(request, *args, **kwargs):
            if not role_allows(request.user, "import.run"):
                raise PermissionDenied("needs import.run")
            context = {**self.admin_site.each_context(request), "opts": self.model._meta}
            return partial(view, admin_context=context)(request, *args, **kwargs)

        return guarded
