"""API shapes of cases, stage changes and plan actions. Input serializers only parse; services hold the rules."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from offenders import rules
from offenders.models import Offender
from offenders.selectors import offender_list

from ..models import (
    ActionKind,
    ActionStatus,
    Case,
    CaseNote,
    CaseStage,
    CaseStageChange,
    ClaresLawDisclosure,
    DisclosureDecision,
    DisclosureRoute,
    ExitReason,
    MaracStatus,
    Outcome,
    PlanAction,
    RiskGrade,
    SafetyCheck,
)
from ..models import Strand as StrandChoices


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class CaseOffenderSerializer(serializers.Serializer):
    """The offender as a case shows him (only roles that may read his record reach case endpoints)."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


def _exit_reason_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=ExitReason.choices, allow_blank=True, read_only=True, help_text="Blank unless the case was closed."
    )


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = serializers.ChoiceField(
        choices=CaseStage.choices, allow_blank=True, read_only=True, help_text="Blank when the case was opened."
    )
    exit_reason = _exit_reason_field()

    class Meta:
        model = CaseStageChange
        fields = ["id", "from_stage", "to_stage", "reason", "exit_reason", "changed_by_username", "changed_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    """A case as a list row."""

    offender = CaseOffenderSerializer(read_only=True)
    lead = PersonSerializer(read_only=True)
    team = PersonSerializer(many=True, read_only=True)
    exit_reason = _exit_reason_field()
    open_action_count = serializers.IntegerField(read_only=True)
    overdue_action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "offender", "lead", "team", "stage", "reason", "review_due", "exit_reason", "score_at_tasking",
            "rank_at_tasking", "policy_at_tasking", "score_at_exit", "rank_at_exit", "policy_at_exit",
            "opened_by_username", "opened_at", "closed_at",
            "last_activity_at", "open_action_count", "overdue_action_count",
        ]  # fmt: skip
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """A case with its history and the offender's score now beside the score when tasked."""

    stage_changes = StageChangeSerializer(many=True, read_only=True)
    score_now = serializers.SerializerMethodField()
    rank_now = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "score_now", "rank_now", "stage_changes"]
        read_only_fields = fields

    def get_score_now(self, case) -> float | None:
        live = self.context.get("live_score")
        return live.score if live else None

    def get_rank_now(self, case) -> int | None:
        live = self.context.get("live_score")
        return live.rank if live else None


def _people():
    return get_user_model().objects.filter(is_active=True)


class CaseCreateSerializer(serializers.Serializer):
    offender = serializers.PrimaryKeyRelatedField(queryset=Offender.objects.none())
    lead = serializers.PrimaryKeyRelatedField(queryset=_people())
    team = serializers.PrimaryKeyRelatedField(queryset=_people(), many=True, required=False)
    reason = serializers.CharField(allow_blank=True, validators=[rules.CASE_REASON.validator()])
    review_due = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request else None
        self.fields["offender"].queryset = offender_list(user=user)


class CaseUpdateSerializer(serializers.Serializer):
    lead = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=_people(), many=True, required=False)
    review_due = serializers.DateField(required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStage.choices)
    reason = serializers.CharField(allow_blank=True, validators=[rules.CASE_REASON.validator()])
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, required=False, allow_blank=True)


class PlanActionSerializer(serializers.ModelSerializer):
    owner = PersonSerializer(read_only=True)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, allow_blank=True, read_only=True, help_text="Blank until the action is done."
    )
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="Open, on an open case, and due before today (as annotated by cases.selectors)."
    )

    class Meta:
        model = PlanAction
        fields = [
            "id", "case", "strand", "kind", "description", "owner", "due_on", "status", "outcome", "completed_at",
            "is_overdue", "overdue_marked_on", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanActionCreateSerializer(serializers.Serializer):
    strand = serializers.ChoiceField(choices=StrandChoices.choices)
    kind = serializers.ChoiceField(
        choices=ActionKind.choices,
        required=False,
        default=ActionKind.GENERAL,
        help_text="enforcement: arrest, search, order application, disruption visit (the safety gate applies).",
    )
    description = serializers.CharField(allow_blank=True, validators=[rules.ACTION_DESCRIPTION.validator()])
    owner = serializers.PrimaryKeyRelatedField(queryset=_people())
    due_on = serializers.DateField()


class PlanActionUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="A supervisor's reason to complete an enforcement action past the victims' safety gate.",
    )


class CaseVictimSerializer(serializers.Serializer):
    """A victim on the case, by the force's reference, with what the case team knows of her safety."""

    id = serializers.IntegerField(source="victim.pk", read_only=True)
    reference = serializers.CharField(source="victim.victim_ref", read_only=True)
    risk_grade = serializers.ChoiceField(choices=RiskGrade.choices, allow_null=True, read_only=True)
    marac = serializers.ChoiceField(choices=MaracStatus.choices, read_only=True)
    idva = serializers.IntegerField(source="idva_id", read_only=True, allow_null=True)
    last_safety_check_on = serializers.DateField(allow_null=True, read_only=True)
    needs_check = serializers.BooleanField(
        read_only=True, help_text="High risk with no safety check in the configured days: the safety gate waits."
    )


class SafetyCheckCreateSerializer(serializers.Serializer):
    checked_on = serializers.DateField()
    risk_grade = serializers.ChoiceField(choices=RiskGrade.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    marac = serializers.ChoiceField(choices=MaracStatus.choices, required=False)
    idva = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)


class SafetyCheckSerializer(serializers.ModelSerializer):
    victim = serializers.IntegerField(source="safety.victim_id", read_only=True)

    class Meta:
        model = SafetyCheck
        fields = ["id", "victim", "checked_on", "risk_grade", "notes", "checked_by_username", "created_at"]
        read_only_fields = fields


class ClaresLawCreateSerializer(serializers.Serializer):
    """Parses a Clare's Law decision; the service decides (a decision dated in the future is a 400)."""

    route = serializers.ChoiceField(choices=DisclosureRoute.choices)
    decision = serializers.ChoiceField(choices=DisclosureDecision.choices)
    decided_on = serializers.DateField()


class ClaresLawSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaresLawDisclosure
        fields = ["id", "case", "route", "decision", "decided_on", "decided_by_username", "created_at"]
        read_only_fields = fields


class CaseNoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, validators=[rules.CASE_NOTE.validator()])
    shared_with_partners = serializers.BooleanField(
        required=False, default=False, help_text="Police-only unless true: partners on the team see only these."
    )


class CaseNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "case", "text", "author_username", "created_at", "shared_with_partners"]
        read_only_fields = fields


class PartnerCaseSerializer(serializers.ModelSerializer):
    """A case as a partner on its team reads it (docs/partners.md): the offender's name and reference, who
    leads it, where it stands; never his offences, crime references, ethnicity, score or the tasking reason."""

    offender = CaseOffenderSerializer(read_only=True)
    lead = PersonSerializer(read_only=True)
    team = PersonSerializer(many=True, read_only=True)
    open_action_count = serializers.IntegerField(read_only=True)
    overdue_action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "offender", "lead", "team", "stage", "review_due", "opened_at", "closed_at",
            "open_action_count", "overdue_action_count",
        ]  # fmt: skip
        read_only_fields = fields


class PartnerCaseDetailSerializer(PartnerCaseSerializer):
    """A partner's case with the plan's actions and the notes marked for partners."""

    actions = PlanActionSerializer(many=True, read_only=True, source="partner_actions")
    notes = CaseNoteSerializer(many=True, read_only=True, source="partner_notes")

    class Meta(PartnerCaseSerializer.Meta):
        fields = [*PartnerCaseSerializer.Meta.fields, "actions", "notes"]
        read_only_fields = fields
