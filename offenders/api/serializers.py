"""API shapes of offenders and offences. Input serializers only parse types; the services hold the rules."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import rules
from ..choices import ETHNICITY_CHOICES, OffenceStatus, OffenderStatus, Relationship, Sex
from ..models import Offence, Offender
from ..selectors import offender_list


class OffenderSerializer(serializers.ModelSerializer):
    """An offender as a list row (identity fields: only officers and supervisors reach this endpoint)."""

    reference = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    ethnicity = serializers.ChoiceField(
        choices=ETHNICITY_CHOICES, allow_blank=True, read_only=True, help_text="ONS 2021 code; blank: not stated"
    )

    class Meta:
        model = Offender
        fields = [
            "id", "reference", "suspect_ref", "surname", "forenames", "display_name", "date_of_birth", "sex",
            "ethnicity", "restricted", "status", "review_due", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OffenceSerializer(serializers.ModelSerializer):
    """An offence in the shape of the import columns, with `offender` (an id) for the suspect columns."""

    offence_code = serializers.CharField(source="offence_type.code", read_only=True)
    offence_title = serializers.CharField(source="offence_type.title", read_only=True)
    victim_ref = serializers.CharField(source="victim.victim_ref", read_only=True)
    offender_reference = serializers.CharField(source="offender.reference", read_only=True)

    class Meta:
        model = Offence
        fields = [
            "id", "crime_ref", "offence_code", "offence_title", "occurred_on", "reported_on", "status", "offender",
            "offender_reference", "victim_ref", "victim_relationship", "borough", "domestic", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OffenderDetailSerializer(OffenderSerializer):
    """The profile: identity, the live score with its breakdown, and the offences newest first."""

    score = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    eligible = serializers.SerializerMethodField()
    components = serializers.SerializerMethodField()
    scoring_policy = serializers.SerializerMethodField()
    breakdown = serializers.SerializerMethodField()
    offences = OffenceSerializer(many=True, read_only=True, source="timeline")

    class Meta(OffenderSerializer.Meta):
        fields = [
            *OffenderSerializer.Meta.fields, "score", "rank", "eligible", "components", "scoring_policy", "breakdown",
            "offences",
        ]  # fmt: skip
        read_only_fields = fields

    def _summary(self) -> dict:
        return self.context.get("score_summary") or {}

    def get_score(self, offender) -> float | None:
        return self._summary().get("score")

    def get_rank(self, offender) -> int | None:
        return self._summary().get("rank")

    def get_eligible(self, offender) -> bool:
        return bool(self._summary().get("eligible"))

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_components(self, offender) -> dict | None:
        return self._summary().get("components")

    @extend_schema_field(serializers.DictField(allow_null=True, help_text="Version and whether it is illustrative"))
    def get_scoring_policy(self, offender) -> dict | None:
        return self._summary().get("policy")

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), help_text="One row per counted offence"))
    def get_breakdown(self, offender) -> list[dict]:
        return self._summary().get("breakdown", [])


class OffenderWriteSerializer(serializers.Serializer):
    """POST and PATCH of an offender; `restricted` needs the mark-restricted grant (checked by the service)."""

    suspect_ref = serializers.CharField(allow_blank=True, validators=[rules.SUSPECT_REF.validator()])
    surname = serializers.CharField(allow_blank=True, validators=[rules.SURNAME.validator()])
    forenames = serializers.CharField(allow_blank=True, validators=[rules.FORENAMES.validator()])
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    ethnicity = serializers.CharField(required=False, allow_blank=True, help_text="ONS 2021 code, e.g. W1, or blank")
    status = serializers.ChoiceField(choices=OffenderStatus.choices, required=False)
    review_due = serializers.DateField(required=False, allow_null=True)
    restricted = serializers.BooleanField(required=False)

    # The import format's column names (docs/imports.md) are accepted too, so a client that speaks
    # the CSV's vocabulary can create the same offender through the API.
    IMPORT_ALIASES = {
        "suspect_surname": "surname",
        "suspect_forenames": "forenames",
        "suspect_dob": "date_of_birth",
        "suspect_sex": "sex",
        "suspect_ethnicity": "ethnicity",
    }

    def to_internal_value(self, data):
        if hasattr(data, "items"):
            renamed = {self.IMPORT_ALIASES.get(key, key): value for key, value in data.items()}
            data = {**renamed, **{key: data[key] for key in data if key in self.fields}}
        return super().to_internal_value(data)


class OffenceWriteSerializer(serializers.Serializer):
    """POST and PATCH of an offence: the import columns, `offender` being an id this user may edit."""

    crime_ref = serializers.CharField(allow_blank=True, validators=[rules.CRIME_REF.validator()])
    offence_code = serializers.CharField(allow_blank=True, help_text="e.g. 008/67 (00867 also accepted)")
    occurred_on = serializers.DateField()
    reported_on = serializers.DateField()
    status = serializers.ChoiceField(choices=OffenceStatus.choices)
    offender = serializers.PrimaryKeyRelatedField(queryset=Offender.objects.none())
    victim_ref = serializers.CharField(allow_blank=True, validators=[rules.VICTIM_REF.validator()])
    victim_relationship = serializers.ChoiceField(choices=Relationship.choices, required=False)
    borough = serializers.CharField(required=False, allow_blank=True, validators=[rules.BOROUGH.validator()])
    domestic = serializers.BooleanField(required=False)

    def get_fields(self):
        """Only offenders this user may edit can be named: a hidden one is as unknown as a missing one."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["offender"].queryset = offender_list(user=request.user, capability="offender.edit")
        return fields
