"""Forms of the scoring pages: they parse input; the policy services decide what is allowed."""

import csv
import io

from django import forms

from offenders import rules
from offenders.choices import OffenceStatus
from offenders.imports.forms import file_within_limit

from .days import days_text
from .models import ScoringPolicy

INPUT = {"class": "govuk-input govuk-input--width-10"}


def _name_field() -> forms.CharField:
    return forms.CharField(
        validators=[rules.POLICY_NAME.validator()], widget=forms.TextInput(attrs={"class": "govuk-input"})
    )


class PolicyCreateForm(forms.Form):
    name = _name_field()
    based_on = forms.ModelChoiceField(
        queryset=ScoringPolicy.objects.order_by("-version"),
        required=False,
        empty_label="(nothing: an empty weight table)",
        help_text="The new draft copies this policy's harm entries and parameters.",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class PolicyEditForm(forms.Form):
    """A draft's name, parameters and weight table (one CSV line per entry: code,title,days,provenance)."""

    name = _name_field()
    notes = forms.CharField(
        required=False,
        validators=[rules.POLICY_NOTES.validator()],
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
    )
    window_days = forms.IntegerField(min_value=1, max_value=3650, widget=forms.NumberInput(attrs=INPUT))
    min_offences = forms.IntegerField(min_value=1, max_value=100, widget=forms.NumberInput(attrs=INPUT))
    recency_half_life_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, help_text="Blank: no recency decay.",
        widget=forms.NumberInput(attrs=INPUT),
    )  # fmt: skip
    victim_uplift = forms.FloatField(
        required=False, min_value=0, max_value=10, help_text="Blank: no uplift per extra victim.",
        widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
    )  # fmt: skip
    exit_outside_top_n_snapshots = forms.IntegerField(
        label="Exit rule: snapshots outside the top N", required=False, min_value=1, max_value=24,
        help_text="Propose an exit after this many consecutive published rankings outside the top N. Blank: off.",
        widget=forms.NumberInput(attrs=INPUT),
    )  # fmt: skip
    exit_score_fall_percent = forms.FloatField(
        label="Exit rule: score fallen by (%)", required=False, min_value=1, max_value=100,
        help_text="Propose an exit when the score has fallen this much since tasking. Blank: off.",
        widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
    )  # fmt: skip
    exit_in_custody = forms.BooleanField(
        label="Exit rule: in custody", required=False,
        help_text="Propose an exit when a remand is recorded on the case.",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )  # fmt: skip
    multipliers = forms.CharField(
        required=False, help_text="One per line: offence code,factor (above 0, at most 10), e.g. 008/71,3",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )  # fmt: skip
    incident_days = forms.DecimalField(
        required=False, min_value=0, max_value=36_500, decimal_places=2, label="Days per non-crime incident",
        help_text="Blank or 0: non-crime domestic incidents are not counted.",
        widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
    )  # fmt: skip
    entries = forms.CharField(
        help_text="One harm entry per line: code,title,days,provenance",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 16}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for status in OffenceStatus:
            self.fields[f"factor_{status.value}"] = forms.FloatField(
                label=f"Status factor: {status.label}", min_value=0, max_value=10,
                widget=forms.NumberInput(attrs={**INPUT, "step": "any"}),
            )  # fmt: skip

    @staticmethod
    def initial_for(policy: ScoringPolicy, entries: list[dict]) -> dict:
        lines = io.StringIO()
        writer = csv.writer(lines, lineterminator="\n")
        for e in entries:
            writer.writerow([e["code"], e["title"], days_text(e["days"]), e["provenance"]])
        initial = {"name": policy.name, "notes": policy.notes, "entries": lines.getvalue(), **policy.parameters}
        initial.update({f"factor_{status}": factor for status, factor in policy.status_factors.items()})
        initial["multipliers"] = "".join(f"{code},{factor:g}\n" for code, factor in policy.multipliers.items())
        return initial

    def clean_multipliers(self) -> dict[str, str]:
        """Lines of `code,factor` as the service's {code: factor}; the service checks the values."""
        multipliers = {}
        for number, row in enumerate(csv.reader(io.StringIO(self.cleaned_data["multipliers"])), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                raise forms.ValidationError(f"Line {number}: needs code,factor")
            multipliers[row[0].strip()] = row[1].strip()
        return multipliers

    def clean_entries(self) -> list[dict]:
        rows = []
        for number, row in enumerate(csv.reader(io.StringIO(self.cleaned_data["entries"])), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 3:
                raise forms.ValidationError(f"Line {number}: needs code,title,days[,provenance]")
            provenance = ",".join(row[3:]).strip()
            rows.append({"code": row[0], "title": row[1], "days": row[2].strip(), "provenance": provenance})
        return rows

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "window_days": data["window_days"],
            "min_offences": data["min_offences"],
            "recency_half_life_days": data["recency_half_life_days"],
            "victim_uplift": data["victim_uplift"],
            "exit_outside_top_n_snapshots": data["exit_outside_top_n_snapshots"],
            "exit_score_fall_percent": data["exit_score_fall_percent"],
            "exit_in_custody": data["exit_in_custody"],
            "status_factors": {s.value: data[f"factor_{s.value}"] for s in OffenceStatus},
            "multipliers": data["multipliers"],
            "incident_days": data["incident_days"],
        }


class HarmIndexUploadForm(forms.Form):
    """The admin's harm-index upload: the workbook and the new draft policy's name."""

    name = forms.CharField(label="Name of the new draft policy", validators=[rules.POLICY_NAME.validator()])
    file = forms.FileField(
        label="Harm-index workbook (.xlsx)",
        help_text="The Cambridge Crime Harm Index layout: FULL_OFFENCE_TITLE, CCHI Score, HOME_OFFICE_CLASSIFICATION.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        return file_within_limit(self.cleaned_data["file"])
