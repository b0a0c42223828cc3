from rest_framework import serializers

from portal.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id", "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type",
            "target_id", "object_repr", "purpose", "client_address", "request_id", "channel", "changes",
            "previous_hash", "event_hash",
        ]  # fmt: skip
        read_only_fields = fields


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_broken = serializers.IntegerField(allow_null=True, help_text="id of the first broken event")
