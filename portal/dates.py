"""The range of dates the portal accepts from anyone: page forms, API bodies, query filters and imports.

A date before 1900 or after 2100 is a keying error (year 1 for 2001, 20244 for 2024) in every field
the portal has: an offence, a date of birth, a due or review date, a report period or an audit search.
Written here once, below every app, so the audit log's filters (which may not import the offenders
app) and offenders/rules.py share the same bounds and the same words. Rules that narrow the range
further (not in the future, not in the past) stay with their fields.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def check_date_in_range(value: dt.date, *, label: str = "date", latest: dt.date | None = LATEST_DATE) -> dt.date:
    """`value` if it lies from 1900-01-01 to `latest` (2100-12-31; None where a narrower rule, such as
    "not in the future", bounds the field instead); otherwise a ValidationError naming the field."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_DATE:
        raise ValidationError(
            f"The {label} must not be before {EARLIEST_DATE.isoformat()} (it is {day.isoformat()}).", code="too_early"
        )
    if latest is not None and day > latest:
        raise ValidationError(
            f"The {label} must not be after {latest.isoformat()} (it is {day.isoformat()}).", code="too_late"
        )
    return value


class BoundedDateField(forms.DateField):
    """A form (and filter) date field that refuses dates outside the portal's range with a field error.

    `range_label` names the field in that message (default: its label in lower case)."""

    def __init__(self, *args, range_label: str = "", **kwargs):
        self.range_label = range_label
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_date_in_range(value, label=self.range_label or str(self.label or "date").lower())
