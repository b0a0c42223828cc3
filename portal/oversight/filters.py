"""The period filter every report takes (`?from=YYYY-MM-DD&to=YYYY-MM-DD`), shared by pages and the API."""

import datetime

from django import forms

from portal.dates import BoundedDateField

from .selectors.base import DEFAULT_PERIOD_DAYS, Period

MAX_PERIOD_DAYS = 366 * 10


class PeriodForm(forms.Form):
    """Both ends optional: `to` defaults to today, `from` to a year before `to`."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = BoundedDateField(
            required=False, label="From", range_label="start of the period", input_formats=["%Y-%m-%d"]
        )
        self.fields["to"] = BoundedDateField(
            required=False, label="To", range_label="end of the period", input_formats=["%Y-%m-%d"]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError("The start of the period must not be after its end.")
        if start and end and (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError("The period must be ten years or shorter.")
        return cleaned

    def period(self) -> Period:
        """The validated period (call after is_valid())."""
        default = Period.default()
        end = self.cleaned_data.get("to") or default.end
        start = self.cleaned_data.get("from") or end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS)
        if start > end:  # only `from` given, and after today
            end = start
        return Period(start=start, end=end)


def period_from(query) -> tuple[Period | None, dict]:
    """The period in a query string, or None and the form's errors ({"from": [...], ...})."""
    form = PeriodForm({key: query.get(key) for key in ("from", "to") if query.get(key)})
    if not form.is_valid():
        errors = {key: [str(message) for message in messages] for key, messages in form.errors.items()}
        return None, errors
    return form.period(), {}
