"""Django admin for the offenders app: read-only, and pseudonymised where it touches people.

Every write must go through the services (audited, re-scored), and the admin role may not see
identities (docs/roles.md), so the admin lists records by reference and never changes them.
See docs/decisions/0101-read-only-pseudonymised-admin.md.
"""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin

from .models import Offence, OffenceType, Offender, Victim


@admin.register(OffenceType)
class OffenceTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "category"]
    list_filter = ["category"]
    search_fields = ["code", "title"]


@admin.register(Offender)
class OffenderAdmin(ReadOnlyAdmin):
    """Pseudonymised: no names, date of birth or ethnicity."""

    list_display = ["reference", "restricted", "status", "review_due", "created_at"]
    list_filter = ["restricted", "status"]
    fields = readonly_fields = ("reference", "restricted", "status", "review_due", "created_at", "updated_at")
    search_fields = ["=id"]
    show_full_result_count = False


@admin.register(Victim)
class VictimAdmin(ReadOnlyAdmin):
    list_display = ["victim_ref", "created_at"]
    search_fields = ["=victim_ref"]
    show_full_result_count = False


@admin.register(Offence)
class OffenceAdmin(ReadOnlyAdmin):
    list_display = ["crime_ref", "offender_reference", "offence_type", "occurred_on", "reported_on", "status"]
    list_filter = ["status", "domestic"]
    list_select_related = ["offender", "offence_type"]
    fields = readonly_fields = (
        "crime_ref", "offender_reference", "victim", "offence_type", "victim_relationship", "occurred_on",
        "reported_on", "status", "borough", "domestic", "created_at", "updated_at",
    )  # fmt: skip
    search_fields = ["=crime_ref"]
    show_full_result_count = False

    @admin.display(description="offender")
    def offender_reference(self, offence: Offence) -> str:
        return offence.offender.reference


# ImportBatch (read-only, with the upload pages) is registered by the imports package.
from .imports import admin as imports_admin  # noqa: E402, F401
