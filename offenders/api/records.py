"""Records review and subject access on the API (docs/records.md): `reviews/` (the queue),
`offenders/<id>/review/` (an outcome) and `offenders/<id>/subject-access/` (the bundle)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.api.writes import created_or_conflict

from ..models import Offender, ReviewOutcome
from ..records import record_for, review_queue, subject_access_bundle
from ..services.access import subject_access_disclose
from ..services.disposal import DisposalRefused
from ..services.reviews import offender_review


class ReviewQueueSerializer(serializers.ModelSerializer):
    """A record due for review, by its pseudonymous reference (admins see no identities)."""

    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Offender
        fields = ["id", "reference", "review_due", "restricted", "status"]


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ReviewResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    offender = serializers.IntegerField(source="offender_id")
    outcome = serializers.CharField()
    next_review_on = serializers.DateField(allow_null=True)
    reviewed_at = serializers.DateTimeField()


class SubjectAccessSerializer(serializers.Serializer):
    """The subject access bundle (docs/records.md); `cases` is the cases app's section."""

    reference = serializers.CharField()
    generated_at = serializers.CharField()
    personal_data = serializers.DictField()
    offences = serializers.ListField(child=serializers.DictField())
    score = serializers.DictField(allow_null=True)
    cases = serializers.ListField(child=serializers.DictField(), required=False)
    reviews = serializers.ListField(child=serializers.DictField())


class ReviewQueueView(generics.ListAPIView):
    """Records whose review date has come: supervisors and admins."""

    permission_classes = [capability_permission("records.review")]
    serializer_class = ReviewQueueSerializer

    def get_queryset(self):
        return review_queue(user=self.request.user)


class OffenderReviewView(APIView):
    permission_classes = [capability_permission("records.review")]

    @extend_schema(
        request=ReviewInputSerializer,
        responses={201: ReviewResultSerializer},  # 409 (an open case: close it first) as every write's
    )
    def post(self, request, pk):
        offender = record_for(user=request.user, pk=pk, capability="records.review")
        incoming = ReviewInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return created_or_conflict(
            lambda: offender_review(offender=offender, by=request.user, **incoming.validated_data),
            conflict=DisposalRefused,
            answer=lambda review: ReviewResultSerializer(review).data,
        )


class SubjectAccessView(APIView):
    permission_classes = [capability_permission("records.subject_access")]

    @extend_schema(responses={200: SubjectAccessSerializer})
    def get(self, request, pk):
        offender = record_for(user=request.user, pk=pk, capability="records.subject_access")
        subject_access_disclose(offender=offender, channel_format="json", by=request.user)
        return Response(subject_access_bundle(offender=offender))
