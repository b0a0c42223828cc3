"""One FilterSet for the audit page and the audit API (CONTRACT.md section 4: actor, action,
target_type, target_id, since, until)."""

import datetime

import django_filters
from django import forms

from .models import AuditEvent


class UtcIsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 moment, normalised to UTC: any offset Python accepts (up to 24 hours) becomes one
    every database accepts, and a moment that cannot exist in UTC is a form error, not a 500."""

    input_formats = [django_filters.fields.IsoDateTimeField.ISO_8601]

    def strptime(self, value, format):
        return datetime.datetime.fromisoformat(value.strip())

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("That moment is out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="exact", label="Actor (username)")
    action = django_filters.CharFilter(field_name="action", lookup_expr="exact", label="Action")
    target_type = django_filters.CharFilter(field_name="target_type", lookup_expr="exact", label="Target type")
    target_id = django_filters.CharFilter(field_name="target_id", lookup_expr="exact", label="Target id")
    since = UtcIsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label="Since (ISO 8601)")
    until = UtcIsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte", label="Until (ISO 8601)")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "since", "until"]
