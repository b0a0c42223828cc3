"""The period filter every report takes (`?from=YYYY-MM-DD&to=YYYY-MM-DD`), shared by pages and the API."""

import datetime

from django import forms

from .selectors.base import DEFAULT_PERIOD_DAYS, Period

MAX_PERIOD_DAYS = 366 * 10
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class PeriodForm(forms.Form):
    """Both ends optional: `to` defaults to today, `from` to a year before `to`."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(required=False, label="From", input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, label="To", input_formats=["%Y-%m-%d"])

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            value = cleaned.get(name)
            if value is not None and not (EARLIEST <= value <= LATEST):
                self.add_error(name, f"Enter a date between {EARLIEST:%Y} and {LATEST:%Y}.")
                cleaned[name] = None
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
