from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.audit.models import AuditEvent
from portal.audit.redaction import event_changes_for_reader, event_repr_for_reader


class AuditEventSerializer(serializers.ModelSerializer):
    """An event as its readers may see it: personal values of offender-side events redacted."""

    object_repr = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id", "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type",
            "target_id", "object_repr", "purpose", "client_address", "request_id", "channel", "changes",
            "previous_hash", "event_hash",
        ]  # fmt: skip
        read_only_fields = fields

    def get_object_repr(self, event: AuditEvent) -> str:
        return event_repr_for_reader(event)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, event: AuditEvent):
        return event_changes_for_reader(event)


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_broken = serializers.IntegerField(allow_null=True, help_text="id of the first broken event")
