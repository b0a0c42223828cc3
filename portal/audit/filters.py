"""One FilterSet for the audit page and the audit API (docs/api.md: actor, action,
target_type, target_id, since, until)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from portal.dates import check_date_in_range

from .models import AuditEvent


class UtcIsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 moment, normalised to UTC: any offset Python accepts (up to 24 hours) becomes one
    every database accepts, and a moment that cannot exist in UTC is a form error, not a 500.

    A moment without an offset is read in the portal's time zone (TIME_ZONE). A bare date means the
    start of that day, or with `end_of_day` (for `until`) its end, so `?until=2026-01-01` includes
    the events of the 1st, as a person reading the log means it."""

    input_formats = [django_filters.fields.IsoDateTimeField.ISO_8601]

    def __init__(self, *args, end_of_day: bool = False, range_label: str = "date", **kwargs):
        self.end_of_day = end_of_day
        self.range_label = range_label
        super().__init__(*args, **kwargs)

    def strptime(self, value, format):
        return datetime.datetime.fromisoformat(value.strip())

    def to_python(self, value):
        moment = super().to_python(value)  # naive moments are made aware in the current time zone
        if moment is None:
            return None
        check_date_in_range(moment, label=self.range_label)  # year 1 or 9999 is a typing slip, not a search
        if self.end_of_day and isinstance(value, str) and _is_bare_date(value.strip()):
            moment = timezone.make_aware(datetime.datetime.combine(moment.date(), datetime.time.max))
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("That moment is out of range.", code="invalid") from None


def _is_bare_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="exact", label="Actor (username)")
    action = django_filters.CharFilter(field_name="action", lookup_expr="exact", label="Action")
    target_type = django_filters.CharFilter(field_name="target_type", lookup_expr="exact", label="Target type")
    target_id = django_filters.CharFilter(field_name="target_id", lookup_expr="exact", label="Target id")
    since = UtcIsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="Since (ISO 8601)", range_label="'since' moment"
    )
    until = UtcIsoDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="lte",
        label="Until (ISO 8601)",
        end_of_day=True,
        range_label="'until' moment",
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "since", "until"]


class AuditLogFilter(AuditEventFilter):
    """The audit page's filters, for an auditor: several actions at once (ticked from the actions the
    log holds), a target by the reference the page shows (an offender's pseudonym, "case 12", a
    username), and the dates from date controls. The API keeps AuditEventFilter's exact parameters."""

    action = django_filters.MultipleChoiceFilter(
        field_name="action", label="Actions", choices=[], widget=forms.CheckboxSelectMultiple
    )
    target = django_filters.CharFilter(method="filter_target", label="Target reference", max_length=64)

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target", "target_type", "target_id", "since", "until"]

    def __init__(self, *args, actions: list[str] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = [(name, name) for name in actions]
        self.form.fields["action"].choices = [(name, name) for name in actions]
        self.form.fields["since"].label, self.form.fields["until"].label = "From", "To"

    def filter_target(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(object_repr__iexact=value) | Q(target_id=value))
