"""Page forms for cases. They only parse; the services apply the rules, and `portal.forms.add_service_errors`
puts the services' field errors back on the form, so a page and the API refuse the same things in the same words.
"""

from django import forms

from offenders import rules
from offenders.choices import OrderKind
from offenders.models import Offender
from offenders.selectors import offender_list

from .models import (
    ActionKind,
    ActionStatus,
    CaseStage,
    DecisionKind,
    DisclosureDecision,
    DisclosureRoute,
    ExitReason,
    Outcome,
    RiskGrade,
    Strand,
)
from .selectors import case_workers, team_candidates

TEXTAREA = {"class": "govuk-textarea", "rows": 3}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}


def _person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person_label(obj)


def _lead_field(required: bool = True) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=case_workers(), label="Lead officer", required=required, widget=forms.Select(attrs=SELECT)
    )


def _team_field() -> PeopleChoiceField:
    return PeopleChoiceField(
        queryset=team_candidates(),
        label="Team",
        required=False,
        help_text="Tick everyone who will work the plan with the lead: officers, and partners from other agencies.",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )


def _review_field() -> forms.DateField:
    return forms.DateField(
        label="Review due",
        required=False,
        help_text="Leave blank for four weeks from today.",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


class CaseOpenForm(forms.Form):
    """Task an offender: a supervisor's decision, recorded with the reason for it."""

    offender = forms.ModelChoiceField(queryset=Offender.objects.none(), widget=forms.HiddenInput)
    lead = _lead_field()
    team = _team_field()
    reason = forms.CharField(
        label="Why are you tasking this offender?",
        help_text="The decision is yours; the score only advises.",
        validators=[rules.CASE_REASON.validator()],
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    review_due = _review_field()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offender"].queryset = offender_list(user=user)


class CaseEditForm(forms.Form):
    """Change the lead, the team or the review date of an open case."""

    lead = _lead_field()
    team = _team_field()
    review_due = forms.DateField(label="Review due", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class TransitionForm(forms.Form):
    """Move the case to another stage; every stage is accepted here so the service explains a refusal."""

    to = forms.ChoiceField(label="Move to stage", choices=CaseStage.choices, widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(
        label="Reason",
        validators=[rules.CASE_REASON.validator()],
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )
    exit_reason = forms.ChoiceField(
        label="Exit reason (when closing)",
        choices=[("", "Not closing")] + list(ExitReason.choices),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        if allowed:  # offer only the allowed moves; a forged value is still refused by the service
            self.fields["to"].widget.choices = [(v, CaseStage(v).label) for v in CaseStage.values if v in allowed]


class PartnerActionForm(forms.Form):
    """Add an action to one strand of the plan; a partner's is owned by the partner."""

    strand = forms.ChoiceField(label="Strand", choices=Strand.choices, widget=forms.Select(attrs=SELECT))
    description = forms.CharField(
        label="Action",
        validators=[rules.ACTION_DESCRIPTION.validator()],
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )
    due_on = forms.DateField(label="Due", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class ActionForm(PartnerActionForm):
    """Add an action to one strand of the plan, owned by anyone on the case."""

    kind = forms.TypedChoiceField(
        label="Kind",
        choices=ActionKind.choices,
        initial=ActionKind.GENERAL,
        required=False,
        empty_value=ActionKind.GENERAL,
        help_text="Enforcement actions wait for a recent safety check with any high-risk victim.",
        widget=forms.Select(attrs=SELECT),
    )
    owner = PersonChoiceField(
        queryset=team_candidates(), label="Owner", required=False, widget=forms.Select(attrs=SELECT)
    )
    field_order = ["strand", "kind", "description", "owner", "due_on"]


class ActionUpdateForm(forms.Form):
    """Complete (with an outcome) or cancel an action."""

    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.Select(attrs=SELECT))
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome")] + list(Outcome.choices),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    override_reason = forms.CharField(
        label="Override the safety gate (supervisors): why", required=False, max_length=1000
    )


class SafetyCheckForm(forms.Form):
    """Record a safety check with one victim of the case."""

    victim = forms.TypedChoiceField(label="Victim", coerce=int, choices=(), widget=forms.Select(attrs=SELECT))
    checked_on = forms.DateField(label="Checked on", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    risk_grade = forms.ChoiceField(
        label="Risk grade (DASH/DARA)", choices=RiskGrade.choices, widget=forms.Select(attrs=SELECT)
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].choices = [(row.victim.pk, row.victim.victim_ref) for row in victims]


class ClaresLawForm(forms.Form):
    """Record a Clare's Law (Domestic Violence Disclosure Scheme) decision."""

    route = forms.ChoiceField(label="Route", choices=DisclosureRoute.choices, widget=forms.Select(attrs=SELECT))
    decision = forms.ChoiceField(
        label="Decision", choices=DisclosureDecision.choices, widget=forms.Select(attrs=SELECT)
    )
    decided_on = forms.DateField(label="Decided on", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note", validators=[rules.CASE_NOTE.validator()], widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    shared_with_partners = forms.BooleanField(
        label="Share with partners on the team",
        required=False,
        help_text="Notes are police-only unless you tick this.",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class MeetingOpenForm(forms.Form):
    """Open a tasking meeting: its date and its chair (a supervisor)."""

    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    chair = PersonChoiceField(queryset=None, label="Chair", widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, chairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs


class MeetingDecisionForm(forms.Form):
    """The one decision on an agenda item, with its reason; the other fields serve one decision each."""

    decision = forms.ChoiceField(
        label="Decision", choices=DecisionKind.choices, widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"})
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Required for every decision: the decision is yours, the score only advises.",
        validators=[rules.CASE_REASON.validator()],
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    lead = _lead_field(required=False)
    team = _team_field()
    review_due = _review_field()
    until = forms.DateField(
        label="Deferred until", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    exit_reason = forms.ChoiceField(
        label="Why the case ends", required=False, choices=[("", "Choose"), *ExitReason.choices],
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip

    def decide_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["team"] = list(data.get("team") or [])
        return data


class MeetingReferralForm(forms.Form):
    """Add an offender to the agenda by hand, by his reference."""

    reference = forms.CharField(
        label="Offender reference", max_length=rules.REFERENCE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )  # fmt: skip
    reason = forms.CharField(
        label="Why is he referred?", validators=[rules.CASE_REASON.validator()], widget=forms.Textarea(attrs=TEXTAREA)
    )


class OrderForm(forms.Form):
    """Record a protective order against the case's offender, protecting victims of the case."""

    kind = forms.ChoiceField(label="Order", choices=OrderKind.choices, widget=forms.Select(attrs=SELECT))
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label="Ends on", required=False, help_text="Leave blank for an order until further order.",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )  # fmt: skip
    conditions = forms.CharField(
        label="Conditions", required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    protected_victims = forms.TypedMultipleChoiceField(
        label="Protected victims", coerce=int, required=False, choices=(),
        widget=forms.SelectMultiple(attrs={"class": "govuk-select portal-select-multiple", "size": 3}),
    )  # fmt: skip

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protected_victims"].choices = [(row.victim.pk, row.victim.victim_ref) for row in victims]
