"""API shapes of partner organisations and their information-sharing agreements (admins only)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organisation, SharingAgreement
from ..services import AGREEMENT_TEXT_MAX, ORGANISATION_NAME_MAX


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=ORGANISATION_NAME_MAX)

    class Meta:
        model = Organisation
        fields = ["id", "name", "created_at"]
        read_only_fields = ["id", "created_at"]


class SharingAgreementSerializer(serializers.ModelSerializer):
    organisation: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = [
            "id", "organisation", "organisation_name", "purpose", "legal_basis", "starts_on", "ends_on", "in_force",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_in_force(self, agreement) -> bool:
        return SharingAgreement.objects.in_force().filter(pk=agreement.pk).exists()


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class OrganisationRefField(serializers.Field):
    """An organisation by id or by its exact name."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).strip():
            raise serializers.ValidationError("Give the organisation's id or name.")
        text = str(data).strip()
        found = Organisation.objects.filter(pk=int(text)).first() if text.isdigit() else None
        found = found or Organisation.objects.filter(name=text[:ORGANISATION_NAME_MAX]).first()
        if found is None:
            raise serializers.ValidationError(f"There is no organisation {text[:40]!r}.")
        return found

    def to_representation(self, value):
        return value.pk


class SharingAgreementCreateSerializer(serializers.Serializer):
    organisation = OrganisationRefField()
    purpose = serializers.CharField(max_length=AGREEMENT_TEXT_MAX, allow_blank=True)
    legal_basis = serializers.CharField(max_length=AGREEMENT_TEXT_MAX, allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class SharingAgreementUpdateSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=AGREEMENT_TEXT_MAX, allow_blank=True, required=False)
    legal_basis = serializers.CharField(max_length=AGREEMENT_TEXT_MAX, allow_blank=True, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
