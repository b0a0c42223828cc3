"""One FilterSet for the audit page and the audit API (CONTRACT.md section 4: actor, action,
target_type, target_id, since, until)."""

import django_filters

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="exact", label="Actor (username)")
    action = django_filters.CharFilter(field_name="action", lookup_expr="exact", label="Action")
    target_type = django_filters.CharFilter(field_name="target_type", lookup_expr="exact", label="Target type")
    target_id = django_filters.CharFilter(field_name="target_id", lookup_expr="exact", label="Target id")
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label="Since (ISO 8601)")
    until = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte", label="Until (ISO 8601)")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "since", "until"]
