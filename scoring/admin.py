"""Django admin for scoring: read-only views; changes go through the services (four eyes, audit)."""

from django.contrib import admin

from offenders.admin import ReadOnlyAdmin

from .models import HarmEntry, OffenderScore, RankingSnapshot, ScoringPolicy, ScoringRun


class HarmEntryInline(admin.TabularInline):
    model = HarmEntry
    fields = ["code", "title", "days", "provenance"]
    readonly_fields = fields
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
