"""API shapes of tasking meetings (a meeting, its agenda items, their decisions). Serializers only shape
and parse; cases/services/meetings.py decides. Admin and oversight read them pseudonymised: no names, no
free-text reasons (`identities` in the context is False for them)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offenders import rules
from offenders.models import Offender
from offenders.selectors import offender_list

from ..models import DecisionKind, ExitReason, MeetingItemKind, TaskingMeeting


def _people():
    return get_user_model().objects.filter(is_active=True)


class MeetingOffenderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    display_name = serializers.SerializerMethodField(help_text="Null when pseudonymised for this user.")

    def get_display_name(self, offender) -> str | None:
        return offender.display_name if self.context.get("identities") else None


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DecisionKind.choices, read_only=True)
    reason = serializers.SerializerMethodField(help_text="Null when pseudonymised for this user.")
    decided_by = serializers.CharField(source="decided_by_username", read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)
    until = serializers.DateField(source="defer_until", read_only=True, allow_null=True)
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, allow_blank=True, read_only=True)

    def get_reason(self, decision) -> str | None:
        return decision.reason if self.context.get("identities") else None


class MeetingItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=MeetingItemKind.choices, read_only=True)
    offender = MeetingOffenderSerializer(read_only=True)
    rank = serializers.IntegerField(read_only=True, allow_null=True)
    score = serializers.FloatField(read_only=True, allow_null=True)
    movement = serializers.IntegerField(read_only=True, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    decision = serializers.SerializerMethodField()

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, item) -> dict | None:
        decision = getattr(item, "decision", None) if item.decided_at else None
        return DecisionSerializer(decision, context=self.context).data if decision else None


class MeetingSerializer(serializers.ModelSerializer):
    chair = serializers.IntegerField(source="chair_id", read_only=True)
    chair_username = serializers.CharField(read_only=True)
    snapshot = serializers.IntegerField(source="snapshot_id", read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    decided_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TaskingMeeting
        fields = [
            "id", "held_on", "chair", "chair_username", "snapshot", "top_n", "is_open", "opened_at",
            "closed_at", "item_count", "decided_count",
        ]  # fmt: skip
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    chair = serializers.PrimaryKeyRelatedField(queryset=_people())


class ReferralSerializer(serializers.Serializer):
    offender = serializers.PrimaryKeyRelatedField(queryset=Offender.objects.none())
    reason = serializers.CharField(allow_blank=True, validators=[rules.CASE_REASON.validator()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["offender"].queryset = offender_list(user=request.user if request else None)


class DecisionCreateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.CharField(allow_blank=True, validators=[rules.CASE_REASON.validator()])
    lead = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=_people(), many=True, required=False)
    review_due = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, required=False, allow_blank=True)


class MeetingDetailSerializer(MeetingSerializer):
    items = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(MeetingItemSerializer(many=True))
    def get_items(self, meeting) -> list:
        return list(MeetingItemSerializer(self.context["items"], many=True, context=self.context).data)
