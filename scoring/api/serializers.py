"""Shapes of the scoring API (docs/api.md). Serializers only shape; services decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offenders import rules

from ..models import RankingSnapshot, ScoringPolicy, ScoringRun
from ..selectors import policy_entries


class RankedOffenderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    display_name = serializers.CharField(allow_null=True, help_text="Null when pseudonymised for this user.")


class ComponentsSerializer(serializers.Serializer):
    harm_days = serializers.FloatField()
    offence_count = serializers.IntegerField()
    victim_count = serializers.IntegerField()
    days_since_last = serializers.IntegerField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    """One row of the live ranking: the API's shape of the rows scoring.selectors.ranking_rows_for reads
    (the page's extra columns are not part of it)."""

    rank = serializers.IntegerField()
    offender = RankedOffenderSerializer()
    score = serializers.FloatField()
    components = ComponentsSerializer()
    movement = serializers.IntegerField(
        allow_null=True, help_text="Places gained since the last snapshot; null if new."
    )


class PolicyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringPolicy
        fields = ["id", "version", "name", "status", "is_illustrative"]


class PolicySerializer(serializers.ModelSerializer):
    based_on: "serializers.PrimaryKeyRelatedField[ScoringPolicy]" = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    parameters = serializers.SerializerMethodField()
    entry_count = serializers.SerializerMethodField()

    class Meta:
        model = ScoringPolicy
        fields = [
            "id", "version", "name", "status", "is_illustrative", "based_on", "notes", "parameters", "entry_count",
            "author_username", "approved_by_username", "approved_at", "activated_by_username", "activated_at",
            "retired_at", "created_at", "updated_at",
        ]  # fmt: skip

    def get_parameters(self, policy) -> dict:
        return policy.parameters

    def get_entry_count(self, policy) -> int:
        return policy.entries.count()


class PolicyDetailSerializer(PolicySerializer):
    entries = serializers.SerializerMethodField()
    # many=True makes a ManyRelatedField of usernames; the stubs cannot say so, nor infer a read-only field's model
    edited_by = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        source="editors", slug_field="username", many=True, read_only=True
    )

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "edited_by", "entries"]

    def get_entries(self, policy) -> list[dict]:
        return policy_entries(policy=policy)


class PolicyWriteSerializer(serializers.Serializer):
    """POST and PATCH body; the values themselves are checked by the policy services."""

    name = serializers.CharField(required=False, validators=[rules.POLICY_NAME.validator()])
    based_on = serializers.PrimaryKeyRelatedField(queryset=ScoringPolicy.objects.all(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, validators=[rules.POLICY_NOTES.validator()])
    parameters = serializers.JSONField(required=False)
    entries = serializers.JSONField(required=False)


class RunSerializer(serializers.ModelSerializer):
    policy = PolicyBriefSerializer(read_only=True)
    progress = serializers.FloatField(read_only=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)
    snapshot = serializers.SerializerMethodField()

    class Meta:
        model = ScoringRun
        fields = [
            "id", "status", "progress", "reason", "publish", "policy", "as_of", "started_by_username",
            "queued_at", "started_at", "finished_at", "duration_seconds", "chunks_total", "chunks_done",
            "offenders_total", "offenders_scored", "ranked_count", "error", "snapshot", "heartbeat_at",
        ]  # fmt: skip

    def get_snapshot(self, run) -> int | None:
        snapshot = getattr(run, "snapshot", None)
        return snapshot.pk if snapshot else None


class PolicyActivationSerializer(PolicyDetailSerializer):
    """The policy just activated, with the recompute its activation started."""

    run = serializers.SerializerMethodField()

    class Meta(PolicyDetailSerializer.Meta):
        fields = [*PolicyDetailSerializer.Meta.fields, "run"]

    @extend_schema_field(RunSerializer)
    def get_run(self, policy) -> dict:
        return RunSerializer(self.context["run"]).data


class SnapshotSerializer(serializers.ModelSerializer):
    policy = PolicyBriefSerializer(read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = RankingSnapshot
        fields = [
            "id",
            "published_at",
            "as_of",
            "data_cutoff",
            "policy",
            "policy_version",
            "entry_count",
            "run",
            "previous",
        ]


class SnapshotDetailSerializer(SnapshotSerializer):
    """A published ranking with its first rows, frozen as published (`?limit=`)."""

    entries = serializers.SerializerMethodField()

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "entries"]

    @extend_schema_field(RankingRowSerializer(many=True))
    def get_entries(self, snapshot) -> list[dict]:
        return self.context["entries"]


class PreviewShareSerializer(serializers.Serializer):
    active = serializers.FloatField()
    draft = serializers.FloatField()


class PolicyPreviewSerializer(serializers.Serializer):
    """The impact preview of a policy against the active one (docs/scoring.md); pseudonymised."""

    policy = serializers.IntegerField()
    compared_with = serializers.IntegerField(allow_null=True)
    top_n = serializers.IntegerField()
    as_of = serializers.DateField()
    overlap = serializers.IntegerField()
    entered = serializers.ListField(child=serializers.CharField())
    left = serializers.ListField(child=serializers.CharField())
    rank_correlation = serializers.FloatField(allow_null=True, help_text="Kendall's tau-b over the union.")
    composition = serializers.DictField(child=PreviewShareSerializer(), help_text="Share of the top N by group.")
