"""Page forms for offenders and offences. They only collect text: the services apply offenders/rules.py,
and the view puts the services' field errors back on the form, so a page and the API say the same thing.
"""

from django import forms
from django.conf import settings

from . import rules
from .choices import ETHNICITY_CHOICES, OffenceStatus, OffenderStatus, Relationship, Sex

TEXT = {"class": "govuk-input"}
SHORT_TEXT = {"class": "govuk-input govuk-input--width-20"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}


# Fields are not "required" here: the service reports missing values with the other problems, all at once.
def _text(label: str, *, attrs=None, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs or TEXT)
    )


def _date(label: str, *, help_text: str = "Day, month and year, for example 27 March 2024") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs=DATE))


def _select(label: str, choices, *, blank: str | None = None, initial: str = "") -> forms.ChoiceField:
    options = ([("", blank)] if blank is not None else []) + list(choices)
    return forms.ChoiceField(
        label=label, choices=options, required=False, initial=initial, widget=forms.Select(attrs=SELECT)
    )


class OffenderForm(forms.Form):
    """Create or edit an offender's details (the restricted flag has its own, supervised form)."""

    suspect_ref = _text("Force reference", attrs=SHORT_TEXT)
    surname = _text("Surname")
    forenames = _text("Forenames")
    date_of_birth = _date("Date of birth")
    sex = _select("Sex", Sex.choices, initial=Sex.UNKNOWN)
    ethnicity = _select(
        "Ethnicity (ONS 2021)",
        ETHNICITY_CHOICES,
        blank="Not stated",
    )
    status = _select("Record status", OffenderStatus.choices, initial=OffenderStatus.ACTIVE)
    review_due = _date("Review due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].help_text = "Recorded for fairness monitoring only; never used in the score."


class OffenceForm(forms.Form):
    """Record or correct one offence against the offender whose profile the officer is on."""

    crime_ref = _text("Crime reference", attrs=SHORT_TEXT)
    offence_code = _text("Offence code", attrs=SHORT_TEXT, help_text="Home Office code, for example 008/67 or 19C")
    occurred_on = _date("Date it occurred")
    reported_on = _date("Date reported")
    status = _select("Status", OffenceStatus.choices, initial=OffenceStatus.REPORTED)
    victim_ref = _text("Victim reference", attrs=SHORT_TEXT)
    victim_relationship = _select(
        "Victim's relationship to the offender", Relationship.choices, initial=Relationship.UNKNOWN
    )
    borough = _text("Borough", help_text="At most 64 characters")
    domestic = forms.BooleanField(
        label="Domestic abuse related",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class PurposeForm(forms.Form):
    """Why the officer is opening this record: asked once per offender per session and audited."""

    purpose = forms.ChoiceField(
        label="Why are you opening this record?",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"required": "Choose why you are opening this record."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [
            (p, p.replace("_", " ").capitalize()) for p in settings.PORTAL_ACCESS_PURPOSES
        ]


class RestrictedForm(forms.Form):
    """A supervisor with restricted access hides or reveals an offender; the reason goes in the audit log."""

    restricted = forms.BooleanField(required=False)
    reason = forms.CharField(
        label="Reason",
        validators=[rules.RESTRICTION_REASON.validator()],
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        error_messages={"required": "Give a reason for changing the restricted flag."},
    )


class ReviewForm(forms.Form):
    """A review's outcome: keep the record (with the reason) or dispose of it (admins only: the service decides)."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("retain", "Retain: still necessary for a policing purpose"), ("dispose", "Dispose of the record")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome."},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Recorded and audited.",
        validators=[rules.REVIEW_REASON.validator()],
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
        error_messages={"required": "Give the reason for the outcome: it is recorded and audited."},
    )
