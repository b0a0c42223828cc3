"""Case API under /api/v1/cases/: parse, find the case through restrict(), call one service, answer.

Reading a case needs case.view (officers and supervisors); notes and actions need case.work (the lead,
the team, supervisors); tasking, lead/team/review changes and stage moves need case.manage (supervisors).
Admin and oversight are refused everything here (403). A case the user may not see is a 404.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from offenders.services.access import list_view_record
from portal.accounts.guards import capability_permission
from portal.accounts.selectors import is_partner

from ..filters import CaseFilter, PartnerCaseFilter
from ..selectors import (
    action_get,
    case_actions,
    case_detail,
    case_disclosures,
    case_get,
    case_get_or_refuse,
    case_list,
    case_notes,
    case_victim_get,
    case_victims,
    partner_case,
)
from ..services.cases import (
    case_note_add,
    case_open,
    case_transition,
    case_update,
    case_view_record,
    partner_disclosure_record,
)
from ..services.plan_actions import plan_action_add, plan_action_update
from ..services.safety import (
    SafetyGateClosed,
    clares_law_record,
    clares_law_view_record,
    safety_check_days,
    safety_check_record,
    victims_view_record,
)
from .serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseNoteCreateSerializer,
    CaseNoteSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    CaseVictimSerializer,
    ClaresLawCreateSerializer,
    ClaresLawSerializer,
    PartnerCaseDetailSerializer,
    PartnerCaseSerializer,
    PlanActionCreateSerializer,
    PlanActionSerializer,
    PlanActionUpdateSerializer,
    SafetyCheckCreateSerializer,
    SafetyCheckSerializer,
    TransitionSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="Field errors; nothing was changed"),
    403: OpenApiResponse(description="Your role, or your place on the case, does not allow this"),
    404: OpenApiResponse(description="No such case (or not visible to you)"),
}


class CaseApiMixin:
    """Finds the case through the user's restricted queryset (a hidden case is a 404 and an audited refusal).

    A write checks the caller's place on the case before the body is parsed (the permission class's
    object check: a 403, not a 400, for someone not on it); the service checks again and decides.
    """

    def get_case(self):
        return case_get_or_refuse(user=self.request.user, case_id=self.kwargs["case_id"])

    def get_case_to_change(self):
        case = self.get_case()
        self.check_object_permissions(self.request, case)
        return case


def _detail(case, request) -> dict:
    """The case as the API detail answers it, from the case page's own selector (without its panels); a
    partner's redacted view (docs/partners.md) for a partner."""
    if is_partner(request.user):
        return PartnerCaseDetailSerializer(partner_case(case=case, user=request.user)).data
    if not hasattr(case, "open_action_count"):  # just written: read it back with the counts every case carries
        case = case_get(user=request.user, case_id=case.pk)
    detail = case_detail(user=request.user, case=case, panels=False)
    return CaseDetailSerializer(case, context={"request": request, "live_score": detail.live_score}).data


class CaseListCreate(CaseApiMixin, generics.ListCreateAPIView):
    """GET: cases you may read, filtered; POST: task an offender (supervisors)."""

    permission_classes = [capability_permission("case.view", "case.manage")]
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        return case_list(user=self.request.user).prefetch_related("team")

    def get_serializer_class(self):
        return PartnerCaseSerializer if is_partner(self.request.user) else CaseSerializer

    def filter_queryset(self, queryset):
        if is_partner(self.request.user):  # stage only: no filter may ask about his offences
            filterset = PartnerCaseFilter(self.request.query_params, queryset=queryset, request=self.request)
            return filterset.qs if filterset.is_valid() else queryset.none()
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        list_view_record(subject="case", query=request.GET.dict())
        response = super().list(request, *args, **kwargs)
        if is_partner(request.user):
            shown = [row["id"] for row in response.data.get("results", [])]
            partner_disclosure_record(user=request.user, what="case list", case_ids=shown)
        return response

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer, **REFUSALS})
    def post(self, request, *args, **kwargs):
        return self.create(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        incoming = CaseCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        case = case_open(**incoming.validated_data, by=request.user)
        return Response(_detail(case, request), status=status.HTTP_201_CREATED)


class CaseDetail(CaseApiMixin, APIView):
    """GET one case (audited as case.view); PATCH its lead, team or review date (supervisors)."""

    permission_classes = [capability_permission("case.view", "case.manage")]

    @extend_schema(responses={200: CaseDetailSerializer, **REFUSALS})
    def get(self, request, case_id):
        case = self.get_case()
        case_view_record(case=case, purpose=request.headers.get("X-Access-Purpose", "").strip()[:64])
        partner_disclosure_record(user=request.user, what="case", case=case)
        return Response(_detail(case, request))

    @extend_schema(request=CaseUpdateSerializer, responses={200: CaseDetailSerializer, **REFUSALS})
    def patch(self, request, case_id):
        case = self.get_case_to_change()
        incoming = CaseUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_update(case=case, by=request.user, **incoming.validated_data)
        return Response(_detail(case, request))


class CaseTransitionView(CaseApiMixin, APIView):
    """POST a stage move: tasked -> active -> charged -> active; any open stage -> closed (exit reason)."""

    permission_classes = [capability_permission("case.manage")]

    @extend_schema(request=TransitionSerializer, responses={200: CaseDetailSerializer, **REFUSALS})
    def post(self, request, case_id):
        case = self.get_case_to_change()
        incoming = TransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_transition(case=case, by=request.user, **incoming.validated_data)
        return Response(_detail(case, request))


class CaseActionList(CaseApiMixin, generics.ListAPIView):
    """GET the plan's actions (paginated like every list); POST a new action (the lead, the team, supervisors;
    a partner on the team, for themselves)."""

    permission_classes = [capability_permission("case.view", "case.act")]
    serializer_class = PlanActionSerializer
    filter_backends: list = []

    def get_queryset(self):
        case = self.get_case()
        if self.request.method == "GET":
            partner_disclosure_record(user=self.request.user, what="actions", case=case)
        return case_actions(case=case)

    @extend_schema(request=PlanActionCreateSerializer, responses={201: PlanActionSerializer, **REFUSALS})
    def post(self, request, case_id):
        case = self.get_case_to_change()
        incoming = PlanActionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        action = plan_action_add(case=case, by=request.user, **incoming.validated_data)
        action = action_get(case=case, action_id=action.pk)  # read back with `is_overdue`
        return Response(PlanActionSerializer(action).data, status=status.HTTP_201_CREATED)


class CaseActionDetail(CaseApiMixin, APIView):
    """GET one action; PATCH its status and outcome (done needs an outcome; a partner: their own actions)."""

    permission_classes = [capability_permission("case.view", "case.act")]

    @extend_schema(responses={200: PlanActionSerializer, **REFUSALS})
    def get(self, request, case_id, action_id):
        case = self.get_case()
        action = action_get(case=case, action_id=action_id)
        partner_disclosure_record(user=request.user, what="action", case=case)
        return Response(PlanActionSerializer(action).data)

    @extend_schema(request=PlanActionUpdateSerializer, responses={200: PlanActionSerializer, **REFUSALS})
    def patch(self, request, case_id, action_id):
        case = self.get_case_to_change()
        action = action_get(case=case, action_id=action_id)
        incoming = PlanActionUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            action = plan_action_update(action=action, by=request.user, **incoming.validated_data)
        except SafetyGateClosed as closed:
            return Response({"detail": closed.detail, "victims": closed.victim_refs}, status=status.HTTP_409_CONFLICT)
        action = action_get(case=case, action_id=action.pk)  # read back with `is_overdue`
        return Response(PlanActionSerializer(action).data)


class CaseNoteList(CaseApiMixin, generics.ListAPIView):
    """GET the case's notes (paginated); POST {"text"} adds one (the lead, the team, supervisors)."""

    permission_classes = [capability_permission("case.view", "case.work")]
    serializer_class = CaseNoteSerializer
    filter_backends: list = []

    def get_queryset(self):
        case = self.get_case()
        if self.request.method == "GET":
            partner_disclosure_record(user=self.request.user, what="notes", case=case)
        return case_notes(case=case, user=self.request.user)

    @extend_schema(request=CaseNoteCreateSerializer, responses={201: CaseNoteSerializer, **REFUSALS})
    def post(self, request, case_id):
        case = self.get_case_to_change()
        incoming = CaseNoteCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = case_note_add(case=case, by=request.user, **incoming.validated_data)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class CaseVictimList(CaseApiMixin, generics.ListAPIView):
    """GET the victims of the offender's counted offences with their safety (the case team only)."""

    permission_classes = [capability_permission("case.safety")]
    serializer_class = CaseVictimSerializer
    filter_backends: list = []

    def get_queryset(self):
        case = self.get_case_to_change()
        victims_view_record(case=case)
        return case_victims(case=case, days=safety_check_days())


class CaseSafetyCheckCreate(CaseApiMixin, APIView):
    """POST {"checked_on", "risk_grade", "notes"} (optionally "marac", "idva"): a safety check with one victim."""

    permission_classes = [capability_permission("case.safety")]

    @extend_schema(request=SafetyCheckCreateSerializer, responses={201: SafetyCheckSerializer, **REFUSALS})
    def post(self, request, case_id, victim_id):
        case = self.get_case_to_change()
        victim = case_victim_get(case=case, victim_id=victim_id)
        incoming = SafetyCheckCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        check = safety_check_record(case=case, victim=victim, by=request.user, **incoming.validated_data)
        return Response(SafetyCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class CaseClaresLawList(CaseApiMixin, generics.ListAPIView):
    """GET the case's Clare's Law decisions (paginated, latest first); POST {"route", "decision",
    "decided_on"} records one. The case team only, as on the case page; every read and write is audited."""

    permission_classes = [capability_permission("case.safety")]
    serializer_class = ClaresLawSerializer
    filter_backends: list = []

    def get_queryset(self):
        case = self.get_case_to_change()
        clares_law_view_record(case=case)
        return case_disclosures(case=case)

    @extend_schema(request=ClaresLawCreateSerializer, responses={201: ClaresLawSerializer, **REFUSALS})
    def post(self, request, case_id):
        case = self.get_case_to_change()
        incoming = ClaresLawCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        disclosure = clares_law_record(case=case, by=request.user, **incoming.validated_data)
        return Response(ClaresLawSerializer(disclosure).data, status=status.HTTP_201_CREATED)
